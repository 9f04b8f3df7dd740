// Programs in libbpf section names that aya-obj 0.3 rejects.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} counters SEC(".maps");

static __attribute__((noinline)) int bump(__u32 slot)
{
	__u64 *v = bpf_map_lookup_elem(&counters, &slot);
	if (v)
		__sync_fetch_and_add(v, 1);
	return 0;
}

SEC("tc")
int tc_prog(struct __sk_buff *skb)
{
	bump(0);
	return 0;
}

SEC("tcx/ingress")
int tcx_in_prog(struct __sk_buff *skb)
{
	__u32 k = 1;
	__u64 *v = bpf_map_lookup_elem(&counters, &k);
	if (v)
		*v += skb->len;
	return 0;
}

SEC("socket1")
int sock_prog(struct __sk_buff *skb)
{
	bump(2);
	return skb->len;
}

SEC("xdp")
int xdp_prog(struct xdp_md *ctx)
{
	__u32 k = 3;
	__u64 *v = bpf_map_lookup_elem(&counters, &k);
	if (v)
		*v += 1;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
