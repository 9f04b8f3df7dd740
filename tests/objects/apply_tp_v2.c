// Used by the apply tests (tests/it/apply.rs): version 2 of a tracepoint
// program, attached through a `link` attachment, that counts getpid calls
// of one thread (its tid seeded into apply_tp_cfg[0] by the manifest) into
// apply_tp_counts[1]. The two versions share both maps.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 1);
} apply_tp_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} apply_tp_counts SEC(".maps");

SEC("tracepoint/syscalls/sys_enter_getpid")
int apply_getpid(void *ctx)
{
	__u32 zero = 0, slot = 1;
	__u32 *tid = bpf_map_lookup_elem(&apply_tp_cfg, &zero);
	__u64 *n;

	if (!tid || *tid != (__u32)bpf_get_current_pid_tgid())
		return 0;
	n = bpf_map_lookup_elem(&apply_tp_counts, &slot);
	if (n)
		__sync_fetch_and_add(n, 1);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
