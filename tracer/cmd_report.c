/*
 * tracer/cmd_report.c - `latch-trace report FILE`: the per-function WCET
 * table, the call path of each worst case, and the budget gate.
 *
 * Exit status: 0 all budgets met (or none), 1 a budget broken, 2 the report
 * could not be trusted or made: usage error, unreadable or corrupt trace (the
 * readable part is still reported), mismatching binary, a budget naming a
 * function that is not in the program, lost events above lost_events_max.
 */
#define _GNU_SOURCE
#include <fnmatch.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/profile.h"
#include "report/budget.h"
#include "cmd.h"
#include "report/out.h"
#include "trace.h"
#include "report/units.h"
#include "report/sections.h"
#include "report/sect_marks.h"
#include "binary/callgraph.h"
#include "trace/heapfind.h"
#include "trace/interfere.h"
#include "report/svg.h"

/* Functions drawn as a full histogram figure in the HTML form (besides the
 * sparkline every row has): the first rows of the table, and every function
 * with a budget. */
#define HTML_FIGURES 60

#define MAX_FILTERS 32

enum sort_key {
	SORT_MAX,
	SORT_P99,
	SORT_P50,
	SORT_CALLS,
	SORT_TOTAL,
	SORT_SELF,
	SORT_STACK,
	SORT_NAME
};

static const struct trc_opt_choice sort_keys[] = {
        {"max", SORT_MAX},     {"p99", SORT_P99},     {"p50", SORT_P50},
        {"calls", SORT_CALLS}, {"total", SORT_TOTAL}, {"self", SORT_SELF},
        {"stack", SORT_STACK}, {"name", SORT_NAME},   {NULL, 0}};

struct report_opts {
	const char *trace;
	const char *budgets;
	const char *exe;
	const char *bound;    /* --bound CALLGRAPH.json */
	const char *coverage; /* --coverage CALLGRAPH.json */
	int sort;             /* enum sort_key */
	size_t top;           /* 0: all */
	long thread;          /* -1: all */
	size_t gap_us;        /* --gap-us; 0: derived from the trace */
	int gap_seen;
	const char *filters[MAX_FILTERS];
	size_t nfilters;
	int wide;              /* --wide: every column, however wide */
	const char *csv_table; /* --csv-table KEY: the table CSV writes */
	struct trc_out_opts out;
};

/* The command line: one table, the help generated from it (report/opt.h). */
static int parse_args(struct report_opts *o, int argc, char **argv, int *exit_status)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_STR, "budgets", 0, NULL, &o->budgets, NULL, 0, NULL, 0, NULL, "FILE",
	         "check the budgets: section of FILE (rules YAML)"},
	        {TRC_OPT_STR, "bound", 0, NULL, &o->bound, NULL, 0, NULL, 0, NULL, "CG",
	         "an upper bound per interlock root from the call graph\n"
	         "(latch-check --callgraph json) and the measured self\n"
	         "times; \"no bound\" with the reason where there is none"},
	        {TRC_OPT_STR, "coverage", 0, NULL, &o->coverage, NULL, 0, NULL, 0, NULL, "CG",
	         "per interlock root of the call graph, the functions reachable\n"
	         "from it that the run executed and those it never executed;\n"
	         "checks coverage_min budgets"},
	        {TRC_OPT_CHOICE, "sort", 0, NULL, &o->sort, NULL, 0, sort_keys, 0, NULL, "KEY",
	         "max (default), p99, p50, calls, total, self, stack, name"},
	        {TRC_OPT_COUNT, "top", 0, NULL, &o->top, NULL, 0, NULL, 0, NULL, "N",
	         "show the first N functions only (0: all)"},
	        {TRC_OPT_LIST, "filter", 0, NULL, o->filters, &o->nfilters, MAX_FILTERS, NULL, 0,
	         NULL, "GLOB",
	         "only functions whose name matches (repeatable); a bare\n"
	         "argument after the trace works the same way"},
	        TRC_OPT_THREAD(&o->thread),
	        {TRC_OPT_COUNT, "gap-us", 0, NULL, &o->gap_us, NULL, 0, NULL, 0, &o->gap_seen, "N",
	         "a worst call with an interval of more than N us and no\n"
	         "record inside is host interference (default: 20x the\n"
	         "thread's p99.9 interval, at least 20 us)"},
	        {TRC_OPT_STR, "exe", 0, NULL, &o->exe, NULL, 0, NULL, 0, NULL, "PATH",
	         "the traced executable, when it moved (build-id must match)"},
	        {TRC_OPT_FLAG, "wide", 0, NULL, &o->wide, NULL, 0, NULL, 0, NULL, NULL,
	         "every column in text, however wide (default: fit the\n"
	         "terminal, at least 100 columns, leaving columns out)"},
	        {TRC_OPT_STR, "csv-table", 0, NULL, &o->csv_table, NULL, 0, NULL, 0, NULL, "KEY",
	         "the table --format csv writes (default functions):\n"
	         "worst_cases, marks, bounds, coverage, heap_guard, ..."},
	        TRC_OPT_OUT_SPECS(&o->out),
	        TRC_OPT_TRACE_OPERAND(&o->trace),
	        TRC_OPT_GLOB_OPERANDS(o->filters, &o->nfilters, MAX_FILTERS),
	        TRC_OPT_TABLE_END};
	const struct trc_cmd_spec spec = {
	        "report", "report [options] TRACE [GLOB...]",
	        "Per-function timing of a latch trace: calls, min, p50, p90, p99, p99.9 and\n"
	        "max (the observed WCET), inclusive and self time, stack high-water mark, and\n"
	        "the call path of each worst case. The hook's calibrated cost is subtracted.",
	        opts,
	        "exit status: 0 budgets met, 1 a budget broken, 2 usage error, unreadable\n"
	        "or corrupt trace, a budget that could not be checked.\n"};

	return trc_cmd_args(&spec, argc, argv, exit_status);
}

static int keep(const struct report_opts *o, const struct trc_fn *f)
{
	size_t i;

	if (f->st->calls == 0)
		return 0;
	if (o->nfilters == 0)
		return 1;
	for (i = 0; i < o->nfilters; i++)
		if (fnmatch(o->filters[i], f->label, 0) == 0)
			return 1;
	return 0;
}

static uint64_t sort_value(const struct trc_fn *f, enum sort_key k)
{
	switch (k) {
	case SORT_MAX:
		return f->st->hist.max;
	case SORT_P99:
		return f->st->q_ns[2];
	case SORT_P50:
		return f->st->q_ns[0];
	case SORT_CALLS:
		return f->st->calls;
	case SORT_TOTAL:
		return f->st->sum_incl_ns;
	case SORT_SELF:
		return f->st->sum_excl_ns;
	case SORT_STACK:
		return f->st->max_stack;
	case SORT_NAME:
		break;
	}
	return 0;
}

struct sort_item {
	const struct trc_fn *f;
	uint64_t v;
};

static int cmp_desc(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;

	if (a->v != b->v)
		return a->v < b->v ? 1 : -1;
	return strcmp(a->f->label, b->f->label);
}

static int cmp_name(const void *pa, const void *pb)
{
	const struct sort_item *a = pa, *b = pb;

	return strcmp(a->f->label, b->f->label);
}

/* The functions to show, sorted; *out is freed by the caller. */
static int sort_fns(struct sort_item **out, size_t *n, const struct trc_profile *a,
                    const struct report_opts *o)
{
	struct sort_item *v = calloc(a->nfns ? a->nfns : 1, sizeof(*v));
	size_t i, k = 0;

	if (v == NULL)
		return LC_ENOMEM;
	for (i = 0; i < a->nfns; i++) {
		if (!keep(o, &a->fns[i]))
			continue;
		v[k].f = &a->fns[i];
		v[k].v = sort_value(&a->fns[i], o->sort);
		k++;
	}
	qsort(v, k, sizeof(*v), o->sort == SORT_NAME ? cmp_name : cmp_desc);
	if (o->top > 0 && k > o->top)
		k = o->top;
	*out = v;
	*n = k;
	return 0;
}

static int ns_cell(struct trc_table *t, int col, uint64_t ns)
{
	char u[TRC_UNITS_BUF];

	return trc_table_u64(t, col, ns, trc_units_ns(u, sizeof(u), (double)ns));
}

/* The pre-emption cell: max_preempted as before (true only when the worst
 * call's own chunks saw an involuntary switch, interfere.h), shown as "*";
 * a worst case with a gap shows "host interference" (long: with the gap). */
static void pre_cell(struct trc_table *t, int col, const struct trc_fstat *st, int lng)
{
	char human[64], u[TRC_UNITS_BUF];

	if (st->worst_interf == TRC_INTERF_GAP) {
		if (lng)
			snprintf(human, sizeof(human), "host interference (%s gap)",
			         trc_units_ns(u, sizeof(u), (double)st->worst_gap_ns));
		else
			snprintf(human, sizeof(human), "host interference");
	} else
		snprintf(human, sizeof(human), "%s", st->worst_preempted == 1 ? "*" : "");
	if (st->worst_preempted >= 0)
		trc_table_bool(t, col, st->worst_preempted, human);
	else
		trc_table_null(t, col, human);
	if (human[0] != '\0')
		trc_table_style(t, col, TRC_STYLE_WARN);
}

/* interference, gap_ns and (c_lim >= 0) gap_limit_ns; the gap is null when
 * nothing is known (summary mode, or the worst call never closed). */
static void interf_cells(struct trc_table *t, int c_int, int c_gap, int c_lim,
                         const struct trc_fstat *st)
{
	int known = st->worst_gap_limit_ns > 0;

	trc_table_str(t, c_int, trc_interf_name(st->worst_interf));
	if (known)
		trc_table_u64(t, c_gap, st->worst_gap_ns, NULL);
	else
		trc_table_null(t, c_gap, "");
	if (c_lim >= 0 && known)
		trc_table_u64(t, c_lim, st->worst_gap_limit_ns, NULL);
	else if (c_lim >= 0)
		trc_table_null(t, c_lim, "");
}

/* The max_us budget of the function called label, in ns (0: none). */
static uint64_t budget_ns_of(const struct trc_budgets *bs, const char *label)
{
	size_t i;

	for (i = 0; bs != NULL && i < trc_budgets_count(bs); i++) {
		const struct trc_budget *b = trc_budgets_at(bs, i);

		if (b->kind == TRC_BUDGET_FUNC_MAX && trc_budget_matches(b->subject, label))
			return (uint64_t)(b->limit * 1e3);
	}
	return 0;
}

/* HTML only: a histogram figure for the first rows and the budgeted ones. */
static int add_figures(struct trc_doc *d, const struct trc_profile *a, const struct sort_item *v,
                       size_t n, const struct trc_budgets *bs)
{
	char cap[600], path[2048];
	size_t i;
	int rc = 0;

	for (i = 0; i < n && rc == 0; i++) {
		const struct trc_fstat *st = v[i].f->st;
		struct trc_svg_hist_opts ho;
		char *svg = NULL;
		char u[4][TRC_UNITS_BUF];

		memset(&ho, 0, sizeof(ho));
		ho.budget_ns = budget_ns_of(bs, v[i].f->label);
		if ((i >= HTML_FIGURES || st->calls < 10) && ho.budget_ns == 0)
			continue; /* a few calls make no distribution */
		memcpy(ho.q_ns, st->q_ns, sizeof(ho.q_ns));
		snprintf(cap, sizeof(cap), "%s: %" PRIu64 " calls, p50 %s, p99 %s, max %s%s%s",
		         v[i].f->label, st->calls,
		         trc_units_ns(u[0], sizeof(u[0]), (double)st->q_ns[0]),
		         trc_units_ns(u[1], sizeof(u[1]), (double)st->q_ns[2]),
		         trc_units_ns(u[2], sizeof(u[2]), (double)st->hist.max),
		         ho.budget_ns ? ", budget " : "",
		         ho.budget_ns ? trc_units_ns(u[3], sizeof(u[3]), (double)ho.budget_ns)
		                      : "");
		ho.caption = cap;
		rc = trc_svg_hist(&svg, &st->hist, &ho);
		if (rc == 0 && svg != NULL) {
			if (!a->summary_mode)
				snprintf(cap + strlen(cap), sizeof(cap) - strlen(cap),
				         " - worst case: %s",
				         trc_profile_path(a, v[i].f, path, sizeof(path)));
			rc = trc_doc_figure(d, v[i].f->label, cap, svg);
		}
		free(svg);
	}
	return rc;
}

/* The functions table: a row per function shown. F_SPARK, a figure
 * column (report/doc.h), shows in HTML only: every other format leaves it
 * out, and its cells are filled only when HTML is written. */
enum {
	F_NAME,
	F_CALLS,
	F_MIN,
	F_P50, /* F_P50 + q: the quantiles of trc_fstat's q_ns[q] */
	F_P90,
	F_P99,
	F_P999,
	F_MAX,
	F_PRE,
	F_SPARK,
	F_TOTAL,
	F_SELF,
	F_SELFMAX,
	F_STACK,
	F_SOURCE,
	F_HOOK,
	F_MOD,
	F_ADDR,
	F_INT,
	F_GAP,
	F_NCOLS
};
static const struct trc_col_spec fn_cols[F_NCOLS] = {
        {"function", "function", TRC_ALIGN_LEFT},
        {"calls", "calls", TRC_ALIGN_RIGHT},
        {"min_ns", "min", TRC_ALIGN_RIGHT},
        {"p50_ns", "p50", TRC_ALIGN_RIGHT},
        {"p90_ns", "p90", TRC_ALIGN_RIGHT},
        {"p99_ns", "p99", TRC_ALIGN_RIGHT},
        {"p999_ns", "p99.9", TRC_ALIGN_RIGHT},
        {"max_ns", "max", TRC_ALIGN_RIGHT},
        {"max_preempted", "", TRC_ALIGN_LEFT},
        {"histogram", "histogram", TRC_ALIGN_LEFT},
        {"total_ns", "total", TRC_ALIGN_RIGHT},
        {"self_ns", "self", TRC_ALIGN_RIGHT},
        {"self_max_ns", "self max", TRC_ALIGN_RIGHT},
        {"stack_bytes", "stack", TRC_ALIGN_RIGHT},
        {"source", "source", TRC_ALIGN_LEFT},
        {"hook_ns", "hook", TRC_ALIGN_RIGHT},
        {"module", "module", TRC_ALIGN_LEFT},
        {"address", "address", TRC_ALIGN_LEFT},
        {"interference", "interference", TRC_ALIGN_LEFT},
        {"gap_ns", "gap", TRC_ALIGN_RIGHT}};

/* Returns 0, or LC_ENOMEM when a sparkline could not be drawn (the
 * table's own errors are sticky in d). */
static int add_functions(struct trc_doc *d, const struct trc_profile *a, const struct sort_item *v,
                         size_t n, const struct trc_budgets *bs, int html)
{
	static const int machine_only[] = {F_INT, F_GAP, F_HOOK, F_MOD, F_ADDR};
	struct trc_table *t = NULL;
	char buf[2048], u[TRC_UNITS_BUF];
	size_t i, q;

	trc_doc_add_table_cols(&t, d, "functions",
	                       "functions (times are inclusive unless marked self)", fn_cols,
	                       F_NCOLS);
	trc_table_col_figure(t, F_SPARK);
	for (i = 0; i < sizeof(machine_only) / sizeof(machine_only[0]); i++)
		trc_table_col_machine_only(t, machine_only[i]);
	/* Text fits 100 columns unless --wide: these go first, in this order. */
	trc_table_col_drop(t, F_P90, 6);
	trc_table_col_drop(t, F_P999, 5);
	trc_table_col_drop(t, F_TOTAL, 4);
	trc_table_col_drop(t, F_SELFMAX, 3);
	trc_table_col_drop(t, F_SELF, 2);
	trc_table_col_clip(t, F_SOURCE);
	for (i = 0; i < n; i++) {
		const struct trc_fstat *st = v[i].f->st;

		trc_table_row(t);
		trc_table_str(t, F_NAME, v[i].f->label);
		trc_table_u64(t, F_CALLS, st->calls, NULL);
		ns_cell(t, F_MIN, st->hist.min);
		for (q = 0; q < 4; q++)
			ns_cell(t, F_P50 + (int)q, st->q_ns[q]);
		ns_cell(t, F_MAX, st->hist.max);
		pre_cell(t, F_PRE, st, 0);
		if (html) {
			char *svg = NULL;

			if (trc_svg_spark(&svg, &st->hist, budget_ns_of(bs, v[i].f->label)) < 0)
				return LC_ENOMEM;
			trc_table_str(t, F_SPARK, svg);
			free(svg);
		}
		ns_cell(t, F_TOTAL, st->sum_incl_ns);
		if (!a->summary_mode) {
			ns_cell(t, F_SELF, st->sum_excl_ns);
			ns_cell(t, F_SELFMAX, st->max_excl_ns);
		}
		trc_table_u64(t, F_STACK, st->max_stack,
		              trc_units_bytes(u, sizeof(u), st->max_stack));
		trc_table_str(t, F_SOURCE, v[i].f->where[0] ? v[i].f->where : NULL);
		trc_table_u64(t, F_HOOK, st->hook_ns, NULL);
		trc_table_str(t, F_MOD, v[i].f->sym.module);
		snprintf(buf, sizeof(buf), "0x%" PRIx64,
		         v[i].f->sym.module ? v[i].f->sym.elf_addr : st->addr);
		trc_table_str(t, F_ADDR, buf);
		interf_cells(t, F_INT, F_GAP, -1, st);
	}
	return 0;
}

/* The worst-cases table. Only a trace that records it has the run-queue
 * column W_RQ (older reports stay as they were); without it the columns
 * after it move down one, as wcol() says. */
enum { W_NAME, W_MAX, W_PRE, W_RQ, W_THREAD, W_AT, W_DEPTH, W_PATH, W_INT, W_GAP, W_LIM, W_NCOLS };
static const struct trc_col_spec worst_cols[W_NCOLS] = {
        {"function", "function", TRC_ALIGN_LEFT},
        {"max_ns", "max", TRC_ALIGN_RIGHT},
        {"preempted", "", TRC_ALIGN_LEFT},
        {"runq_ns", "run queue", TRC_ALIGN_RIGHT},
        {"thread", "thread", TRC_ALIGN_RIGHT},
        {"at_ns", "at", TRC_ALIGN_RIGHT},
        {"depth", "depth", TRC_ALIGN_RIGHT},
        {"path", "call path", TRC_ALIGN_LEFT},
        {"interference", "interference", TRC_ALIGN_LEFT},
        {"gap_ns", "gap", TRC_ALIGN_RIGHT},
        {"gap_limit_ns", "gap limit", TRC_ALIGN_RIGHT}};

static int wcol(int col, int rq)
{
	return rq || col < W_RQ ? col : col - 1;
}

static void add_worst_cases(struct trc_doc *d, const struct trc_profile *a,
                            const struct sort_item *v, size_t n)
{
	const struct lc_trace_header *h = lc_trace_header(a->t);
	int rq = (h->flags & LC_TRACE_F_RUNQ) != 0;
	struct trc_col_spec cols[W_NCOLS];
	struct trc_table *w = NULL;
	char buf[2048], u[TRC_UNITS_BUF];
	size_t i;

	memcpy(cols, worst_cols, sizeof(cols));
	if (!rq)
		memmove(cols + W_RQ, cols + W_RQ + 1, (W_NCOLS - W_RQ - 1) * sizeof(cols[0]));
	trc_doc_add_table_cols(&w, d, "worst_cases", "worst cases: the call path of each maximum",
	                       cols, W_NCOLS - (rq ? 0 : 1));
	trc_table_col_machine_only(w, wcol(W_INT, rq));
	trc_table_col_machine_only(w, wcol(W_GAP, rq));
	trc_table_col_machine_only(w, wcol(W_LIM, rq));
	trc_table_col_drop(w, wcol(W_THREAD, rq), 2);
	trc_table_col_drop(w, wcol(W_DEPTH, rq), 1);
	trc_table_col_clip(w, wcol(W_PATH, rq));
	for (i = 0; i < n; i++) {
		const struct trc_fstat *st = v[i].f->st;
		uint64_t at =
		        st->worst_start_ticks > h->start_ticks
		                ? lc_trace_ticks_to_ns(a->t, st->worst_start_ticks - h->start_ticks)
		                : 0;

		trc_table_row(w);
		trc_table_str(w, W_NAME, v[i].f->label);
		ns_cell(w, W_MAX, st->hist.max);
		pre_cell(w, W_PRE, st, 1);
		if (rq && st->worst_runq_known)
			ns_cell(w, W_RQ, st->worst_runq_ns);
		else if (rq)
			trc_table_null(w, W_RQ, "?");
		trc_table_u64(w, wcol(W_THREAD, rq), lc_trace_thread(a->t, st->worst_thread)->tid,
		              NULL);
		snprintf(u, sizeof(u), "+");
		trc_units_ns(u + 1, sizeof(u) - 1, (double)at);
		trc_table_u64(w, wcol(W_AT, rq), at, u);
		trc_table_u64(w, wcol(W_DEPTH, rq), st->worst_depth, NULL);
		trc_table_str(w, wcol(W_PATH, rq), trc_profile_path(a, v[i].f, buf, sizeof(buf)));
		interf_cells(w, wcol(W_INT, rq), wcol(W_GAP, rq), wcol(W_LIM, rq), st);
	}
}

/* Measures one function budget against function f. */
static int judge_fn(struct trc_budget_results *r, const struct trc_budget *b,
                    const struct trc_fn *f)
{
	const struct trc_fstat *st = f->st;
	char got[TRC_UNITS_BUF], lim[TRC_UNITS_BUF], u[TRC_UNITS_BUF], why[128];
	double actual;
	enum trc_verdict v;

	switch (b->kind) {
	case TRC_BUDGET_FUNC_MAX:
	case TRC_BUDGET_FUNC_P99: {
		uint64_t ns = b->kind == TRC_BUDGET_FUNC_MAX ? st->hist.max : st->q_ns[2];

		actual = (double)ns / 1e3;
		v = trc_budget_judge(b, actual);
		why[0] = '\0';
		if (b->kind == TRC_BUDGET_FUNC_MAX && st->worst_interf == TRC_INTERF_GAP)
			snprintf(why, sizeof(why),
			         " (host interference: a %s gap with no record inside the "
			         "worst "
			         "call)",
			         trc_units_ns(u, sizeof(u), (double)st->worst_gap_ns));
		else if (b->kind == TRC_BUDGET_FUNC_MAX && st->worst_preempted == 1)
			snprintf(why, sizeof(why), " (may include pre-emption)");
		return trc_budget_results_add(r, b, f->label, v, 1, actual, f->sym.file,
		                              f->sym.line, "'%s' took %s at %s%s, budget is %s",
		                              f->label, trc_units_ns(got, sizeof(got), (double)ns),
		                              b->kind == TRC_BUDGET_FUNC_MAX ? "max" : "p99", why,
		                              trc_units_ns(lim, sizeof(lim), b->limit * 1e3));
	}
	case TRC_BUDGET_FUNC_STACK:
		actual = (double)st->max_stack;
		v = trc_budget_judge(b, actual);
		return trc_budget_results_add(
		        r, b, f->label, v, 1, actual, f->sym.file, f->sym.line,
		        "'%s' reached %" PRIu64 " bytes of stack, budget is %.0f bytes", f->label,
		        st->max_stack, b->limit);
	default:
		break;
	}
	return 0;
}

/* Checks the function and trace budgets; coverage_min budgets are judged
 * by the coverage section (report/sections.c), or are an ERROR here when
 * no --coverage call graph was given. */
static int check_budgets(struct trc_budget_results *r, const struct trc_budgets *bs,
                         const struct trc_profile *a, int have_coverage)
{
	size_t i, j;
	int rc = 0;

	for (i = 0; i < trc_budgets_count(bs) && rc == 0; i++) {
		const struct trc_budget *b = trc_budgets_at(bs, i);
		size_t matched = 0;

		if (b->kind == TRC_BUDGET_LOST_EVENTS) {
			/* Too many lost events means the tables cannot be trusted:
			 * the check could not be done (ERROR, exit 2), not a FAIL. */
			rc = trc_budget_results_add(
			        r, b, NULL,
			        (double)a->lost <= b->limit ? TRC_VERDICT_PASS : TRC_VERDICT_ERROR,
			        1, (double)a->lost, NULL, 0,
			        "the trace lost %" PRIu64 " events, at most %.0f allowed", a->lost,
			        b->limit);
			continue;
		}
		if (b->kind == TRC_BUDGET_COVERAGE) {
			if (!have_coverage)
				rc = trc_budget_results_add(
				        r, b, NULL, TRC_VERDICT_ERROR, 0, 0.0, NULL, 0,
				        "coverage_min of '%s' needs the call graph: give "
				        "--coverage "
				        "CALLGRAPH.json (latch-check --callgraph json)",
				        b->subject);
			continue;
		}
		if (b->kind != TRC_BUDGET_FUNC_MAX && b->kind != TRC_BUDGET_FUNC_P99 &&
		    b->kind != TRC_BUDGET_FUNC_STACK)
			continue; /* memory and stack budgets belong to memmap and stack */
		for (j = 0; j < a->nfns && rc == 0; j++) {
			if (a->fns[j].sym.name == NULL || a->fns[j].st->calls == 0 ||
			    !trc_budget_matches(b->subject, a->fns[j].label))
				continue;
			matched++;
			rc = judge_fn(r, b, &a->fns[j]);
		}
		if (rc == 0 && matched == 0) {
			int exists = trc_sym_has_function(a->sym, b->subject);

			rc = trc_budget_results_add(
			        r, b, NULL, TRC_VERDICT_ERROR, 0, 0.0, NULL, 0,
			        exists ? "'%s' is in the program but was never called in this "
			                 "trace: %s not checked"
			               : "no function %s '%s' in the program: %s not checked",
			        exists ? b->subject
			               : (trc_budget_is_glob(b->subject) ? "matches" : "named"),
			        exists ? trc_budget_kind_name(b->kind) : b->subject,
			        trc_budget_kind_name(b->kind));
		}
	}
	return rc;
}

/* The footnotes under the tables: what the figures may include, and that
 * only the readable part of a trace with problems is reported. */
static void add_notes(struct trc_doc *d, const struct trc_profile *a, size_t problems)
{
	if (a->preempted > 0)
		trc_doc_note(d, "* the worst call fills at least half of the trace chunks during "
		                "which the thread was pre-empted (involuntary context switch): it "
		                "may include time the thread was not running");
	if (a->loose > 0)
		trc_doc_note(d,
		             "pre-emption unknown for %zu worst case(s): their trace "
		             "chunks saw an "
		             "involuntary context switch, but the chunks last more than "
		             "twice the "
		             "call, so the switch may lie outside it",
		             a->loose);
	if (lc_trace_header(a->t)->flags & LC_TRACE_F_RUNQ)
		trc_doc_note(d, "run queue: the time the worst call's thread was runnable but "
		                "waiting for a CPU during the trace chunks that hold the call "
		                "(/proc/thread-self/schedstat at each chunk change; ? unknown)");
	if (a->gaps > 0)
		trc_doc_note(d,
		             "host interference: %zu worst case(s) contain an interval with no "
		             "record of their thread longer than the gap limit: time the thread "
		             "did not run its traced code (hypervisor, interrupt, pre-emption), "
		             "or a long loop or blocking call without a traced call "
		             "(docs/trace-report.md tells them apart)",
		             a->gaps);
	if (problems > 0)
		trc_doc_note(d,
		             "the trace has %zu problem(s) (listed on stderr): this report "
		             "covers "
		             "the readable "
		             "part only",
		             problems);
}

/* --gap-us N, checked before anything is read. */
static int check_gap(const struct report_opts *o, struct lc_err *err)
{
	if (o->gap_seen && (o->gap_us == 0 || o->gap_us > UINT64_MAX / 1000u))
		return lc_err_set(err, LC_EUSAGE,
		                  "--gap-us takes a positive number of microseconds, not '%zu'",
		                  o->gap_us);
	return 0;
}

/* --bound and --coverage read one call graph. */
static int check_graph(const struct report_opts *o, struct lc_err *err)
{
	if (o->bound != NULL && o->coverage != NULL && strcmp(o->bound, o->coverage) != 0)
		return lc_err_set(err, LC_EUSAGE,
		                  "report: --bound and --coverage read one call graph, not '%s' "
		                  "and '%s'",
		                  o->bound, o->coverage);
	return 0;
}

static int nomem(struct lc_err *err)
{
	return lc_err_set(err, LC_ENOMEM, "out of memory");
}

/*
 * One exit path (cmd.h): every failure is kept in err and printed once by
 * trc_cmd_doc_end(), which else writes the document. The tables are built
 * on the document's sticky error, checked there. A trace with problems
 * (printed as they are found) is reported and exits LC_EXIT_ERROR.
 */
int trc_cmd_report(int argc, char **argv, const struct trc_opts *opts)
{
	struct report_opts o = {.sort = SORT_MAX, .thread = -1};
	struct trc_cmd_doc r = {NULL, NULL, NULL, NULL};
	struct trc_profile *a = NULL;
	struct trc_heapfind *heap = NULL;
	struct trc_cg cg;
	struct sort_item *v = NULL;
	struct lc_err err = {0, ""};
	size_t n = 0, problems = 0;
	const char *cgpath;
	int status = LC_EXIT_ERROR, html;

	if (parse_args(&o, argc, argv, &status) != 0)
		return status;
	trc_cg_init(&cg);
	o.out.embed = opts->embed;
	if (check_gap(&o, &err) < 0 || trc_cmd_doc_init(&r, "report", o.budgets, &err) < 0 ||
	    check_graph(&o, &err) < 0)
		goto out;
	cgpath = o.bound != NULL ? o.bound : o.coverage;
	if (cgpath != NULL && trc_cg_load_json(&cg, cgpath, &err) < 0)
		goto out;
	if (opts->profile != NULL) {
		a = (struct trc_profile *)opts->profile; /* borrowed: not freed here */
	} else if (trc_profile_load(&a, o.trace, o.exe, o.thread, &err) < 0) {
		r.subject = o.trace;
		goto out;
	}
	if (o.gap_us > 0)
		trc_interf_run(a, (uint64_t)o.gap_us * 1000u);
	problems = opts->profile != NULL ? lc_trace_problem_count(a->t) : trc_cmd_print_problems(a);
	html = trc_out_has(&o.out, TRC_FMT_HTML) || o.out.embed != NULL;
	if (trc_profile_meta(a, r.doc) < 0 || sort_fns(&v, &n, a, &o) < 0 ||
	    add_functions(r.doc, a, v, n, r.budgets, html) < 0) {
		nomem(&err);
		goto out;
	}
	if (!a->summary_mode)
		add_worst_cases(r.doc, a, v, n);
	if (trc_doc_status(r.doc) < 0 || (html && add_figures(r.doc, a, v, n, r.budgets) < 0)) {
		nomem(&err);
		goto out;
	}
	if (!o.wide && trc_out_has(&o.out, TRC_FMT_TEXT))
		trc_doc_set_width(r.doc, trc_out_width(&o.out), "--wide shows all");
	add_notes(r.doc, a, problems);
	if (trc_section_marks(r.doc, a->marks) < 0) {
		nomem(&err);
		goto out;
	}
	if (o.bound != NULL && trc_section_bounds(r.doc, &cg, a, &err) < 0)
		goto out;
	if (trc_heapfind_run(&heap, a->t, &err) < 0)
		goto out;
	/* Heap-guard findings are verdicts: without --budgets they get a list of
	 * their own. */
	if (r.res == NULL && heap->nsites > 0) {
		if (trc_budget_results_new(&r.res, &err) < 0) {
			nomem(&err);
			goto out;
		}
		trc_doc_set_budgets(r.doc, r.res);
	}
	if (r.budgets != NULL && check_budgets(r.res, r.budgets, a, o.coverage != NULL) < 0) {
		nomem(&err);
		goto out;
	}
	if (o.coverage != NULL &&
	    trc_section_coverage(r.doc, r.res, r.budgets, &cg, a, NULL, 0, &err) < 0)
		goto out;
	if (r.res != NULL) {
		if (trc_section_heap(r.doc, r.res, heap, a, &err) < 0) {
			r.subject = o.trace;
			goto out;
		}
		if (heap->malformed > 0)
			trc_doc_note(r.doc, "%" PRIu64 " heap-guard record(s) did not decode",
			             heap->malformed);
	}
	if (o.csv_table != NULL && trc_doc_set_primary_key(r.doc, o.csv_table) < 0) {
		char keys[512];

		lc_err_set(&err, LC_EUSAGE,
		           "report: --csv-table: no table '%s' in this report (it has: %s)",
		           o.csv_table, trc_doc_table_keys(r.doc, keys, sizeof(keys)));
		goto out;
	}
out:
	status = trc_cmd_doc_end(&r, &err, &o.out, opts, 0);
	free(v);
	trc_heapfind_free(heap);
	trc_cg_fini(&cg);
	if (a != opts->profile)
		trc_profile_free(a);
	return problems > 0 ? LC_EXIT_ERROR : status;
}
