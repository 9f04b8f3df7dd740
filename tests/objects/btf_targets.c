// Used by the loader tests of programs whose attach target is fixed at load
// time and comes from the section name, resolved in vmlinux BTF:
// tp_btf/, iter/, fentry/, fexit/, fmod_ret/, lsm/, lsm.s/, fentry.s/.
// Load one program at a time (`prog load ... --prog NAME`): on the test
// machine tp_btf and iter load, while the kernel answers the fentry, fexit,
// fmod_ret and lsm loads with EPERM. no_such_target (fentry/ of a function
// the kernel lacks) must be refused before the kernel, naming the function.
// on_task reads struct fields through CO-RE (the local definitions below).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	return 0;
}

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

struct bpf_iter_meta {
	struct seq_file *seq;
} __attribute__((preserve_access_index));

struct bpf_iter__task {
	struct bpf_iter_meta *meta;
	struct task_struct *task;
} __attribute__((preserve_access_index));

/* Reading the pinned iterator prints one line, for init: proof that the
 * program is a task iterator. */
SEC("iter/task")
int on_task(struct bpf_iter__task *ctx)
{
	struct seq_file *seq = ctx->meta->seq;
	struct task_struct *t = ctx->task;

	if (t && t->pid == 1)
		BPF_SEQ_PRINTF(seq, "btf_targets: task pid %d\n", t->pid);
	return 0;
}

SEC("fentry/do_unlinkat")
int on_unlink_entry(__u64 *ctx)
{
	return 0;
}

SEC("fexit/do_unlinkat")
int on_unlink_exit(__u64 *ctx)
{
	return 0;
}

/* bpf_modify_return_test is on the kernel's error-injection list. */
SEC("fmod_ret/bpf_modify_return_test")
int on_modify_return(__u64 *ctx)
{
	return 0;
}

SEC("lsm/file_open")
int on_file_open(__u64 *ctx)
{
	return 0;
}

SEC("lsm.s/file_open")
int on_file_open_s(__u64 *ctx)
{
	return 0;
}

SEC("fentry.s/bpf_fentry_test1")
int on_test1_s(__u64 *ctx)
{
	return 0;
}

SEC("fentry/no_such_func_xyz")
int no_such_target(__u64 *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
