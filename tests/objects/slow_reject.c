// Used by the bounded-verifier-log test: a bounded loop the verifier walks
// iteration by iteration (hundreds of thousands of instructions, a log far
// over 16 MB at log level 1), then a number used as a pointer: rejected at the very
// end with `invalid mem access 'scalar'`.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} slow_map SEC(".maps");

SEC("xdp")
int slow_reject(struct xdp_md *ctx)
{
	__u64 acc = ctx->data_end - ctx->data;
	__u32 key = 0;
	__u64 *v;

	for (int i = 0; i < 120000; i++) {
		acc = acc * 3 + i;
		asm volatile("" : "+r"(acc));
	}
	v = bpf_map_lookup_elem(&slow_map, &key);
	if (v)
		*v = acc;
	return *(volatile __u64 *)(long)acc; /* a scalar as a pointer: refused */
}

char LICENSE[] SEC("license") = "GPL";
