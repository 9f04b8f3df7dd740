// Used by the maps-only test: an object with BTF maps and no program at
// all (a map "library" loaded for its pins). `prog loadall` must create
// and pin both maps and exit 0, as bpftool does.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 32);
} only_hash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u32);
	__uint(max_entries, 8);
} only_array SEC(".maps");

char LICENSE[] SEC("license") = "GPL";
