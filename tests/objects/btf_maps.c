// Used by the map tests (map list/show/dump/lookup/update/delete on every
// common map kind): one program touching five BTF-defined `.maps` maps.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

struct flow_stats {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1024);
} hash_u32_u64 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 16);
} array_u32_u64 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 128);
} lru_u32_u64 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 64);
} percpu_u32_u64 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, struct flow_stats);
	__uint(max_entries, 64);
} stats SEC(".maps");

SEC("xdp")
int btf_maps_prog(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 one = 1, *v;
	__u64 len = ctx->data_end - ctx->data;
	struct flow_stats *st, init = { 1, len };

	v = bpf_map_lookup_elem(&hash_u32_u64, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&hash_u32_u64, &key, &one, BPF_NOEXIST);

	v = bpf_map_lookup_elem(&array_u32_u64, &key);
	if (v)
		__sync_fetch_and_add(v, 1);

	v = bpf_map_lookup_elem(&lru_u32_u64, &key);
	if (v)
		__sync_fetch_and_add(v, 1);
	else
		bpf_map_update_elem(&lru_u32_u64, &key, &one, BPF_ANY);

	v = bpf_map_lookup_elem(&percpu_u32_u64, &key);
	if (v)
		*v += 1;
	else
		bpf_map_update_elem(&percpu_u32_u64, &key, &one, BPF_NOEXIST);

	st = bpf_map_lookup_elem(&stats, &key);
	if (st) {
		__sync_fetch_and_add(&st->packets, 1);
		__sync_fetch_and_add(&st->bytes, len);
	} else {
		bpf_map_update_elem(&stats, &key, &init, BPF_NOEXIST);
	}

	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
