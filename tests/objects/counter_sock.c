// Used by the network-hook tests (socket filter attach): counts packets
// seen by the socket into sock_count[0].  Returns skb->len so the socket
// keeps every packet (returning 0 would drop them for this socket).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} sock_count SEC(".maps");

SEC("socket")
int count_sock(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&sock_count, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
