/* Shared by fill.c and floor.c: open a pinned map and read its info, the
 * way both bench tools start. */
#ifndef BPFPIN_BENCH_MAP_OPEN_H
#define BPFPIN_BENCH_MAP_OPEN_H

#include <bpf/bpf.h>
#include <stdio.h>

static int percpu(__u32 t)
{
	return t == BPF_MAP_TYPE_PERCPU_HASH || t == BPF_MAP_TYPE_PERCPU_ARRAY || t == BPF_MAP_TYPE_LRU_PERCPU_HASH;
}

/* The map's fd, with its info in *info; -1 after printing why. */
static int map_open(const char *pin, struct bpf_map_info *info)
{
	int fd = bpf_obj_get(pin);
	if (fd < 0) {
		perror("bpf_obj_get");
		return -1;
	}
	__u32 len = sizeof(*info);
	if (bpf_obj_get_info_by_fd(fd, info, &len)) {
		perror("map info");
		return -1;
	}
	return fd;
}

#endif
