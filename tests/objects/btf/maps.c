// Fixture for btf.rs golden tests: BTF-defined maps whose bpftool `formatted`
// dumps are captured in the unit tests of src/btf.rs. Rebuild and recapture (as root) with:
//   clang -O2 -g -target bpf -I/usr/include/x86_64-linux-gnu -c maps.c -o maps.o
//   ./capture.sh maps.o /tmp/cap   # bpftool JSON dumps + the kernel's BTF (maps.kernel.btf)
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

typedef unsigned int u32_t;

struct key2 {
	__u32 a;
	__u16 b;
};

struct counters {
	__u64 packets;
	__u64 bytes;
};

enum color { RED = 0, GREEN = 1, BLUE = 7, NEG = -3 };

struct inner {
	__u16 port;
	__u8 proto;
	signed char delta;
};

struct bits {
	__u32 f1 : 3;
	__u32 f2 : 5;
	__s32 f3 : 4;
	__u64 f4 : 40;
	__u8 tail;
};

union either {
	__u32 word;
	unsigned char bytes[4];
};

struct big {
	struct inner in;
	__u32 arr[4];
	char name[16];
	char raw[4];
	enum color color;
	enum color color2;
	int neg;
	long long sll;
	_Bool flag;
	_Bool flag2;
	struct bits bits;
	union either u;
	union {
		__u16 anon_a;
		__s16 anon_b;
	};
	const volatile u32_t cv;
	unsigned __int128 wide;
	void *ptr;
	char c;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, __u64);
} m_u32_u64 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, struct key2);
	__type(value, struct counters);
} m_key2_counters SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct big);
} m_big SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_HASH);
	__uint(max_entries, 8);
	__type(key, __u32);
	__type(value, struct counters);
} m_percpu SEC(".maps");

__u64 g_data = 5;
int g_bss;
char g_str[8] = "hi";

SEC("xdp")
int touch(struct xdp_md *ctx)
{
	__u32 k = 0;
	struct key2 k2 = {};
	__u64 *v = bpf_map_lookup_elem(&m_u32_u64, &k);
	struct counters *c = bpf_map_lookup_elem(&m_key2_counters, &k2);
	struct big *b = bpf_map_lookup_elem(&m_big, &k);
	struct counters *p = bpf_map_lookup_elem(&m_percpu, &k);

	if (v)
		g_data += *v;
	if (c)
		g_bss += c->packets;
	if (b)
		g_bss += b->neg;
	if (p)
		g_bss += p->bytes + g_str[0];
	return XDP_PASS;
}

char LICENSE[] SEC("license") = "GPL";
