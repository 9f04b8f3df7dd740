// Used by the freplace tests: an XDP program calling a global (not inlined,
// BTF linkage global) subprogram `check`, which freplace.o replaces.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__noinline int check(struct xdp_md *ctx)
{
	return ctx->data_end - ctx->data > 1000 ? XDP_DROP : XDP_PASS;
}

SEC("xdp")
int freplace_target(struct xdp_md *ctx)
{
	return check(ctx);
}

char LICENSE[] SEC("license") = "GPL";
