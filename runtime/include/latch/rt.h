/*
 * latch/rt.h - the public API of liblatch_rt, the tracing runtime.
 *
 * Build the firmware with -finstrument-functions and link liblatch_rt (see
 * latch_rt_instrument() in runtime/CMakeLists.txt). With LATCH_TRACE=path in
 * the environment, tracing starts before main() and stops at exit; without
 * it, tracing is off until latch_rt_start() and each hook costs one
 * predicted branch. The trace format is docs/trace-format.md.
 *
 * Every function here may be called from any thread, and none of them is
 * traced. latch_rt_mark_value() is as cheap as a traced call; the others are
 * not for the hot path (latch_rt_mark() copies a string, start/stop/flush
 * make system calls).
 */
#ifndef LATCH_RT_H
#define LATCH_RT_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Starts tracing into path (NULL: $LATCH_TRACE) with the settings of the
 * environment (LATCH_BUF_MB, LATCH_MODE, ...). Returns 0, or a negative errno
 * value (-EALREADY when tracing is on, -ENOENT when neither path nor
 * LATCH_TRACE names a file, -EINVAL for a bad setting, or the error of
 * open/ftruncate/mmap). */
int latch_rt_start(const char *path);

/* Stops tracing: seals the calling thread's chunk, records the stop time and
 * the final clock calibration, flushes the summary table and marks the file
 * finished. The mapping stays until exit (a thread may still be inside a
 * hook). Does nothing when tracing is off. */
void latch_rt_stop(void);

/* Makes the trace durable: refreshes the module map and the calibration,
 * publishes the summary table and msync()s the file. Returns 0 or a negative
 * errno value; 0 when tracing is off. */
int latch_rt_flush(void);

/* Records a user mark with a name (at most 64 bytes are kept) in the calling
 * thread's stream. */
void latch_rt_mark(const char *name);

/* Records a numeric mark (the low 48 bits of value): as cheap as one hook. */
void latch_rt_mark_value(uint64_t value);

/* 1 while tracing is on, 0 otherwise. */
int latch_rt_is_on(void);

/* Events lost so far (buffer full, overwritten, no thread slot); 0 when off. */
uint64_t latch_rt_lost(void);

/* Declares fn an interlock root for the heap guard (LATCH_HEAPGUARD=1), in
 * addition to those named by LATCH_ROOTS. Returns 0, or -ENOSPC when the
 * fixed table of 64 roots is full. */
int latch_rt_heapguard_root(const void *fn);

#ifdef __cplusplus
}
#endif

#endif /* LATCH_RT_H */
