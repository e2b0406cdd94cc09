/*
 * tracer/trace/hist.h - log-linear (HDR-style) latency histograms, and drawing them.
 *
 * The bucket scheme is the runtime's (runtime/src/rtm_hist.h): exact below
 * 256, then 128 sub-buckets per power of two, so a bucket is at most 1/128 of
 * its lower bound wide. A quantile is reported as the middle of the bucket
 * that holds the rank (clamped to the exact min and max), so its relative
 * error is below 0.4 % - well inside the 1 % the reports promise.
 *
 * Unlike the runtime's fixed table, the tracer's bucket array grows to the
 * highest bucket used, so memory is bounded by functions x buckets and never
 * by the trace length, and no value is clamped.
 */
#ifndef TRC_HIST_H
#define TRC_HIST_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "rtm_hist.h"

struct trc_hist {
	uint64_t *counts; /* nb buckets, owned */
	uint32_t nb;
	uint64_t total;
	uint64_t min, max; /* exact; min is UINT64_MAX while empty */
};

/* Starts an empty histogram (no allocation). */
void trc_hist_init(struct trc_hist *h);
/* Releases the buckets; the histogram is empty afterwards. */
void trc_hist_fini(struct trc_hist *h);

/* Adds n observations of v. Returns 0 or LC_ENOMEM (the histogram is then
 * unchanged). */
int trc_hist_add_n(struct trc_hist *h, uint64_t v, uint64_t n);

static inline int trc_hist_add(struct trc_hist *h, uint64_t v);

/* Adds every observation of src to dst. Returns 0 or LC_ENOMEM. */
int trc_hist_merge(struct trc_hist *dst, const struct trc_hist *src);

/* The value at quantile q in [0, 1] by the nearest-rank rule (the smallest
 * recorded value with at least ceil(q * total) values at or below it),
 * within the bucket error; 0 for an empty histogram. q = 1 gives max. */
uint64_t trc_hist_quantile(const struct trc_hist *h, double q);

/* Bucket helpers: index of v and the inclusive value range of bucket b. */
static inline uint32_t trc_hist_bucket(uint64_t v)
{
	return rtm_hist_bucket(v);
}
uint64_t trc_hist_lower(uint32_t b);
uint64_t trc_hist_upper(uint32_t b);

/* One row of a drawn histogram: [lo, hi] and the observations in it. */
struct trc_hist_row {
	uint64_t lo, hi;
	uint64_t count;
};

/*
 * Groups the buckets between min and max into at most max_rows rows of
 * consecutive buckets (equal bucket counts per row, so rows are linear within
 * an octave and logarithmic across octaves). *out is an array the caller
 * frees with free(); *nrows its length. Returns 0 or LC_ENOMEM. An empty
 * histogram gives zero rows.
 */
int trc_hist_rows(struct trc_hist_row **out, size_t *nrows, const struct trc_hist *h,
                  size_t max_rows);

/*
 * Draws the rows as aligned text, one line each:
 *   "  1.00 ms - 1.01 ms  |##########          |  9812  98.1%  98.1%"
 * with bars of Unicode eighth blocks `width` cells wide, scaled to the
 * largest row. `unit_ns` says the values are nanoseconds (printed in the unit
 * that reads best) rather than plain counts. `mark_above` (0: none) puts a
 * '!' after rows whose values exceed it (deadline misses). *out is a
 * NUL-terminated string the caller frees. Returns 0 or LC_ENOMEM.
 */
int trc_hist_draw(char **out, const struct trc_hist_row *rows, size_t nrows, unsigned width,
                  int unit_ns, uint64_t mark_above, int color);

/* -------------------------------------------------------------- inline */

int trc__hist_grow(struct trc_hist *h, uint32_t b);

static inline int trc_hist_add(struct trc_hist *h, uint64_t v)
{
	uint32_t b = trc_hist_bucket(v);

	if (b >= h->nb && trc__hist_grow(h, b) < 0)
		return LC_ENOMEM;
	h->counts[b]++;
	h->total++;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	return 0;
}

#endif /* TRC_HIST_H */
