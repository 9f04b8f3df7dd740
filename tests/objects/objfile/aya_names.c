// Only section names aya-obj 0.3 already accepts: must pass through untouched.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("xdp") int x(struct xdp_md *c) { return XDP_PASS; }
SEC("classifier") int c(struct __sk_buff *s) { return 0; }
SEC("kprobe/do_sys_open") int k(void *ctx) { return 0; }

char LICENSE[] SEC("license") = "GPL";
