/*
 * tracer/trace/csw.h - was a worst case pre-empted? Context switches per chunk.
 *
 * The runtime samples the thread's voluntary and involuntary context-switch
 * counts (getrusage(RUSAGE_THREAD)) when it claims a chunk and when it seals
 * it. A call whose records lie in chunks during which the count of
 * involuntary switches rose may include time the thread was not running, so
 * the report marks such a worst case instead of blaming the function.
 *
 * The granularity is a chunk (thousands of records), so the answer is "may
 * include pre-emption", never "was pre-empted for N ns". The chunk headers
 * come from the trace reader (lc_trace_chunk(), common/trace.h); this module
 * never reads the file itself.
 */
#ifndef TRC_CSW_H
#define TRC_CSW_H

#include <stdint.h>

#include "err.h"

struct lc_trace;
struct trc_csw;

/* Indexes the chunk headers of trace t (borrowed only during the call).
 * Returns 0 or LC_ENOMEM. A summary-mode trace (no chunks) gives an index
 * that answers -1 to every question. Free with trc_csw_free(). */
int trc_csw_new(struct trc_csw **out, const struct lc_trace *t, struct lc_err *err);
void trc_csw_free(struct trc_csw *c);

/* For the records at file offsets [enter_off, exit_off] of one thread:
 * 1 when an involuntary context switch happened in a chunk they span, 0 when
 * none did, -1 when unknown (a chunk never sealed, offsets outside chunks,
 * or in chunks of two threads). */
int trc_csw_preempted(const struct trc_csw *c, uint64_t enter_off, uint64_t exit_off);

/* The thread's run-queue delay (lc_trace_chunk.runq_ns) summed over the
 * chunks the records at [enter_off, exit_off] span: 0 and *ns, or -1 when
 * any of them has none (a trace without LC_TRACE_F_RUNQ among others). Like
 * the switch counts it is per chunk: time the thread waited for a CPU
 * around the call, not necessarily inside it. */
int trc_csw_runq(const struct trc_csw *c, uint64_t enter_off, uint64_t exit_off, uint64_t *ns);

#endif /* TRC_CSW_H */
