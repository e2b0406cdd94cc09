/*
 * tracer/trace/replay.h - the one call-stack replay of latch-trace (the role
 * uftrace's utils/fstack.c plays): it turns one thread's enter/exit records,
 * in time order, into calls. report (trace/stats.c), export (chrome and
 * folded) and `stack --trace` all replay through it, so they pair records
 * the same way and agree on every call count.
 *
 * Pairing rule (the only one):
 *  - An enter pushes a frame. Beyond TRC_REPLAY_MAX_DEPTH open frames it is
 *    counted (too_deep) and so is its exit, which is then skipped.
 *  - An exit that matches the top frame closes it: a call.
 *  - An exit that matches a frame deeper in the stack (a longjmp or an
 *    exception skipped the exits above it) unwinds to that frame: the frames
 *    above are abandoned (counted, never a call; their time stays in the
 *    frame unwound to, their deepest stack is passed down to it), then the
 *    matched frame closes as a call.
 *  - An exit that matches no open frame (tracing began inside the call) is
 *    counted unmatched and dropped.
 *  - A record flagged with a gap (lost events before it) abandons every open
 *    frame first: they can no longer be paired.
 *  - Frames still open at the end of a thread are unfinished: counted, never
 *    a call. trc_replay_unwind() lets a consumer look at them first.
 *
 * Times are clock ticks. The hook's own cost is taken out as
 * docs/trace-format.md prescribes: one enter+exit pair per traced callee
 * (direct or indirect) from the caller's inclusive time, never below zero.
 *
 * Use (the struct is the caller's, no allocation; everything is inline
 * because report feeds 10^8 records per second through it):
 *
 *	struct trc_replay *r = ...;             (large: heap or static storage)
 *	trc_replay_init(r, hook_pair_ticks);
 *	for each thread:
 *		for each slot s (lc_trace_slot_decode()):
 *			switch (trc_replay_step(r, &s)) {
 *			case TRC_REPLAY_ENTERED: r->stack[r->depth - 1] is the new
 *				frame; set its .user fields;
 *			case TRC_REPLAY_CLOSED:  r->call describes the call; its
 *				frame is *r->call.frame;
 *			default: nothing to do (counted in r->counts)
 *			}
 *		trc_replay_thread_end(r);         (or trc_replay_unwind() first)
 */
#ifndef TRC_REPLAY_H
#define TRC_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define TRC_REPLAY_MAX_DEPTH 1024u /* open frames; deeper calls are counted */

_Static_assert((TRC_REPLAY_MAX_DEPTH & (TRC_REPLAY_MAX_DEPTH - 1u)) == 0, "TRC_REPLAY_MAX_DEPTH");

/* One open call. The replay keeps every field but the user* ones up to
 * date; those belong to the consumer, which sets them on TRC_REPLAY_ENTERED
 * (the replay leaves them uninitialised). */
struct trc_replay_frame {
	uint64_t addr;        /* function address from the trace */
	uint64_t start;       /* ticks at entry */
	uint64_t enter_off;   /* file offset of the enter record */
	uint64_t child_corr;  /* corrected inclusive ticks of its closed direct callees */
	uint64_t desc;        /* traced callees closed so far, direct and indirect */
	uint32_t entry_stack; /* stack bytes at the enter hook */
	uint32_t deep;        /* deepest stack at a traced entry inside it, itself
	                         included (bytes) */
	uint32_t user;        /* the consumer's (a function index, a stack node) */
	uint32_t user2;       /* the consumer's */
	uint64_t user64;      /* the consumer's (a time) */
	uint64_t user64b;     /* the consumer's */
};

/* The call an exit closed (valid until the next trc_replay_step()). */
struct trc_replay_call {
	const struct trc_replay_frame *frame; /* its frame; frame[1 .. unwound]
	                                         are the frames it abandoned */
	uint64_t raw;                         /* exit ticks - entry ticks */
	uint64_t corr;                        /* raw minus one hook pair per traced callee, >= 0 */
	uint64_t excl;                        /* corr minus the direct callees' corr, >= 0 */
	uint64_t exit_off;                    /* file offset of the exit record */
	uint64_t end;                         /* ticks at exit */
	uint32_t depth;                       /* its call depth, 1 = outermost frame */
	uint32_t unwound;                     /* frames this exit abandoned (skipped exits) */
};

struct trc_replay_counts {
	uint64_t records;    /* records stepped */
	uint64_t calls;      /* calls closed */
	uint64_t unmatched;  /* exits that matched no open frame */
	uint64_t abandoned;  /* frames dropped: skipped exits or a gap */
	uint64_t unfinished; /* frames still open at the end of a thread */
	uint64_t too_deep;   /* enters beyond TRC_REPLAY_MAX_DEPTH */
	uint64_t gaps;       /* records flagged with lost events before them */
	uint32_t max_depth;  /* deepest call depth seen */
};

struct trc_replay {
	uint64_t hook_pair;    /* ticks of one enter+exit hook pair */
	uint64_t hook_residue; /* ticks an empty call's own stamps show, once per call */
	uint32_t depth;        /* open frames in stack[] */
	uint64_t overflow;     /* open frames beyond TRC_REPLAY_MAX_DEPTH */
	struct trc_replay_counts counts;
	struct trc_replay_call call;
	struct trc_replay_frame stack[TRC_REPLAY_MAX_DEPTH];
};

enum trc_replay_ev {
	TRC_REPLAY_NONE = 0,    /* nothing for the consumer (counted, or not a call record) */
	TRC_REPLAY_ENTERED = 1, /* a frame was pushed: r->stack[r->depth - 1] */
	TRC_REPLAY_CLOSED = 2   /* a call closed: r->call */
};

/* Empties r and sets the hook cost (one enter+exit pair, in ticks); the
 * residue is 0 until trc_replay_set_residue(). */
void trc_replay_init(struct trc_replay *r, uint64_t hook_pair_ticks);

/* Sets the residue taken out of every call once (header hook_residue_ticks:
 * what an empty traced function's own enter-to-exit stamps show), so that an
 * empty leaf keeps ~0 self time. Call it after trc_replay_init(). */
void trc_replay_set_residue(struct trc_replay *r, uint64_t residue_ticks);

/* Pops the innermost open frame without closing it as a call and returns
 * it (valid until the next push), its deepest stack passed to its parent;
 * NULL when no frame is open. The frame is counted unfinished. */
const struct trc_replay_frame *trc_replay_unwind(struct trc_replay *r);

/* Ends the current thread: every open frame is counted unfinished. */
void trc_replay_thread_end(struct trc_replay *r);

/* Drops every open frame as abandoned (lost events). */
static inline void trc_replay_gap(struct trc_replay *r)
{
	r->counts.gaps++;
	r->counts.abandoned += r->depth + r->overflow;
	r->depth = 0;
	r->overflow = 0;
}

/* One call's inclusive time with the tracer's own cost taken out: one hook
 * pair per traced callee (desc of them); never below 0. */
static inline uint64_t trc_replay_corrected(uint64_t raw, uint64_t desc, uint64_t pair_ticks)
{
	uint64_t hook = desc * pair_ticks;

	return raw > hook ? raw - hook : 0;
}

/* The common case of the rule, in pieces that a consumer keeping the depth
 * in a register (trace/stats.c's record loop) calls directly; the step
 * below is built from the same pieces, so there is still one rule. */

/* Fills the frame an enter pushes. */
__attribute__((always_inline)) static inline void trc_replay__push(struct trc_replay_frame *fr,
                                                                   const struct lc_trace_slot *s)
{
	fr->addr = s->addr;
	fr->start = s->ticks;
	fr->enter_off = s->offset;
	fr->child_corr = 0;
	fr->desc = 0;
	fr->entry_stack = s->stack;
	fr->deep = s->stack;
}

/* The corrected inclusive ticks of the call frame fr closes at `ticks`
 * (its raw duration in *raw). */
__attribute__((always_inline)) static inline uint64_t
trc_replay__cost(const struct trc_replay *r, const struct trc_replay_frame *fr, uint64_t ticks,
                 uint64_t *raw)
{
	uint64_t d = ticks > fr->start ? ticks - fr->start : 0,
	         corr = trc_replay_corrected(d, fr->desc, r->hook_pair);

	*raw = d;
	return corr > r->hook_residue ? corr - r->hook_residue : 0;
}

/* What a closed call (frame fr, corrected ticks corr) leaves its caller p. */
__attribute__((always_inline)) static inline void
trc_replay__to_parent(struct trc_replay_frame *p, const struct trc_replay_frame *fr, uint64_t corr)
{
	p->child_corr += corr;
	p->desc += fr->desc + 1u;
	if (fr->deep > p->deep)
		p->deep = fr->deep;
}

__attribute__((always_inline)) static inline enum trc_replay_ev
trc_replay__exit(struct trc_replay *r, const struct lc_trace_slot *s)
{
	struct trc_replay_frame *fr;
	uint64_t raw, corr;
	uint32_t unwound = 0;

	if (r->overflow > 0) {
		r->overflow--;
		return TRC_REPLAY_NONE;
	}
	if (r->depth == 0) {
		r->counts.unmatched++;
		return TRC_REPLAY_NONE;
	}
	if (r->stack[r->depth - 1u].addr != s->addr) {
		uint32_t i = r->depth - 1u, j;

		while (i > 0 && r->stack[i - 1u].addr != s->addr)
			i--;
		if (i == 0) {
			r->counts.unmatched++;
			return TRC_REPLAY_NONE;
		}
		/* Skipped exits: abandon the frames above frame i - 1. */
		unwound = r->depth - i;
		for (j = r->depth - 1u; j >= i; j--) {
			if (r->stack[j].deep > r->stack[j - 1u].deep)
				r->stack[j - 1u].deep = r->stack[j].deep;
		}
		r->counts.abandoned += unwound;
		r->depth = i;
	}
	fr = &r->stack[--r->depth];
	corr = trc_replay__cost(r, fr, s->ticks, &raw);
	r->call.frame = fr;
	r->call.raw = raw;
	r->call.corr = corr;
	r->call.excl = corr > fr->child_corr ? corr - fr->child_corr : 0;
	r->call.exit_off = s->offset;
	r->call.end = s->ticks;
	r->call.depth = r->depth + 1u;
	r->call.unwound = unwound;
	r->counts.calls++;
	if (r->depth > 0)
		trc_replay__to_parent(&r->stack[r->depth - 1u], fr, corr);
	return TRC_REPLAY_CLOSED;
}

/* Steps one record of the current thread (any kind; marks and extended
 * records are counted and return TRC_REPLAY_NONE). */
__attribute__((always_inline)) static inline enum trc_replay_ev
trc_replay_step(struct trc_replay *r, const struct lc_trace_slot *s)
{
	r->counts.records++;
	if (s->gap)
		trc_replay_gap(r);
	if (s->kind == LC_TRACE_ENTER) {
		struct trc_replay_frame *fr;

		if (r->depth >= TRC_REPLAY_MAX_DEPTH || r->overflow > 0) {
			r->overflow++;
			r->counts.too_deep++;
			return TRC_REPLAY_NONE;
		}
		fr = &r->stack[r->depth++];
		trc_replay__push(fr, s);
		if (r->depth > r->counts.max_depth)
			r->counts.max_depth = r->depth;
		return TRC_REPLAY_ENTERED;
	}
	if (s->kind == LC_TRACE_EXIT)
		return trc_replay__exit(r, s);
	return TRC_REPLAY_NONE;
}

#endif /* TRC_REPLAY_H */
