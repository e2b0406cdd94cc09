/*
 * tests/tracer/stats_same.h - the two ways records reach the aggregation,
 * compared field by field: trc_stats_run() (the register loop of
 * tracer/trace/stats_loop.c for the common case, the general path for the
 * rest) against trc_stats_feed() record by record (the general path only).
 * They must agree on every figure; test_stats.c and the fuzz_report target
 * include this header.
 */
#ifndef TEST_STATS_SAME_H
#define TEST_STATS_SAME_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "trace.h"
#include "trace/stats.h"

/* Feeds every thread of t to s through trc_stats_feed(), record by record,
 * in the order trc_stats_run() streams them. Returns 0 or LC_ENOMEM. */
static inline int stats_feed_each(struct trc_stats *s, const struct lc_trace *t)
{
	size_t th, k, n, i;

	for (th = 0; th < lc_trace_thread_count(t); th++) {
		const uint8_t *recs;
		uint64_t off;
		int gap;

		trc_stats_thread_begin(s, (uint32_t)th);
		for (k = 0; (n = lc_trace_chunk_records(t, th, k, &recs, &off, &gap)) > 0; k++) {
			for (i = 0; i < n;) {
				struct lc_trace_slot r;

				i += lc_trace_slot_decode(&r, recs, i, off, gap);
				if (trc_stats_feed(s, &r) < 0)
					return LC_ENOMEM;
			}
		}
		trc_stats_thread_end(s);
	}
	return 0;
}

static inline int stats_hist_same(const struct trc_hist *a, const struct trc_hist *b)
{
	return a->nb == b->nb && a->total == b->total && a->min == b->min && a->max == b->max &&
	       (a->nb == 0 || memcmp(a->counts, b->counts, a->nb * sizeof(*a->counts)) == 0);
}

static inline int stats_fstat_same(const struct trc_fstat *a, const struct trc_fstat *b)
{
	int q;

	if (a->addr != b->addr || a->calls != b->calls || a->sum_incl_ns != b->sum_incl_ns ||
	    a->sum_excl_ns != b->sum_excl_ns || a->max_excl_ns != b->max_excl_ns ||
	    a->max_stack != b->max_stack || a->hook_ns != b->hook_ns ||
	    !stats_hist_same(&a->hist, &b->hist))
		return 0;
	for (q = 0; q < TRC_STATS_NQ; q++)
		if (a->q_ns[q] != b->q_ns[q])
			return 0;
	if (a->calls == 0)
		return 1;
	return a->worst_thread == b->worst_thread && a->worst_start_ticks == b->worst_start_ticks &&
	       a->worst_enter_off == b->worst_enter_off && a->worst_exit_off == b->worst_exit_off &&
	       a->worst_depth == b->worst_depth && a->worst_npath == b->worst_npath &&
	       a->worst_npath <= TRC_STATS_PATH_MAX &&
	       memcmp(a->worst_path, b->worst_path, a->worst_npath * sizeof(*a->worst_path)) == 0 &&
	       a->worst_raw_ticks == b->worst_raw_ticks &&
	       a->worst_iv_ticks[TRC_IV_INSIDE] == b->worst_iv_ticks[TRC_IV_INSIDE] &&
	       a->worst_iv_ticks[TRC_IV_BETWEEN] == b->worst_iv_ticks[TRC_IV_BETWEEN];
}

/* 1 when a and b (both finished, over nthreads threads) hold the same
 * figures: counts, functions in the same order, per-thread intervals. */
static inline int stats_same(struct trc_stats *a, struct trc_stats *b, size_t nthreads)
{
	const struct trc_stats_counts *ca = trc_stats_counts(a), *cb = trc_stats_counts(b);
	size_t i;
	int kd;

	if (ca->records != cb->records || ca->unmatched != cb->unmatched ||
	    ca->abandoned != cb->abandoned || ca->unfinished != cb->unfinished ||
	    ca->too_deep != cb->too_deep || ca->gaps != cb->gaps || ca->max_depth != cb->max_depth ||
	    trc_stats_count(a) != trc_stats_count(b))
		return 0;
	for (i = 0; i < trc_stats_count(a); i++)
		if (!stats_fstat_same(trc_stats_at(a, i), trc_stats_at(b, i)))
			return 0;
	for (i = 0; i < nthreads; i++)
		for (kd = 0; kd < TRC_IV_N; kd++)
			if (!stats_hist_same(trc_stats_intervals(a, i, kd),
			                     trc_stats_intervals(b, i, kd)))
				return 0;
	return 1;
}

#endif /* TEST_STATS_SAME_H */
