// Used by the prog-array / tail-call tests: tail_entry jumps through
// jmp_table[0]; tests put tail_target there and check tail_hits[0..1].
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* key_size/value_size rather than __type(): prog arrays take no BTF types,
 * and it is left empty (aya rejects a static `.values` initialiser). */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 4);
} jmp_table SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} tail_hits SEC(".maps");

static __always_inline void hit(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&tail_hits, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("xdp")
int tail_entry(struct xdp_md *ctx)
{
	hit(0);
	bpf_tail_call(ctx, &jmp_table, 0);
	return XDP_PASS;	/* slot 0 empty */
}

SEC("xdp")
int tail_target(struct xdp_md *ctx)
{
	hit(1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
