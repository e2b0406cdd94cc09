/*
 * tests/fuzz/fuzz_report.c - libFuzzer target for the report's streaming
 * aggregation (tracer/trace/stats.c, replay.h, hist.c) and the pre-emption
 * index (tracer/trace/csw.c) on whatever the trace reader accepts: the slot
 * decoding, the replay, unpaired records, extended-record skipping, the
 * summary-mode tables and the chunk-header lookups must never crash, leak
 * or overflow, and the figures must stay consistent.
 * Built only with -DLATCH_FUZZ=ON and clang; seeds in corpus/trace/.
 */
#include "trace/csw.h"
#include "trace/stats.h"
#include "trace.h"

#include "../tracer/stats_same.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The register loop of trc_stats_run() must give what feeding the same
 * records one by one gives (stats_same.h). */
static void same_as_fed(struct trc_stats *s, const struct lc_trace *t)
{
	const struct lc_trace_header *h = lc_trace_header(t);
	struct trc_stats *fed = NULL;
	size_t i;

	if (lc_trace_thread_count(t) == 0 || trc_stats_new(&fed, h->ns_mult, h->hook_cost_ticks, NULL) < 0)
		return;
	trc_stats_set_residue(fed, h->hook_residue_ticks);
	for (i = 0; i < lc_trace_summary_count(t); i++) {
		const struct lc_trace_summary *e = lc_trace_summary(t, i);

		if (trc_stats_add_summary(fed, e->addr, e->count, e->min, e->max, e->sum, e->max_stack,
		                          e->buckets, e->nbuckets) < 0)
			goto out;
	}
	if (stats_feed_each(fed, t) == 0 && trc_stats_finish(fed) == 0 &&
	    !stats_same(s, fed, lc_trace_thread_count(t)))
		abort();
out:
	trc_stats_free(fed);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_trace *t = NULL;
	struct trc_stats *s = NULL;
	struct trc_csw *c = NULL;
	struct lc_err err = { 0, "" };
	uint8_t *copy;
	size_t i;

	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (lc_trace_open_mem(&t, copy, size, "fuzz", &err) == 0) {
		const struct lc_trace_header *h = lc_trace_header(t);

		if (trc_csw_new(&c, t, &err) < 0)
			c = NULL;
		if (trc_stats_new(&s, h->ns_mult, h->hook_cost_ticks, &err) == 0) {
			for (i = 0; i < lc_trace_summary_count(t); i++) {
				const struct lc_trace_summary *e = lc_trace_summary(t, i);

				trc_stats_add_summary(s, e->addr, e->count, e->min, e->max, e->sum, e->max_stack,
						      e->buckets, e->nbuckets);
			}
			trc_stats_set_residue(s, h->hook_residue_ticks);
			if (trc_stats_run(s, t, -1, &err) == 0 && trc_stats_finish(s) == 0)
				same_as_fed(s, t);
			trc_stats_finish(s);
			for (i = 0; i < trc_stats_count(s); i++) {
				const struct trc_fstat *f = trc_stats_at(s, i);

				/* a quantile never lies outside [min, max] */
				if (f->hist.total > 0 && (f->q_ns[2] < f->hist.min || f->q_ns[2] > f->hist.max) &&
				    h->ns_mult == (UINT64_C(1) << 32))
					abort();
				/* -1, 0 or 1, whatever the offsets */
				if (c != NULL && f->calls > 0 &&
				    (unsigned)(trc_csw_preempted(c, f->worst_enter_off, f->worst_exit_off) + 1) > 2u)
					abort();
				if (c != NULL && (unsigned)(trc_csw_preempted(c, f->addr, f->hist.max) + 1) > 2u)
					abort();
			}
			trc_stats_free(s);
		}
		trc_csw_free(c);
		lc_trace_close(t);
	}
	free(copy);
	return 0;
}
