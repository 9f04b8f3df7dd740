// Used by the attach tests: an fentry program, which this test kernel
// refuses to load (EPERM); bpfpin must say the kernel refused and why.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("fentry/do_unlinkat")
int enter_unlinkat(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
