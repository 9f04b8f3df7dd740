// SPDX-License-Identifier: GPL-2.0
/*
 * large_xlated: fixture for `prog dump xlated|jited` of programs past 1,000
 * and 10,000 instructions, where bpftool's `% 4d` index column grows a
 * fifth and sixth digit.
 *
 * Both programs unroll one step many times.  A step looks an array map up
 * (LD imm64 of the map, a helper call the verifier inlines into more
 * instructions, a branch on NULL) and adds to the value atomically, so the
 * dump has two-slot instructions, jumps and source lines all the way down.
 * large_1k keeps about 1,900 xlated instructions and calls a subprogram
 * (a second function, a `call pc+N` and a second prototype line);
 * large_10k keeps about 17,000.  large_flat mixes the packet length with
 * shifts, xors and 64-bit constants (LD imm64) in straight-line code: over
 * 1,000 instructions in only a few basic blocks, so bpftool's `visual`,
 * which rereads /proc/kallsyms for every block, draws it in seconds.
 * All return XDP_PASS.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 64);
	__type(key, __u32);
	__type(value, __u64);
} large_counts SEC(".maps");

static __always_inline void large_step(__u32 key, __u64 add)
{
	__u64 *c = bpf_map_lookup_elem(&large_counts, &key);

	if (c)
		__sync_fetch_and_add(c, add);
}

static __attribute__((noinline)) __u64 large_tail(__u64 len)
{
	__u64 r = len;

#pragma clang loop unroll(full)
	for (int i = 0; i < 16; i++)
		r = r * 31 + (__u64)i;
	return r;
}

SEC("xdp")
int large_1k(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;

#pragma clang loop unroll(full)
	for (int i = 0; i < 110; i++)
		large_step(i % 64, len + i);
	large_step(0, large_tail(len));
	return XDP_PASS;
}

SEC("xdp")
int large_10k(struct xdp_md *ctx)
{
	__u64 len = ctx->data_end - ctx->data;

#pragma clang loop unroll(full)
	for (int i = 0; i < 1000; i++)
		large_step(i % 64, len + i);
	return XDP_PASS;
}

SEC("xdp")
int large_flat(struct xdp_md *ctx)
{
	__u64 r = ctx->data_end - ctx->data;

#pragma clang loop unroll(full)
	for (__u64 i = 1; i <= 130; i++) {
		r ^= r << 13;
		r ^= r >> 7;
		r += 0x9e3779b97f4a7c15ULL * i;
	}
	large_step(1, r);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
