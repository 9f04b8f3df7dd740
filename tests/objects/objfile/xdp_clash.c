// Two sections that both become "xdp", which aya cannot tell apart.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int one(struct xdp_md *c) { return XDP_PASS; }
SEC("xdp/two") int two(struct xdp_md *c) { return XDP_DROP; }

char LICENSE[] SEC("license") = "GPL";
