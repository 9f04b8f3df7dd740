// Bench object: a BTF hash of struct stats {packets, bytes}, 100000 entries
// (tests/objects/btf_maps.o's `stats` has 64), and a socket filter that
// uses it so it loads.
// Build: clang -O2 -g -target bpf -I/usr/include/$(uname -m)-linux-gnu -c big.c -o big.o
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 100000);
	__type(key, __u32);
	__type(value, struct stats);
} big_stats SEC(".maps");

SEC("socket")
int count(struct __sk_buff *skb)
{
	__u32 key = skb->protocol;
	struct stats *s = bpf_map_lookup_elem(&big_stats, &key);
	if (s) {
		__sync_fetch_and_add(&s->packets, 1);
		__sync_fetch_and_add(&s->bytes, skb->len);
	}
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
