// A ring buffer sized in bytes that are not a power-of-two number of pages:
// libbpf rounds max_entries up (5000 -> 8192 with 4 KiB pages) and so must
// bpfpin's loader, or the kernel refuses the map.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 5000);
} odd_ring SEC(".maps");

char _license[] SEC("license") = "GPL";
