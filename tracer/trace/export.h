/*
 * tracer/trace/export.h - the calls of a trace for other tools: what
 * `latch-trace export` writes.
 *
 *  - chrome: the Trace Event Format (JSON) that Perfetto, chrome://tracing
 *    and speedscope open: one complete event ("ph": "X") per call, per
 *    thread, times in microseconds with ns precision. The hook's cost is
 *    taken out at both ends of every event (one hook pair per call closed
 *    before that point on the thread), so an event's duration is report's
 *    corrected inclusive time and every callee lies inside its caller: the
 *    events nest exactly. Tools recognise the file by its name: *.json
 *    (Perfetto also *.trace.json).
 *  - folded: one line per distinct call stack, "main;step;pid_step 1234",
 *    the value being self time in ns (hook cost subtracted as in report),
 *    the input of flamegraph.pl and speedscope.
 *
 * Calls are paired by trace/replay.h, as in report, so both agree on every
 * call: a call report counts is one chrome event and part of one folded
 * line. Memory is bounded by the program's call graph (folded keeps one
 * counter per distinct stack), never by the trace length.
 */
#ifndef TRC_EXPORT_H
#define TRC_EXPORT_H

#include <stdio.h>

#include "err.h"

struct trc_profile;

enum trc_export_format { TRC_EXPORT_CHROME = 1, TRC_EXPORT_FOLDED = 2 };

/* What to leave out. Names are fnmatch globs matched against the function's
 * name (report's label). */
struct trc_export_opts {
	enum trc_export_format fmt;
	const char *root;          /* only calls inside a call of this function (and
	                                 it); folded stacks start at it. NULL: all */
	const char *const *filter; /* chrome: only events of these functions;
	                                 folded: only stacks whose leaf is one */
	size_t nfilter;
	const char *const *exclude; /* never these functions' events or self time
	                                 (idle loops, waits) */
	size_t nexclude;
};

/*
 * Writes the calls of a's trace (not a summary-mode one) to f. chrome also
 * carries the trace's marks (latch_rt_mark, latch_rt_mark_value) and the heap
 * guard's allocations as instant events ("ph": "i"), an allocation with its
 * allocator, size, root and symbolized backtrace as args; --root and the
 * filters apply to calls only. Returns 0, LC_ENOMEM, or LC_EFORMAT for a
 * summary-mode trace (it holds no calls), with the message in err. Write
 * errors are left in f's error flag for the caller.
 */
int trc_export_write(FILE *f, const struct trc_profile *a, const struct trc_export_opts *o,
                     struct lc_err *err);

#endif /* TRC_EXPORT_H */
