// struct_ops programs: each implements a member of the kernel's
// `struct tcp_congestion_ops`, named by the `.struct_ops` variable `ops_cc`
// whose function pointers are relocated to them. Loading them needs that
// struct's vmlinux BTF id (attach_btf_id) and each member's index
// (expected_attach_type); registering `ops_cc` is not part of a load.
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
struct sock;
struct tcp_congestion_ops {
	void (*init)(struct sock *sk);
	unsigned int (*ssthresh)(struct sock *sk);
	void (*cong_avoid)(struct sock *sk, unsigned int ack, unsigned int acked);
	unsigned int (*undo_cwnd)(struct sock *sk);
	char name[16];
} __attribute__((preserve_access_index));

SEC("struct_ops/ops_init")
void ops_init(unsigned long long *ctx) { }
SEC("struct_ops/ops_ssthresh")
unsigned int ops_ssthresh(unsigned long long *ctx) { return 2; }
SEC("struct_ops/ops_cong_avoid")
void ops_cong_avoid(unsigned long long *ctx) { }
SEC("struct_ops/ops_undo_cwnd")
unsigned int ops_undo_cwnd(unsigned long long *ctx) { return 2; }

SEC(".struct_ops")
struct tcp_congestion_ops ops_cc = {
	.init = (void *)ops_init,
	.ssthresh = (void *)ops_ssthresh,
	.cong_avoid = (void *)ops_cong_avoid,
	.undo_cwnd = (void *)ops_undo_cwnd,
	.name = "bpfpin_ops",
};
char _license[] SEC("license") = "GPL";
