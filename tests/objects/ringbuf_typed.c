// A ring buffer that declares its record type (`__type(value, struct
// rec)`): the kernel refuses a ring buffer with a value size, so libbpf
// fails this object, while bpfpin creates the ring without sizes and keeps
// the declaration in BTF, where `map events` finds the type to print records
// with. `emit` (a syscall program, run with `prog run`) submits one record.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct rec {
	__u32 pid;
	__u32 seq;
	char tag[8];
};

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
	__type(value, struct rec);
} typed_ring SEC(".maps");

SEC("syscall")
int emit(void *ctx)
{
	struct rec *r = bpf_ringbuf_reserve(&typed_ring, sizeof(*r), 0);
	if (!r)
		return 1;
	r->pid = 42;
	r->seq = 7;
	__builtin_memcpy(r->tag, "bpfpin", 7);
	bpf_ringbuf_submit(r, 0);
	return 0;
}

char _license[] SEC("license") = "GPL";
