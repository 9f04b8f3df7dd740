// SPDX-License-Identifier: GPL-2.0
/*
 * sock_bw: per-protocol bandwidth seen by a socket, plus a tail call.
 *
 * Written the way the kernel's samples/bpf/sockex1-3 were: legacy
 * SEC("maps") `struct bpf_map_def` maps, which libbpf 1.x no longer loads
 * but bpfpin does.  `sock_bw` is a socket filter for a packet socket (data
 * starts at the Ethernet header).  It counts packets and bytes per IP
 * protocol number (IPv4 protocol, IPv6 next header) into `bw_map` (ARRAY,
 * 256 entries of struct bw {packets, bytes}), then tail-calls slot 0 of
 * `tail_map` (PROG_ARRAY, 1 slot).  The slot starts empty, so the tail call
 * falls through; plug `tail_prog` into it and `tail_count[0]` starts to
 * rise too.  Both programs return skb->len: the socket keeps every packet.
 *
 *   bpfpin prog loadall samples/sock_bw/sock_bw.bpf.o /sys/fs/bpf/sock_bw \
 *          --pin-maps /sys/fs/bpf/sock_bw_maps
 *   bpfpin map update pinned /sys/fs/bpf/sock_bw_maps/tail_map key 0 0 0 0 \
 *          value pinned /sys/fs/bpf/sock_bw/tail_prog
 *   bpfpin net attach socket pinned /sys/fs/bpf/sock_bw/sock_bw dev IFACE --duration 10
 *   bpfpin map dump pinned /sys/fs/bpf/sock_bw_maps/bw_map       (key 1 ICMP, 6 TCP, 17 UDP)
 *   bpfpin map dump pinned /sys/fs/bpf/sock_bw_maps/tail_count
 *   bpfpin prog rm -r /sys/fs/bpf/sock_bw
 *   bpfpin map rm -r /sys/fs/bpf/sock_bw_maps
 */
#include <stddef.h>
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* The pre-BTF map definition libbpf < 1.0 shipped in bpf_helpers.h. */
struct bpf_map_def {
	unsigned int type;
	unsigned int key_size;
	unsigned int value_size;
	unsigned int max_entries;
	unsigned int map_flags;
};

struct bw {
	__u64 packets;
	__u64 bytes;
};

/* key: IP protocol number (__u32), value: struct bw */
struct bpf_map_def SEC("maps") bw_map = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(struct bw),
	.max_entries = 256,
};

/* slot 0: the program sock_bw tail-calls (empty until you fill it) */
struct bpf_map_def SEC("maps") tail_map = {
	.type = BPF_MAP_TYPE_PROG_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u32),
	.max_entries = 1,
};

/* key 0: packets tail_prog has seen */
struct bpf_map_def SEC("maps") tail_count = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 1,
};

SEC("socket")
int sock_bw(struct __sk_buff *skb)
{
	__u8 proto = 0;
	__u32 key;
	struct bw *v;
	int off;

	if (skb->protocol == bpf_htons(ETH_P_IP))
		off = ETH_HLEN + offsetof(struct iphdr, protocol);
	else if (skb->protocol == bpf_htons(ETH_P_IPV6))
		off = ETH_HLEN + offsetof(struct ipv6hdr, nexthdr);
	else
		goto tail;
	if (bpf_skb_load_bytes(skb, off, &proto, sizeof(proto)) < 0)
		goto tail;

	key = proto;
	v = bpf_map_lookup_elem(&bw_map, &key);
	if (v) {
		__sync_fetch_and_add(&v->packets, 1);
		__sync_fetch_and_add(&v->bytes, skb->len);
	}
tail:
	/* does not return when tail_map[0] holds a program */
	bpf_tail_call(skb, &tail_map, 0);
	return skb->len;
}

SEC("socket/tail")
int tail_prog(struct __sk_buff *skb)
{
	__u32 key = 0;
	__u64 *v = bpf_map_lookup_elem(&tail_count, &key);

	if (v)
		__sync_fetch_and_add(v, 1);
	return skb->len;
}

char LICENSE[] SEC("license") = "GPL";
