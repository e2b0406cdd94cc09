/*
 * tracer/trace/interfere.c - gaps and context switches per worst case (see
 * interfere.h).
 *
 * One pass over the records of each thread that holds a worst case. The
 * worst cases' enter and exit offsets are sorted; inside a chunk the records'
 * offsets increase, so two cursors find them without a lookup per record.
 * While a worst call is open, every interval between consecutive records
 * raises its maximum; every interval while a traced call is open goes into
 * the thread's histogram, whose p99.9 sets the threshold.
 */
#include "trace/interfere.h"

#include <stdlib.h>

#include "trace.h"
#include "trace/csw.h"
#include "trace/hist.h"
#include "trace/profile.h"

#define MAX_OPEN 256u /* worst calls open at once (nested); deeper stay unknown */

struct mark {
	uint64_t off;
	size_t fn;
};

/* Interval kinds: between two sibling calls (an exit, then an enter: the
 * caller's own code between calls, where a loop sleeps or blocks), and
 * every other one (into a call, out of one, a leaf's whole body). */
enum { K_INSIDE, K_BETWEEN, K_N };

struct res {
	uint64_t gap[K_N]; /* largest interval inside the call per kind, ticks */
	uint64_t t0;       /* enter ticks */
	uint64_t dur;      /* exit - enter, ticks */
	size_t k0, k1;     /* chunks of its enter and exit */
	int lost, done;    /* events lost inside; exit seen */
};

/* Open worst calls nest (calls of one thread do), so they form a stack and
 * only the innermost one's maxima move per record; closing one folds its
 * maxima into the next outer one. */
struct open_call {
	size_t fn;
	uint64_t gap[K_N];
};

struct pass {
	struct mark *en, *ex;
	size_t n;
	struct res *res;        /* per function index of a->fns */
	uint64_t *first, *last; /* per chunk of the thread: first and last record ticks */
	size_t nchunks, capchunks;
	struct open_call open[MAX_OPEN];
	size_t nopen;
	struct trc_hist h[K_N];
};

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

static int cmp_mark(const void *a, const void *b)
{
	uint64_t x = ((const struct mark *)a)->off, y = ((const struct mark *)b)->off;

	return x < y ? -1 : x > y;
}

static size_t lower_bound(const struct mark *m, size_t n, uint64_t off)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2u;

		if (m[mid].off < off)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo;
}

static int chunk_seen(struct pass *p, size_t k, uint64_t ticks)
{
	if (k >= p->capchunks) {
		size_t cap = p->capchunks ? p->capchunks * 2u : 64u;
		uint64_t *f = realloc(p->first, cap * sizeof(*f)), *l;

		if (f == NULL)
			return LC_ENOMEM;
		p->first = f;
		l = realloc(p->last, cap * sizeof(*l));
		if (l == NULL)
			return LC_ENOMEM;
		p->last = l;
		p->capchunks = cap;
	}
	if (k >= p->nchunks) {
		p->nchunks = k + 1u;
		p->first[k] = ticks;
	}
	p->last[k] = ticks;
	return 0;
}

/* Closes the open worst call of function fn (exit record at chunk k). Open
 * calls above it never closed (a longjmp out of them): their maxima lie
 * inside fn's call, they stay unknown. */
static void close_call(struct pass *p, size_t fn, size_t k, uint64_t ticks)
{
	size_t i, j;
	int kd;

	for (i = p->nopen; i-- > 0;) {
		struct open_call *o = &p->open[i];

		if (o->fn != fn)
			continue;
		for (j = i + 1u; j < p->nopen; j++)
			for (kd = 0; kd < K_N; kd++)
				if (p->open[j].gap[kd] > o->gap[kd])
					o->gap[kd] = p->open[j].gap[kd];
		for (kd = 0; kd < K_N; kd++) {
			p->res[fn].gap[kd] = o->gap[kd];
			if (i > 0 && o->gap[kd] > p->open[i - 1u].gap[kd])
				p->open[i - 1u].gap[kd] = o->gap[kd];
		}
		p->res[fn].dur = ticks >= p->res[fn].t0 ? ticks - p->res[fn].t0 : 0;
		p->res[fn].k1 = k;
		p->res[fn].done = 1;
		p->nopen = i;
		return;
	}
}

/* Streams thread `thread`, filling p->res for its worst cases and p->h. */
static int stream(struct pass *p, const struct lc_trace *t, size_t thread)
{
	const uint8_t *recs;
	uint64_t off, prev = 0;
	int prev_exit = 0;
	size_t k, n, i, ce, cx;
	uint32_t depth = 0;
	int gap, have_prev = 0;

	for (k = 0; (n = lc_trace_chunk_records(t, thread, k, &recs, &off, &gap)) > 0; k++) {
		ce = lower_bound(p->en, p->n, off);
		cx = lower_bound(p->ex, p->n, off);
		for (i = 0; i < n;) {
			struct lc_trace_slot r;
			size_t j;

			if (i == 0 && chunk_seen(p, k, lc_trace_le64(recs)) < 0)
				return LC_ENOMEM;
			i += lc_trace_slot_decode(&r, recs, i, off, gap);
			if (have_prev && r.gap) {
				for (j = 0; j < p->nopen; j++)
					p->res[p->open[j].fn].lost = 1;
			} else if (have_prev) {
				uint64_t d = r.ticks >= prev ? r.ticks - prev : 0;
				int kd = prev_exit && r.kind == LC_TRACE_ENTER ? K_BETWEEN
				                                               : K_INSIDE;

				if (depth > 0 && trc_hist_add(&p->h[kd], d) < 0)
					return LC_ENOMEM;
				if (p->nopen > 0 && d > p->open[p->nopen - 1u].gap[kd])
					p->open[p->nopen - 1u].gap[kd] = d;
			}
			prev = r.ticks;
			prev_exit = r.kind == LC_TRACE_EXIT;
			have_prev = 1;
			while (cx < p->n && p->ex[cx].off < r.offset)
				cx++;
			for (; cx < p->n && p->ex[cx].off == r.offset; cx++)
				close_call(p, p->ex[cx].fn, k, r.ticks);
			while (ce < p->n && p->en[ce].off < r.offset)
				ce++;
			for (; ce < p->n && p->en[ce].off == r.offset; ce++) {
				if (p->nopen == MAX_OPEN)
					continue;
				p->open[p->nopen] = (struct open_call){p->en[ce].fn, {0, 0}};
				p->nopen++;
				p->res[p->en[ce].fn].t0 = r.ticks;
				p->res[p->en[ce].fn].k0 = k;
			}
			if (r.kind == LC_TRACE_ENTER)
				depth++;
			else if (r.kind == LC_TRACE_EXIT && depth > 0)
				depth--;
		}
		p->last[k] = prev;
	}
	return 0;
}

/* Classifies the worst cases of one streamed thread. */
static void classify(struct trc_profile *a, struct pass *p, const struct trc_csw *c,
                     uint64_t gap_ns)
{
	uint64_t limit[K_N];
	size_t i;
	int kd;

	for (kd = 0; kd < K_N; kd++) {
		uint64_t q = p->h[kd].total ? trc_hist_quantile(&p->h[kd], 0.999) : 0;

		limit[kd] = lc_trace_ticks_to_ns(a->t, q) * TRC_INTERF_GAP_FACTOR;
		if (limit[kd] < TRC_INTERF_GAP_MIN_NS)
			limit[kd] = TRC_INTERF_GAP_MIN_NS;
		if (gap_ns > 0)
			limit[kd] = gap_ns;
	}
	for (i = 0; i < p->n; i++) {
		size_t fn = p->en[i].fn;
		struct trc_fstat *st = a->fns[fn].st;
		const struct res *r = &p->res[fn];
		uint64_t window, g[K_N];
		int csw, pre, over, show;

		if (!r->done)
			continue;
		window = p->last[r->k1] >= p->first[r->k0] ? p->last[r->k1] - p->first[r->k0] : 0;
		csw = c != NULL ? trc_csw_preempted(c, st->worst_enter_off, st->worst_exit_off)
		                : -1;
		pre = csw == 0 ? 0 : csw == 1 && r->dur * 2u >= window ? 1 : -1;
		st->worst_preempted = pre;
		for (kd = 0; kd < K_N; kd++)
			g[kd] = lc_trace_ticks_to_ns(a->t, r->gap[kd]);
		/* The gap shown: the larger one over its limit, else the larger. */
		over = (g[K_INSIDE] > limit[K_INSIDE]) | (g[K_BETWEEN] > limit[K_BETWEEN]) << 1;
		show = over == 2 || (over != 1 && g[K_BETWEEN] > g[K_INSIDE]) ? K_BETWEEN
		                                                              : K_INSIDE;
		st->worst_gap_ns = g[show];
		st->worst_gap_limit_ns = limit[show];
		if (!r->lost && over != 0)
			st->worst_interf = TRC_INTERF_GAP;
		else if (pre == 1)
			st->worst_interf = TRC_INTERF_PREEMPTED;
		else if (pre == 0 && !r->lost)
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
}

int trc_interf_run(struct trc_profile *a, uint64_t gap_ns, struct lc_err *err)
{
	struct pass p = {0};
	struct trc_csw *c = NULL;
	struct lc_err ignored;
	size_t th, i;
	int rc = 0;

	a->preempted = 0;
	a->gaps = 0;
	a->loose = 0;
	for (i = 0; i < a->nfns; i++) {
		a->fns[i].st->worst_interf = TRC_INTERF_UNKNOWN;
		a->fns[i].st->worst_preempted = -1;
	}
	if (a->summary_mode || a->nfns == 0)
		return 0;
	if (trc_csw_new(&c, a->t, &ignored) < 0)
		c = NULL; /* pre-emption unknown; gaps still found */
	p.en = calloc(a->nfns, sizeof(*p.en));
	p.ex = calloc(a->nfns, sizeof(*p.ex));
	p.res = calloc(a->nfns, sizeof(*p.res));
	if (p.en == NULL || p.ex == NULL || p.res == NULL)
		goto nomem;
	for (th = 0; th < lc_trace_thread_count(a->t); th++) {
		p.n = 0;
		for (i = 0; i < a->nfns; i++) {
			const struct trc_fstat *st = a->fns[i].st;

			if (st->calls == 0 || st->worst_thread != th)
				continue;
			p.en[p.n] = (struct mark){st->worst_enter_off, i};
			p.ex[p.n++] = (struct mark){st->worst_exit_off, i};
		}
		if (p.n == 0)
			continue;
		qsort(p.en, p.n, sizeof(*p.en), cmp_mark);
		qsort(p.ex, p.n, sizeof(*p.ex), cmp_mark);
		p.nchunks = 0;
		p.nopen = 0;
		trc_hist_init(&p.h[K_INSIDE]);
		trc_hist_init(&p.h[K_BETWEEN]);
		rc = stream(&p, a->t, th);
		if (rc == 0)
			classify(a, &p, c, gap_ns);
		trc_hist_fini(&p.h[K_INSIDE]);
		trc_hist_fini(&p.h[K_BETWEEN]);
		if (rc < 0)
			goto nomem;
	}
	goto out;
nomem:
	rc = lc_err_set(err, LC_ENOMEM, "out of memory");
out:
	free(p.en);
	free(p.ex);
	free(p.res);
	free(p.first);
	free(p.last);
	trc_csw_free(c);
	return rc;
}
