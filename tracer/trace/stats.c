/*
 * tracer/trace/stats.c - streaming per-function aggregation (see stats.h).
 *
 * An enter costs one hash lookup and a push; an exit costs a pop and a
 * histogram increment, in ticks (trc_stats_finish() converts once per
 * function). The function's table index is cached in the shadow frame at
 * entry, so an exit never hashes. Everything per call lives in the fixed
 * shadow stack; only per-function state grows. feed_one() below is the
 * general path, record by record; trc_stats_run() streams most records
 * through the common case in trace/stats_loop.c, which keeps its state in
 * registers, and hands feed_one() the rest.
 */
#include "trace/stats.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "trace.h"
#include "trace/interfere.h"
#include "trace/marks.h"
#include "trace/replay.h"
#include "trace/stats_impl.h"

static inline uint64_t to_ns(uint64_t ticks, uint64_t mult)
{
	return (uint64_t)(((unsigned __int128)ticks * mult) >> 32);
}

void trc_stats_set_residue(struct trc_stats *s, uint64_t residue_ticks)
{
	trc_replay_set_residue(&s->r, residue_ticks);
}

void trc_stats_set_marks(struct trc_stats *s, struct trc_marks *marks)
{
	s->marks = marks;
}

int trc_stats_new(struct trc_stats **out, uint64_t ns_mult, uint64_t hook_cost_ticks,
                  struct lc_err *err)
{
	struct trc_stats *s = calloc(1, sizeof(*s));

	if (s == NULL)
		goto nomem;
	s->ns_mult = ns_mult;
	s->hook_ticks = hook_cost_ticks;
	trc_replay_init(&s->r, hook_cost_ticks);
	s->hbits = 10;
	s->keys = calloc((size_t)1 << s->hbits, sizeof(*s->keys));
	s->vals = calloc((size_t)1 << s->hbits, sizeof(*s->vals));
	if (s->keys == NULL || s->vals == NULL)
		goto nomem;
	*out = s;
	return 0;
nomem:
	trc_stats_free(s);
	return lc_err_set(err, LC_ENOMEM, "out of memory");
}

void trc_stats_free(struct trc_stats *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nf; i++)
		trc_hist_fini(&s->f[i].hist);
	for (i = 0; i < s->nthrs; i++) {
		trc_hist_fini(&s->thrs[i].iv[TRC_IV_INSIDE]);
		trc_hist_fini(&s->thrs[i].iv[TRC_IV_BETWEEN]);
		free(s->thrs[i].ivc);
		free(s->thrs[i].chunks);
	}
	free(s->thrs);
	free(s->f);
	free(s->keys);
	free(s->vals);
	free(s);
}

static int rehash(struct trc_stats *s)
{
	uint32_t bits = s->hbits + 1u;
	size_t n = (size_t)1 << bits, mask = n - 1u, i;
	uint64_t *keys = calloc(n, sizeof(*keys));
	uint32_t *vals = calloc(n, sizeof(*vals));

	if (keys == NULL || vals == NULL) {
		free(keys);
		free(vals);
		return LC_ENOMEM;
	}
	for (i = 0; i < ((size_t)1 << s->hbits); i++) {
		size_t j;

		if (s->vals[i] == 0)
			continue;
		for (j = trc__stats_slot(s->keys[i], bits); vals[j] != 0; j = (j + 1u) & mask)
			;
		keys[j] = s->keys[i];
		vals[j] = s->vals[i];
	}
	free(s->keys);
	free(s->vals);
	s->keys = keys;
	s->vals = vals;
	s->hbits = bits;
	return 0;
}

/* Adds addr, which is not in the table. Returns LC_ENOMEM. */
static __attribute__((noinline)) int insert(struct trc_stats *s, uint64_t addr, uint32_t *out)
{
	size_t mask, j;
	struct trc_fstat *fs;

	/* Keep the load factor at most 1/2. */
	if ((s->nf + 1u) * 2u > ((size_t)1 << s->hbits) && rehash(s) < 0)
		return LC_ENOMEM;
	if (lc_grow(&s->f, &s->capf, s->nf + 1u, sizeof(*s->f), 64u) < 0)
		return LC_ENOMEM;
	mask = ((size_t)1 << s->hbits) - 1u;
	for (j = trc__stats_slot(addr, s->hbits); s->vals[j] != 0; j = (j + 1u) & mask)
		;
	fs = &s->f[s->nf];
	memset(fs, 0, sizeof(*fs));
	fs->addr = addr;
	fs->worst_preempted = -1;
	trc_hist_init(&fs->hist);
	s->keys[j] = addr;
	s->vals[j] = (uint32_t)(s->nf + 1u);
	*out = (uint32_t)s->nf++;
	return 0;
}

/* The index of addr's entry: 0, or LC_ENOTFOUND when it has none. */
__attribute__((always_inline)) static inline int probe(const struct trc_stats *s, uint64_t addr,
                                                       uint32_t *out)
{
	size_t mask = ((size_t)1 << s->hbits) - 1u, j;
	uint32_t v;

	for (j = trc__stats_slot(addr, s->hbits); (v = s->vals[j]) != 0; j = (j + 1u) & mask) {
		if (s->keys[j] == addr) {
			*out = v - 1u;
			return 0;
		}
	}
	return LC_ENOTFOUND;
}

/* The index of addr's entry, created on first sight. Returns LC_ENOMEM. */
__attribute__((always_inline)) static inline int lookup(struct trc_stats *s, uint64_t addr,
                                                        uint32_t *out)
{
	if (probe(s, addr, out) == 0)
		return 0;
	return insert(s, addr, out);
}

static int iv_flush(struct trc_stats *s);
static inline void fold_open(struct trc_stats *s, struct trc__stats_iv *v);

/* The per-thread state of thread index t, created on first use. */
static struct trc__stats_thr *thr_of(struct trc_stats *s, uint32_t t)
{
	size_t cap = s->nthrs, i;

	if (t >= s->nthrs) {
		if (lc_grow(&s->thrs, &cap, (size_t)t + 1u, sizeof(*s->thrs), 4u) < 0)
			return NULL;
		for (i = s->nthrs; i < cap; i++) {
			memset(&s->thrs[i], 0, sizeof(s->thrs[i]));
			s->thrs[i].ivmin[TRC_IV_INSIDE] = UINT64_MAX;
			s->thrs[i].ivmin[TRC_IV_BETWEEN] = UINT64_MAX;
			trc_hist_init(&s->thrs[i].iv[TRC_IV_INSIDE]);
			trc_hist_init(&s->thrs[i].iv[TRC_IV_BETWEEN]);
		}
		s->nthrs = cap;
	}
	return &s->thrs[t];
}

void trc_stats_thread_begin(struct trc_stats *s, uint32_t thread)
{
	struct trc__stats_thr *t;

	trc_stats_thread_end(s);
	s->thread = thread;
	memset(&s->iv, 0, sizeof(s->iv));
	/* Out of memory here only loses the intervals: no gap is then found. */
	t = s->thr = thr_of(s, thread);
	if (t != NULL && t->ivc == NULL)
		t->ivc = calloc((size_t)TRC_IV_N * RTM_HIST_BUCKETS_ALL, sizeof(*t->ivc));
	/* Below 900 ns an interval's exact bucket cannot matter: the limit is
	 * at least TRC_INTERF_GAP_MIN_NS = 20 x 1000 ns (interfere.h). */
	s->iv.small =
	        s->ns_mult ? (uint64_t)(((unsigned __int128)TRC_INTERF_SMALL_NS << 32) / s->ns_mult)
	                   : 0;
	if (t != NULL) {
		s->iv.c = t->ivc;
		s->iv.max[TRC_IV_INSIDE] = t->ivmax[TRC_IV_INSIDE];
		s->iv.max[TRC_IV_BETWEEN] = t->ivmax[TRC_IV_BETWEEN];
		s->iv.min[TRC_IV_INSIDE] = t->ivmin[TRC_IV_INSIDE];
		s->iv.min[TRC_IV_BETWEEN] = t->ivmin[TRC_IV_BETWEEN];
	}
}

void trc_stats_thread_end(struct trc_stats *s)
{
	fold_open(s, &s->iv);
	trc_replay_thread_end(&s->r);
	if (iv_flush(s) < 0)
		s->oom = 1;
}

/* Records the call path of a new worst case: the frames below the one just
 * closed (which is still at r->stack[r->depth]), outermost first. */
__attribute__((noinline, cold)) static void keep_path(struct trc_stats *s, struct trc_fstat *fs)
{
	const struct trc_replay *r = &s->r;
	uint32_t n = r->depth + 1u, first = n > TRC_STATS_PATH_MAX ? n - TRC_STATS_PATH_MAX : 0u, i;

	for (i = first; i < n; i++)
		fs->worst_path[i - first] = r->stack[i].addr;
	fs->worst_npath = n - first;
	fs->worst_depth = n;
}

/* The open frames' maxima into the thread's, before the replay drops them
 * (lost events, the end of the thread). */
static inline __attribute__((always_inline)) void fold_open(struct trc_stats *s,
                                                            struct trc__stats_iv *v)
{
	uint32_t i;

	/* The innermost frame's maxima are v's; its user64s are stale (set only
	 * when a frame's callee enters), so only the frames below it count. */
	trc__stats_fold_max(v, v->in, v->btw);
	for (i = 0; i + 1u < s->r.depth; i++)
		trc__stats_fold_max(v, s->r.stack[i].user64, s->r.stack[i].user64b);
	v->in = v->btw = 0;
}

/* The interval since the thread's previous record. The innermost open
 * frame's maxima live in v (registers); a frame's own fields (user64:
 * inside, user64b: between sibling calls) keep them while a callee is on
 * top, and a returning call hands its maxima to its caller, so a worst call
 * knows the largest interval anywhere inside it (interfere.h) without a
 * second pass over the records. Intervals too short to move the gap limit
 * are only counted. */
__attribute__((always_inline)) static inline void
interval(struct trc_stats *s, struct trc__stats_iv *v, const struct lc_trace_slot *rec)
{
	uint64_t d = rec->ticks >= v->prev ? rec->ticks - v->prev : 0;
	int kd = v->prev_exit & (rec->kind == LC_TRACE_ENTER);

	v->prev = rec->ticks;
	v->prev_exit = rec->kind == LC_TRACE_EXIT;
	/* At a thread's first record no frame is open; after lost events the
	 * interval is unknown, and the open frames are about to be dropped. */
	if (s->r.depth == 0)
		return;
	if (__builtin_expect(rec->gap, 0)) {
		fold_open(s, v);
		return;
	}
	if (kd)
		v->btw = d > v->btw ? d : v->btw;
	else
		v->in = d > v->in ? d : v->in;
	if (v->c == NULL)
		return;
	if (d < v->small) {
		v->c[(size_t)kd * RTM_HIST_BUCKETS_ALL]++;
	} else {
		v->c[(size_t)kd * RTM_HIST_BUCKETS_ALL + rtm_hist_bucket(d)]++;
		v->min[kd] = d < v->min[kd] ? d : v->min[kd];
	}
}

/* A mark (or another record that is neither an enter nor an exit) to the
 * marks module: out of line and cold, and given only the record's file
 * offset (marks.c decodes the record again from the trace), so the record
 * loop keeps nothing alive for the marks' sake: they are rare. */
static __attribute__((noinline, cold)) int feed_mark(struct trc_stats *s, uint64_t offset)
{
	return s->marks != NULL ? trc_marks_feed(s->marks, s->thread, s->r.counts.gaps, offset) : 0;
}

/* Inlined into the record loop, so the record never leaves registers. The
 * pairing is trace/replay.h's; this adds one call to its function. */
__attribute__((always_inline)) static inline int
feed_one(struct trc_stats *s, struct trc__stats_iv *v, const struct lc_trace_slot *rec)
{
	const struct trc_replay_call *c = &s->r.call;
	struct trc_replay_frame *fr;
	struct trc_fstat *fs;
	uint64_t in, btw;
	uint32_t j;

	interval(s, v, rec);
	switch (trc_replay_step(&s->r, rec)) {
	case TRC_REPLAY_ENTERED:
		fr = &s->r.stack[s->r.depth - 1u];
		if (s->r.depth > 1u) { /* the caller keeps its maxima */
			fr[-1].user64 = v->in;
			fr[-1].user64b = v->btw;
		}
		v->in = v->btw = 0;
		return lookup(s, rec->addr, &fr->user);
	case TRC_REPLAY_CLOSED:
		break;
	default: /* marks are rare: the one call of the marks module */
		if (__builtin_expect(rec->kind >= LC_TRACE_MARK, 0))
			return feed_mark(s, rec->offset);
		return 0;
	}
	/* Everything stays in ticks here; trc_stats_finish() converts once per
	 * function, which keeps the 128-bit multiplications off the hot path. */
	fr = (struct trc_replay_frame *)c->frame;
	in = v->in;
	btw = v->btw;
	for (j = 0; __builtin_expect(j < c->unwound, 0); j++) { /* skipped exits */
		in = fr[j].user64 > in ? fr[j].user64 : in;
		btw = fr[j].user64b > btw ? fr[j].user64b : btw;
	}
	if (s->r.depth > 0) { /* back in the caller: its maxima include the call's */
		const struct trc_replay_frame *p = &s->r.stack[s->r.depth - 1u];

		v->in = p->user64 > in ? p->user64 : in;
		v->btw = p->user64b > btw ? p->user64b : btw;
	} else {
		trc__stats_fold_max(v, in, btw);
		v->in = v->btw = 0;
	}
	fs = &s->f[fr->user];
	if (c->corr > fs->hist.max || fs->calls == 0) {
		fs->worst_thread = s->thread;
		fs->worst_start_ticks = fr->start;
		fs->worst_enter_off = fr->enter_off;
		fs->worst_exit_off = c->exit_off;
		fs->worst_raw_ticks = c->raw;
		fs->worst_iv_ticks[TRC_IV_INSIDE] = in;
		fs->worst_iv_ticks[TRC_IV_BETWEEN] = btw;
		keep_path(s, fs);
	}
	if (trc_hist_add(&fs->hist, c->corr) < 0)
		return LC_ENOMEM;
	fs->calls++;
	fs->sum_incl_ns += c->corr;
	fs->sum_excl_ns += c->excl;
	fs->hook_ns += c->raw - c->corr;
	if (c->excl > fs->max_excl_ns)
		fs->max_excl_ns = c->excl;
	if (fr->deep > fs->max_stack)
		fs->max_stack = fr->deep;
	return 0;
}

int trc_stats_feed(struct trc_stats *s, const struct lc_trace_slot *r)
{
	return feed_one(s, &s->iv, r);
}

size_t trc_stats_count(const struct trc_stats *s)
{
	return s->nf;
}

int trc_stats_find(const struct trc_stats *s, uint64_t addr, size_t *out)
{
	uint32_t v = 0;
	int rc = probe(s, addr, &v);

	*out = v;
	return rc;
}

struct trc_fstat *trc_stats_at(struct trc_stats *s, size_t i)
{
	return i < s->nf ? &s->f[i] : NULL;
}

const struct trc_stats_counts *trc_stats_counts(struct trc_stats *s)
{
	const struct trc_replay_counts *rc = &s->r.counts;

	s->counts.records = rc->records;
	s->counts.unmatched = rc->unmatched;
	s->counts.abandoned = rc->abandoned;
	s->counts.unfinished = rc->unfinished;
	s->counts.too_deep = rc->too_deep;
	s->counts.gaps = rc->gaps;
	s->counts.max_depth = rc->max_depth;
	return &s->counts;
}

/* Notes the first record's ticks and offset of chunk k of the current
 * thread. */
static int chunk_begin(struct trc_stats *s, size_t k, uint64_t first, uint64_t off)
{
	struct trc__stats_thr *t = s->thr;

	if (t == NULL)
		return 0;
	if (lc_grow(&t->chunks, &t->capchunks, k + 1u, sizeof(*t->chunks), 64u) < 0)
		return LC_ENOMEM;
	if (k + 1u > t->nchunks)
		t->nchunks = k + 1u;
	t->chunks[k] = (struct trc__stats_span){first, first, off};
	return 0;
}

/* Streams one thread through the raw chunk accessor and the inline slot
 * decoder: that is what lets one core keep up with 10^8 records per second
 * (lc_trace_iter_next() fills a 80-byte record per call). */
static int run_thread(struct trc_stats *s, const struct lc_trace *t, size_t thread)
{
	struct trc__stats_iv v = s->iv;
	const uint8_t *recs;
	uint64_t off;
	size_t k, n, i;
	int gap, rc = 0;

	for (k = 0; (n = lc_trace_chunk_records(t, thread, k, &recs, &off, &gap)) > 0; k++) {
		struct lc_trace_slot r;

		if (chunk_begin(s, k, lc_trace_le64(recs), off) < 0)
			goto nomem;
		/* Only a chunk's first record can carry the gap flag: the loop
		 * decodes the others with gap 0, a constant it folds away. */
		i = lc_trace_slot_decode(&r, recs, 0, off, gap);
		if (feed_one(s, &v, &r) < 0)
			goto nomem;
		while ((i = trc__stats_run_fast(s, &v, recs, i, n, off)) < n) {
			i += lc_trace_slot_decode(&r, recs, i, off, 0);
			if (feed_one(s, &v, &r) < 0)
				goto nomem;
		}
		if (s->thr != NULL)
			s->thr->chunks[k].last = v.prev;
	}
	goto out;
nomem:
	rc = LC_ENOMEM;
out:
	s->iv = v;
	return rc;
}

static int span_cmp(const void *a, const void *b)
{
	uint64_t x = ((const struct trc__stats_span *)a)->off,
	         y = ((const struct trc__stats_span *)b)->off;

	return x < y ? -1 : x > y;
}

/* Ends the current thread's part of the pass: sorts its chunk spans and
 * folds its interval counts into its histograms. Each
 * count goes in at its bucket's lower bound, so quantiles come out as the
 * same bucket middles as trc_hist_add() would give. The maximum is exact
 * (the outermost frames carry it), and so is the minimum unless an interval
 * was short enough to be only counted (then it is 0). */
static int iv_flush(struct trc_stats *s)
{
	struct trc__stats_thr *t = s->thr;
	uint32_t b;
	int kd;

	s->thr = NULL;
	s->iv.c = NULL;
	if (t == NULL)
		return 0;
	/* By file offset for trc_stats_chunk_span(): in ring mode a thread's
	 * stream order is not the file's. */
	if (t->nchunks > 1)
		qsort(t->chunks, t->nchunks, sizeof(*t->chunks), span_cmp);
	if (t->ivc == NULL)
		return 0;
	for (kd = 0; kd < TRC_IV_N; kd++) {
		uint64_t *c = t->ivc + (size_t)kd * RTM_HIST_BUCKETS_ALL;

		for (b = 0; b < RTM_HIST_BUCKETS_ALL; b++) {
			if (c[b] > 0 && trc_hist_add_n(&t->iv[kd], rtm_hist_lower(b), c[b]) < 0)
				return LC_ENOMEM;
			c[b] = 0;
		}
		t->ivmax[kd] = s->iv.max[kd];
		t->ivmin[kd] = s->iv.min[kd];
		if (t->iv[kd].total > 0)
			t->iv[kd].max = t->ivmax[kd];
		/* With no short interval (counted at 0) the smallest is exact too. */
		if (t->iv[kd].total > 0 && t->iv[kd].min != 0)
			t->iv[kd].min = t->ivmin[kd];
	}
	return 0;
}

const struct trc_hist *trc_stats_intervals(const struct trc_stats *s, size_t thread, int kind)
{
	static const struct trc_hist empty = {NULL, 0, 0, UINT64_MAX, 0};

	if (thread >= s->nthrs || kind < 0 || kind >= TRC_IV_N)
		return &empty;
	return &s->thrs[thread].iv[kind];
}

int trc_stats_chunk_span(const struct trc_stats *s, size_t thread, uint64_t off, uint64_t *first,
                         uint64_t *last)
{
	const struct trc__stats_thr *t;
	size_t lo = 0, hi;

	if (thread >= s->nthrs || s->thrs[thread].nchunks == 0)
		return LC_ENOTFOUND;
	t = &s->thrs[thread];
	/* The last chunk whose first record is at or before off (iv_flush()
	 * sorted them by offset; chunks do not overlap). */
	hi = t->nchunks;
	while (hi - lo > 1u) {
		size_t mid = lo + (hi - lo) / 2u;

		if (t->chunks[mid].off <= off)
			lo = mid;
		else
			hi = mid;
	}
	if (t->chunks[lo].off > off)
		return LC_ENOTFOUND;
	*first = t->chunks[lo].first;
	*last = t->chunks[lo].last;
	return 0;
}

int trc_stats_run(struct trc_stats *s, const struct lc_trace *t, long thread, struct lc_err *err)
{
	size_t i, n = lc_trace_thread_count(t);
	int found = 0;

	for (i = 0; i < n; i++) {
		const struct lc_trace_thread *th = lc_trace_thread(t, i);

		if (thread >= 0 && (long)th->tid != thread && (long)th->index != thread)
			continue;
		found = 1;
		trc_stats_thread_begin(s, (uint32_t)i);
		if (run_thread(s, t, i) < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
		trc_stats_thread_end(s);
	}
	if (!found)
		return lc_err_set(err, LC_ENOTFOUND, "no thread with tid or index %ld in the trace",
		                  thread);
	return 0;
}

int trc_stats_add_summary(struct trc_stats *s, uint64_t addr, uint64_t count, uint64_t min_ticks,
                          uint64_t max_ticks, uint64_t sum_ticks, uint64_t max_stack,
                          const uint64_t *buckets, size_t nbuckets)
{
	struct trc_fstat *fs;
	uint32_t idx, b;

	if (lookup(s, addr, &idx) < 0)
		return LC_ENOMEM;
	fs = &s->f[idx];
	/* The runtime's buckets are the same scheme over ticks, which is what
	 * this aggregation holds until trc_stats_finish(): copy them. The last
	 * bucket of the runtime's table also holds everything beyond it, so its
	 * observations are placed at the exact max. */
	for (b = 0; b < nbuckets && b < RTM_HIST_BUCKETS_ALL; b++) {
		uint64_t v = b + 1u == nbuckets ? max_ticks : rtm_hist_lower(b);

		if (buckets[b] > 0 && trc_hist_add_n(&fs->hist, v, buckets[b]) < 0)
			return LC_ENOMEM;
	}
	if (fs->hist.total > 0) {
		fs->hist.min = min_ticks;
		fs->hist.max = max_ticks;
	}
	fs->calls += count;
	fs->sum_incl_ns += sum_ticks;
	if (max_stack > fs->max_stack)
		fs->max_stack = max_stack;
	return 0;
}

static const double quantiles[TRC_STATS_NQ] = {0.50, 0.90, 0.99, 0.999};

int trc_stats_finish(struct trc_stats *s)
{
	size_t i;
	int q;

	if (s->finished)
		return 0;
	trc_stats_thread_end(s);
	if (s->oom)
		return LC_ENOMEM;
	for (i = 0; i < s->nf; i++) {
		struct trc_fstat *fs = &s->f[i];
		struct trc_hist ns;
		uint32_t b;

		/* Quantiles from the tick histogram, then converted: one bucket's
		 * error (< 0.4 %), not two. */
		for (q = 0; q < TRC_STATS_NQ; q++)
			fs->q_ns[q] = to_ns(trc_hist_quantile(&fs->hist, quantiles[q]), s->ns_mult);
		fs->sum_incl_ns = to_ns(fs->sum_incl_ns, s->ns_mult);
		fs->sum_excl_ns = to_ns(fs->sum_excl_ns, s->ns_mult);
		fs->max_excl_ns = to_ns(fs->max_excl_ns, s->ns_mult);
		fs->hook_ns = to_ns(fs->hook_ns, s->ns_mult);
		if (s->ns_mult == (UINT64_C(1) << 32) || fs->hist.total == 0)
			continue; /* ticks are ns */
		/* Re-bucket over ns for drawings and bucket tables: each tick
		 * bucket's middle, converted; min and max stay exact. */
		trc_hist_init(&ns);
		for (b = 0; b < fs->hist.nb; b++) {
			uint64_t lo = rtm_hist_lower(b), hi = rtm_hist_upper(b);

			if (fs->hist.counts[b] == 0)
				continue;
			if (lo < fs->hist.min)
				lo = fs->hist.min;
			if (hi > fs->hist.max)
				hi = fs->hist.max;
			if (trc_hist_add_n(&ns, to_ns(lo + (hi - lo) / 2u, s->ns_mult),
			                   fs->hist.counts[b]) < 0) {
				trc_hist_fini(&ns);
				return LC_ENOMEM;
			}
		}
		ns.min = to_ns(fs->hist.min, s->ns_mult);
		ns.max = to_ns(fs->hist.max, s->ns_mult);
		trc_hist_fini(&fs->hist);
		fs->hist = ns;
	}
	s->finished = 1;
	return 0;
}
