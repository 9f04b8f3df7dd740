// The map definitions of the kernel's old samples/bpf (bpf_load.c era):
// 28-byte records ending in inner_map_idx and numa_node, where aya's
// 28-byte layout has id and pinning. `outer` is an array of maps whose
// inner template is map 0 in section order (`inner`), with value_size 0 as
// those samples wrote it (their loader set the fd size itself).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct bpf_map_def_samples {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
	unsigned int inner_map_idx;
	unsigned int numa_node;
};

struct bpf_map_def_samples SEC("maps") inner = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def_samples SEC("maps") outer = {
	.type = BPF_MAP_TYPE_ARRAY_OF_MAPS,
	.key_size = sizeof(__u32),
	.max_entries = 2,
	.inner_map_idx = 0,
};

SEC("xdp")
int samples_outer(struct xdp_md *ctx)
{
	__u32 k = 0;
	void *m = bpf_map_lookup_elem(&outer, &k);
	if (!m)
		return XDP_PASS;
	__u64 *v = bpf_map_lookup_elem(m, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
