// A kind aya 0.14 has no loader for, next to one it can load.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int fine(struct xdp_md *c) { return XDP_PASS; }
SEC("lwt_in") int tunnel_in(struct __sk_buff *s) { return BPF_OK; }

char LICENSE[] SEC("license") = "GPL";
