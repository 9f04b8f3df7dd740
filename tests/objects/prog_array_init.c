// Used by the static-initialisation tests: a prog array whose slot 1 holds
// `target_prog` and a hash of maps whose key 3 holds `inner_a`, both
// declared in the object (`__array(values, ...)` with `.values = {...}`):
// the loader fills them after the programs and maps exist, as libbpf does.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp")
int target_prog(struct xdp_md *ctx)
{
	return XDP_DROP;
}

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, int (void *));
} jmp SEC(".maps") = {
	.values = { [1] = (void *)&target_prog },
};

struct inner {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u64);
};

struct inner inner_a SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} outer SEC(".maps") = {
	.values = { [3] = &inner_a },
};

SEC("xdp")
int entry_prog(struct xdp_md *ctx)
{
	__u32 key = 3;
	void *inner = bpf_map_lookup_elem(&outer, &key);

	if (inner) {
		__u32 k = 0;
		__u64 *v = bpf_map_lookup_elem(inner, &k);

		if (v)
			__sync_fetch_and_add(v, 1);
	}
	bpf_tail_call(ctx, &jmp, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
