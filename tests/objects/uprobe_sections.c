// Used by the uprobe tests (tests/it/uprobe.rs): sections that name their
// target completely, in libbpf's forms, so `link attach PROG PATH` needs no
// TARGET. The test compiles its binaries to these fixed paths.
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>
#include <bpf/usdt.bpf.h>

__u64 sec_entries;
__u64 sec_returns;
__u64 sec_multi;
long sec_usdt_a;

SEC("uprobe//tmp/bpfpin-uprobe-sections/work:do_work")
int sec_entry(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&sec_entries, 1);
	return 0;
}

SEC("uretprobe//tmp/bpfpin-uprobe-sections/work:do_work+0")
int sec_return(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&sec_returns, 1);
	return 0;
}

SEC("uprobe.multi//tmp/bpfpin-uprobe-sections/work:do_*")
int sec_multi_prog(struct pt_regs *ctx)
{
	__sync_fetch_and_add(&sec_multi, 1);
	return 0;
}

SEC("usdt//tmp/bpfpin-uprobe-sections/usdt:bpfpin:triple")
int BPF_USDT(sec_usdt, int a)
{
	sec_usdt_a += a;
	return 0;
}

/* Needs a TARGET: no binary in the section. */
SEC("uprobe")
int sec_bare(struct pt_regs *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
