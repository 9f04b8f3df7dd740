// Used by the cgroup tests (tests/it/cgroup.rs): cgroup_skb counters for
// `cgroup attach` and `link attach ... cgroup`, a sock_create program that
// denies every socket of the cgroup, and sk_lookup programs for
// `link attach ... netns`.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} cg_count SEC(".maps");

static __always_inline void bump(__u32 key)
{
	__u64 *v = bpf_map_lookup_elem(&cg_count, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
}

// Counts egress packets into cg_count[0]; 1 lets the packet go.
SEC("cgroup_skb/egress")
int cg_egress(struct __sk_buff *skb)
{
	bump(0);
	return 1;
}

// Counts ingress packets into cg_count[1].
SEC("cgroup_skb/ingress")
int cg_ingress(struct __sk_buff *skb)
{
	bump(1);
	return 1;
}

// 0 refuses the socket: socket(2) fails with EPERM inside the cgroup.
SEC("cgroup/sock_create")
int cg_deny_sock(struct bpf_sock *sk)
{
	return 0;
}

// Lets every lookup fall through to the usual socket tables.
SEC("sk_lookup")
int cg_lookup(struct bpf_sk_lookup *ctx)
{
	return SK_PASS;
}

// Refuses every lookup: a TCP connect in the namespace is refused even
// though a socket listens.
SEC("sk_lookup")
int cg_lookup_drop(struct bpf_sk_lookup *ctx)
{
	return SK_DROP;
}

char LICENSE[] SEC("license") = "GPL";
