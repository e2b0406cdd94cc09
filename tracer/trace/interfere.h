/*
 * tracer/trace/interfere.h - what a run knows about interference in each
 * worst case: a gap with no record inside the call, and context switches.
 *
 * Gap: for each function's worst call, the largest interval between two
 * consecutive records of its thread inside [its enter, its exit] (for a leaf,
 * the whole call is one interval). Instrumented code that calls or returns
 * from a traced function leaves a record every few hundred ns; an interval
 * far beyond what the thread's calls normally take without a record means
 * the thread was not running its code (hypervisor, interrupts, pre-emption)
 * or ran a long stretch without a traced call (a long leaf loop, a blocking
 * system call): the trace cannot tell those two apart, docs/trace-report.md
 * says how the user does. The threshold per thread and kind of interval
 * (between two sibling calls, where a loop sleeps; every other) is
 *   max(TRC_INTERF_GAP_MIN_NS, TRC_INTERF_GAP_FACTOR x p99.9 of the intervals
 *       of that kind while a traced call of the thread is open),
 * or the caller's override. The intervals are taken in the stats pass
 * itself (trace/stats.c: struct trc_fstat worst_iv_ticks, trc_stats_intervals),
 * so classifying reads no record again.
 *
 * Pre-emption: the chunk headers' involuntary context-switch counts (csw.h)
 * are evidence about the worst call only when its chunks bracket it tightly
 * (the call lasts at least half the time from the first record of its enter's
 * chunk to the last record of its exit's chunk). No switch in its chunks
 * means none in the call; a switch in loosely bracketing chunks is unknown.
 *
 * Run-queue delay: the time the thread was runnable but waiting for a CPU
 * during the chunks that hold the worst call (csw.h trc_csw_runq), when the
 * trace records it (LC_TRACE_F_RUNQ): a figure beside the classification,
 * which it does not change.
 */
#ifndef TRC_INTERFERE_H
#define TRC_INTERFERE_H

#include <stdint.h>

#include "err.h"

#define TRC_INTERF_GAP_MIN_NS UINT64_C(20000)
#define TRC_INTERF_GAP_FACTOR 20u
/* Intervals shorter than this cannot lift the limit off its floor
 * (TRC_INTERF_GAP_MIN_NS / TRC_INTERF_GAP_FACTOR = 1000 ns, less the
 * histogram's bucket width): the stats pass only counts them. */
#define TRC_INTERF_SMALL_NS UINT64_C(900)

/* trc_fstat.worst_interf; 0 (unknown) is what a zeroed entry holds. */
enum trc_interf {
	TRC_INTERF_UNKNOWN = 0, /* no evidence either way (summary mode, unsealed chunks...) */
	TRC_INTERF_NONE,        /* no gap, no context switch in its chunks */
	TRC_INTERF_PREEMPTED,   /* no gap, an involuntary switch in tightly bracketing chunks */
	TRC_INTERF_GAP          /* host interference: a gap above the threshold */
};

/* "unknown", "none", "preempted", "gap" (the JSON values). */
const char *trc_interf_name(int v);

struct trc_profile;

/*
 * Classifies the worst case of every function of a (sets worst_preempted,
 * worst_interf, worst_gap_ns, worst_gap_limit_ns, and a->preempted, a->gaps).
 * gap_ns > 0 overrides the derived threshold. A summary-mode profile is
 * left unknown. It reads what the stats pass kept, allocates nothing and
 * cannot fail.
 */
void trc_interf_run(struct trc_profile *a, uint64_t gap_ns);

#endif /* TRC_INTERFERE_H */
