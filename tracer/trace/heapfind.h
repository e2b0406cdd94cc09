/*
 * tracer/trace/heapfind.h - the heap guard's records as findings: every
 * allocation the runtime saw while an interlock root was on the stack,
 * grouped by site (the root, the allocator, the calling return address),
 * with a count and the backtrace of the first occurrence. The dynamic
 * counterpart of latch-check's `heap-alloc` rule: report turns each site
 * into an error-level finding.
 *
 * A trace whose header counts no heap events is not read again (no pass
 * over its records); otherwise one pass over every thread's records.
 */
#ifndef TRC_HEAPFIND_H
#define TRC_HEAPFIND_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "trace.h"

struct trc_heap_site {
	enum lc_trace_alloc alloc;
	uint64_t root;     /* runtime entry address of the innermost interlock root */
	uint64_t caller;   /* frames[0] of the first occurrence: a return address */
	uint64_t count;    /* occurrences */
	uint64_t max_size; /* largest size requested */
	uint64_t first_ns; /* time of the first occurrence (lc_trace_time_ns) */
	uint32_t thread;   /* thread index (lc_trace_thread) of the first occurrence */
	uint64_t offset;   /* file offset of the first occurrence's record */
	size_t nframes;    /* backtrace of the first occurrence, innermost first */
	uint64_t frames[LC_TRACE_HEAP_FRAMES_MAX];
};

struct trc_heapfind {
	struct trc_heap_site *sites; /* in order of first occurrence */
	size_t nsites, capsites;
	uint64_t events;    /* heap records read */
	uint64_t malformed; /* heap records that did not decode (counted, not guessed) */
};

/* Collects the heap-guard sites of trace t. Returns 0 with *out set (free
 * with trc_heapfind_free), or LC_ENOMEM. */
int trc_heapfind_run(struct trc_heapfind **out, const struct lc_trace *t, struct lc_err *err);

void trc_heapfind_free(struct trc_heapfind *h);

/* "malloc", "calloc", ... ("?" for an unknown allocator). */
const char *trc_heapfind_alloc_name(enum lc_trace_alloc a);

#endif /* TRC_HEAPFIND_H */
