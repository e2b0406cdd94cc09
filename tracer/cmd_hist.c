/*
 * tracer/cmd_hist.c - `latch-trace hist FILE`: per-function latency
 * histograms drawn in the terminal, and with --period the period and jitter
 * of a periodic task with its deadline misses.
 *
 * The histograms are the report's (log-linear, < 1 % bucket error); rows of
 * the drawing group consecutive buckets. Machine formats get the exact
 * non-empty buckets (table "buckets") instead of the drawing.
 *
 * --period FUNC: a second pass over the records takes the time between
 * consecutive entries of FUNC on each thread. With --expect T, an interval
 * longer than T * (1 + tolerance) is a late activation and a call longer
 * than T an overrun; both are deadline misses.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/marks.h"
#include "trace/period.h"
#include "trace/profile.h"
#include "report/budget.h"
#include "report/svg.h"
#include "cmd.h"
#include "report/out.h"
#include "trace.h"
#include "report/units.h"

#define MAX_FILTERS 32

struct hist_opts {
	const char *trace;
	const char *exe;
	const char *filters[MAX_FILTERS];
	size_t nfilters;
	size_t top;       /* functions drawn without -f (default 10; 0: all) */
	size_t rows;      /* rows per drawing */
	unsigned width;   /* bar width */
	size_t width_arg; /* --width as given (clamped into width) */
	long thread;
	const char *period; /* --period FUNC */
	const char *trip;   /* --trip FUNC: its entries are placed on the timeline */
	const char *mark;   /* --mark KEY: the intervals between marks of KEY */
	int html;           /* figures instead of text drawings */
	double expect_ns;   /* --expect, 0: none */
	int expect_given;
	double tolerance_pct; /* --tolerance */
	double tolerance;     /* fraction of expect */
	struct trc_out_opts out;
};

/* The command line: one table, the help generated from it (report/opt.h). */
static int parse_args(struct hist_opts *o, int argc, char **argv, int *exit_status)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_LIST, "function", 'f', NULL, o->filters, &o->nfilters, MAX_FILTERS, NULL,
	         0, NULL, "GLOB",
	         "the functions to draw (repeatable); default: the\n"
	         "--top N functions with the largest max"},
	        {TRC_OPT_COUNT, "top", 0, NULL, &o->top, NULL, 0, NULL, 0, NULL, "N",
	         "functions drawn without -f (default 10; 0: all)"},
	        {TRC_OPT_COUNT, "rows", 0, NULL, &o->rows, NULL, 0, NULL, 0, NULL, "N",
	         "rows per histogram (default 24)"},
	        {TRC_OPT_COUNT, "width", 0, NULL, &o->width_arg, NULL, 0, NULL, 0, NULL, "N",
	         "bar width in cells (default 40, at most 400)"},
	        {TRC_OPT_STR, "period", 0, NULL, &o->period, NULL, 0, NULL, 0, NULL, "FUNC",
	         "period and jitter between entries of FUNC"},
	        {TRC_OPT_TIME, "expect", 0, NULL, &o->expect_ns, NULL, 0, NULL, 0, &o->expect_given,
	         "TIME",
	         "expected period (1ms, 250us, ...): counts deadline\n"
	         "misses (late activations and overruns)"},
	        {TRC_OPT_NUM, "tolerance", 0, NULL, &o->tolerance_pct, NULL, 0, NULL, 0, NULL,
	         "PCT", "lateness allowed before a miss (default 10)"},
	        {TRC_OPT_STR, "trip", 0, NULL, &o->trip, NULL, 0, NULL, 0, NULL, "FUNC",
	         "with --period: entries of FUNC that begin a run are\n"
	         "interlock trips, counted and drawn on the html timeline"},
	        {TRC_OPT_STR, "mark", 0, NULL, &o->mark, NULL, 0, NULL, 0, NULL, "KEY",
	         "the time between consecutive marks of KEY (a name given\n"
	         "to latch_rt_mark, else a latch_rt_mark_value value) on\n"
	         "one thread, never across lost events"},
	        {TRC_OPT_ID, "thread", 0, NULL, &o->thread, NULL, 0, NULL, 0, NULL, "N",
	         "only the thread with tid or slot index N"},
	        {TRC_OPT_STR, "exe", 0, NULL, &o->exe, NULL, 0, NULL, 0, NULL, "PATH",
	         "the traced executable, when it moved"},
	        TRC_OPT_OUT_SPECS(&o->out),
	        {TRC_OPT_OPERAND, NULL, 0, NULL, &o->trace, NULL, 0, NULL, TRC_OPT_REQUIRED, NULL,
	         "TRACE", "a trace file"},
	        {TRC_OPT_OPERANDS, NULL, 0, NULL, o->filters, &o->nfilters, MAX_FILTERS, NULL, 0,
	         NULL, "GLOB", "functions to draw"},
	        {TRC_OPT_END, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL}};
	const struct trc_cmd_spec spec = {
	        "hist", "hist [options] TRACE [GLOB...]",
	        "Latency histograms per function (log-linear buckets, < 1 % error).", opts,
	        "exit status: 0 done (1 with --expect when a deadline was missed), 2 usage\n"
	        "error or unreadable trace.\n"};
	struct lc_err err = {0, ""};

	if (trc_cmd_args(&spec, argc, argv, exit_status) != 0)
		return 1;
	o->rows = o->rows >= 1 ? o->rows : 1;
	o->width = o->width_arg >= 1 && o->width_arg <= 400 ? (unsigned)o->width_arg : 40u;
	o->tolerance = o->tolerance_pct / 100.0;
	if (o->trip != NULL && o->period == NULL) {
		trc_fail("hist: --trip needs --period FUNC");
		*exit_status = LC_EXIT_ERROR;
		return 1;
	}
	if (o->expect_given && o->period == NULL) {
		lc_err_set(&err, LC_EUSAGE, "hist: --expect needs --period FUNC");
		trc_fail("%s", err.msg);
		*exit_status = LC_EXIT_ERROR;
		return 1;
	}
	if (o->trip != NULL && o->period == NULL) {
		trc_fail("--trip needs --period FUNC");
		return -1;
	}
	return 0;
}

static int by_max_desc(const void *pa, const void *pb)
{
	const struct trc_fn *const *a = pa, *const *b = pb;

	if ((*a)->st->hist.max != (*b)->st->hist.max)
		return (*a)->st->hist.max < (*b)->st->hist.max ? 1 : -1;
	return strcmp((*a)->label, (*b)->label);
}

/*
 * Rows for a drawing. With a window (win_hi > 0), buckets wholly outside
 * [win_lo, win_hi] are lumped into one row below and one above it, so a
 * period histogram shows the jitter around the expected period in detail
 * even when a few intervals are off by orders of magnitude.
 */
static int make_rows(struct trc_hist_row **out, size_t *n, const struct trc_hist *h,
                     size_t max_rows, uint64_t win_lo, uint64_t win_hi)
{
	struct trc_hist in, *use = (struct trc_hist *)h;
	struct trc_hist_row below = {0, 0, 0}, above = {0, 0, 0}, *rows = NULL, *all;
	size_t nrows = 0, k = 0;
	uint32_t b;
	int rc = 0;

	trc_hist_init(&in);
	if (win_hi > 0) {
		below.lo = h->min;
		above.hi = h->max;
		for (b = 0; b < h->nb && rc == 0; b++) {
			if (h->counts[b] == 0)
				continue;
			if (trc_hist_upper(b) < win_lo) {
				below.count += h->counts[b];
				below.hi = trc_hist_upper(b) < h->max ? trc_hist_upper(b) : h->max;
			} else if (trc_hist_lower(b) > win_hi) {
				if (above.count == 0)
					above.lo = trc_hist_lower(b) > h->min ? trc_hist_lower(b)
					                                      : h->min;
				above.count += h->counts[b];
			} else {
				rc = trc_hist_add_n(&in,
				                    trc_hist_lower(b) < h->min ? h->min
				                                               : trc_hist_lower(b),
				                    h->counts[b]);
				if (rc == 0 && trc_hist_upper(b) > in.max)
					in.max = trc_hist_upper(b) < h->max ? trc_hist_upper(b)
					                                    : h->max;
			}
		}
		use = &in;
	}
	if (rc == 0)
		rc = trc_hist_rows(&rows, &nrows, use, max_rows);
	all = rc == 0 ? calloc(nrows + 2u, sizeof(*all)) : NULL;
	if (rc == 0 && all == NULL)
		rc = LC_ENOMEM;
	if (rc == 0) {
		if (below.count > 0)
			all[k++] = below;
		if (nrows > 0)
			memcpy(all + k, rows, nrows * sizeof(*rows));
		k += nrows;
		if (above.count > 0)
			all[k++] = above;
		*out = all;
		*n = k;
	}
	free(rows);
	trc_hist_fini(&in);
	return rc;
}

/* Adds one drawing (text) and its buckets (machine formats). */
static int add_hist(struct trc_doc *d, struct trc_table *bt, const char *name, const char *title,
                    const struct trc_hist *h, const struct hist_opts *o, uint64_t mark_above,
                    int color, uint64_t win_lo, uint64_t win_hi)
{
	struct trc_hist_row *rows = NULL;
	size_t nrows = 0;
	char *text = NULL, *svg = NULL;
	uint32_t b;
	int rc = 0;

	if (o->html) {
		struct trc_svg_hist_opts ho;
		size_t q;

		memset(&ho, 0, sizeof(ho));
		for (q = 0; q < 4; q++)
			ho.q_ns[q] = trc_hist_quantile(h, q == 0   ? 0.5
			                                  : q == 1 ? 0.9
			                                  : q == 2 ? 0.99
			                                           : 0.999);
		ho.late_ns = mark_above;
		ho.expect_ns = (uint64_t)o->expect_ns * (mark_above > 0);
		ho.caption = title;
		rc = trc_svg_hist(&svg, h, &ho);
	}
	/* The text drawing, then its figure: the HTML writer shows a block
	 * followed by a figure of the same title as the figure only. */
	rc = rc == 0 ? make_rows(&rows, &nrows, h, o->rows, win_lo, win_hi) : rc;
	if (rc == 0)
		rc = trc_hist_draw(&text, rows, nrows, o->width, 1, mark_above, color);
	if (rc == 0)
		rc = trc_doc_block(d, title, text);
	if (rc == 0 && svg != NULL)
		rc = trc_doc_figure(d, name, title, svg);
	free(svg);
	for (b = 0; rc == 0 && b < h->nb; b++) {
		char lo[TRC_UNITS_BUF];

		if (h->counts[b] == 0)
			continue;
		/* The builders' errors are sticky in d: checked once below. */
		trc_table_row(bt);
		trc_table_str(bt, 0, name);
		trc_table_u64(bt, 1, trc_hist_lower(b),
		              trc_units_ns(lo, sizeof(lo), (double)trc_hist_lower(b)));
		trc_table_u64(bt, 2, trc_hist_upper(b), NULL);
		trc_table_u64(bt, 3, h->counts[b], NULL);
	}
	free(rows);
	free(text);
	return rc < 0 ? rc : trc_doc_status(d);
}

static char *summary_line(char *buf, size_t n, const char *name, const struct trc_hist *h)
{
	char p50[TRC_UNITS_BUF], p99[TRC_UNITS_BUF], mx[TRC_UNITS_BUF], mn[TRC_UNITS_BUF];

	snprintf(buf, n, "%s: %" PRIu64 " calls, min %s, p50 %s, p99 %s, max %s", name, h->total,
	         trc_units_ns(mn, sizeof(mn), (double)h->min),
	         trc_units_ns(p50, sizeof(p50), (double)trc_hist_quantile(h, 0.5)),
	         trc_units_ns(p99, sizeof(p99), (double)trc_hist_quantile(h, 0.99)),
	         trc_units_ns(mx, sizeof(mx), (double)h->max));
	return buf;
}

/* Overruns, as the text report counts them: calls whose hook-corrected
 * duration lies in a bucket above the period. */
static uint64_t overruns_of(const struct trc_fn *f, double expect)
{
	uint64_t n = 0;
	uint32_t b;

	for (b = 0; b < f->st->hist.nb; b++)
		if ((double)trc_hist_lower(b) > expect)
			n += f->st->hist.counts[b];
	return n;
}

/* HTML: the run on a time axis, with its misses, trips and marks. */
static int add_timeline(struct trc_doc *d, const struct trc_period *p, const struct trc_fn *f,
                        const struct hist_opts *o)
{
	struct trc_svg_col cols[TRC_PERIOD_COLS];
	struct trc_svg_event ev[TRC_PERIOD_EVENTS];
	char *svg = NULL, cap[512];
	size_t i;
	int rc;

	for (i = 0; i < TRC_PERIOD_COLS; i++) {
		cols[i].min_ns = p->col_min[i];
		cols[i].max_ns = p->col_max[i];
		cols[i].late = p->col_late[i];
		cols[i].overruns = p->col_over[i];
	}
	for (i = 0; i < p->nev; i++) {
		ev[i].t_ns = p->ev[i].t_ns;
		ev[i].kind = p->ev[i].kind == TRC_PERIOD_MARK;
		snprintf(ev[i].label, sizeof(ev[i].label), "%s", p->ev[i].label);
	}
	snprintf(cap, sizeof(cap),
	         "timeline of %s: period per activation (band: min to max in each column), "
	         "%" PRIu64 " late, %" PRIu64 " overruns, %" PRIu64 " trips%s, %" PRIu64 " marks",
	         f->label, p->late, p->overruns, p->trips, o->trip ? "" : " (no --trip)", p->marks);
	rc = trc_svg_timeline(&svg, p->duration_ns, cols, TRC_PERIOD_COLS, (uint64_t)o->expect_ns,
	                      ev, p->nev, cap);
	if (rc == 0)
		rc = trc_doc_figure(d, "run-timeline", cap, svg);
	free(svg);
	return rc;
}

/* One verdict per deadline check, so JUnit has a test case per check. */
static int judge_deadlines(struct trc_budget_results *r, const struct trc_period *p,
                           uint64_t overruns, const struct trc_fn *f, const struct hist_opts *o)
{
	struct trc_budget b = {TRC_BUDGET_DEADLINE, f->label, 0.0, "misses", NULL, 0, 0};
	char u[TRC_UNITS_BUF], late[300], over[300];
	int rc;

	snprintf(late, sizeof(late), "%s late activations", f->label);
	snprintf(over, sizeof(over), "%s overruns", f->label);
	trc_units_ns(u, sizeof(u), o->expect_ns);
	rc = trc_budget_results_add(r, &b, late, p->late ? TRC_VERDICT_FAIL : TRC_VERDICT_PASS, 1,
	                            (double)p->late, f->sym.file, f->sym.line,
	                            "%" PRIu64 " late activation(s) of '%s': intervals longer than "
	                            "%s + %.0f%%",
	                            p->late, f->label, u, o->tolerance * 100.0);
	if (rc == 0)
		rc = trc_budget_results_add(r, &b, over,
		                            overruns ? TRC_VERDICT_FAIL : TRC_VERDICT_PASS, 1,
		                            (double)overruns, f->sym.file, f->sym.line,
		                            "%" PRIu64 " overrun(s) of '%s': calls longer than the "
		                            "%s period",
		                            overruns, f->label, u);
	return rc;
}

static int do_period(struct trc_doc *d, struct trc_table *bt, const struct trc_profile *a,
                     const struct hist_opts *o, int color, int *missed,
                     struct trc_budget_results *res)
{
	const struct trc_fn *f = trc_profile_find(a, o->period);
	const struct trc_fn *trip = o->trip ? trc_profile_find(a, o->trip) : NULL;
	struct trc_period *pp = NULL;
	char title[512], u1[TRC_UNITS_BUF], u2[TRC_UNITS_BUF], u3[TRC_UNITS_BUF];
	int rc;

	if (f == NULL) {
		trc_fail("'%s' was never called in %s (or is not in the program)", o->period,
		         a->path);
		return LC_ENOTFOUND;
	}
	if (o->trip != NULL && trip == NULL && !trc_sym_has_function(a->sym, o->trip)) {
		trc_fail("--trip: no function '%s' in the program", o->trip);
		return LC_ENOTFOUND;
	}
	pp = malloc(sizeof(*pp));
	if (pp == NULL)
		return LC_ENOMEM;
	trc_period_init(pp);
	rc = trc_period_measure(pp, a, f->st->addr, trip ? trip->st->addr : 0,
	                        trip ? trip->label : NULL, o->expect_ns, o->tolerance, o->thread);
	if (rc < 0)
		goto out;
	pp->overruns = o->expect_ns > 0 ? overruns_of(f, o->expect_ns) : 0;
	if (pp->periods.total == 0) {
		trc_fail("'%s' was entered fewer than twice: no period to measure", o->period);
		rc = LC_ENOTFOUND;
		goto out;
	}
	rc |= trc_doc_meta_str(d, "period_function", "period of", f->label);
	rc |= trc_doc_meta_u64(d, "period_count", "intervals", pp->periods.total, NULL);
	rc |= trc_doc_meta_u64(d, "period_min_ns", "period min", pp->periods.min,
	                       trc_units_ns(u1, sizeof(u1), (double)pp->periods.min));
	rc |= trc_doc_meta_u64(d, "period_max_ns", "period max", pp->periods.max,
	                       trc_units_ns(u1, sizeof(u1), (double)pp->periods.max));
	if (o->expect_ns > 0) {
		double n = (double)pp->periods.total, mean = pp->sum / n;
		double sd = sqrt(pp->sumsq / n - mean * mean > 0 ? pp->sumsq / n - mean * mean : 0);
		uint64_t jmax =
		        pp->periods.max - (uint64_t)fmin(o->expect_ns, (double)pp->periods.max);
		uint64_t jmin = (uint64_t)o->expect_ns -
		                (uint64_t)fmin(o->expect_ns, (double)pp->periods.min);

		trc_doc_meta_f64(d, "expect_ns", "expected period", o->expect_ns,
		                 trc_units_ns(u1, sizeof(u1), o->expect_ns));
		{
			char u4[TRC_UNITS_BUF];

			snprintf(title, sizeof(title),
			         "mean %s%s, stddev %s, late by up to %s, early by up to %s",
			         mean < 0 ? "-" : "+", trc_units_ns(u1, sizeof(u1), fabs(mean)),
			         trc_units_ns(u2, sizeof(u2), sd),
			         trc_units_ns(u3, sizeof(u3), (double)jmax),
			         trc_units_ns(u4, sizeof(u4), (double)jmin));
		}
		rc |= trc_doc_meta_str(d, "jitter", "jitter", title);
		rc |= trc_doc_meta_f64(d, "jitter_mean_ns", NULL, mean, NULL);
		rc |= trc_doc_meta_f64(d, "jitter_stddev_ns", NULL, sd, NULL);
		rc |= trc_doc_meta_u64(d, "late_activations", "late activations", pp->late, NULL);
		rc |= trc_doc_meta_u64(d, "overruns", "overruns", pp->overruns, NULL);
		rc |= trc_doc_meta_u64(d, "deadline_misses", "deadline misses",
		                       pp->late + pp->overruns, NULL);
		rc |= trc_doc_note(
		        d,
		        "a late activation is an interval between two entries of %s longer than "
		        "the "
		        "expected period plus %.0f%%; an overrun is a call longer than the period",
		        f->label, o->tolerance * 100.0);
		*missed = pp->late + pp->overruns > 0;
		rc |= judge_deadlines(res, pp, pp->overruns, f, o);
	}
	if (o->trip != NULL)
		rc |= trc_doc_meta_u64(d, "trips", "trips", pp->trips, NULL);
	snprintf(title, sizeof(title),
	         "period of %s: %" PRIu64 " intervals, p50 %s, p99 %s, max %s", f->label,
	         pp->periods.total,
	         trc_units_ns(u1, sizeof(u1), (double)trc_hist_quantile(&pp->periods, 0.5)),
	         trc_units_ns(u2, sizeof(u2), (double)trc_hist_quantile(&pp->periods, 0.99)),
	         trc_units_ns(u3, sizeof(u3), (double)pp->periods.max));
	if (trc_doc_status(d) < 0)
		rc = LC_ENOMEM; /* the builders' sticky error */
	if (rc == 0) {
		char name[300];

		snprintf(name, sizeof(name), "period:%s", f->label);
		rc = add_hist(
		        d, bt, name, title, &pp->periods, o,
		        o->expect_ns > 0 ? (uint64_t)(o->expect_ns * (1.0 + o->tolerance)) : 0,
		        color, (uint64_t)(o->expect_ns / 2.0), (uint64_t)(o->expect_ns * 2.0));
	}
	if (rc == 0 && o->html)
		rc = add_timeline(d, pp, f, o);
out:
	if (pp != NULL)
		trc_period_fini(pp);
	free(pp);
	return rc < 0 ? (rc == LC_ENOTFOUND ? rc : LC_ENOMEM) : 0;
}

/* --mark KEY: the histogram of the intervals between marks of KEY. */
static int do_mark(struct trc_doc *d, struct trc_table *bt, const struct trc_profile *a,
                   const struct hist_opts *o, int color)
{
	const struct trc_mark *k = trc_marks_find(a->marks, o->mark);
	char title[600], name[300], u[4][TRC_UNITS_BUF];
	uint64_t mean;

	if (k == NULL) {
		trc_fail("no mark '%s' in %s (%zu mark key(s): see the marks table of report)",
		         o->mark, a->path, a->marks->n);
		return LC_ENOTFOUND;
	}
	if (k->iv.total == 0) {
		trc_fail("mark '%s' was recorded %" PRIu64 " time(s) with no interval between two "
		         "on one thread: no interval to draw",
		         k->label, k->count);
		return LC_ENOTFOUND;
	}
	mean = k->iv_sum_ns / k->iv.total;
	/* The builders' errors are sticky in d: checked by add_hist. */
	trc_doc_meta_str(d, "mark", "mark", k->label);
	trc_doc_meta_str(d, "mark_kind", "mark kind", k->named ? "name" : "value");
	trc_doc_meta_u64(d, "mark_count", "marks", k->count, NULL);
	trc_doc_meta_u64(d, "mark_intervals", "intervals", k->iv.total, NULL);
	trc_doc_meta_u64(d, "mark_min_ns", "interval min", k->iv.min,
	                 trc_units_ns(u[0], sizeof(u[0]), (double)k->iv.min));
	trc_doc_meta_u64(d, "mark_mean_ns", "interval mean", mean,
	                 trc_units_ns(u[0], sizeof(u[0]), (double)mean));
	trc_doc_meta_u64(d, "mark_max_ns", "interval max", k->iv.max,
	                 trc_units_ns(u[0], sizeof(u[0]), (double)k->iv.max));
	snprintf(title, sizeof(title),
	         "between marks %s: %" PRIu64 " intervals, min %s, mean %s, p99 %s, max %s",
	         k->label, k->iv.total, trc_units_ns(u[0], sizeof(u[0]), (double)k->iv.min),
	         trc_units_ns(u[1], sizeof(u[1]), (double)mean),
	         trc_units_ns(u[2], sizeof(u[2]), (double)trc_hist_quantile(&k->iv, 0.99)),
	         trc_units_ns(u[3], sizeof(u[3]), (double)k->iv.max));
	snprintf(name, sizeof(name), "mark:%s", k->label);
	return add_hist(d, bt, name, title, &k->iv, o, 0, color, 0, 0);
}

int trc_cmd_hist(int argc, char **argv, const struct trc_opts *opts)
{
	struct hist_opts o = {
	        .top = 10, .rows = 24, .width_arg = 40, .thread = -1, .tolerance_pct = 10};
	struct trc_profile *a = NULL;
	struct trc_doc *d = NULL;
	struct trc_table *bt = NULL;
	struct trc_budget_results *res = NULL;
	const struct trc_fn **v = NULL;
	struct lc_err err = {0};
	size_t i, k = 0, problems = 0;
	int status = LC_EXIT_ERROR, rc, missed = 0;
	int color = 0;

	if (parse_args(&o, argc, argv, &status) != 0)
		goto out;
	color = opts->color && o.out.path == NULL && o.out.fmt == TRC_FMT_TEXT;
	o.out.embed = opts->embed;
	o.html = trc_out_has(&o.out, TRC_FMT_HTML) || o.out.embed != NULL;
	if (opts->profile != NULL) {
		a = (struct trc_profile *)opts->profile; /* borrowed: not freed here */
	} else if (trc_profile_load(&a, o.trace, o.exe, o.thread, &err) < 0) {
		trc_fail("%s: %s", o.trace, err.msg);
		goto out;
	}
	problems = opts->profile != NULL ? lc_trace_problem_count(a->t) : trc_cmd_print_problems(a);
	v = calloc(a->nfns ? a->nfns : 1, sizeof(*v));
	if (v == NULL || trc_doc_new(&d, "hist", &err) < 0 || trc_profile_meta(a, d) < 0 ||
	    trc_doc_add_table(&bt, d, "buckets", NULL) < 0 || (trc_table_machine_only(bt), 0) ||
	    trc_table_col(bt, "function", "function", 0) < 0 ||
	    trc_table_col(bt, "lo_ns", "from", TRC_ALIGN_RIGHT) < 0 ||
	    trc_table_col(bt, "hi_ns", "to (ns)", TRC_ALIGN_RIGHT) < 0 ||
	    trc_table_col(bt, "count", "count", TRC_ALIGN_RIGHT) < 0) {
		trc_fail("out of memory");
		goto out;
	}
	if (o.period != NULL) {
		if (o.expect_ns > 0 && trc_budget_results_new(&res, &err) < 0) {
			trc_fail("out of memory");
			goto out;
		}
		rc = do_period(d, bt, a, &o, color, &missed, res);
		if (rc < 0) {
			if (rc != LC_ENOTFOUND)
				trc_fail("out of memory");
			goto out;
		}
	}
	if (o.mark != NULL) {
		rc = do_mark(d, bt, a, &o, color);
		if (rc < 0) {
			if (rc != LC_ENOTFOUND)
				trc_fail("out of memory");
			goto out;
		}
	}
	for (i = 0; i < a->nfns; i++) {
		size_t f;
		int want = o.nfilters == 0 && o.period == NULL && o.mark == NULL;

		if (a->fns[i].st->calls == 0)
			continue;
		for (f = 0; f < o.nfilters && !want; f++)
			want = fnmatch(o.filters[f], a->fns[i].label, 0) == 0;
		if (want)
			v[k++] = &a->fns[i];
	}
	if (o.nfilters > 0 && k == 0) {
		trc_fail("no function matching '%s' was called in %s", o.filters[0], o.trace);
		goto out;
	}
	qsort(v, k, sizeof(*v), by_max_desc);
	if (o.nfilters == 0 && o.top > 0 && k > o.top)
		k = o.top;
	for (i = 0; i < k; i++) {
		char title[512];

		if (add_hist(d, bt, v[i]->label,
		             summary_line(title, sizeof(title), v[i]->label, &v[i]->st->hist),
		             &v[i]->st->hist, &o, 0, color, 0, 0) < 0) {
			trc_fail("out of memory");
			goto out;
		}
	}
	if (res != NULL)
		trc_doc_set_budgets(d, res);
	/* The text form draws the histograms; the bucket table is for machines. */
	if (o.out.fmt == TRC_FMT_TEXT || o.out.fmt == TRC_FMT_MD)
		trc_doc_note(d, "rows group log-linear buckets (each < 1 %% wide); "
		                "--format json or csv gives the exact buckets");
	if (trc_doc_emit(d, &o.out, color, &err) < 0) {
		trc_fail("%s", err.msg);
		goto out;
	}
	status = problems > 0 ? LC_EXIT_ERROR : missed ? LC_EXIT_FINDINGS : LC_EXIT_CLEAN;
out:
	free(v);
	trc_doc_free(d);
	trc_budget_results_free(res);
	if (a != opts->profile)
		trc_profile_free(a);
	return status;
}
