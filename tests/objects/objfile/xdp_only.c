// One program in a section aya already knows.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int only(struct xdp_md *c) { return XDP_PASS; }

char LICENSE[] SEC("license") = "GPL";
