// Used by the name-truncation tests: the kernel keeps only the first 15
// characters of program and map names (BPF_OBJ_NAME_LEN is 16), so these
// show up as "this_is_a_very_" and "a_map_with_a_ve" in kernel listings.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} a_map_with_a_very_long_name SEC(".maps");

SEC("xdp")
int this_is_a_very_long_program_name(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&a_map_with_a_very_long_name, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
