// Used by the attach tests: kprobe-family programs whose sections name
// their targets. They load on a kernel without CONFIG_KPROBES (the
// program type needs only BPF events); attaching them reaches the kernel's
// refusal, which bpfpin must explain.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("kprobe/do_unlinkat")
int probe_unlinkat(void *ctx)
{
	return 0;
}

SEC("kretprobe/do_unlinkat")
int retprobe_unlinkat(void *ctx)
{
	return 0;
}

SEC("ksyscall/getpid")
int probe_getpid(void *ctx)
{
	return 0;
}

SEC("kprobe.multi/do_unlinkat*")
int multi_unlinkat(void *ctx)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
