// SPDX-License-Identifier: GPL-2.0
/*
 * disasm: fixture for `bpfpin prog dump xlated|jited` and `prog run`.
 *
 * disasm_main covers a bounded loop in a subprogram (call pc+N), atomics
 * (fetch_add, xchg, cmpxchg, lock or), LD imm64 of map values (globals in
 * .bss/.data) and of a map fd, helper calls, a bpf_loop callback (LD imm64
 * of a function) and a tail call.  disasm_v4 holds hand-encoded v4
 * instructions clang 14 cannot emit (signed div/mod, movsx, sign-extending
 * loads, bswap, gotol) plus 32-bit jumps.  disasm_drop returns XDP_DROP for
 * frames with ethertype 0x88b5 (IEEE local experimental) and XDP_PASS
 * otherwise.
 */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 2);
	__type(key, __u32);
	__type(value, __u32);
} disasm_jmp SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u64);
} disasm_vals SEC(".maps");

__u64 disasm_total;
__u64 disasm_last = 1;

static __attribute__((noinline)) __u64 disasm_mix(__u64 a, __u64 b)
{
	__u64 r = a;

#pragma nounroll
	for (int i = 0; i < 8; i++)
		r = (r << 3) ^ (b + i);
	return r;
}

static long disasm_step(__u32 i, void *ctx)
{
	__u64 *acc = ctx;

	*acc += i;
	return 0;
}

SEC("xdp")
int disasm_main(struct xdp_md *ctx)
{
	__u64 n, old, acc = 0;
	__u32 key = 1;
	__u64 *v;

	n = __sync_fetch_and_add(&disasm_total, 1);
	old = __sync_lock_test_and_set(&disasm_last, n);
	__sync_val_compare_and_swap(&disasm_last, old, n + 1);
	__sync_fetch_and_or(&disasm_total, 0x100);
	bpf_loop(4, disasm_step, &acc, 0);
	v = bpf_map_lookup_elem(&disasm_vals, &key);
	if (v)
		*v += disasm_mix(n + acc, bpf_ktime_get_ns());
	bpf_tail_call(ctx, &disasm_jmp, 0);
	return XDP_PASS;
}

SEC("xdp")
int disasm_v4(struct xdp_md *ctx)
{
	asm volatile(
		"r1 = -100\n"
		"r2 = 7\n"
		"*(u64 *)(r10 - 8) = r1\n"
		"if w1 > 5 goto +1\n"
		"w1 = 3\n"
		"if w1 s< w2 goto +0\n"
		/* r1 s/= r2, r1 s%= r2, w1 s/= 3 */
		".byte 0x3f, 0x21, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00\n"
		".byte 0x9f, 0x21, 0x01, 0x00, 0x00, 0x00, 0x00, 0x00\n"
		".byte 0x34, 0x01, 0x01, 0x00, 0x03, 0x00, 0x00, 0x00\n"
		/* r1 = (s8)r2, r1 = (s16)r2, r1 = (s32)r2, w1 = (s8)w2 */
		".byte 0xbf, 0x21, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00\n"
		".byte 0xbf, 0x21, 0x10, 0x00, 0x00, 0x00, 0x00, 0x00\n"
		".byte 0xbf, 0x21, 0x20, 0x00, 0x00, 0x00, 0x00, 0x00\n"
		".byte 0xbc, 0x21, 0x08, 0x00, 0x00, 0x00, 0x00, 0x00\n"
		/* r1 = *(s8 *)(r10 -8), *(s16 *), *(s32 *) */
		".byte 0x91, 0xa1, 0xf8, 0xff, 0x00, 0x00, 0x00, 0x00\n"
		".byte 0x89, 0xa1, 0xf8, 0xff, 0x00, 0x00, 0x00, 0x00\n"
		".byte 0x81, 0xa1, 0xf8, 0xff, 0x00, 0x00, 0x00, 0x00\n"
		/* r1 = bswap16 r1, r1 = bswap64 r1, gotol pc+0 */
		".byte 0xd7, 0x01, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00\n"
		".byte 0xd7, 0x01, 0x00, 0x00, 0x40, 0x00, 0x00, 0x00\n"
		".byte 0x06, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00\n"
		::: "r1", "r2", "memory");
	return XDP_PASS;
}

SEC("xdp")
int disasm_drop(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;

	if ((void *)(eth + 1) > end)
		return XDP_PASS;
	if (eth->h_proto == bpf_htons(0x88b5))
		return XDP_DROP;
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
