// Used by the CO-RE error test: `core_missing` (a tracepoint program, so
// no BTF attach target is involved) reads a task_struct field
// the kernel does not have, unguarded by bpf_core_field_exists. libbpf
// poisons the instruction and the verifier rejects it; bpfpin must refuse
// with one sentence naming the program, the type `task_struct` and the
// field `no_such_field` (aya 0.14 named neither: "for type ``").
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

struct task_struct {
	int pid;
	long no_such_field;
} __attribute__((preserve_access_index));

__u64 seen;

SEC("tracepoint/sched/sched_switch")
int core_missing(void *ctx)
{
	struct task_struct *t = (void *)bpf_get_current_task();

	seen = BPF_CORE_READ(t, no_such_field);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
