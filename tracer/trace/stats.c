/*
 * tracer/trace/stats.c - streaming per-function aggregation (see stats.h).
 *
 * The hot loop is trc_stats_feed(): an enter costs one hash lookup and a
 * push; an exit costs a pop, two 64x64->128 multiplications (ticks to ns) and
 * a histogram increment. The function's table index is cached in the shadow
 * frame at entry, so an exit never hashes. Everything per call lives in the
 * fixed shadow stack; only per-function state grows.
 */
#include "trace/stats.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "trace.h"
#include "trace/replay.h"

struct trc_stats {
	uint64_t ns_mult;
	uint64_t hook_ticks;
	/* functions */
	struct trc_fstat *f;
	size_t nf, capf;
	/* addr -> index + 1 (0 = empty slot), open addressing, power of two */
	uint64_t *keys;
	uint32_t *vals;
	uint32_t hbits;
	/* current thread */
	uint32_t thread;
	struct trc_stats_counts counts; /* filled from the replay's on request */
	int finished;
	struct trc_replay r; /* last: large */
};

static inline uint64_t to_ns(uint64_t ticks, uint64_t mult)
{
	return (uint64_t)(((unsigned __int128)ticks * mult) >> 32);
}

void trc_stats_set_residue(struct trc_stats *s, uint64_t residue_ticks)
{
	trc_replay_set_residue(&s->r, residue_ticks);
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
	free(s->f);
	free(s->keys);
	free(s->vals);
	free(s);
}

static inline size_t slot_of(uint64_t addr, uint32_t bits)
{
	return (size_t)((addr * 0x9E3779B97F4A7C15ull) >> (64u - bits));
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
		for (j = slot_of(s->keys[i], bits); vals[j] != 0; j = (j + 1u) & mask)
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

/* The index of addr's entry, created on first sight. Returns LC_ENOMEM. */
static int lookup(struct trc_stats *s, uint64_t addr, uint32_t *out)
{
	size_t mask = ((size_t)1 << s->hbits) - 1u, j;
	struct trc_fstat *fs;

	for (j = slot_of(addr, s->hbits); s->vals[j] != 0; j = (j + 1u) & mask) {
		if (s->keys[j] == addr) {
			*out = s->vals[j] - 1u;
			return 0;
		}
	}
	/* New function. Keep the load factor at most 1/2. */
	if ((s->nf + 1u) * 2u > ((size_t)1 << s->hbits)) {
		if (rehash(s) < 0)
			return LC_ENOMEM;
		return lookup(s, addr, out);
	}
	if (lc_grow(&s->f, &s->capf, s->nf + 1u, sizeof(*s->f), 64u) < 0)
		return LC_ENOMEM;
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

void trc_stats_thread_begin(struct trc_stats *s, uint32_t thread)
{
	trc_stats_thread_end(s);
	s->thread = thread;
}

void trc_stats_thread_end(struct trc_stats *s)
{
	trc_replay_thread_end(&s->r);
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

/* Inlined into the record loop, so the record never leaves registers. The
 * pairing is trace/replay.h's; this adds one call to its function. */
__attribute__((always_inline)) static inline int feed_one(struct trc_stats *s,
                                                          const struct lc_trace_slot *rec)
{
	const struct trc_replay_call *c = &s->r.call;
	const struct trc_replay_frame *fr;
	struct trc_fstat *fs;

	switch (trc_replay_step(&s->r, rec)) {
	case TRC_REPLAY_ENTERED:
		return lookup(s, rec->addr, &s->r.stack[s->r.depth - 1u].user);
	case TRC_REPLAY_CLOSED:
		break;
	default:
		return 0;
	}
	/* Everything stays in ticks here; trc_stats_finish() converts once per
	 * function, which keeps the 128-bit multiplications off the hot path. */
	fr = c->frame;
	fs = &s->f[fr->user];
	if (c->corr > fs->hist.max || fs->calls == 0) {
		fs->worst_thread = s->thread;
		fs->worst_start_ticks = fr->start;
		fs->worst_enter_off = fr->enter_off;
		fs->worst_exit_off = c->exit_off;
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
	return feed_one(s, r);
}

size_t trc_stats_count(const struct trc_stats *s)
{
	return s->nf;
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

/* Streams one thread through the raw chunk accessor and the inline slot
 * decoder: that is what lets one core keep up with 10^8 records per second
 * (lc_trace_iter_next() fills a 80-byte record per call). */
static int run_thread(struct trc_stats *s, const struct lc_trace *t, size_t thread)
{
	const uint8_t *recs;
	uint64_t off;
	size_t k, n, i;
	int gap;

	for (k = 0; (n = lc_trace_chunk_records(t, thread, k, &recs, &off, &gap)) > 0; k++) {
		for (i = 0; i < n;) {
			struct lc_trace_slot r;

			i += lc_trace_slot_decode(&r, recs, i, off, gap);
			if (feed_one(s, &r) < 0)
				return LC_ENOMEM;
		}
	}
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
