// Used by the `prog show` metadata tests: bpftool's convention of
// `bpf_metadata_*` variables in .rodata, shown as `metadata` by `prog show`.
// The program reads one of them so the .rodata map is among its maps even
// for a loader that does not bind it with BPF_PROG_BIND_MAP as libbpf does.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

const char bpf_metadata_name[] SEC(".rodata") = "bpfpin";
volatile const int bpf_metadata_answer SEC(".rodata") = 42;
const volatile __u32 not_metadata = 3;

SEC("xdp")
int metadata_prog(struct xdp_md *ctx)
{
	return bpf_metadata_answer == 42 ? XDP_PASS : XDP_DROP + not_metadata;
}

char LICENSE[] SEC("license") = "GPL";
