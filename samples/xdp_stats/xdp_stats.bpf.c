// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_stats: packets and bytes per XDP action, in a per-CPU array.
 *
 * The classic xdp-tutorial counter: `xdp_stats_map` has one slot per XDP
 * action (XDP_ABORTED .. XDP_REDIRECT, so 5 entries) holding a
 * struct datarec {rx_packets, rx_bytes} per CPU, without atomics.  This
 * program passes every packet and records it under key XDP_PASS (2).
 *
 * Maps are pinned in a directory per interface, so one copy of the program
 * per interface keeps its own counters.  Loading again over existing pins
 * reuses them (--reuse-maps is the default), so the counters survive a
 * reload; --replace-maps starts from zero.
 *
 *   mkdir -p /sys/fs/bpf/IFACE
 *   bpfpin prog load samples/xdp_stats/xdp_stats.bpf.o /sys/fs/bpf/IFACE/xdp_stats \
 *          --pin-maps /sys/fs/bpf/IFACE
 *   bpfpin net attach xdp pinned /sys/fs/bpf/IFACE/xdp_stats dev IFACE
 *   bpfpin map dump pinned /sys/fs/bpf/IFACE/xdp_stats_map      (key 2 = XDP_PASS)
 *   bpfpin net detach xdp dev IFACE
 *   bpfpin prog rm -r /sys/fs/bpf/IFACE
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#ifndef XDP_ACTION_MAX
#define XDP_ACTION_MAX (XDP_REDIRECT + 1)
#endif

struct datarec {
	__u64 rx_packets;
	__u64 rx_bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);		/* enum xdp_action */
	__type(value, struct datarec);
	__uint(max_entries, XDP_ACTION_MAX);
} xdp_stats_map SEC(".maps");

static __always_inline __u32 record(struct xdp_md *ctx, __u32 action)
{
	struct datarec *rec;

	if (action >= XDP_ACTION_MAX)
		return XDP_ABORTED;
	rec = bpf_map_lookup_elem(&xdp_stats_map, &action);
	if (!rec)
		return XDP_ABORTED;
	/* per-CPU slot: no other CPU writes it, so no atomics needed */
	rec->rx_packets++;
	rec->rx_bytes += ctx->data_end - ctx->data;
	return action;
}

SEC("xdp")
int xdp_stats(struct xdp_md *ctx)
{
	return record(ctx, XDP_PASS);
}

char LICENSE[] SEC("license") = "GPL";
