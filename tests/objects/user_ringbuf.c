// A user ring buffer: user space writes records (`bpfpin map events MAP
// --write FILE`), `drain` (a syscall program, run with `prog run`) drains
// them, adding each record's u64 `value` to `total` and counting records in
// `drained`.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct user_rec {
	__u64 value;
	__u32 tag;
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_USER_RINGBUF);
	__uint(max_entries, 4096);
} to_kernel SEC(".maps");

__u64 total;
__u64 drained;

static long add_one(struct bpf_dynptr *d, void *ctx)
{
	struct user_rec r;
	if (bpf_dynptr_read(&r, sizeof(r), d, 0, 0))
		return 1;
	total += r.value;
	drained++;
	return 0;
}

SEC("syscall")
int drain(void *ctx)
{
	bpf_user_ringbuf_drain(&to_kernel, add_one, NULL, 0);
	return 0;
}

/* Keeps `struct user_rec` in the object's BTF for `--type user_rec`. */
SEC("syscall")
int rec_type(struct user_rec *r)
{
	return r->tag;
}

char _license[] SEC("license") = "GPL";
