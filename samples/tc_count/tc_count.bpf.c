// SPDX-License-Identifier: GPL-2.0
/*
 * tc_count: packets and bytes per direction, counted by tc classifiers.
 *
 * `tc_dir_count` is an array of two struct dir_count {packets, bytes}:
 * key 0 counts ingress, key 1 egress.  The direction is fixed by the hook a
 * program is attached to, so there are two programs, `tc_count_ingress` and
 * `tc_count_egress`, each writing its own key.  (Guessing the direction
 * from skb->ingress_ifindex inside one program would count forwarded
 * packets leaving the interface as ingress.)  Both return TC_ACT_OK, which
 * is also tcx's "next": the packet goes on unchanged.  Attach them with
 * tc-ingress/tc-egress (clsact qdisc) or tcx-ingress/tcx-egress (tcx links).
 *
 *   bpfpin prog loadall samples/tc_count/tc_count.bpf.o /sys/fs/bpf/tc_count \
 *          --pin-maps /sys/fs/bpf/tc_count_maps
 *   bpfpin net attach tc-ingress pinned /sys/fs/bpf/tc_count/tc_count_ingress dev IFACE
 *   bpfpin net attach tc-egress pinned /sys/fs/bpf/tc_count/tc_count_egress dev IFACE
 *   bpfpin map dump pinned /sys/fs/bpf/tc_count_maps/tc_dir_count
 *   bpfpin net detach tc-ingress dev IFACE
 *   bpfpin net detach tc-egress dev IFACE
 *   bpfpin prog rm -r /sys/fs/bpf/tc_count
 *   bpfpin map rm -r /sys/fs/bpf/tc_count_maps
 */
#include <linux/bpf.h>
#include <linux/pkt_cls.h>
#include <bpf/bpf_helpers.h>

enum { DIR_INGRESS = 0, DIR_EGRESS = 1 };

struct dir_count {
	__u64 packets;
	__u64 bytes;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__type(key, __u32);		/* 0 ingress, 1 egress */
	__type(value, struct dir_count);
	__uint(max_entries, 2);
} tc_dir_count SEC(".maps");

static __always_inline int count(struct __sk_buff *skb, __u32 dir)
{
	struct dir_count *c = bpf_map_lookup_elem(&tc_dir_count, &dir);

	if (c) {
		__sync_fetch_and_add(&c->packets, 1);
		__sync_fetch_and_add(&c->bytes, skb->len);
	}
	return TC_ACT_OK;
}

SEC("tc")
int tc_count_ingress(struct __sk_buff *skb)
{
	return count(skb, DIR_INGRESS);
}

SEC("tc")
int tc_count_egress(struct __sk_buff *skb)
{
	return count(skb, DIR_EGRESS);
}

char LICENSE[] SEC("license") = "GPL";
