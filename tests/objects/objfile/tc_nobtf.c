// Built without -g: no .BTF/.BTF.ext, so only section names need patching.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tc") int plain_tc(struct __sk_buff *s) { return 0; }

char LICENSE[] SEC("license") = "GPL";
