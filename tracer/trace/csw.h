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
 * include pre-emption", never "was pre-empted for N ns". common/trace.h does
 * not expose chunk headers, so this module reads the 64-byte chunk headers
 * itself, with the offsets of runtime/src/rtm_format.h.
 */
#ifndef TRC_CSW_H
#define TRC_CSW_H

#include <stdint.h>

#include "err.h"

struct trc_csw;

/* Reads the chunk headers of the trace at path. Returns 0, LC_EIO, or
 * LC_EFORMAT for a file that is not a latch trace; LC_ENOMEM. A summary-mode
 * trace (no chunks) opens and answers -1 to every question. */
int trc_csw_open(struct trc_csw **out, const char *path, struct lc_err *err);
void trc_csw_free(struct trc_csw *c);

/* For the records at file offsets [enter_off, exit_off] of one thread:
 * 1 when an involuntary context switch happened in a chunk they span, 0 when
 * none did, -1 when unknown (a chunk never sealed, offsets outside chunks). */
int trc_csw_preempted(const struct trc_csw *c, uint64_t enter_off, uint64_t exit_off);

#endif /* TRC_CSW_H */
