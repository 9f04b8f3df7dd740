// Bench object: the smallest useful program (a socket filter that passes
// nothing), no maps. run.sh loads it 200 times and times `prog load` of it.
// Build: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c small.c -o small.o
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("socket")
int small(struct __sk_buff *skb)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
