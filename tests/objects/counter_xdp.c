// Used by the network-hook tests (net attach xdp): counts packets and
// bytes into pkt_count[0] while tests ping through the interface.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counts {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, struct counts);
	__uint(max_entries, 1);
} pkt_count SEC(".maps");

SEC("xdp")
int count_xdp(struct xdp_md *ctx)
{
	__u32 key = 0;
	struct counts *c = bpf_map_lookup_elem(&pkt_count, &key);

	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, ctx->data_end - ctx->data);
	}
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
