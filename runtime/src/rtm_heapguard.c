/*
 * runtime/src/rtm_heapguard.c - the heap guard: interposed allocators.
 *
 * Linked (whole-archive, or LD_PRELOADed as liblatch_rt_heapguard.so) only
 * into programs that want it, because replacing malloc in every traced
 * program would also replace the sanitizers' allocators. Every function
 * forwards to glibc's __libc_* entry points (no dlsym bootstrap problem) and
 * then, when LATCH_HEAPGUARD=1 and an interlock root is on the calling
 * thread's stack, records a HEAP event with a libunwind backtrace
 * (rtm__heap_event). The check costs a few loads when the guard is off.
 */
#define _GNU_SOURCE
#define UNW_LOCAL_ONLY
#include "rtm.h"

#include <errno.h>
#include <libunwind.h>
#include <stddef.h>

void *__libc_malloc(size_t n);
void *__libc_calloc(size_t n, size_t m);
void *__libc_realloc(void *p, size_t n);
void __libc_free(void *p);
void *__libc_memalign(size_t a, size_t n);
void *__libc_valloc(size_t n);

enum {
	HG_MALLOC = 1,
	HG_CALLOC,
	HG_REALLOC,
	HG_FREE,
	HG_ALIGNED,
	HG_POSIX_MEMALIGN,
	HG_MEMALIGN,
	HG_VALLOC
};

/* Frames of the guard itself, skipped: hg_backtrace, rtm__heap_event, the allocator. */
#define HG_SKIP 3

__attribute__((noinline)) RTM_NOTRACE static int hg_backtrace(uint64_t *frames, int max)
{
	void *buf[RTM_HEAP_FRAMES_MAX + HG_SKIP];
	int n, i, o = 0;

	n = unw_backtrace(buf, max + HG_SKIP < (int)(sizeof(buf) / sizeof(buf[0]))
	                               ? max + HG_SKIP
	                               : (int)(sizeof(buf) / sizeof(buf[0])));
	for (i = HG_SKIP; i < n && o < max; i++)
		frames[o++] = (uint64_t)(uintptr_t)buf[i];
	return o;
}

__attribute__((constructor(101))) RTM_NOTRACE static void hg_init(void)
{
	rtm__backtrace = hg_backtrace;
}

RTM_NOTRACE static inline void hg_check(uint32_t kind, uint64_t size)
{
	if (__builtin_expect(
	            __atomic_load_n(&rtm__g.gen, __ATOMIC_RELAXED) != 0 && rtm__g.heapguard, 0))
		rtm__heap_event(kind, size);
}

__attribute__((noinline)) RTM_NOTRACE void *malloc(size_t n)
{
	void *p = __libc_malloc(n);

	hg_check(HG_MALLOC, n);
	return p;
}

__attribute__((noinline)) RTM_NOTRACE void *calloc(size_t n, size_t m)
{
	void *p = __libc_calloc(n, m);

	hg_check(HG_CALLOC, (uint64_t)n * m);
	return p;
}

__attribute__((noinline)) RTM_NOTRACE void *realloc(void *q, size_t n)
{
	void *p = __libc_realloc(q, n);

	hg_check(HG_REALLOC, n);
	return p;
}

__attribute__((noinline)) RTM_NOTRACE void free(void *p)
{
	if (p != NULL)
		hg_check(HG_FREE, 0);
	__libc_free(p);
}

__attribute__((noinline)) RTM_NOTRACE void *aligned_alloc(size_t a, size_t n)
{
	void *p = __libc_memalign(a, n);

	hg_check(HG_ALIGNED, n);
	return p;
}

__attribute__((noinline)) RTM_NOTRACE void *memalign(size_t a, size_t n)
{
	void *p = __libc_memalign(a, n);

	hg_check(HG_MEMALIGN, n);
	return p;
}

__attribute__((noinline)) RTM_NOTRACE void *valloc(size_t n)
{
	void *p = __libc_valloc(n);

	hg_check(HG_VALLOC, n);
	return p;
}

__attribute__((noinline)) RTM_NOTRACE int posix_memalign(void **out, size_t a, size_t n)
{
	void *p;

	if (a == 0 || (a & (a - 1)) != 0 || a % sizeof(void *) != 0)
		return EINVAL;
	p = __libc_memalign(a, n);
	if (p == NULL)
		return ENOMEM;
	*out = p;
	hg_check(HG_POSIX_MEMALIGN, n);
	return 0;
}
