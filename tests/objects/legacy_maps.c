// Used by the legacy-map tests: aya accepts old-style SEC("maps")
// `struct bpf_map_def` maps (no BTF map definitions), libbpf 1.x refuses
// them, so this object can only be loaded by bpfpin, not by bpftool.
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/ip.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The pre-BTF map definition libbpf < 1.0 used to ship. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

/* packets per raw IP protocol number */
struct bpf_map_def SEC("maps") legacy_hash = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 256,
};

/* 0: other, 1: ICMP, 2: TCP, 3: UDP */
struct bpf_map_def SEC("maps") legacy_array = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

SEC("socket")
int legacy_prog(struct __sk_buff *skb)
{
	__u8 proto = 0;
	__u32 idx, key;
	__u64 one = 1, *v;

	if (skb->protocol != bpf_htons(ETH_P_IP))
		return skb->len;
	/* packet sockets see the Ethernet header first */
	if (bpf_skb_load_bytes(skb, ETH_HLEN + offsetof(struct iphdr, protocol),
			       &proto, sizeof(proto)) < 0)
		return skb->len;

	switch (proto) {
	case IPPROTO_ICMP: idx = 1; break;
	case IPPROTO_TCP:  idx = 2; break;
	case IPPROTO_UDP:  idx = 3; break;
	default:           idx = 0; break;
	}
	v = bpf_map_lookup_elem(&legacy_array, &idx);
	if (v)
		__sync_fetch_and_add(v, 1);

	key = proto;
	v = bpf_map_lookup_elem(&legacy_hash, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&legacy_hash, &key, &one, BPF_NOEXIST);

	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
