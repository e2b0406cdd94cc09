/*
 * tracer/report/svg.h - the figures of the HTML report, as inline SVG text.
 *
 * Each function returns a NUL-terminated string of SVG markup (owned by the
 * caller, free()), with every name in it escaped for HTML and SVG, so the
 * writer can put it into the page verbatim. Figures are drawn once per
 * histogram or run, never per call: their size depends on the number of bars
 * or time columns, not on the trace length.
 */
#ifndef TRC_SVG_H
#define TRC_SVG_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "trace/hist.h"

/* Writes s to f with &, <, >, " and ' replaced by character references. */
void trc_svg_esc(FILE *f, const char *s);

/* What a latency histogram shows besides its bars. */
struct trc_svg_hist_opts {
	uint64_t q_ns[4];    /* p50, p90, p99, p99.9 marked as lines (0: not marked) */
	uint64_t budget_ns;  /* drawn as a red line, axis widened to show it (0: none) */
	uint64_t expect_ns;  /* a period histogram's expected period (0: none) */
	uint64_t late_ns;    /* bars above it are deadline misses, drawn red (0: none) */
	const char *caption; /* the figure's <title> (escaped here); may be NULL */
	int compact;         /* 1: a small figure without axis labels */
};

/*
 * Draws h on a log time axis from its min to its max (or the budget):
 * buckets are summed into at most 64 bars of equal log width, bar height on
 * a log scale of the count, so a single outlier stays visible. Returns 0
 * (with *out NULL for an empty histogram) or LC_ENOMEM.
 */
int trc_svg_hist(char **out, const struct trc_hist *h, const struct trc_svg_hist_opts *o);

/* A table-cell sparkline of h (about 250 bytes): 30 bars on a log time axis,
 * a red tick at budget_ns when it is inside the axis (0: none). Returns 0
 * (*out NULL for an empty histogram) or LC_ENOMEM. */
int trc_svg_spark(char **out, const struct trc_hist *h, uint64_t budget_ns);

/* One time column of a timeline: the range of the periods that began in it
 * and the misses placed there. */
struct trc_svg_col {
	uint64_t min_ns, max_ns; /* 0/0: no activation in this column */
	uint32_t late, overruns;
};

/* A point event on the timeline (an interlock trip, a latch_rt_mark()). */
struct trc_svg_event {
	uint64_t t_ns; /* since the start of the run */
	int kind;      /* 0 trip, 1 mark */
	char label[64];
};

/*
 * Draws the run from 0 to duration_ns: the period band of each column
 * around the expected period, late activations and overruns as red ticks
 * under the column where they happened, events as labelled vertical lines.
 * Returns 0 or LC_ENOMEM.
 */
int trc_svg_timeline(char **out, uint64_t duration_ns, const struct trc_svg_col *cols, size_t ncols,
                     uint64_t expect_ns, const struct trc_svg_event *ev, size_t nev,
                     const char *caption);

#endif /* TRC_SVG_H */
