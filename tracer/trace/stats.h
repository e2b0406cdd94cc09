/*
 * tracer/trace/stats.h - streaming per-function aggregation of enter/exit records.
 *
 * One pass over each thread's records, in time order, paired into calls by
 * trace/replay.h, and an open-addressing hash table keyed by function
 * address. Memory is functions x histogram buckets, never trace length:
 * nothing per call is kept. Names are resolved afterwards, once per distinct
 * address (sym.h).
 *
 * Times are nanoseconds after calibration (ticks * ns_mult >> 32), and the
 * hook's own cost is subtracted: once per traced callee (direct or indirect)
 * from the caller's inclusive time, as docs/trace-format.md prescribes, and
 * never below zero. Exclusive (self) time is the corrected inclusive time
 * minus the corrected inclusive times of the direct callees.
 *
 * Calls that do not pair up are counted, never guessed: an exit with no
 * matching enter (tracing began inside the call), frames abandoned by a
 * non-local exit (longjmp) or a gap of lost events, and calls still open at
 * the end of the trace.
 */
#ifndef TRC_STATS_H
#define TRC_STATS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "trace/hist.h"

#define TRC_STATS_PATH_MAX 32u /* frames kept of a worst case's call path */
#define TRC_STATS_NQ       4   /* quantiles kept: p50, p90, p99, p99.9 */

/* Kinds of interval between two consecutive records of a thread while one
 * of its traced calls is open: between two sibling calls (an exit, then an
 * enter: the caller's own code between calls, where a loop sleeps or
 * blocks), and every other one (into a call, out of one, a leaf's body). */
enum trc_stats_iv { TRC_IV_INSIDE = 0, TRC_IV_BETWEEN = 1, TRC_IV_N = 2 };

/* What the aggregation knows about one function. While records are fed,
 * the durations (hist, sums, maxima) are in clock ticks; trc_stats_finish()
 * converts them to nanoseconds once, so the hot path never multiplies. */
struct trc_fstat {
	uint64_t addr;        /* runtime address from the trace */
	uint64_t calls;       /* completed calls */
	uint64_t sum_incl_ns; /* corrected inclusive time, all calls */
	uint64_t sum_excl_ns; /* exclusive (self) time, all calls */
	uint64_t max_excl_ns;
	uint64_t max_stack;          /* deepest stack (bytes from the thread's stack base)
				   at any traced entry during its calls */
	uint64_t hook_ns;            /* hook cost subtracted, all calls */
	struct trc_hist hist;        /* corrected inclusive ns per call (ticks before finish) */
	uint64_t q_ns[TRC_STATS_NQ]; /* p50, p90, p99, p99.9 in ns (set by finish) */
	/* The worst case (the call that set max). */
	uint32_t worst_thread;                    /* thread index (lc_trace_thread) */
	uint64_t worst_start_ticks;               /* clock ticks at its entry */
	uint64_t worst_enter_off, worst_exit_off; /* file offsets of its records */
	uint32_t worst_depth;                     /* call depth (1 = outermost traced frame) */
	uint32_t worst_npath;                     /* frames in worst_path */
	uint64_t worst_path[TRC_STATS_PATH_MAX];  /* outermost first, ends with addr;
						    the outermost frames are cut when deeper */
	int worst_preempted;         /* set by the caller (interfere.h): -1 unknown, 0 no, 1 yes */
	int worst_interf;            /* enum trc_interf (interfere.h), set by the caller */
	int worst_runq_known;        /* set by the caller (interfere.h): worst_runq_ns is valid */
	uint64_t worst_runq_ns;      /* run-queue delay of the chunks around the worst call */
	uint64_t worst_gap_ns;       /* largest interval with no record inside the worst call */
	uint64_t worst_gap_limit_ns; /* the gap threshold of its thread */
	/* Kept by the pass for interfere.h: the worst call's raw duration and
	 * its largest interval between two consecutive records of its thread,
	 * per kind (enum trc_stats_iv). */
	uint64_t worst_raw_ticks;
	uint64_t worst_iv_ticks[TRC_IV_N];
};

struct trc_stats_counts {
	uint64_t records;    /* records fed */
	uint64_t unmatched;  /* exits with no enter on the shadow stack */
	uint64_t abandoned;  /* frames dropped: non-local exit or a gap */
	uint64_t unfinished; /* calls still open at the end of a thread */
	uint64_t too_deep;   /* enters beyond TRC_REPLAY_MAX_DEPTH */
	uint64_t gaps;       /* records flagged with lost events before them */
	uint32_t max_depth;  /* deepest call depth seen */
};

struct trc_stats;

/*
 * Creates an aggregation. ns_mult is the trace's Q32.32 ns-per-tick,
 * hook_cost_ticks the calibrated cost of one enter+exit pair.
 * Returns 0 or LC_ENOMEM; free with trc_stats_free().
 */
int trc_stats_new(struct trc_stats **out, uint64_t ns_mult, uint64_t hook_cost_ticks,
                  struct lc_err *err);

/* Sets the residue taken out of every call once (trc_replay_set_residue;
 * 0, the default, for traces that do not record it). */
void trc_stats_set_residue(struct trc_stats *s, uint64_t residue_ticks);
void trc_stats_free(struct trc_stats *s);

/* Sends every mark record fed from now on to marks (trace/marks.h;
 * borrowed, NULL: none), with the thread index and the replay's count of
 * gaps. Records of other kinds never reach it. */
struct trc_marks;
void trc_stats_set_marks(struct trc_stats *s, struct trc_marks *marks);

/* Starts a new thread: the shadow stack is emptied (open frames are counted
 * unfinished). `thread` is recorded in worst cases. */
void trc_stats_thread_begin(struct trc_stats *s, uint32_t thread);

/* Feeds one record of the current thread. Returns 0 or LC_ENOMEM. */
struct lc_trace_slot;
int trc_stats_feed(struct trc_stats *s, const struct lc_trace_slot *r);

/* Ends the current thread (counts its open frames as unfinished). */
void trc_stats_thread_end(struct trc_stats *s);

/* Converts every function's figures from ticks to ns and computes its
 * quantiles; call once after the last feed (later calls do nothing).
 * Returns 0 or LC_ENOMEM. */
int trc_stats_finish(struct trc_stats *s);

/* Functions seen (entered or exited), in first-seen order; the pointer is
 * borrowed and valid until the next feed. */
size_t trc_stats_count(const struct trc_stats *s);
struct trc_fstat *trc_stats_at(struct trc_stats *s, size_t i);
/* The index (for trc_stats_at) of the function at addr: 0 with *out set, or
 * LC_ENOTFOUND when addr was never seen. One probe of the feed's table. */
int trc_stats_find(const struct trc_stats *s, uint64_t addr, size_t *out);
const struct trc_stats_counts *trc_stats_counts(struct trc_stats *s);

/*
 * Feeds every record of the trace's threads (all threads, or only the one
 * whose tid or slot index equals `thread` when thread >= 0). Returns 0,
 * LC_ENOTFOUND when no thread matches, LC_ENOMEM.
 */
struct lc_trace;
int trc_stats_run(struct trc_stats *s, const struct lc_trace *t, long thread, struct lc_err *err);

/* The histogram of intervals of one kind in thread index `thread` (ticks;
 * empty for a thread that was not fed). */
const struct trc_hist *trc_stats_intervals(const struct trc_stats *s, size_t thread, int kind);

/* Ticks of the first and last record of the chunk of thread index `thread`
 * that holds the record at file offset off, as trc_stats_run() streamed it.
 * Returns 0, or LC_ENOTFOUND when the pass did not see that chunk (records
 * fed one by one). */
int trc_stats_chunk_span(const struct trc_stats *s, size_t thread, uint64_t off, uint64_t *first,
                         uint64_t *last);

/*
 * Adds a function from a summary-mode trace: the runtime's aggregate, with
 * inclusive durations in ticks and a histogram over ticks (rtm_hist.h
 * scheme, nbuckets buckets), converted by trc_stats_finish() like fed
 * records. Hook cost is not subtracted (the runtime's table does not count
 * callees). Returns 0 or LC_ENOMEM.
 */
int trc_stats_add_summary(struct trc_stats *s, uint64_t addr, uint64_t count, uint64_t min_ticks,
                          uint64_t max_ticks, uint64_t sum_ticks, uint64_t max_stack,
                          const uint64_t *buckets, size_t nbuckets);

#endif /* TRC_STATS_H */
