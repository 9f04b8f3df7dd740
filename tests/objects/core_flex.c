// Used by the CO-RE tests: every relocation kind libbpf applies, against
// local definitions that differ from the kernel's (no vmlinux.h):
// - ctx->args[0], [1] and [2] on struct syscall_trace_enter, whose
//   `args` is a flexible array (aya-obj 0.3 refuses access `0:2:1` as out
//   of bounds; a variable index would be refused by the verifier: ctx
//   pointer arithmetic);
// - field byte offset/size/exists/signed/lshift/rshift, on plain fields and
//   on the task_struct bitfield `in_iowait`, and on a `___v2` flavor with a
//   field the kernel lacks (exists → 0);
// - type id (local/kernel), type exists/size (struct, a flavor and a missing
//   flavored type), enum value exists/value through a flavored enum.
//   (Type matches is left out: clang 14 cannot emit it, it needs clang 15.)
// The results land in `out[]`; the test compares the xlated instructions of
// bpfpin's load with bpftool's (libbpf's) load of the same program.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct trace_entry {
	unsigned short type;
	unsigned char flags;
	unsigned char preempt_count;
	int pid;
} __attribute__((preserve_access_index));

/* The kernel's layout: ent, int nr, unsigned long args[]. */
struct syscall_trace_enter {
	struct trace_entry ent;
	int nr;
	unsigned long args[];
} __attribute__((preserve_access_index));

/* A flavor: matched to the kernel's trace_entry by its name before `___`. */
struct trace_entry___v2 {
	int pid;
	long not_in_kernel;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
	unsigned int in_execve: 1;
	unsigned int in_iowait: 1;
} __attribute__((preserve_access_index));

struct no_such_struct___v2 {
	int x;
};

enum pid_type___local {
	PIDTYPE_SID___local = 77,
	PIDTYPE_NOPE___local = 78,
};

__u64 out[24];

SEC("tracepoint/syscalls/sys_enter_openat")
int core_flex(struct syscall_trace_enter *ctx)
{
	struct task_struct *t = 0;
	struct trace_entry___v2 *e2 = 0;

	out[0] = ctx->args[1];
	out[1] = ctx->args[0] + ctx->args[2];
	out[2] = ctx->nr;	/* the first 8 bytes (ent) are off limits */
	out[3] = bpf_core_field_size(ctx->nr);
	out[4] = __builtin_preserve_field_info(ctx->nr, BPF_FIELD_SIGNED);
	out[5] = __builtin_preserve_field_info(ctx->ent.flags, BPF_FIELD_LSHIFT_U64);
	out[6] = __builtin_preserve_field_info(ctx->ent.flags, BPF_FIELD_RSHIFT_U64);
	out[7] = bpf_core_field_offset(t->in_iowait);
	out[8] = bpf_core_field_size(t->in_iowait);
	out[9] = __builtin_preserve_field_info(t->in_iowait, BPF_FIELD_LSHIFT_U64);
	out[10] = __builtin_preserve_field_info(t->in_iowait, BPF_FIELD_RSHIFT_U64);
	out[11] = __builtin_preserve_field_info(t->in_iowait, BPF_FIELD_SIGNED);
	out[12] = bpf_core_field_exists(e2->pid);
	out[13] = bpf_core_field_exists(e2->not_in_kernel);
	out[14] = bpf_core_field_offset(e2->pid);
	out[15] = bpf_core_type_id_kernel(struct task_struct);
	out[16] = bpf_core_type_exists(struct task_struct);
	out[17] = bpf_core_type_size(struct task_struct);
	out[18] = bpf_core_type_exists(struct no_such_struct___v2);
	out[19] = bpf_core_type_size(struct trace_entry___v2);
	out[20] = bpf_core_enum_value_exists(enum pid_type___local, PIDTYPE_SID___local);
	out[21] = bpf_core_enum_value(enum pid_type___local, PIDTYPE_SID___local);
	out[22] = bpf_core_enum_value_exists(enum pid_type___local, PIDTYPE_NOPE___local);
	out[23] = bpf_core_type_id_local(struct task_struct);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
