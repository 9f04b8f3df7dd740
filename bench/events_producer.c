/* bench/events.sh: run a pinned XDP program with BPF_PROG_TEST_RUN at a
 * steady pace: every 10 ms, `repeat` runs (each writes 100 records), for
 * `seconds`. Usage: events_producer PROG_PIN RECORDS_PER_SEC SECONDS */
#include <bpf/bpf.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

int main(int argc, char **argv)
{
	if (argc != 4) {
		fprintf(stderr, "usage: %s PROG_PIN RECORDS_PER_SEC SECONDS\n", argv[0]);
		return 2;
	}
	int prog = bpf_obj_get(argv[1]);
	if (prog < 0) { perror("bpf_obj_get"); return 1; }
	long rate = atol(argv[2]), secs = atol(argv[3]);
	unsigned char pkt[64] = {0};
	struct timespec next;
	clock_gettime(CLOCK_MONOTONIC, &next);
	for (long tick = 0; tick < secs * 100; tick++) {
		LIBBPF_OPTS(bpf_test_run_opts, o, .data_in = pkt, .data_size_in = sizeof(pkt),
			    .repeat = (unsigned)(rate / 100 / 100));
		if (bpf_prog_test_run_opts(prog, &o)) { perror("BPF_PROG_TEST_RUN"); return 1; }
		next.tv_nsec += 10 * 1000 * 1000;
		if (next.tv_nsec >= 1000000000) { next.tv_sec++; next.tv_nsec -= 1000000000; }
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &next, NULL);
	}
	return 0;
}
