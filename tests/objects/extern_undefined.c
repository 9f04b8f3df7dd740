// Used by the extern error test: a call to a plain extern function that
// no object, kernel or kfunc set defines. bpfpin must refuse it naming
// "undefined extern function `not_defined_anywhere`" (aya surfaced it as the
// verifier's "call stack ... too deep").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

extern int not_defined_anywhere(int x);

SEC("xdp")
int calls_undefined(struct xdp_md *ctx)
{
	return not_defined_anywhere(2) ? XDP_PASS : XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
