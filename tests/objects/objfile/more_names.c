// The rest of the libbpf names bpfpin maps onto an aya section.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} hits SEC(".maps");

static __always_inline void hit(void)
{
	__u32 k = 0;
	__u64 *v = bpf_map_lookup_elem(&hits, &k);
	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tc/ingress") int tc_in(struct __sk_buff *s) { hit(); return 0; }
SEC("tc/egress") int tc_out(struct __sk_buff *s) { hit(); return 0; }
SEC("tcx/egress") int tcx_out(struct __sk_buff *s) { hit(); return 0; }
SEC("action") int act(struct __sk_buff *s) { hit(); return 0; }
SEC("netkit/primary") int nk_primary(struct __sk_buff *s) { hit(); return 0; }
SEC("netkit/peer") int nk_peer(struct __sk_buff *s) { hit(); return 0; }
SEC("sk_skb") int skb_bare(struct __sk_buff *s) { hit(); return SK_PASS; }
SEC("sk_skb/verdict") int skb_verdict(struct __sk_buff *s) { hit(); return SK_PASS; }
SEC("xdp/foo") int xdp_foo(struct xdp_md *c) { hit(); return XDP_PASS; }
SEC("cgroup_skb/ingress") int cg_in(struct __sk_buff *s) { hit(); return 1; }

char LICENSE[] SEC("license") = "GPL";
