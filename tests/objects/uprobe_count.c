// Used by the uprobe tests (tests/it/uprobe.rs): a counter per hook kind in
// .bss, read back with `map dump` after a test binary ran.
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

__u64 entries;	/* calls seen by the uprobe */
__u64 returns;	/* calls seen by the uretprobe */
__s64 last_ret;	/* the last value the probed function returned */
__u64 multi;	/* calls seen by the uprobe.multi program */

SEC("uprobe")
int count_entry(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&entries, 1);
	return 0;
}

SEC("uretprobe")
int count_return(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&returns, 1);
	last_ret = PT_REGS_RC(ctx);
	return 0;
}

SEC("uprobe.multi")
int count_multi(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&multi, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
