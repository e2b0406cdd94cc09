/*
 * tracer/trace/profile.h - a trace, aggregated and symbolized: what report and
 * hist both start from.
 *
 * Loading opens the trace, streams every thread's records through stats.h
 * (or, for a summary-mode trace, takes the runtime's per-function tables),
 * symbolizes each distinct function address once, and checks for
 * interference in each worst case (interfere.h).
 *
 * Problems of the trace (truncation, corruption, with file offsets) are kept,
 * not fatal: the caller prints them, reports what was readable, and exits 2.
 */
#ifndef TRC_PROFILE_H
#define TRC_PROFILE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "trace/stats.h"
#include "trace/sym.h"

struct lc_trace;
struct trc_doc;

/* One function of the trace. */
struct trc_fn {
	struct trc_fstat *st;  /* borrowed from the aggregation */
	struct trc_symbol sym; /* sym.name NULL when unknown */
	char label[256];       /* sym.name, or "0x..." when unknown */
	char where[320];       /* "file:line", or "" */
};

struct trc_profile {
	const char *path; /* the trace file (borrowed) */
	struct lc_trace *t;
	struct trc_stats *stats;
	struct trc_marks *marks; /* the user's marks (trace/marks.h), from the stats pass */
	struct trc_sym *sym;
	struct trc_fn *fns;
	size_t nfns;
	int summary_mode;     /* durations from the runtime's tables */
	uint64_t duration_ns; /* start to stop (or last record) */
	uint64_t records;     /* records read */
	uint64_t lost;        /* header lost_total */
	size_t preempted;     /* worst cases marked as possibly pre-empted */
	size_t gaps;          /* worst cases with host interference (a gap) */
	size_t loose;         /* worst cases whose chunks switched but are much longer */
};

/*
 * Loads and aggregates the trace at path. exe overrides the executable path
 * of the trace; thread (>= 0) restricts to one thread (tid or slot index).
 * Returns 0 or LC_EIO / LC_EFORMAT (not a trace, or a binary whose build-id
 * does not match) / LC_ENOTFOUND (no such thread) / LC_ENOMEM, with the
 * message in err. The caller frees *out with trc_profile_free().
 */
int trc_profile_load(struct trc_profile **out, const char *path, const char *exe, long thread,
                     struct lc_err *err);
void trc_profile_free(struct trc_profile *a);

/* Adds the header facts every trace report shows (trace, program, clock,
 * duration, threads, records, lost events, hook cost). Returns 0 or LC_ENOMEM. */
int trc_profile_meta(const struct trc_profile *a, struct trc_doc *d);

/* The call path of f's worst case as "main > step > f" (written into buf). */
char *trc_profile_path(const struct trc_profile *a, const struct trc_fn *f, char *buf, size_t n);

/* The function named name (first match), or NULL. */
const struct trc_fn *trc_profile_find(const struct trc_profile *a, const char *name);

#endif /* TRC_PROFILE_H */
