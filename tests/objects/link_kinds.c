// One trivial program per link kind `link show` decodes; the test makes the
// links itself (raw BPF_LINK_CREATE / BPF_RAW_TRACEPOINT_OPEN from a small
// C helper) and compares bpfpin's and bpftool's views of each.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

SEC("tracepoint/syscalls/sys_enter_getpid")
int lk_tp(void *ctx) { return 0; }

SEC("raw_tp/sys_enter")
int lk_raw_tp(void *ctx) { return 0; }

SEC("tp_btf/sched_process_exec")
int lk_tp_btf(void *ctx) { return 0; }

SEC("iter/task")
int lk_iter_task(void *ctx) { return 0; }

SEC("perf_event")
int lk_perf(void *ctx) { return 0; }

SEC("uprobe")
int lk_uprobe(void *ctx) { return 0; }

SEC("uprobe.multi")
int lk_uprobe_multi(void *ctx) { return 0; }

SEC("xdp")
int lk_xdp(struct xdp_md *ctx) { return XDP_PASS; }

SEC("tcx/ingress")
int lk_tcx(struct __sk_buff *skb) { return -1; }

SEC("cgroup_skb/egress")
int lk_cgroup(struct __sk_buff *skb) { return 1; }

SEC("sk_lookup")
int lk_sk_lookup(struct bpf_sk_lookup *ctx) { return SK_PASS; }

SEC("netfilter")
int lk_netfilter(void *ctx) { return 1; }

SEC("sk_skb/stream_verdict")
int lk_sk_verdict(struct __sk_buff *skb) { return SK_PASS; }

char _license[] SEC("license") = "GPL";
