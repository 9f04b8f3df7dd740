// Used by the failed-load tests: bad_prog is rejected by the verifier, so
// loading this object must fail and leave no programs and no map pins
// behind (not even reject_pinned, which is pinned by name).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
} reject_map SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 4);
	__uint(pinning, LIBBPF_PIN_BY_NAME);
} reject_pinned SEC(".maps");

SEC("xdp")
int good_prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&reject_map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	v = bpf_map_lookup_elem(&reject_pinned, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

SEC("xdp")
int bad_prog(struct xdp_md *ctx)
{
	__u32 key = 1;
	__u64 *v = bpf_map_lookup_elem(&reject_map, &key);

	/* deliberately no NULL check: the verifier must refuse this */
	__sync_fetch_and_add(v, 1);
	v = bpf_map_lookup_elem(&reject_pinned, &key);
	return v ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
