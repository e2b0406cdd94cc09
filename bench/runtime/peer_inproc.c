/*
 * bench/runtime/peer_inproc.c - liblatch_rt and its peer in one process
 * (issue 12's runtime target, built and run by peer.py).
 *
 *   peer_inproc ROUNDS N_ONE N_STEP     every round times, for each workload
 *                                       of peer_work.c, the untraced, peer and
 *                                       liblatch_rt copies one after the other
 *                                       (the order rotates by round)
 *   peer_inproc --only VARIANT WORKLOAD N   one loop of one copy (callgrind)
 *
 * The peer is the least a tracer that stamps entry and exit can do: each
 * hook reads rdtsc and makes two 8-byte stores (time, function) into a
 * buffer of PEER_BUF_MB MiB (the trace's size, LATCH_BUF_MB), allocated and
 * made present before main, used as a ring. liblatch_rt traces to
 * LATCH_TRACE as configured by the environment (peer.py: ring mode, the same
 * size). Prints one line per timed loop:
 *   loop ROUND WORKLOAD VARIANT NS CALLS
 * and exits 2 on bad arguments or when liblatch_rt is not tracing.
 */
#define _GNU_SOURCE
#include <latch/rt.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>

#define NOTRACE __attribute__((no_instrument_function))

volatile uint64_t sink;
volatile double plant = 20.0, integ;

static uint8_t *pbuf;
static uint64_t ppos, pmask;

NOTRACE static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

NOTRACE static inline void peer_rec(void *fn, uint64_t kind)
{
	uint64_t *p = (uint64_t *)(void *)(pbuf + ppos);

	p[0] = rdtsc();
	p[1] = (uint64_t)(uintptr_t)fn | kind << 48;
	ppos = (ppos + 16u) & pmask;
}

NOTRACE void peer_func_enter(void *fn, void *site);
NOTRACE void peer_func_exit(void *fn, void *site);

NOTRACE void peer_func_enter(void *fn, void *site)
{
	(void)site;
	peer_rec(fn, 0);
}

NOTRACE void peer_func_exit(void *fn, void *site)
{
	(void)site;
	peer_rec(fn, 1);
}

#define DECL(s)                                                                                    \
	void loop_one##s(uint64_t n);                                                              \
	void loop_step4##s(uint64_t n);
DECL(_plain)
DECL(_peer)
DECL(_latch)

struct variant {
	const char *name;
	void (*loop[2])(uint64_t n);
};

static const struct variant variants[3] = {
        {"plain", {loop_one_plain, loop_step4_plain}},
        {"peer", {loop_one_peer, loop_step4_peer}},
        {"latch", {loop_one_latch, loop_step4_latch}},
};
static const char *const workloads[2] = {"one", "step4"};
static const uint64_t calls_per_iter[2] = {1, 5};

NOTRACE static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

NOTRACE static int find_variant(const char *s)
{
	int i;

	for (i = 0; i < 3; i++)
		if (strcmp(s, variants[i].name) == 0)
			return i;
	return -1;
}

NOTRACE static int find_workload(const char *s)
{
	int i;

	for (i = 0; i < 2; i++)
		if (strcmp(s, workloads[i]) == 0)
			return i;
	return -1;
}

NOTRACE int main(int argc, char **argv)
{
	const char *mb = getenv("PEER_BUF_MB");
	uint64_t size = (uint64_t)(mb != NULL ? strtoull(mb, NULL, 10) : 512u) << 20;
	uint64_t n[2];
	long rounds, r;
	int w, k;

	if (size == 0 || (size & (size - 1u)) != 0) {
		fprintf(stderr, "peer_inproc: error: PEER_BUF_MB must be a power of two\n");
		return 2;
	}
	if (!latch_rt_is_on()) {
		fprintf(stderr, "peer_inproc: error: liblatch_rt is not tracing (set LATCH_TRACE)\n");
		return 2;
	}
	pbuf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
	            -1, 0);
	if (pbuf == MAP_FAILED) {
		perror("peer_inproc: mmap");
		return 2;
	}
	pmask = size - 1u;
	if (argc == 5 && strcmp(argv[1], "--only") == 0) {
		int v = find_variant(argv[2]);

		w = find_workload(argv[3]);
		if (v < 0 || w < 0) {
			fprintf(stderr, "peer_inproc: error: unknown variant or workload\n");
			return 2;
		}
		variants[v].loop[w](strtoull(argv[4], NULL, 10));
		return 0;
	}
	if (argc != 4) {
		fprintf(stderr, "usage: peer_inproc ROUNDS N_ONE N_STEP\n"
		                "       peer_inproc --only plain|peer|latch one|step4 N\n");
		return 2;
	}
	rounds = strtol(argv[1], NULL, 10);
	n[0] = strtoull(argv[2], NULL, 10);
	n[1] = strtoull(argv[3], NULL, 10);
	/* A warm-up pass of each copy: code, TLS and the first chunks. */
	for (w = 0; w < 2; w++)
		for (k = 0; k < 3; k++)
			variants[k].loop[w](n[w] / 16u + 1u);
	for (r = 0; r < rounds; r++) {
		for (w = 0; w < 2; w++) {
			for (k = 0; k < 3; k++) {
				const struct variant *v = &variants[(k + r) % 3];
				uint64_t t0 = now_ns(), t1;

				v->loop[w](n[w]);
				t1 = now_ns();
				printf("loop %ld %s %s %llu %llu\n", r, workloads[w], v->name,
				       (unsigned long long)(t1 - t0),
				       (unsigned long long)(n[w] * calls_per_iter[w]));
			}
		}
	}
	return 0;
}
