// SPDX-License-Identifier: GPL-2.0
/*
 * execsnoop: one record per exec, read with `bpfpin map events`.
 *
 * Two tracepoint programs on sched/sched_process_exec fill the same
 * struct event {pid, ppid, comm, filename}: `execsnoop` reserves it in the
 * ring buffer `events`, `execsnoop_perf` sends it through the perf event
 * array `perf_events` (one perf buffer per CPU). `map events --type event`
 * prints the records typed. (A ring buffer cannot declare its record type
 * with `__type(value, struct event)`: the kernel refuses a ring buffer with
 * a value size, and libbpf passes it on. `fill` is a real function so that
 * struct event is in the object's BTF, where --type finds it.)
 *
 * bpfpin cannot attach tracepoints yet, so attach with a perf event of the
 * tracepoint and PERF_EVENT_IOC_SET_BPF (what tests/it/events.rs does), then:
 *
 *   bpfpin prog loadall samples/execsnoop/execsnoop.bpf.o /sys/fs/bpf/execsnoop \
 *          --pin-maps /sys/fs/bpf/execsnoop_maps
 *   bpfpin map events pinned /sys/fs/bpf/execsnoop_maps/events --type event
 *   bpfpin -j map events pinned /sys/fs/bpf/execsnoop_maps/perf_events --type event
 *   bpfpin prog rm -r /sys/fs/bpf/execsnoop && bpfpin map rm -r /sys/fs/bpf/execsnoop_maps
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#define TASK_COMM_LEN 16
#define FILENAME_LEN 64

struct event {
	__u32 pid;
	__u32 ppid;
	char comm[TASK_COMM_LEN];
	char filename[FILENAME_LEN];
};

/* Only the fields read here; CO-RE finds their offsets in this kernel. */
struct task_struct {
	int tgid;
	struct task_struct *real_parent;
} __attribute__((preserve_access_index));

/* The tracepoint's record, as /sys/kernel/tracing/events/sched/sched_process_exec/format lays it out. */
struct exec_ctx {
	__u64 common;
	__u32 filename_loc; /* __data_loc: offset in the low 16 bits */
	int pid;
	int old_pid;
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 64); /* one slot per CPU; libbpf would size it to the CPU count */
} perf_events SEC(".maps");

static __noinline void fill(struct event *e, struct exec_ctx *ctx)
{
	struct task_struct *task = (struct task_struct *)bpf_get_current_task();

	e->pid = bpf_get_current_pid_tgid() >> 32;
	e->ppid = BPF_CORE_READ(task, real_parent, tgid);
	bpf_get_current_comm(e->comm, sizeof(e->comm));
	bpf_probe_read_kernel_str(e->filename, sizeof(e->filename),
				  (void *)ctx + (ctx->filename_loc & 0xffff));
}

SEC("tracepoint/sched/sched_process_exec")
int execsnoop(struct exec_ctx *ctx)
{
	struct event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

	if (!e)
		return 0;
	fill(e, ctx);
	bpf_ringbuf_submit(e, 0);
	return 0;
}

SEC("tracepoint/sched/sched_process_exec")
int execsnoop_perf(struct exec_ctx *ctx)
{
	struct event e = {};

	fill(&e, ctx);
	bpf_perf_event_output(ctx, &perf_events, BPF_F_CURRENT_CPU, &e, sizeof(e));
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
