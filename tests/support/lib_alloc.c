/*
 * tests/support/lib_alloc.c - lets CMocka's leak and overrun checks see the
 * library code a unit test links, not only the test's own file.
 *
 * CMocka checks the blocks allocated through test_malloc() & co., which
 * <cmocka.h> substitutes for malloc() in the file that includes it (under
 * UNIT_TESTING). The library objects (trc_core, lc_common) are compiled once
 * for the tools and never include <cmocka.h>, so their allocations were
 * invisible: a leak inside trc_doc_*() could never fail a test.
 *
 * A test executable built with latch_add_cmocka_test(... LIB_ALLOC) is
 * linked with -Wl,--wrap for malloc, calloc, realloc, free, strdup, strndup
 * and vasprintf. The linker then sends every call to them from the objects
 * linked into the executable (the test and the static libraries; not
 * libc's or jansson's own calls inside their shared objects) here, and each
 * block goes through CMocka's allocator, tagged "library code". CMocka
 * then fails a test that leaves a library block allocated, frees a block
 * twice, or writes past one, exactly as it does for the test's own blocks.
 *
 * Blocks that a shared library allocated (json_dumps(), open_memstream())
 * and our code frees are not CMocka's: they are recognised by the set of
 * live CMocka blocks kept here and go to libc's free().
 */
#define _GNU_SOURCE
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

void *__real_malloc(size_t n);
void *__real_realloc(void *p, size_t n);
void __real_free(void *p);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t m);
void *__wrap_realloc(void *p, size_t n);
void __wrap_free(void *p);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);
int __wrap_vasprintf(char **out, const char *fmt, va_list ap);

#define WHERE "library code"

/* The live CMocka blocks (open addressing; test-only, single-threaded). */
#define SET_BITS 21u
static void *live[1u << SET_BITS];
static size_t nlive;

static size_t slot(const void *p)
{
	return (size_t)(((uintptr_t)p * UINT64_C(0x9E3779B97F4A7C15)) >> (64u - SET_BITS));
}

static void live_add(void *p)
{
	size_t i = slot(p);

	if (p == NULL)
		return;
	if (nlive + 1u >= (1u << SET_BITS) / 2u)
		fail_msg("lib_alloc: more than %u live library blocks", (1u << SET_BITS) / 2u);
	while (live[i] != NULL)
		i = (i + 1u) & ((1u << SET_BITS) - 1u);
	live[i] = p;
	nlive++;
}

/* Removes p; returns 1 when it was a CMocka block. */
static int live_del(void *p)
{
	size_t i = slot(p), j, k;

	while (live[i] != NULL && live[i] != p)
		i = (i + 1u) & ((1u << SET_BITS) - 1u);
	if (live[i] == NULL)
		return 0;
	/* Backward-shift deletion keeps every probe chain intact. */
	live[i] = NULL;
	nlive--;
	for (j = (i + 1u) & ((1u << SET_BITS) - 1u); live[j] != NULL;
	     j = (j + 1u) & ((1u << SET_BITS) - 1u)) {
		void *q = live[j];

		k = slot(q);
		if ((j > i && (k <= i || k > j)) || (j < i && k <= i && k > j)) {
			live[i] = q;
			live[j] = NULL;
			i = j;
		}
	}
	return 1;
}

void *__wrap_malloc(size_t n)
{
	void *p = _test_malloc(n, WHERE, 0);

	live_add(p);
	return p;
}

void *__wrap_calloc(size_t n, size_t m)
{
	void *p = _test_calloc(n, m, WHERE, 0);

	live_add(p);
	return p;
}

void *__wrap_realloc(void *p, size_t n)
{
	void *q;

	if (p != NULL && !live_del(p))
		return __real_realloc(p, n); /* a shared library's block */
	q = _test_realloc(p, n, WHERE, 0);
	if (q == NULL && p != NULL && n != 0)
		live_add(p); /* the old block is still there */
	else
		live_add(q);
	return q;
}

void __wrap_free(void *p)
{
	if (p == NULL)
		return;
	if (live_del(p))
		_test_free(p, WHERE, 0);
	else
		__real_free(p);
}

char *__wrap_strdup(const char *s)
{
	size_t n = strlen(s) + 1u;
	char *p = __wrap_malloc(n);

	if (p != NULL)
		memcpy(p, s, n);
	return p;
}

char *__wrap_strndup(const char *s, size_t n)
{
	size_t len = strnlen(s, n);
	char *p = __wrap_malloc(len + 1u);

	if (p != NULL) {
		memcpy(p, s, len);
		p[len] = '\0';
	}
	return p;
}

int __wrap_vasprintf(char **out, const char *fmt, va_list ap)
{
	va_list ap2;
	int n;

	va_copy(ap2, ap);
	n = vsnprintf(NULL, 0, fmt, ap2);
	va_end(ap2);
	*out = NULL;
	if (n < 0)
		return -1;
	*out = __wrap_malloc((size_t)n + 1u);
	if (*out == NULL)
		return -1;
	return vsnprintf(*out, (size_t)n + 1u, fmt, ap);
}
