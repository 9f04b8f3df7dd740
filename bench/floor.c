// floor PIN [-j]: the least work a batched `map dump` can do, for run.sh to
// time bpfpin and bpftool against. bpf_map_lookup_batch in a loop, then
// bpftool's plain text (fprint_hex layout for maps without BTF, per-CPU
// values as bpftool prints them) or its compact -j JSON, formatted with
// lookup tables into a 64 KiB buffer written to stdout. Hash maps and arrays,
// plain and per-CPU; no BTF. Its output is checked against bpfpin's in run.sh.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "map_open.h"
#include <unistd.h>

static char obuf[64 * 1024];
static size_t olen;

static void flush(void)
{
	size_t off = 0;
	while (off < olen) {
		ssize_t w = write(1, obuf + off, olen - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			exit(1);
		}
		off += w;
	}
	olen = 0;
}

static inline void put(const char *s, size_t n)
{
	if (olen + n > sizeof(obuf))
		flush();
	memcpy(obuf + olen, s, n);
	olen += n;
}

static const char hexd[] = "0123456789abcdef";

static void hex(const unsigned char *b, size_t n)
{
	if (olen + 4 * n > sizeof(obuf))
		flush();
	char *p = obuf + olen;
	for (size_t i = 0; i < n; i++) {
		if (i) {
			if (i % 16 == 0)
				*p++ = '\n';
			else if (i % 8 == 0)
				*p++ = ' ', *p++ = ' ';
			else
				*p++ = ' ';
		}
		*p++ = hexd[b[i] >> 4];
		*p++ = hexd[b[i] & 15];
	}
	olen = p - obuf;
}

static void jbytes(const unsigned char *b, size_t n)
{
	if (olen + 7 * n + 2 > sizeof(obuf))
		flush();
	char *p = obuf + olen;
	*p++ = '[';
	for (size_t i = 0; i < n; i++) {
		if (i)
			*p++ = ',';
		*p++ = '"', *p++ = '0', *p++ = 'x';
		*p++ = hexd[b[i] >> 4];
		*p++ = hexd[b[i] & 15];
		*p++ = '"';
	}
	*p++ = ']';
	olen = p - obuf;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: floor PIN [-j]\n");
		return 2;
	}
	int json = argc > 2 && !strcmp(argv[2], "-j");
	struct bpf_map_info info = {};
	int fd = map_open(argv[1], &info);
	if (fd < 0)
		return 1;
	int pc = percpu(info.type);
	size_t ks = info.key_size, vsz = info.value_size, stride = pc ? (vsz + 7) / 8 * 8 : vsz;
	int ncpus = pc ? libbpf_num_possible_cpus() : 1;
	size_t vs = stride * ncpus;
	__u32 chunk = 256 * 1024 / (ks + vs);
	if (chunk < 64)
		chunk = 64;
	if (chunk > 8192)
		chunk = 8192;
	unsigned char *keys = malloc(chunk * ks), *vals = malloc(chunk * vs);
	unsigned long long cur = 0, next = 0, found = 0;
	int first = 1, done = 0;
	/* print_entry_plain's shape */
	int brk = ks > 16 || vsz > 16, single = !brk && ks + vsz <= 24;
	if (json)
		put("[", 1);
	while (!done) {
		__u32 n = chunk;
		LIBBPF_OPTS(bpf_map_batch_opts, opts);
		int err = bpf_map_lookup_batch(fd, first ? NULL : &cur, &next, keys, vals, &n, &opts);
		if (err && errno == ENOENT)
			done = 1;
		else if (err) {
			fprintf(stderr, "lookup batch: %s\n", strerror(errno));
			return 1;
		}
		first = 0;
		cur = next;
		for (__u32 i = 0; i < n; i++, found++) {
			const unsigned char *k = keys + i * ks, *v = vals + i * vs;
			if (json) {
				if (found)
					put(",", 1);
				put("{\"key\":", 7);
				jbytes(k, ks);
				if (!pc) {
					put(",\"value\":", 9);
					jbytes(v, vsz);
				} else {
					put(",\"values\":[", 11);
					for (int c = 0; c < ncpus; c++) {
						char t[32];
						int l = snprintf(t, sizeof(t), "%s{\"cpu\":%d,\"value\":", c ? "," : "", c);
						put(t, l);
						jbytes(v + c * stride, vsz);
						put("}", 1);
					}
					put("]", 1);
				}
				put("}", 1);
			} else if (!pc) {
				put(brk ? "key:\n" : "key: ", 5);
				hex(k, ks);
				put(single ? "  " : "\n", single ? 2 : 1);
				put(brk ? "value:\n" : "value: ", 7);
				hex(v, vsz);
				put("\n", 1);
			} else {
				put("key:\n", 5);
				hex(k, ks);
				put("\n", 1);
				for (int c = 0; c < ncpus; c++) {
					char t[32];
					int l = snprintf(t, sizeof(t), "value (CPU %02d):%c", c, vsz > 16 ? '\n' : ' ');
					put(t, l);
					hex(v + c * stride, vsz);
					put("\n", 1);
				}
			}
		}
	}
	if (json) {
		put("]\n", 2);
	} else {
		char t[64];
		int l = snprintf(t, sizeof(t), "Found %llu element%s\n", found, found == 1 ? "" : "s");
		put(t, l);
	}
	flush();
	return 0;
}
