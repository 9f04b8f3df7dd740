// Used by the apply tests (tests/it/apply.rs): version 2 of an XDP program
// that counts IPv4 ICMP echo requests into apply_counts[1]. Version 1 and 2
// share the map and differ only in the slot, so after an upgrade under
// traffic slot 0 + slot 1 must equal the echo requests sent.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* The headers' own definitions pull in 32-bit libc stubs under -target bpf. */
struct eth { __u8 dst[6], src[6]; __u16 proto; };
struct ip4 { __u8 ver_ihl, tos; __u16 len, id, frag; __u8 ttl, protocol; __u16 csum; __u32 saddr, daddr; };
struct icmp4 { __u8 type, code; __u16 csum; __u32 rest; };

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 2);
} apply_counts SEC(".maps");

SEC("xdp")
int apply_xdp(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct eth *eth = data;
	struct ip4 *ip = data + sizeof(*eth);
	struct icmp4 *icmp = (void *)ip + sizeof(*ip);
	__u32 key = 1;
	__u64 *n;

	if ((void *)(icmp + 1) > end || eth->proto != __builtin_bswap16(0x0800) || ip->protocol != 1 ||
	    ip->ver_ihl != 0x45 || icmp->type != 8)
		return XDP_PASS;
	n = bpf_map_lookup_elem(&apply_counts, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
