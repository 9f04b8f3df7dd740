// SPDX-License-Identifier: GPL-2.0
/*
 * map_owners: fixture for `map show` of maps a program holds and of map
 * types that need BTF to be created.
 *
 * owners_xdp redirects through a cpumap, a devmap, a devmap_hash and an
 * xskmap and tail-calls through a prog array, so once it is loaded the
 * kernel reports an owner program type for the prog array, the devmap and
 * the cpumap (bpftool prints it for prog arrays only).  The local storage
 * maps (sk, task, inode, cgroup) cannot be made without BTF key and value
 * types, which `map create` has no way to give; here they get them.  The
 * program returns XDP_PASS when no redirect applies.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

/* Kernel 6.2's cgroup local storage; the installed uapi header predates it. */
#define OWNERS_MAP_TYPE_CGRP_STORAGE 32

struct {
	__uint(type, BPF_MAP_TYPE_CPUMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_cpumap_val);
} owners_cpumap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} owners_devmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} owners_devhash SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_XSKMAP);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} owners_xskmap SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 4);
	__type(key, __u32);
	__type(value, __u32);
} owners_progs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_SK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} owners_sk SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} owners_task SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_INODE_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} owners_inode SEC(".maps");

struct {
	__uint(type, OWNERS_MAP_TYPE_CGRP_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, __u64);
} owners_cgrp SEC(".maps");

SEC("xdp")
int owners_xdp(struct xdp_md *ctx)
{
	__u32 q = ctx->rx_queue_index;

	switch (q & 7) {
	case 0:
		return bpf_redirect_map(&owners_cpumap, 0, XDP_PASS);
	case 1:
		return bpf_redirect_map(&owners_devmap, 0, XDP_PASS);
	case 2:
		return bpf_redirect_map(&owners_devhash, 0, XDP_PASS);
	case 3:
		return bpf_redirect_map(&owners_xskmap, q, XDP_PASS);
	case 4:
		bpf_tail_call(ctx, &owners_progs, 0);
		break;
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
