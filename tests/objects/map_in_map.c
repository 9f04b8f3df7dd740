// Used by `map dump --inner` (tests/it/inner.rs): an array of maps and a
// hash of maps whose slots are filled statically (`.values = {...}`), inner
// hash maps with a BTF value type, and a program that counts into an inner
// map picked by the packet, so a test can put known values there with
// `prog run ... data_in FILE`.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct counts {
	__u64 packets;
	__u64 bytes;
};

struct inner {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct counts);
};

struct inner inner_a SEC(".maps");
struct inner inner_b SEC(".maps");

// Slots 1 and 3 stay empty.
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY_OF_MAPS);
	__uint(max_entries, 4);
	__type(key, __u32);
	__array(values, struct inner);
} mim_aom SEC(".maps") = {
	.values = { [0] = &inner_a, [2] = &inner_b },
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, 8);
	__type(key, __u32);
	__array(values, struct inner);
} mim_hom SEC(".maps") = {
	.values = { [7] = &inner_b },
};

// The packet's first 4 bytes pick the slot of mim_aom, the next 4 are the
// key counted in that slot's inner map.
SEC("xdp")
int mim_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *end = (void *)(long)ctx->data_end;
	__u32 *words = data;

	if (data + 8 > end)
		return XDP_PASS;
	__u32 slot = words[0];
	__u32 key = words[1];
	void *inner = bpf_map_lookup_elem(&mim_aom, &slot);

	if (!inner)
		return XDP_PASS;
	struct counts *c = bpf_map_lookup_elem(inner, &key);

	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, end - data);
	} else {
		struct counts fresh = { .packets = 1, .bytes = end - data };

		bpf_map_update_elem(inner, &key, &fresh, BPF_NOEXIST);
	}
	return XDP_DROP;
}

char LICENSE[] SEC("license") = "GPL";
