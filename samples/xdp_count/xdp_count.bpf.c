// SPDX-License-Identifier: GPL-2.0
/*
 * xdp_count: the smallest useful bpfpin sample.
 *
 * Shows an XDP program that keeps its state in a plain global variable
 * (`counter`, stored in the object's .bss map) and logs it with bpf_printk.
 * Every packet is counted and passed on unchanged.
 *
 *   bpfpin prog load samples/xdp_count/xdp_count.bpf.o /sys/fs/bpf/xdp_count \
 *          --pin-maps /sys/fs/bpf/xdp_count_maps
 *   bpfpin net attach xdp pinned /sys/fs/bpf/xdp_count dev IFACE
 *   bpfpin map dump pinned /sys/fs/bpf/xdp_count_maps/xdp_coun_bss
 *
 * bpfpin pins each map as DIR/<map name> with '.' replaced by '_' (bpffs
 * refuses dots), under libbpf's names as bpftool does: the .bss map is
 * `xdp_coun.bss`, pinned as `xdp_coun_bss` (the bpf_printk format string
 * lives in .rodata, pinned as `xdp_coun_rodata`).  The log lines show up in
 * /sys/kernel/tracing/trace_pipe.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

__u64 counter;

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	__u64 n = __sync_fetch_and_add(&counter, 1) + 1;

	bpf_printk("xdp_count: %llu", n);
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
