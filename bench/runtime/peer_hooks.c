/*
 * bench/runtime/peer_hooks.c - the peer of the per-call benchmark: the least
 * a tracer that stamps entry and exit can do. Each hook reads rdtsc and makes
 * two 8-byte stores (time, function) into a buffer of PEER_BUF_MB MiB (the
 * trace's size), allocated and made present before main, used as a ring.
 * No thread state, no guard, no stack depth, no count publication.
 */
#define _GNU_SOURCE
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

#define NOTRACE __attribute__((no_instrument_function))

static uint8_t *buf;
static uint64_t pos, mask;

NOTRACE static inline uint64_t rdtsc(void)
{
	uint32_t lo, hi;

	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}

__attribute__((constructor)) NOTRACE static void peer_init(void)
{
	const char *v = getenv("PEER_BUF_MB");
	uint64_t size = (uint64_t)(v ? strtoull(v, NULL, 10) : 64u) << 20;

	buf = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
	           -1, 0);
	if (buf == MAP_FAILED)
		abort();
	mask = size - 1u; /* a power of two */
}

NOTRACE static inline void rec(void *fn, uint64_t kind)
{
	uint64_t *p = (uint64_t *)(void *)(buf + pos);

	p[0] = rdtsc();
	p[1] = (uint64_t)(uintptr_t)fn | kind << 48;
	pos = (pos + 16u) & mask;
}

NOTRACE void __cyg_profile_func_enter(void *fn, void *site)
{
	(void)site;
	rec(fn, 0);
}

NOTRACE void __cyg_profile_func_exit(void *fn, void *site)
{
	(void)site;
	rec(fn, 1);
}
