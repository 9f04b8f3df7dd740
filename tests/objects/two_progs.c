// Used by the multi-program tests (load all / pick one program by name,
// program order): two XDP programs sharing one BTF hash map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} shared_map SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&shared_map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&shared_map, &key, &one, BPF_NOEXIST);
}

SEC("xdp")
int first_prog(struct xdp_md *ctx)
{
	bump(1);
	return XDP_PASS;
}

SEC("xdp")
int second_prog(struct xdp_md *ctx)
{
	bump(2);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
