// SPDX-License-Identifier: GPL-2.0
/* bench/events.sh: an XDP program run by BPF_PROG_TEST_RUN that writes 100
 * 8-byte records to a 16 MiB ring buffer per run, counting what the ring
 * took and what it refused (full) in .bss. */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 16 << 20);
} flood SEC(".maps");

__u64 sent;
__u64 dropped;

SEC("xdp")
int ringbuf_flood(struct xdp_md *ctx)
{
	for (__u64 i = 0; i < 100; i++) {
		__u64 seq = sent + dropped;

		if (bpf_ringbuf_output(&flood, &seq, sizeof(seq), 0))
			dropped++;
		else
			sent++;
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
