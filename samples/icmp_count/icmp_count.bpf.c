// SPDX-License-Identifier: GPL-2.0
/*
 * icmp_count: ICMP echo requests per source IPv4 address, in a hash map.
 *
 * An XDP program that parses Ethernet -> IPv4 -> ICMP and, for every echo
 * request (the packets `ping` sends), adds one to `pc_map[saddr]`.  The key
 * is the source address as it is on the wire (network byte order, so
 * 10.0.0.2 dumps as `0a 00 00 02`); the value is a __u64 count.  Every
 * packet is passed on unchanged.
 *
 *   bpfpin prog load samples/icmp_count/icmp_count.bpf.o /sys/fs/bpf/icmp_count \
 *          --pin-maps /sys/fs/bpf
 *   bpfpin net attach xdp pinned /sys/fs/bpf/icmp_count dev IFACE
 *   ping -c 3 <address of IFACE>              (from another host or netns)
 *   bpfpin map dump pinned /sys/fs/bpf/pc_map
 *   bpfpin net detach xdp dev IFACE
 *   bpfpin prog rm /sys/fs/bpf/icmp_count
 *   bpfpin map rm /sys/fs/bpf/pc_map
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/in.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

/* linux/icmp.h pulls in libc socket headers that do not build for BPF, so
 * declare the four bytes every ICMP header starts with. */
#define ICMP_ECHO 8	/* echo request */

struct icmphdr_min {
	__u8 type;
	__u8 code;
	__u16 checksum;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);	/* source IPv4 address, network byte order */
	__type(value, __u64);	/* echo requests seen */
	__uint(max_entries, 1024);
} pc_map SEC(".maps");

SEC("xdp")
int icmp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip;
	struct icmphdr_min *icmp;
	__u64 one = 1, *count;
	__u32 saddr;

	if ((void *)(eth + 1) > data_end || eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end || ip->protocol != IPPROTO_ICMP || ip->ihl < 5)
		return XDP_PASS;
	icmp = (void *)ip + ip->ihl * 4;
	if ((void *)(icmp + 1) > data_end || icmp->type != ICMP_ECHO)
		return XDP_PASS;

	saddr = ip->saddr;
	count = bpf_map_lookup_elem(&pc_map, &saddr);
	if (count)
		__sync_fetch_and_add(count, 1);
	else
		bpf_map_update_elem(&pc_map, &saddr, &one, BPF_NOEXIST);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
