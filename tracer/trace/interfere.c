/*
 * tracer/trace/interfere.c - gaps and context switches per worst case (see
 * interfere.h).
 *
 * No pass of its own over the records: the stats pass (trace/stats.c) keeps,
 * per worst call, its raw duration and the largest interval between two
 * consecutive records of its thread inside it (per kind), and per thread
 * the histogram of intervals and each chunk's first and last record ticks
 * (trc_stats_chunk_span). This file turns those into the classification.
 */
#include "trace/interfere.h"

#include "trace.h"
#include "trace/csw.h"
#include "trace/hist.h"
#include "trace/profile.h"

const char *trc_interf_name(int v)
{
	switch (v) {
	case TRC_INTERF_NONE:
		return "none";
	case TRC_INTERF_PREEMPTED:
		return "preempted";
	case TRC_INTERF_GAP:
		return "gap";
	default:
		return "unknown";
	}
}

/* The gap threshold of thread th per kind of interval. */
static void limits(const struct trc_profile *a, size_t th, uint64_t gap_ns, uint64_t *limit)
{
	int kd;

	for (kd = 0; kd < TRC_IV_N; kd++) {
		const struct trc_hist *h = trc_stats_intervals(a->stats, th, kd);
		uint64_t q = h->total ? trc_hist_quantile(h, 0.999) : 0;

		limit[kd] = lc_trace_ticks_to_ns(a->t, q) * TRC_INTERF_GAP_FACTOR;
		if (limit[kd] < TRC_INTERF_GAP_MIN_NS)
			limit[kd] = TRC_INTERF_GAP_MIN_NS;
		if (gap_ns > 0)
			limit[kd] = gap_ns;
	}
}

/* Classifies the worst case of one function. */
static void classify(struct trc_profile *a, struct trc_fstat *st, const struct trc_csw *c,
                     const uint64_t *limit)
{
	uint64_t window = 0, f0, l0, f1, l1, g[TRC_IV_N];
	int csw, pre, over, show, kd;

	if (trc_stats_chunk_span(a->stats, st->worst_thread, st->worst_enter_off, &f0, &l0) == 0 &&
	    trc_stats_chunk_span(a->stats, st->worst_thread, st->worst_exit_off, &f1, &l1) == 0)
		window = l1 >= f0 ? l1 - f0 : 0;
	csw = c != NULL ? trc_csw_preempted(c, st->worst_enter_off, st->worst_exit_off) : -1;
	st->worst_runq_known = c != NULL && trc_csw_runq(c, st->worst_enter_off, st->worst_exit_off,
	                                                 &st->worst_runq_ns) == 0;
	pre = csw == 0 ? 0 : csw == 1 && st->worst_raw_ticks * 2u >= window ? 1 : -1;
	st->worst_preempted = pre;
	for (kd = 0; kd < TRC_IV_N; kd++)
		g[kd] = lc_trace_ticks_to_ns(a->t, st->worst_iv_ticks[kd]);
	/* The gap shown: the larger one over its limit, else the larger. */
	over = (g[TRC_IV_INSIDE] > limit[TRC_IV_INSIDE]) |
	       (g[TRC_IV_BETWEEN] > limit[TRC_IV_BETWEEN]) << 1;
	show = over == 2 || (over != 1 && g[TRC_IV_BETWEEN] > g[TRC_IV_INSIDE]) ? TRC_IV_BETWEEN
	                                                                        : TRC_IV_INSIDE;
	st->worst_gap_ns = g[show];
	st->worst_gap_limit_ns = limit[show];
	if (over != 0)
		st->worst_interf = TRC_INTERF_GAP;
	else if (pre == 1)
		st->worst_interf = TRC_INTERF_PREEMPTED;
	else if (pre == 0)
		st->worst_interf = TRC_INTERF_NONE;
	else
		st->worst_interf = TRC_INTERF_UNKNOWN;
	if (pre == 1)
		a->preempted++;
	if (csw == 1 && pre < 0)
		a->loose++;
	if (st->worst_interf == TRC_INTERF_GAP)
		a->gaps++;
}

void trc_interf_run(struct trc_profile *a, uint64_t gap_ns)
{
	struct trc_csw *c = NULL;
	struct lc_err ignored;
	uint64_t limit[TRC_IV_N];
	size_t th, i;

	a->preempted = 0;
	a->gaps = 0;
	a->loose = 0;
	for (i = 0; i < a->nfns; i++) {
		a->fns[i].st->worst_interf = TRC_INTERF_UNKNOWN;
		a->fns[i].st->worst_preempted = -1;
		a->fns[i].st->worst_runq_known = 0;
	}
	if (a->summary_mode || a->nfns == 0)
		return;
	if (trc_csw_new(&c, a->t, &ignored) < 0)
		c = NULL; /* pre-emption unknown; gaps still found */
	for (th = 0; th < lc_trace_thread_count(a->t); th++) {
		limits(a, th, gap_ns, limit);
		for (i = 0; i < a->nfns; i++) {
			struct trc_fstat *st = a->fns[i].st;

			if (st->calls > 0 && st->worst_thread == th)
				classify(a, st, c, limit);
		}
	}
	trc_csw_free(c);
}
