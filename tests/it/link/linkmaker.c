/* Makes one bpf_link of a given kind for a pinned program and pins it, with
 * raw bpf(2) calls, so the link show tests do not depend on who attaches:
 * bpfpin and bpftool then read the same kernel object.
 *
 *   linkmaker PROG_PIN LINK_PIN KIND [ARGS...]
 *     raw_tp NAME | tp_btf | tracepoint CAT/NAME [COOKIE] | event TYPE CONFIG [COOKIE]
 *     uprobe FILE OFFSET [ret] | uprobe_multi FILE OFF1,OFF2 [ret] | iter_task [TID]
 *     xdp IFINDEX | tcx IFINDEX | cgroup PATH ATTACH | netns PATH ATTACH
 *     netfilter PF HOOK PRIO | sockmap MAP_PIN ATTACH
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

typedef uint64_t u64;
typedef uint32_t u32;

static union attr { unsigned char b[128]; u64 align; } a;

static void put32(int off, u32 v) { memcpy(a.b + off, &v, 4); }
static void put64(int off, u64 v) { memcpy(a.b + off, &v, 8); }

static int sys_bpf(int cmd) {
	int r = syscall(__NR_bpf, cmd, &a, sizeof(a));
	return r;
}

static void die(const char *what) {
	fprintf(stderr, "linkmaker: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int obj_get(const char *path) {
	memset(&a, 0, sizeof(a));
	put64(0, (u64)(uintptr_t)path);
	int fd = sys_bpf(7 /* BPF_OBJ_GET */);
	if (fd < 0) die(path);
	return fd;
}

static void obj_pin(int fd, const char *path) {
	memset(&a, 0, sizeof(a));
	put64(0, (u64)(uintptr_t)path);
	put32(8, fd);
	if (sys_bpf(6 /* BPF_OBJ_PIN */) < 0) die("BPF_OBJ_PIN");
}

static void link_create(int prog, int target, u32 attach_type) {
	memset(&a, 0, sizeof(a));
	put32(0, prog);
	put32(4, target);
	put32(8, attach_type);
}

static int perf_open(u32 type, u64 config, u64 config1, u64 config2) {
	struct perf_event_attr pa;
	memset(&pa, 0, sizeof(pa));
	pa.size = sizeof(pa);
	pa.type = type;
	pa.config = config;
	pa.config1 = config1;
	pa.config2 = config2;
	pa.sample_period = 1000000;
	pa.disabled = 0;
	int fd = syscall(__NR_perf_event_open, &pa, -1, 0, -1, PERF_FLAG_FD_CLOEXEC);
	if (fd < 0) die("perf_event_open");
	return fd;
}

static u32 read_u32_file(const char *path) {
	FILE *f = fopen(path, "r");
	if (!f) die(path);
	unsigned v = 0;
	if (fscanf(f, "%u", &v) != 1) die(path);
	fclose(f);
	return v;
}

int main(int argc, char **argv) {
	if (argc < 4) {
		fprintf(stderr, "usage: linkmaker PROG_PIN LINK_PIN KIND [ARGS...]\n");
		return 2;
	}
	int prog = obj_get(argv[1]);
	const char *kind = argv[3];
	char **x = argv + 4;
	int n = argc - 4;
	int link;
	u64 offs[8];
	if (!strcmp(kind, "raw_tp") || !strcmp(kind, "tp_btf")) {
		memset(&a, 0, sizeof(a));
		if (n > 0) put64(0, (u64)(uintptr_t)x[0]);
		put32(8, prog);
		link = sys_bpf(17 /* BPF_RAW_TRACEPOINT_OPEN */);
	} else if (!strcmp(kind, "tracepoint") || !strcmp(kind, "event") || !strcmp(kind, "uprobe")) {
		int pfd;
		u64 cookie = 0;
		if (!strcmp(kind, "tracepoint")) {
			char p[512];
			snprintf(p, sizeof(p), "/sys/kernel/tracing/events/%s/id", x[0]);
			if (access(p, R_OK))
				snprintf(p, sizeof(p), "/sys/kernel/debug/tracing/events/%s/id", x[0]);
			pfd = perf_open(PERF_TYPE_TRACEPOINT, read_u32_file(p), 0, 0);
			if (n > 1) cookie = strtoull(x[1], 0, 0);
		} else if (!strcmp(kind, "event")) {
			pfd = perf_open(strtoul(x[0], 0, 0), strtoull(x[1], 0, 0), 0, 0);
			if (n > 2) cookie = strtoull(x[2], 0, 0);
		} else {
			u32 t = read_u32_file("/sys/bus/event_source/devices/uprobe/type");
			u64 ret = n > 2 && !strcmp(x[2], "ret") ? 1 : 0;
			pfd = perf_open(t, ret, (u64)(uintptr_t)x[0], strtoull(x[1], 0, 0));
		}
		link_create(prog, pfd, 41 /* BPF_PERF_EVENT */);
		put64(16, cookie);
		link = sys_bpf(28 /* BPF_LINK_CREATE */);
	} else if (!strcmp(kind, "uprobe_multi")) {
		int cnt = 0;
		char *s = strdup(x[1]), *tok;
		for (tok = strtok(s, ","); tok && cnt < 8; tok = strtok(0, ","))
			offs[cnt++] = strtoull(tok, 0, 0);
		link_create(prog, 0, 48 /* BPF_TRACE_UPROBE_MULTI */);
		put32(12, n > 2 && !strcmp(x[2], "ret") ? 1 : 0);
		put64(16, (u64)(uintptr_t)x[0]);
		put64(24, (u64)(uintptr_t)offs);
		put32(48, cnt);
		link = sys_bpf(28);
	} else if (!strcmp(kind, "iter_task")) {
		u32 info[4] = {0};
		if (n > 0) info[0] = strtoul(x[0], 0, 0);
		link_create(prog, 0, 28 /* BPF_TRACE_ITER */);
		if (n > 0) {
			put64(16, (u64)(uintptr_t)info);
			put32(24, sizeof(info));
		}
		link = sys_bpf(28);
	} else if (!strcmp(kind, "xdp") || !strcmp(kind, "tcx")) {
		link_create(prog, strtoul(x[0], 0, 0), !strcmp(kind, "xdp") ? 37 : 46);
		link = sys_bpf(28);
	} else if (!strcmp(kind, "cgroup") || !strcmp(kind, "netns")) {
		int t = open(x[0], O_RDONLY | O_CLOEXEC);
		if (t < 0) die(x[0]);
		link_create(prog, t, strtoul(x[1], 0, 0));
		link = sys_bpf(28);
	} else if (!strcmp(kind, "netfilter")) {
		link_create(prog, 0, 45 /* BPF_NETFILTER */);
		put32(16, strtoul(x[0], 0, 0));
		put32(20, strtoul(x[1], 0, 0));
		put32(24, (u32)strtol(x[2], 0, 0));
		link = sys_bpf(28);
	} else if (!strcmp(kind, "sockmap")) {
		int m = obj_get(x[0]);
		link_create(prog, m, strtoul(x[1], 0, 0));
		link = sys_bpf(28);
	} else {
		fprintf(stderr, "linkmaker: unknown kind %s\n", kind);
		return 2;
	}
	if (link < 0) die(kind);
	obj_pin(link, argv[2]);
	return 0;
}
