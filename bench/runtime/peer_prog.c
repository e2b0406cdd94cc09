/*
 * bench/runtime/peer_prog.c - the two workloads of the per-call benchmark
 * (peer.py), each built three ways: plain, with liblatch_rt, and with the
 * peer hooks of peer_hooks.c (two rdtsc reads and two stores per call into a
 * preallocated buffer of the trace's size).
 *
 *   peer_prog one N    N calls of one small function (the workload the
 *                      runtime was tuned on)
 *   peer_prog step4 N  N control steps, each four small calls (sense,
 *                      filter, control, act) under a traced step(): five
 *                      traced calls per step; written for this benchmark
 *   peer_prog start 0  nothing: start-up time alone
 *
 * Prints "ns <loop time in ns> calls <traced calls>"; the loop is timed
 * with CLOCK_MONOTONIC inside the program, so start-up is not in it.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

volatile uint64_t sink;
volatile double plant = 20.0, integ;

/* The workloads themselves, the same code peer_inproc times (no SUFFIX). */
#include "peer_work.c"

NOTRACE static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NOTRACE int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "one";
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 1000000u, t0, t1, calls = 0;

	t0 = now_ns();
	if (strcmp(w, "one") == 0) {
		loop_one(n);
		calls = n;
	} else if (strcmp(w, "step4") == 0) {
		loop_step4(n);
		calls = 5 * n;
	}
	t1 = now_ns();
	printf("ns %llu calls %llu\n", (unsigned long long)(t1 - t0), (unsigned long long)calls);
	return 0;
}
