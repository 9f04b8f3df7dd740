// Used by the section-name tests: libbpf section names aya 0.14 does not
// know (tc, tcx/ingress, tcx/egress, socket1) plus the legacy "classifier";
// bpfpin rewrites them before loading.  One counter array per program.
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

#define COUNTER(name)					\
	struct {					\
		__uint(type, BPF_MAP_TYPE_ARRAY);	\
		__type(key, __u32);			\
		__type(value, __u64);			\
		__uint(max_entries, 1);			\
	} name SEC(".maps")

COUNTER(tc_hits);
COUNTER(tcx_in_hits);
COUNTER(tcx_out_hits);
COUNTER(sock1_hits);
COUNTER(cls_hits);

static __always_inline void bump(void *map)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(map, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

SEC("tc")
int tc_prog(struct __sk_buff *skb)
{
	bump(&tc_hits);
	return TC_ACT_OK;
}

SEC("tcx/ingress")
int tcx_in_prog(struct __sk_buff *skb)
{
	bump(&tcx_in_hits);
	return TC_ACT_OK;
}

SEC("tcx/egress")
int tcx_out_prog(struct __sk_buff *skb)
{
	bump(&tcx_out_hits);
	return TC_ACT_OK;
}

SEC("socket1")
int sock1_prog(struct __sk_buff *skb)
{
	bump(&sock1_hits);
	return skb->len;
}

SEC("classifier")
int cls_prog(struct __sk_buff *skb)
{
	bump(&cls_hits);
	return TC_ACT_OK;
}

char LICENSE[] SEC("license") = "GPL";
