// Used by the attach tests: a perf_event program counting its samples per
// CPU, attached to cpu-clock on every CPU.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1);
} samples SEC(".maps");

SEC("perf_event")
int count_samples(void *ctx)
{
	__u32 zero = 0;
	__u64 *v = bpf_map_lookup_elem(&samples, &zero);

	if (v)
		*v += 1;
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
