// Used by the global-data tests: one of each global section, loaded as the
// internal maps .data, .rodata and .bss globals.data, globals.rodata, globals.bss (pinned as globals_data, ...).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 data_var = 7;			/* .data */
const volatile __u32 cfg_ratio = 7;	/* .rodata */
__u64 bss_counter;			/* .bss */

SEC("xdp")
int globals_prog(struct xdp_md *ctx)
{
	__sync_fetch_and_add(&bss_counter, 1);
	data_var += cfg_ratio;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
