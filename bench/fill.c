// fill PIN N: put N entries into the pinned map PIN with BPF_MAP_UPDATE_BATCH
// (libbpf's bpf_map_update_batch), 8192 at a time. Key i is i (little-endian)
// in its first bytes and a pattern after; values are a pattern of i. Arrays
// get keys 0..N-1. Used by run.sh so setting up 1M entries takes a second.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_open.h"

int main(int argc, char **argv)
{
	if (argc != 3) {
		fprintf(stderr, "usage: fill PIN N\n");
		return 2;
	}
	long n = atol(argv[2]);
	struct bpf_map_info info = {};
	int fd = map_open(argv[1], &info);
	if (fd < 0)
		return 1;
	size_t ks = info.key_size, vs = info.value_size;
	if (percpu(info.type))
		vs = ((vs + 7) / 8 * 8) * libbpf_num_possible_cpus();
	const long chunk = 8192;
	unsigned char *keys = calloc(chunk, ks), *vals = calloc(chunk, vs);
	for (long base = 0; base < n; base += chunk) {
		__u32 cnt = n - base < chunk ? n - base : chunk;
		for (__u32 j = 0; j < cnt; j++) {
			unsigned long i = base + j;
			unsigned char *k = keys + j * ks, *v = vals + j * vs;
			for (size_t b = 0; b < ks; b++)
				k[b] = b < sizeof(__u32) ? (unsigned char)(i >> (8 * b)) : (unsigned char)(i * 37 + b * 11);
			for (size_t b = 0; b < vs; b++)
				v[b] = (unsigned char)(i * 13 + b * 7 + 1);
		}
		LIBBPF_OPTS(bpf_map_batch_opts, opts, .elem_flags = BPF_ANY);
		if (bpf_map_update_batch(fd, keys, vals, &cnt, &opts)) {
			fprintf(stderr, "update batch at %ld: %s\n", base, strerror(errno));
			return 1;
		}
	}
	return 0;
}
