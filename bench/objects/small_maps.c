// Bench object for `prog loadall (small, no CO-RE)`: two XDP programs, one
// BTF hash map and a .bss counter, no CO-RE relocations, so a loader needs
// no kernel BTF for it.
// Build: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c small_maps.c -o small_maps.o
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 64);
} small_counts SEC(".maps");

__u64 small_total;

static __always_inline int count(__u32 key)
{
	__u64 one = 1, *v = bpf_map_lookup_elem(&small_counts, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&small_counts, &key, &one, BPF_NOEXIST);
	__sync_fetch_and_add(&small_total, 1);
	return XDP_PASS;
}

SEC("xdp")
int small_a(struct xdp_md *ctx)
{
	return count(0);
}

SEC("xdp")
int small_b(struct xdp_md *ctx)
{
	return count(1);
}

char LICENSE[] SEC("license") = "GPL";
