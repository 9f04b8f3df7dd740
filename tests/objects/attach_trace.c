// Used by the attach tests (tests/it/attach.rs): three tracing programs
// whose sections name their hooks, so `link attach` needs no target and
// `prog loadall ... autoattach` attaches them all. Each counts only the
// events of the test that loaded it: getpid calls of the process whose
// tgid is in config, execs of the binary whose comm is in config.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct config {
	__u32 pid;
	char comm[16];
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct config);
	__uint(max_entries, 1);
} config SEC(".maps");

/* 0: getpid (tracepoint), 1: exec (raw_tp), 2: exec (tp_btf) */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 3);
} counts SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&counts, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

static __always_inline int comm_matches(void)
{
	__u32 zero = 0;
	struct config *c = bpf_map_lookup_elem(&config, &zero);
	char comm[16] = {};

	if (!c || !c->comm[0])
		return 0;
	bpf_get_current_comm(comm, sizeof(comm));
	for (int i = 0; i < 16; i++) {
		if (comm[i] != c->comm[i])
			return 0;
		if (!comm[i])
			break;
	}
	return 1;
}

SEC("tracepoint/syscalls/sys_enter_getpid")
int count_getpid(void *ctx)
{
	__u32 zero = 0;
	struct config *c = bpf_map_lookup_elem(&config, &zero);

	if (c && c->pid && c->pid == bpf_get_current_pid_tgid() >> 32)
		bump(0);
	return 0;
}

SEC("raw_tp/sched_process_exec")
int count_exec_raw(void *ctx)
{
	if (comm_matches())
		bump(1);
	return 0;
}

SEC("tp_btf/sched_process_exec")
int count_exec_btf(void *ctx)
{
	if (comm_matches())
		bump(2);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
