/*
 * bench/runtime/bench.c - the workload of the runtime benchmark (run.sh).
 *
 * The workload (work.c) is built several ways: plain, with
 * -finstrument-functions and empty hooks, with liblatch_rt, with -pg for
 * uftrace, and with the traced functions excluded by name; every binary also
 * holds an uninstrumented copy (names ending in _plain). This file is never
 * instrumented.
 *
 *   bench percall N   N calls of one small function; prints "ns_per_call X"
 *   bench tsc N       the same with two rdtsc reads around each call
 *   bench step N      N control steps (5 calls each) traced, and N untraced,
 *                     alternately, each timed with rdtsc; prints
 *                     p50/p99/p99.9/p99.99/max of one step in ns, for the
 *                     untraced copy as plain_<p>
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define NOTRACE __attribute__((no_instrument_function))

volatile uint64_t sink;
volatile double plant = 20.0, integ;

/* work.c, built with the variant's instrumentation ... */
void work(uint64_t i);
void step(void);
/* ... and again without any. */
void work_plain(uint64_t i);
void step_plain(void);

NOTRACE static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

NOTRACE static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NOTRACE static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

NOTRACE static double tsc_ns_per_tick(void)
{
	uint64_t n0 = now_ns(), t0 = rdtsc(), n1, t1;
	struct timespec d = { 0, 50000000 };

	nanosleep(&d, NULL);
	n1 = now_ns();
	t1 = rdtsc();
	return (double)(n1 - n0) / (double)(t1 - t0);
}

NOTRACE int main(int argc, char **argv)
{
	const char *mode = argc > 1 ? argv[1] : "percall";
	uint64_t n = argc > 2 ? strtoull(argv[2], NULL, 10) : 10000000u, i;

	if (strcmp(mode, "percall") == 0 || strcmp(mode, "tsc") == 0) {
		int tsc = mode[0] == 't';
		uint64_t t0, t1, acc = 0;

		for (i = 0; i < n / 10; i++) /* warm up */
			work(i);
		t0 = now_ns();
		if (tsc) {
			for (i = 0; i < n; i++) {
				uint64_t a = rdtsc();
				work(i);
				acc += rdtsc() - a;
			}
		} else {
			for (i = 0; i < n; i++)
				work(i);
		}
		t1 = now_ns();
		sink += acc;
		printf("ns_per_call %.3f\n", (double)(t1 - t0) / (double)n);
	} else if (strcmp(mode, "step") == 0) {
		uint64_t *d = malloc(2 * n * sizeof(*d)), *dp = d + n;
		double k = tsc_ns_per_tick();
		static const char *const names[] = { "p50", "p99", "p99.9", "p99.99" };
		static const double q[] = { 0.50, 0.99, 0.999, 0.9999 };
		size_t j;

		if (d == NULL)
			return 2;
		for (i = 0; i < 10000; i++) {
			step();
			step_plain();
		}
		for (i = 0; i < n; i++) {
			uint64_t a = rdtsc(), b, c;

			step_plain();
			b = rdtsc();
			step();
			c = rdtsc();
			dp[i] = b - a;
			d[i] = c - b;
		}
		qsort(d, n, sizeof(*d), cmp_u64);
		qsort(dp, n, sizeof(*dp), cmp_u64);
		for (j = 0; j < 4; j++) {
			size_t at = (size_t)(q[j] * (double)(n - 1));

			printf("%s %.1f\nplain_%s %.1f\n", names[j], (double)d[at] * k, names[j], (double)dp[at] * k);
		}
		printf("max %.1f\nplain_max %.1f\n", (double)d[n - 1] * k, (double)dp[n - 1] * k);
		free(d);
	} else {
		fprintf(stderr, "usage: bench percall|tsc|step N\n");
		return 2;
	}
	return 0;
}
