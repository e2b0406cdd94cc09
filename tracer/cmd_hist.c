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
	        TRC_OPT_THREAD(&o->thread),
	        TRC_OPT_EXE(&o->exe),
	        TRC_OPT_OUT_SPECS(&o->out),
	        TRC_OPT_TRACE_OPERAND(&o->trace),
	        TRC_OPT_GLOB_OPERANDS(o->filters, &o->nfilters, MAX_FILTERS),
	        TRC_OPT_TABLE_END};
	const struct trc_cmd_spec spec = {
	        "hist", "hist [options] TRACE [GLOB...]",
	        "Latency histograms per function (log-linear buckets, < 1 % error).", opts,
	        "exit status: 0 done (1 with --expect when a deadline was missed), 2 usage\n"
	        "error or unreadable trace.\n"};

	if (trc_cmd_args(&spec, argc, argv, exit_status) != 0)
		return 1;
	o->rows = o->rows >= 1 ? o->rows : 1;
	o->width = o->width_arg >= 1 && o->width_arg <= 400 ? (unsigned)o->width_arg : 40u;
	o->tolerance = o->tolerance_pct / 100.0;
	return 0;
}

/* What the options say together, checked before the trace is read. */
static int check_args(const struct hist_opts *o, struct lc_err *err)
{
	if (o->trip != NULL && o->period == NULL)
		return lc_err_set(err, LC_EUSAGE, "hist: --trip needs --period FUNC");
	if (o->expect_given && o->period == NULL)
		return lc_err_set(err, LC_EUSAGE, "hist: --expect needs --period FUNC");
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

static int nomem(struct lc_err *err)
{
	return lc_err_set(err, LC_ENOMEM, "out of memory");
}

/* The header facts of --period with --expect: the jitter, the misses, and
 * a verdict for each kind of miss. */
static int add_jitter(struct trc_doc *d, const struct trc_period *pp, const struct trc_fn *f,
                      const struct hist_opts *o, struct trc_budget_results *res)
{
	double n = (double)pp->periods.total, mean = pp->sum / n;
	double sd = sqrt(pp->sumsq / n - mean * mean > 0 ? pp->sumsq / n - mean * mean : 0);
	uint64_t jmax = pp->periods.max - (uint64_t)fmin(o->expect_ns, (double)pp->periods.max);
	uint64_t jmin =
	        (uint64_t)o->expect_ns - (uint64_t)fmin(o->expect_ns, (double)pp->periods.min);
	char title[512], u[4][TRC_UNITS_BUF];

	trc_doc_meta_f64(d, "expect_ns", "expected period", o->expect_ns,
	                 trc_units_ns(u[0], sizeof(u[0]), o->expect_ns));
	snprintf(title, sizeof(title), "mean %s%s, stddev %s, late by up to %s, early by up to %s",
	         mean < 0 ? "-" : "+", trc_units_ns(u[0], sizeof(u[0]), fabs(mean)),
	         trc_units_ns(u[1], sizeof(u[1]), sd),
	         trc_units_ns(u[2], sizeof(u[2]), (double)jmax),
	         trc_units_ns(u[3], sizeof(u[3]), (double)jmin));
	trc_doc_meta_str(d, "jitter", "jitter", title);
	trc_doc_meta_f64(d, "jitter_mean_ns", NULL, mean, NULL);
	trc_doc_meta_f64(d, "jitter_stddev_ns", NULL, sd, NULL);
	trc_doc_meta_u64(d, "late_activations", "late activations", pp->late, NULL);
	trc_doc_meta_u64(d, "overruns", "overruns", pp->overruns, NULL);
	trc_doc_meta_u64(d, "deadline_misses", "deadline misses", pp->late + pp->overruns, NULL);
	trc_doc_note(d,
	             "a late activation is an interval between two entries of %s longer than "
	             "the "
	             "expected period plus %.0f%%; an overrun is a call longer than the period",
	             f->label, o->tolerance * 100.0);
	return judge_deadlines(res, pp, pp->overruns, f, o);
}

/* --period FUNC: the histogram of the intervals between its entries, with
 * --expect the misses (*missed) and their verdicts in res. Returns 0 or
 * the error (err); the builders' errors are sticky in d. */
static int do_period(struct trc_doc *d, struct trc_table *bt, const struct trc_profile *a,
                     const struct hist_opts *o, int color, int *missed,
                     struct trc_budget_results *res, struct lc_err *err)
{
	const struct trc_fn *f = trc_profile_find(a, o->period);
	const struct trc_fn *trip = o->trip ? trc_profile_find(a, o->trip) : NULL;
	struct trc_period *pp = NULL;
	char title[512], name[300], u1[TRC_UNITS_BUF], u2[TRC_UNITS_BUF], u3[TRC_UNITS_BUF];
	int rc = 0;

	if (f == NULL)
		return lc_err_set(err, LC_ENOTFOUND,
		                  "'%s' was never called in %s (or is not in the program)",
		                  o->period, a->path);
	if (o->trip != NULL && trip == NULL && !trc_sym_has_function(a->sym, o->trip))
		return lc_err_set(err, LC_ENOTFOUND, "--trip: no function '%s' in the program",
		                  o->trip);
	pp = malloc(sizeof(*pp));
	if (pp == NULL)
		return nomem(err);
	trc_period_init(pp);
	if (trc_period_measure(pp, a, f->st->addr, trip ? trip->st->addr : 0,
	                       trip ? trip->label : NULL, o->expect_ns, o->tolerance,
	                       o->thread) < 0) {
		rc = nomem(err);
		goto out;
	}
	pp->overruns = o->expect_ns > 0 ? overruns_of(f, o->expect_ns) : 0;
	if (pp->periods.total == 0) {
		rc = lc_err_set(err, LC_ENOTFOUND,
		                "'%s' was entered fewer than twice: no period to measure",
		                o->period);
		goto out;
	}
	trc_doc_meta_str(d, "period_function", "period of", f->label);
	trc_doc_meta_u64(d, "period_count", "intervals", pp->periods.total, NULL);
	trc_doc_meta_u64(d, "period_min_ns", "period min", pp->periods.min,
	                 trc_units_ns(u1, sizeof(u1), (double)pp->periods.min));
	trc_doc_meta_u64(d, "period_max_ns", "period max", pp->periods.max,
	                 trc_units_ns(u1, sizeof(u1), (double)pp->periods.max));
	if (o->expect_ns > 0) {
		*missed = pp->late + pp->overruns > 0;
		if (add_jitter(d, pp, f, o, res) < 0) {
			rc = nomem(err);
			goto out;
		}
	}
	if (o->trip != NULL)
		trc_doc_meta_u64(d, "trips", "trips", pp->trips, NULL);
	snprintf(title, sizeof(title),
	         "period of %s: %" PRIu64 " intervals, p50 %s, p99 %s, max %s", f->label,
	         pp->periods.total,
	         trc_units_ns(u1, sizeof(u1), (double)trc_hist_quantile(&pp->periods, 0.5)),
	         trc_units_ns(u2, sizeof(u2), (double)trc_hist_quantile(&pp->periods, 0.99)),
	         trc_units_ns(u3, sizeof(u3), (double)pp->periods.max));
	snprintf(name, sizeof(name), "period:%s", f->label);
	if (trc_doc_status(d) < 0 ||
	    add_hist(d, bt, name, title, &pp->periods, o,
	             o->expect_ns > 0 ? (uint64_t)(o->expect_ns * (1.0 + o->tolerance)) : 0, color,
	             (uint64_t)(o->expect_ns / 2.0), (uint64_t)(o->expect_ns * 2.0)) < 0 ||
	    (o->html && add_timeline(d, pp, f, o) < 0))
		rc = nomem(err);
out:
	trc_period_fini(pp);
	free(pp);
	return rc;
}

/* --mark KEY: the histogram of the intervals between marks of KEY. */
static int do_mark(struct trc_doc *d, struct trc_table *bt, const struct trc_profile *a,
                   const struct hist_opts *o, int color, struct lc_err *err)
{
	const struct trc_mark *k = trc_marks_find(a->marks, o->mark);
	char title[600], name[300], u[4][TRC_UNITS_BUF];
	uint64_t mean;

	if (k == NULL)
		return lc_err_set(err, LC_ENOTFOUND,
		                  "no mark '%s' in %s (%zu mark key(s): see the marks table of "
		                  "report)",
		                  o->mark, a->path, a->marks->n);
	if (k->iv.total == 0)
		return lc_err_set(err, LC_ENOTFOUND,
		                  "mark '%s' was recorded %" PRIu64 " time(s) with no interval "
		                  "between two on one thread: no interval to draw",
		                  k->label, k->count);
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
	return add_hist(d, bt, name, title, &k->iv, o, 0, color, 0, 0) < 0 ? nomem(err) : 0;
}

/* The functions to draw: those -f or the GLOB operands name, else (when
 * neither --period nor --mark is given) the --top N with the largest max.
 * v has room for every function; *k is how many. */
static int pick_fns(const struct trc_fn **v, size_t *k, const struct trc_profile *a,
                    const struct hist_opts *o, struct lc_err *err)
{
	size_t i, f;

	*k = 0;
	for (i = 0; i < a->nfns; i++) {
		int want = o->nfilters == 0 && o->period == NULL && o->mark == NULL;

		if (a->fns[i].st->calls == 0)
			continue;
		for (f = 0; f < o->nfilters && !want; f++)
			want = fnmatch(o->filters[f], a->fns[i].label, 0) == 0;
		if (want)
			v[(*k)++] = &a->fns[i];
	}
	if (o->nfilters > 0 && *k == 0)
		return lc_err_set(err, LC_ENOTFOUND, "no function matching '%s' was called in %s",
		                  o->filters[0], o->trace);
	qsort(v, *k, sizeof(*v), by_max_desc);
	if (o->nfilters == 0 && o->top > 0 && *k > o->top)
		*k = o->top;
	return 0;
}

enum { B_NAME, B_LO, B_HI, B_COUNT };
static const struct trc_col_spec bucket_cols[] = {{"function", "function", TRC_ALIGN_LEFT},
                                                  {"lo_ns", "from", TRC_ALIGN_RIGHT},
                                                  {"hi_ns", "to (ns)", TRC_ALIGN_RIGHT},
                                                  {"count", "count", TRC_ALIGN_RIGHT}};

/*
 * One exit path (cmd.h): every failure is kept in err and printed once by
 * trc_cmd_doc_end(), which else writes the document; a missed deadline
 * (--expect) makes it exit LC_EXIT_FINDINGS, a trace with problems
 * (printed as they are found) LC_EXIT_ERROR.
 */
int trc_cmd_hist(int argc, char **argv, const struct trc_opts *opts)
{
	struct hist_opts o = {
	        .top = 10, .rows = 24, .width_arg = 40, .thread = -1, .tolerance_pct = 10};
	struct trc_cmd_doc r = {NULL, NULL, NULL, NULL};
	struct trc_opts with_color;
	struct trc_profile *a = NULL;
	struct trc_table *bt = NULL;
	const struct trc_fn **v = NULL;
	struct lc_err err = {0, ""};
	size_t i, k = 0, problems = 0;
	int status = LC_EXIT_ERROR, missed = 0;

	if (parse_args(&o, argc, argv, &status) != 0)
		return status;
	/* The drawings are coloured on a terminal only (text to stdout). */
	with_color = *opts;
	with_color.color = opts->color && o.out.path == NULL && o.out.fmt == TRC_FMT_TEXT;
	o.out.embed = opts->embed;
	o.html = trc_out_has(&o.out, TRC_FMT_HTML) || o.out.embed != NULL;
	if (check_args(&o, &err) < 0)
		goto out;
	if (opts->profile != NULL) {
		a = (struct trc_profile *)opts->profile; /* borrowed: not freed here */
	} else if (trc_profile_load(&a, o.trace, o.exe, o.thread, &err) < 0) {
		r.subject = o.trace;
		goto out;
	}
	problems = opts->profile != NULL ? lc_trace_problem_count(a->t) : trc_cmd_print_problems(a);
	v = calloc(a->nfns ? a->nfns : 1, sizeof(*v));
	if (v == NULL || trc_cmd_doc_init(&r, "hist", NULL, &err) < 0 ||
	    trc_profile_meta(a, r.doc) < 0) {
		nomem(&err);
		goto out;
	}
	trc_doc_add_table_cols(&bt, r.doc, "buckets", NULL, bucket_cols,
	                       sizeof(bucket_cols) / sizeof(bucket_cols[0]));
	trc_table_machine_only(bt);
	if (trc_doc_status(r.doc) < 0) {
		nomem(&err);
		goto out;
	}
	/* Deadline verdicts: one list, without --budgets. */
	if (o.period != NULL && o.expect_ns > 0) {
		if (trc_budget_results_new(&r.res, &err) < 0) {
			nomem(&err);
			goto out;
		}
		trc_doc_set_budgets(r.doc, r.res);
	}
	if (o.period != NULL &&
	    do_period(r.doc, bt, a, &o, with_color.color, &missed, r.res, &err) < 0)
		goto out;
	if (o.mark != NULL && do_mark(r.doc, bt, a, &o, with_color.color, &err) < 0)
		goto out;
	if (pick_fns(v, &k, a, &o, &err) < 0)
		goto out;
	for (i = 0; i < k; i++) {
		char title[512];

		if (add_hist(r.doc, bt, v[i]->label,
		             summary_line(title, sizeof(title), v[i]->label, &v[i]->st->hist),
		             &v[i]->st->hist, &o, 0, with_color.color, 0, 0) < 0) {
			nomem(&err);
			goto out;
		}
	}
	/* The text form draws the histograms; the bucket table is for machines. */
	if (o.out.fmt == TRC_FMT_TEXT || o.out.fmt == TRC_FMT_MD)
		trc_doc_note(r.doc, "rows group log-linear buckets (each < 1 %% wide); "
		                    "--format json or csv gives the exact buckets");
out:
	status = trc_cmd_doc_end(&r, &err, &o.out, &with_color, missed);
	free(v);
	if (a != opts->profile)
		trc_profile_free(a);
	return problems > 0 ? LC_EXIT_ERROR : status;
}
