// Used by the freplace tests: an extension program replacing the global
// subprogram `check` of freplace_target.o. Its target program is given at
// load time (`--attach-prog pinned PATH` or `--attach-prog id N`); it loads
// as type ext with the target's `check` as attach_btf.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("freplace/check")
int new_check(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
