// Used by the USDT tests (tests/it/uprobe.rs): programs written with
// libbpf's <bpf/usdt.bpf.h>, which read their arguments through the
// __bpf_usdt_specs map that `link attach ... usdt` fills, and store them
// in .bss for the test to read back.
#include <stdbool.h>
#include <linux/bpf.h>
#include <linux/ptrace.h>
#include <bpf/bpf_helpers.h>
#include <bpf/usdt.bpf.h>

__u64 triple_hits;
long triple_a, triple_b, triple_c;
long triple_cnt;
__u64 gated_hits;
long gated_v;
__u64 twice_hits;
long twice_sum;
__u64 multi_hits;
long multi_a;

SEC("usdt")
int BPF_USDT(on_triple, int a, int b, long c)
{
	__sync_fetch_and_add(&triple_hits, 1);
	triple_a = a;
	triple_b = b;
	triple_c = c;
	triple_cnt = bpf_usdt_arg_cnt(ctx);
	return 0;
}

SEC("usdt")
int BPF_USDT(on_gated, int v)
{
	__sync_fetch_and_add(&gated_hits, 1);
	gated_v = v;
	return 0;
}

SEC("usdt")
int BPF_USDT(on_twice, long v)
{
	__sync_fetch_and_add(&twice_hits, 1);
	__sync_fetch_and_add(&twice_sum, v);
	return 0;
}

/* Loaded for uprobe_multi links: `usdt` attaches it with one link. */
SEC("uprobe.multi")
int BPF_USDT(on_twice_multi, long v)
{
	__sync_fetch_and_add(&multi_hits, 1);
	__sync_fetch_and_add(&multi_a, v);
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
