/*
 * tracer/trace/stats_loop.c - the record loop's common case (see
 * stats_impl.h), in a file of its own because it is the hot path of
 * `latch-trace report`: what it computes is exactly what stats.c's general
 * path (feed_one()) would, and the pieces of the pairing rule it uses are
 * trace/replay.h's.
 */
#include "trace/stats_impl.h"

#include "trace.h"
#include "trace/hist.h"

/* An interval too long to be only counted (interval()'s last branch). */
__attribute__((noinline)) static void iv_long(uint64_t *c, uint64_t *min, int kd, uint64_t d)
{
	c[(size_t)kd * RTM_HIST_BUCKETS_ALL + rtm_hist_bucket(d)]++;
	if (d < *min)
		*min = d;
}

/* Whether a call of fs lasting corr ticks (histogram bucket b) can be
 * added here: not a new worst case (that is feed_one()'s, with its call
 * path), and its histogram need not grow. */
static inline int fits(const struct trc_fstat *fs, uint64_t corr, uint32_t b)
{
	return corr <= fs->hist.max && fs->calls != 0 && b < fs->hist.nb;
}

/* Adds one closed call to fs, as feed_one() does after the worst-case
 * check; fits() held. */
static inline void add_call(struct trc_fstat *fs, uint32_t b, uint64_t raw, uint64_t corr,
                            uint64_t excl, uint32_t deep)
{
	fs->hist.counts[b]++;
	fs->hist.total++;
	if (corr < fs->hist.min)
		fs->hist.min = corr;
	fs->calls++;
	fs->sum_incl_ns += corr;
	fs->sum_excl_ns += excl;
	fs->hook_ns += raw - corr;
	if (excl > fs->max_excl_ns)
		fs->max_excl_ns = excl;
	if (deep > fs->max_stack)
		fs->max_stack = deep;
}

/* The record loop's common case with its whole state in locals, which the
 * compiler keeps in registers (stores through the frame and function
 * pointers could otherwise alias every field of s): an enter below
 * TRC_REPLAY_MAX_DEPTH of a function already in the table, and an exit that
 * closes the top frame without setting a new worst case or growing its
 * histogram. An enter whose next record is its own exit (a leaf call, most
 * calls of a trace) is taken with that exit in one step, its frame never
 * stored (nothing reads a closed frame after the next record). It computes
 * exactly what feed_one() would (the pieces of the pairing rule are
 * replay.h's). Any other record (the first of a chunk, a mark, an extended
 * record, a skipped or unmatched exit, a new function, a new worst case)
 * stops it before anything changes: it writes its state back and returns
 * that record's index (n at the end of the chunk), and feed_one() takes the
 * record. */
size_t trc__stats_run_fast(struct trc_stats *s, struct trc__stats_iv *v, const uint8_t *recs,
                           size_t i, size_t n, uint64_t off)
{
	struct trc_replay *r = &s->r;
	struct trc_replay_frame *const stack = r->stack, *const end = stack + TRC_REPLAY_MAX_DEPTH;
	struct trc_replay_frame *sp = stack + r->depth;                 /* the next free frame */
	struct trc_replay_frame *deepest = stack + r->counts.max_depth; /* past the deepest */
	struct trc_fstat *const f = s->f;
	const uint64_t *const keys = s->keys;
	const uint32_t *const vals = s->vals;
	const uint32_t hbits = s->hbits;
	const size_t mask = ((size_t)1 << hbits) - 1u;
	/* The slots walked by pointer; off is the file offset of slot 0. */
	const uint8_t *q = recs + i * LC_TRACE_SLOT_SIZE, *const q0 = q,
	              *const qend = recs + n * LC_TRACE_SLOT_SIZE;
	size_t taken;
	uint64_t *const c = v->c;
	uint64_t prev = v->prev, in = v->in, btw = v->btw, nsmall_in = 0, nsmall_btw = 0, pushed;
	int prev_exit = v->prev_exit;

	if (r->overflow > 0 || c == NULL)
		return i;
	for (; q < qend; q += LC_TRACE_SLOT_SIZE) {
		struct lc_trace_slot rec;
		uint64_t d;

		lc_trace_slot_decode(&rec, q, 0, off + (uint64_t)(q - recs), 0);
		d = rec.ticks >= prev ? rec.ticks - prev : 0;
		if (rec.kind == LC_TRACE_ENTER) {
			struct trc_replay_frame leaf;
			struct lc_trace_slot x;
			struct trc_fstat *fs;
			uint64_t raw, corr;
			uint32_t val, b;
			size_t j;

			if (sp == end)
				break;
			for (j = trc__stats_slot(rec.addr, hbits);
			     (val = vals[j]) != 0 && keys[j] != rec.addr; j = (j + 1u) & mask)
				;
			if (val == 0)
				break; /* a new function: insert() */
			if (sp > stack) {
				if (prev_exit) {
					btw = d > btw ? d : btw;
					if (d < v->small)
						nsmall_btw++;
					else
						iv_long(c, &v->min[TRC_IV_BETWEEN], TRC_IV_BETWEEN,
						        d);
				} else {
					in = d > in ? d : in;
					if (d < v->small)
						nsmall_in++;
					else
						iv_long(c, &v->min[TRC_IV_INSIDE], TRC_IV_INSIDE,
						        d);
				}
				sp[-1].user64 = in;
				sp[-1].user64b = btw;
			}
			if (sp >= deepest) { /* deeper than ever: max_depth is sp's depth + 1 */
				deepest = sp + 1;
				r->counts.max_depth = (uint32_t)(deepest - stack);
			}
			prev = rec.ticks;
			prev_exit = 0;
			trc_replay__push(&leaf, &rec);
			fs = &f[val - 1u];
			if (q + LC_TRACE_SLOT_SIZE < qend &&
			    (lc_trace_slot_decode(&x, q, 1, off + (uint64_t)(q - recs), 0),
			     x.kind == LC_TRACE_EXIT && x.addr == rec.addr) &&
			    (corr = trc_replay__cost(r, &leaf, x.ticks, &raw),
			     b = trc_hist_bucket(corr), fits(fs, corr, b))) {
				/* The leaf's exit: its one interval, inside. */
				d = x.ticks >= prev ? x.ticks - prev : 0;
				in = d;
				if (d < v->small)
					nsmall_in++;
				else
					iv_long(c, &v->min[TRC_IV_INSIDE], TRC_IV_INSIDE, d);
				if (sp > stack) {
					trc_replay__to_parent(sp - 1, &leaf, corr);
					in = sp[-1].user64 > in ? sp[-1].user64 : in;
					btw = sp[-1].user64b;
				} else {
					trc__stats_fold_max(v, in, 0);
					in = btw = 0;
				}
				add_call(fs, b, raw, corr, corr, leaf.deep);
				prev = x.ticks;
				prev_exit = 1;
				q += LC_TRACE_SLOT_SIZE;
				continue;
			}
			in = btw = 0;
			*sp = leaf;
			sp->user = val - 1u;
			sp++;
		} else if (rec.kind == LC_TRACE_EXIT) {
			struct trc_replay_frame *fr = sp - 1;
			struct trc_fstat *fs;
			uint64_t raw, corr, excl;
			uint32_t b;

			if (sp == stack || fr->addr != rec.addr)
				break;
			fs = &f[fr->user];
			corr = trc_replay__cost(r, fr, rec.ticks, &raw);
			b = trc_hist_bucket(corr);
			if (!fits(fs, corr, b))
				break; /* a new worst case, or the histogram grows */
			in = d > in ? d : in;
			if (d < v->small)
				nsmall_in++;
			else
				iv_long(c, &v->min[TRC_IV_INSIDE], TRC_IV_INSIDE, d);
			sp = fr;
			excl = corr > fr->child_corr ? corr - fr->child_corr : 0;
			if (sp > stack) {
				struct trc_replay_frame *p = sp - 1;

				trc_replay__to_parent(p, fr, corr);
				in = p->user64 > in ? p->user64 : in;
				btw = p->user64b > btw ? p->user64b : btw;
			} else {
				trc__stats_fold_max(v, in, btw);
				in = btw = 0;
			}
			add_call(fs, b, raw, corr, excl, fr->deep);
			prev = rec.ticks;
			prev_exit = 1;
		} else {
			break;
		}
	}
	/* Every record taken was an enter (one frame more) or an exit (one
	 * call, one frame less). */
	pushed = (uint64_t)(sp - stack) - r->depth;
	taken = (size_t)(q - q0) / LC_TRACE_SLOT_SIZE;
	r->counts.records += taken;
	r->counts.calls += (taken - pushed) / 2u;
	r->depth = (uint32_t)(sp - stack);
	v->prev = prev;
	v->prev_exit = prev_exit;
	v->in = in;
	v->btw = btw;
	c[0] += nsmall_in;
	c[RTM_HIST_BUCKETS_ALL] += nsmall_btw;
	return i + taken;
}
