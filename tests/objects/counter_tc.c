// Used by the network-hook tests (net attach tc): counts packets and
// bytes into tc_count[0] while tests ping through the interface.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

struct counts {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct counts);
	__uint(max_entries, 1);
} tc_count SEC(".maps");

SEC("tc")
int count_tc(struct __sk_buff *skb)
{
	__u32 key = 0;
	struct counts *c = bpf_map_lookup_elem(&tc_count, &key);

	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, skb->len);
	}
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
