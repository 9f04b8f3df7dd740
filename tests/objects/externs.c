// Used by the extern tests. One XDP program (run with `prog run`) reads
// every kind of extern libbpf resolves and stores what it saw in `seen`
// (.data, so a field the program never wrote keeps its 0xee.. sentinel):
// - .kconfig: LINUX_KERNEL_VERSION, a bool (CONFIG_BPF), an int
//   (CONFIG_HZ), a string (CONFIG_DEFAULT_HOSTNAME), a tristate
//   (CONFIG_BPF_LSM), and __weak options the kernel lacks (→ 0);
// - .ksyms: a typeless address (bpf_prog_put, checked against
//   /proc/kallsyms) and a __weak missing one (→ 0);
// - kfunc calls: bpf_task_from_pid/bpf_task_release on the pid given in the
//   packet's first 4 bytes (little endian), and a __weak missing
//   kfunc guarded by bpf_ksym_exists (its call is dead code).
// A second program, percpu_ksym_prog, reads the typed per-CPU ksym
// `runqueues` through bpf_per_cpu_ptr and bpf_this_cpu_ptr. The kernel finds
// a typed ksym's address in kallsyms, which lists variables only with
// CONFIG_KALLSYMS_ALL: without it (the test machine) the kernel answers
// "ldimm64 failed to find the address for kernel symbol 'runqueues'",
// which proves the loader passed runqueues' vmlinux BTF id. Load the
// programs one at a time (`prog load ... --prog NAME`).
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* libbpf 1.1's headers predate bpf_ksym_exists. */
#define ksym_exists(sym) (!!&(sym))

extern unsigned int LINUX_KERNEL_VERSION __kconfig;
extern _Bool CONFIG_BPF __kconfig;
extern int CONFIG_HZ __kconfig;
extern const char CONFIG_DEFAULT_HOSTNAME[16] __kconfig;
extern enum libbpf_tristate CONFIG_BPF_LSM __kconfig;
extern int CONFIG_NOT_A_REAL_OPTION __kconfig __weak;
extern _Bool CONFIG_KPROBES __kconfig __weak;	/* "is not set" here */

struct rq {
	int cpu;
} __attribute__((preserve_access_index));

struct task_struct {
	int pid;
} __attribute__((preserve_access_index));

extern const void bpf_prog_put __ksym;
extern const void no_such_ksym_xyz __ksym __weak;
extern const struct rq runqueues __ksym;

extern struct task_struct *bpf_task_from_pid(__s32 pid) __ksym;
extern void bpf_task_release(struct task_struct *p) __ksym;
extern void bpf_no_such_kfunc_xyz(void) __ksym __weak;

struct seen {
	__u32 version;
	__u32 bpf;
	__u32 hz;
	__u32 bpf_lsm;
	__u32 not_real;
	__u32 kprobes;
	char hostname[8];
	__u64 prog_put;
	__u64 missing_ksym;
	__u32 task_pid;
	__u32 missing_kfunc;
};

struct seen seen = {
	.version = 0xeeeeeeee, .bpf = 0xeeeeeeee, .hz = 0xeeeeeeee,
	.bpf_lsm = 0xeeeeeeee, .not_real = 0xeeeeeeee, .kprobes = 0xeeeeeeee,
	.hostname = "eeeeeee", .prog_put = 0xeeeeeeee, .missing_ksym = 0xeeeeeeee,
	.task_pid = 0xeeeeeeee,
	.missing_kfunc = 0xeeeeeeee,
};

SEC("xdp")
int externs_prog(struct xdp_md *ctx)
{
	struct task_struct *t;
	int i;

	seen.version = LINUX_KERNEL_VERSION;
	seen.bpf = CONFIG_BPF;
	seen.hz = CONFIG_HZ;
	seen.bpf_lsm = CONFIG_BPF_LSM;
	seen.not_real = CONFIG_NOT_A_REAL_OPTION;
	seen.kprobes = CONFIG_KPROBES;
	for (i = 0; i < 7; i++)
		seen.hostname[i] = CONFIG_DEFAULT_HOSTNAME[i];
	seen.hostname[7] = 0;

	seen.prog_put = (__u64)&bpf_prog_put;
	seen.missing_ksym = (__u64)&no_such_ksym_xyz;

	void *data = (void *)(long)ctx->data;
	__s32 pid = -1;

	if (data + 4 <= (void *)(long)ctx->data_end)
		pid = *(__s32 *)data;
	t = bpf_task_from_pid(pid);
	if (t) {
		seen.task_pid = t->pid;
		bpf_task_release(t);
	} else {
		seen.task_pid = 0xdddddddd;
	}
	seen.missing_kfunc = 0;
	if (ksym_exists(bpf_no_such_kfunc_xyz)) {
		bpf_no_such_kfunc_xyz();
		seen.missing_kfunc = 1;
	}
	return XDP_PASS;
}

__u32 rq0_cpu = 0xeeeeeeee;
__u32 this_rq_ok = 0xeeeeeeee;

SEC("xdp")
int percpu_ksym_prog(struct xdp_md *ctx)
{
	struct rq *rq = bpf_per_cpu_ptr(&runqueues, 0);

	rq0_cpu = rq ? rq->cpu : 0xdddddddd;
	rq = bpf_this_cpu_ptr(&runqueues);
	this_rq_ok = rq->cpu >= 0;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
