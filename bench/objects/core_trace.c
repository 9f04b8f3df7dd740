// Bench object for `prog loadall (CO-RE tracing object)`: shaped like the
// libbpf-tools programs (execsnoop, runqlat, opensnoop): tp_btf, tracepoint
// and raw_tp programs reading kernel structs through CO-RE relocations
// (local definitions, no vmlinux.h), a ring buffer, a hash map and
// .rodata configuration. Every program loads on a 6.x kernel without
// kprobes or fentry, so the row measures loading, not refusals.
// Build: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c core_trace.c -o core_trace.o
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	int tgid;
	unsigned int __state;
	struct task_struct *real_parent;
	char comm[16];
} __attribute__((preserve_access_index));

struct trace_entry {
	unsigned short type;
} __attribute__((preserve_access_index));

struct syscall_trace_enter {
	struct trace_entry ent;
	int nr;
	unsigned long args[];
} __attribute__((preserve_access_index));

struct event {
	__u32 pid;
	__u32 ppid;
	__u64 delta_ns;
	char comm[16];
	char fname[64];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 10240);
	__type(key, __u32);
	__type(value, __u64);
} start SEC(".maps");

const volatile __u32 target_tgid = 0;
const volatile _Bool ignore_idle = 1;

SEC("tp_btf/sched_wakeup")
int on_wakeup(__u64 *ctx)
{
	struct task_struct *p = (void *)ctx[0];
	__u32 pid = p->pid;
	__u64 ts = bpf_ktime_get_ns();

	if (target_tgid && p->tgid != target_tgid)
		return 0;
	bpf_map_update_elem(&start, &pid, &ts, BPF_ANY);
	return 0;
}

SEC("tp_btf/sched_switch")
int on_switch(__u64 *ctx)
{
	struct task_struct *next = (void *)ctx[2];
	__u32 pid = next->pid;
	__u64 *tsp, delta;
	struct event *e;

	if (ignore_idle && !pid)
		return 0;
	tsp = bpf_map_lookup_elem(&start, &pid);
	if (!tsp)
		return 0;
	delta = bpf_ktime_get_ns() - *tsp;
	bpf_map_delete_elem(&start, &pid);
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = pid;
	e->ppid = BPF_CORE_READ(next, real_parent, tgid);
	e->delta_ns = delta;
	BPF_CORE_READ_STR_INTO(&e->comm, next, comm);
	e->fname[0] = 0;
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/syscalls/sys_enter_openat")
int on_openat(struct syscall_trace_enter *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct event *e;

	if (target_tgid && (bpf_get_current_pid_tgid() >> 32) != target_tgid)
		return 0;
	e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);
	if (!e)
		return 0;
	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(t, real_parent, tgid);
	e->delta_ns = 0;
	bpf_get_current_comm(&e->comm, sizeof(e->comm));
	bpf_probe_read_user_str(&e->fname, sizeof(e->fname), (const char *)ctx->args[1]);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("raw_tp/sched_process_exit")
int on_exit(struct bpf_raw_tracepoint_args *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	__u32 pid = BPF_CORE_READ(t, pid);

	bpf_map_delete_elem(&start, &pid);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
