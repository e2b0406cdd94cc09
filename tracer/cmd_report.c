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
	        {TRC_OPT_ID, "thread", 0, NULL, &o->thread, NULL, 0, NULL, 0, NULL, "N",
	         "only the thread with tid or slot index N"},
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
	        {TRC_OPT_OPERAND, NULL, 0, NULL, &o->trace, NULL, 0, NULL, TRC_OPT_REQUIRED, NULL,
	         "TRACE", "a trace file"},
	        {TRC_OPT_OPERANDS, NULL, 0, NULL, o->filters, &o->nfilters, MAX_FILTERS, NULL, 0,
	         NULL, "GLOB", "function name filters"},
	        {TRC_OPT_END, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL}};
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

static int build_tables(struct trc_doc *d, const struct trc_profile *a, const struct sort_item *v,
                        size_t n, const struct trc_budgets *bs, int html)
{
	static const char *const qkeys[] = {"p50_ns", "p90_ns", "p99_ns", "p999_ns"};
	static const char *const qhdr[] = {"p50", "p90", "p99", "p99.9"};
	struct trc_table *t = NULL, *w = NULL;
	int c_name, c_calls, c_min, c_q[4], c_max, c_pre, c_total, c_self, c_selfmax, c_stack,
	        c_where;
	int c_mod, c_addr, c_hook, c_spark, c_int, c_gap;
	int w_name, w_max, w_thread, w_at, w_depth, w_pre, w_path, w_int, w_gap, w_lim, w_rq = -1;
	char buf[2048], u[TRC_UNITS_BUF];
	size_t i, q;

	/* The builders' errors are sticky in d (report/doc.h): checked once, at
	 * the end. */
	trc_doc_add_table(&t, d, "functions", "functions (times are inclusive unless marked self)");
	c_name = trc_table_col(t, "function", "function", TRC_ALIGN_LEFT);
	c_calls = trc_table_col(t, "calls", "calls", TRC_ALIGN_RIGHT);
	c_min = trc_table_col(t, "min_ns", "min", TRC_ALIGN_RIGHT);
	for (q = 0; q < 4; q++)
		c_q[q] = trc_table_col(t, qkeys[q], qhdr[q], TRC_ALIGN_RIGHT);
	c_max = trc_table_col(t, "max_ns", "max", TRC_ALIGN_RIGHT);
	c_pre = trc_table_col(t, "max_preempted", "", TRC_ALIGN_LEFT);
	c_spark = html ? trc_table_col(t, "histogram", "histogram", TRC_ALIGN_LEFT) : -1;
	trc_table_col_figure(t, c_spark);
	c_total = trc_table_col(t, "total_ns", "total", TRC_ALIGN_RIGHT);
	c_self = trc_table_col(t, "self_ns", "self", TRC_ALIGN_RIGHT);
	c_selfmax = trc_table_col(t, "self_max_ns", "self max", TRC_ALIGN_RIGHT);
	c_stack = trc_table_col(t, "stack_bytes", "stack", TRC_ALIGN_RIGHT);
	c_where = trc_table_col(t, "source", "source", TRC_ALIGN_LEFT);
	c_hook = trc_table_col(t, "hook_ns", "hook", TRC_ALIGN_RIGHT);
	c_mod = trc_table_col(t, "module", "module", TRC_ALIGN_LEFT);
	c_addr = trc_table_col(t, "address", "address", TRC_ALIGN_LEFT);
	c_int = trc_table_col(t, "interference", "interference", TRC_ALIGN_LEFT);
	c_gap = trc_table_col(t, "gap_ns", "gap", TRC_ALIGN_RIGHT);
	trc_table_col_machine_only(t, c_int);
	trc_table_col_machine_only(t, c_gap);
	/* Text fits 100 columns unless --wide: these go first, in this order. */
	trc_table_col_drop(t, c_q[1], 6);
	trc_table_col_drop(t, c_q[3], 5);
	trc_table_col_drop(t, c_total, 4);
	trc_table_col_drop(t, c_selfmax, 3);
	trc_table_col_drop(t, c_self, 2);
	trc_table_col_clip(t, c_where);
	trc_table_col_machine_only(t, c_hook);
	trc_table_col_machine_only(t, c_mod);
	trc_table_col_machine_only(t, c_addr);
	for (i = 0; i < n; i++) {
		const struct trc_fstat *st = v[i].f->st;

		trc_table_row(t);
		trc_table_str(t, c_name, v[i].f->label);
		trc_table_u64(t, c_calls, st->calls, NULL);
		ns_cell(t, c_min, st->hist.min);
		for (q = 0; q < 4; q++)
			ns_cell(t, c_q[q], st->q_ns[q]);
		ns_cell(t, c_max, st->hist.max);
		pre_cell(t, c_pre, st, 0);
		if (c_spark >= 0) {
			char *svg = NULL;

			if (trc_svg_spark(&svg, &st->hist, budget_ns_of(bs, v[i].f->label)) < 0)
				return LC_ENOMEM;
			trc_table_str(t, c_spark, svg);
			free(svg);
		}
		ns_cell(t, c_total, st->sum_incl_ns);
		if (!a->summary_mode) {
			ns_cell(t, c_self, st->sum_excl_ns);
			ns_cell(t, c_selfmax, st->max_excl_ns);
		}
		trc_table_u64(t, c_stack, st->max_stack,
		              trc_units_bytes(u, sizeof(u), st->max_stack));
		trc_table_str(t, c_where, v[i].f->where[0] ? v[i].f->where : NULL);
		trc_table_u64(t, c_hook, st->hook_ns, NULL);
		trc_table_str(t, c_mod, v[i].f->sym.module);
		snprintf(buf, sizeof(buf), "0x%" PRIx64,
		         v[i].f->sym.module ? v[i].f->sym.elf_addr : st->addr);
		trc_table_str(t, c_addr, buf);
		interf_cells(t, c_int, c_gap, -1, st);
	}
	if (a->summary_mode)
		return trc_doc_status(d);

	trc_doc_add_table(&w, d, "worst_cases", "worst cases: the call path of each maximum");
	w_name = trc_table_col(w, "function", "function", TRC_ALIGN_LEFT);
	w_max = trc_table_col(w, "max_ns", "max", TRC_ALIGN_RIGHT);
	w_pre = trc_table_col(w, "preempted", "", TRC_ALIGN_LEFT);
	/* Only a trace that records it has the column: older reports stay as they were. */
	if (lc_trace_header(a->t)->flags & LC_TRACE_F_RUNQ)
		w_rq = trc_table_col(w, "runq_ns", "run queue", TRC_ALIGN_RIGHT);
	w_thread = trc_table_col(w, "thread", "thread", TRC_ALIGN_RIGHT);
	w_at = trc_table_col(w, "at_ns", "at", TRC_ALIGN_RIGHT);
	w_depth = trc_table_col(w, "depth", "depth", TRC_ALIGN_RIGHT);
	w_path = trc_table_col(w, "path", "call path", TRC_ALIGN_LEFT);
	w_int = trc_table_col(w, "interference", "interference", TRC_ALIGN_LEFT);
	w_gap = trc_table_col(w, "gap_ns", "gap", TRC_ALIGN_RIGHT);
	w_lim = trc_table_col(w, "gap_limit_ns", "gap limit", TRC_ALIGN_RIGHT);
	trc_table_col_machine_only(w, w_int);
	trc_table_col_machine_only(w, w_gap);
	trc_table_col_machine_only(w, w_lim);
	trc_table_col_drop(w, w_thread, 2);
	trc_table_col_drop(w, w_depth, 1);
	trc_table_col_clip(w, w_path);
	for (i = 0; i < n; i++) {
		const struct trc_fstat *st = v[i].f->st;
		const struct lc_trace_header *h = lc_trace_header(a->t);
		uint64_t at =
		        st->worst_start_ticks > h->start_ticks
		                ? lc_trace_ticks_to_ns(a->t, st->worst_start_ticks - h->start_ticks)
		                : 0;

		trc_table_row(w);
		trc_table_str(w, w_name, v[i].f->label);
		ns_cell(w, w_max, st->hist.max);
		pre_cell(w, w_pre, st, 1);
		if (w_rq >= 0 && st->worst_runq_known)
			ns_cell(w, w_rq, st->worst_runq_ns);
		else if (w_rq >= 0)
			trc_table_null(w, w_rq, "?");
		trc_table_u64(w, w_thread, lc_trace_thread(a->t, st->worst_thread)->tid, NULL);
		snprintf(u, sizeof(u), "+");
		trc_units_ns(u + 1, sizeof(u) - 1, (double)at);
		trc_table_u64(w, w_at, at, u);
		trc_table_u64(w, w_depth, st->worst_depth, NULL);
		trc_table_str(w, w_path, trc_profile_path(a, v[i].f, buf, sizeof(buf)));
		interf_cells(w, w_int, w_gap, w_lim, st);
	}
	return trc_doc_status(d);
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

int trc_cmd_report(int argc, char **argv, const struct trc_opts *opts)
{
	struct report_opts o = {.sort = SORT_MAX, .thread = -1};
	struct trc_profile *a = NULL;
	struct trc_budgets *bs = NULL;
	struct trc_budget_results *res = NULL;
	struct trc_heapfind *heap = NULL;
	struct trc_cg cg;
	struct trc_doc *d = NULL;
	struct sort_item *v = NULL;
	struct lc_err err = {0};
	size_t n = 0, problems = 0;
	const char *cgpath;
	int status = LC_EXIT_ERROR, html;

	trc_cg_init(&cg);
	if (parse_args(&o, argc, argv, &status) != 0)
		goto out;
	if (o.gap_seen && (o.gap_us == 0 || o.gap_us > UINT64_MAX / 1000u)) {
		trc_fail("--gap-us takes a positive number of microseconds, not '%zu'", o.gap_us);
		goto out;
	}
	if (o.budgets != NULL && trc_budgets_load(&bs, o.budgets, &err) < 0) {
		trc_fail("%s", err.msg);
		goto out;
	}
	if (o.bound != NULL && o.coverage != NULL && strcmp(o.bound, o.coverage) != 0) {
		trc_fail("report: --bound and --coverage read one call graph, not '%s' and '%s'",
		         o.bound, o.coverage);
		goto out;
	}
	cgpath = o.bound != NULL ? o.bound : o.coverage;
	if (cgpath != NULL && trc_cg_load_json(&cg, cgpath, &err) < 0) {
		trc_fail("%s", err.msg);
		goto out;
	}
	o.out.embed = opts->embed;
	if (opts->profile != NULL) {
		a = (struct trc_profile *)opts->profile; /* borrowed: not freed here */
	} else if (trc_profile_load(&a, o.trace, o.exe, o.thread, &err) < 0) {
		trc_fail("%s: %s", o.trace, err.msg);
		goto out;
	}
	if (o.gap_us > 0)
		trc_interf_run(a, (uint64_t)o.gap_us * 1000u);
	problems = opts->profile != NULL ? lc_trace_problem_count(a->t) : trc_cmd_print_problems(a);
	html = trc_out_has(&o.out, TRC_FMT_HTML) || o.out.embed != NULL;
	if (trc_doc_new(&d, "report", &err) < 0 || trc_profile_meta(a, d) < 0 ||
	    sort_fns(&v, &n, a, &o) < 0 || build_tables(d, a, v, n, bs, html) < 0 ||
	    (html && add_figures(d, a, v, n, bs) < 0)) {
		trc_fail("out of memory");
		goto out;
	}
	if (!o.wide && trc_out_has(&o.out, TRC_FMT_TEXT))
		trc_doc_set_width(d, trc_out_width(&o.out), "--wide shows all");
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
	if (trc_section_marks(d, a->marks) < 0) {
		trc_fail("out of memory");
		goto out;
	}
	if (o.bound != NULL && trc_section_bounds(d, &cg, a, &err) < 0) {
		trc_fail("%s", err.msg);
		goto out;
	}
	if (trc_heapfind_run(&heap, a->t, &err) < 0) {
		trc_fail("%s", err.msg);
		goto out;
	}
	if (bs != NULL || heap->nsites > 0) {
		if (trc_budget_results_new(&res, &err) < 0 ||
		    (bs != NULL && check_budgets(res, bs, a, o.coverage != NULL) < 0)) {
			trc_fail("out of memory");
			goto out;
		}
	}
	if (o.coverage != NULL && trc_section_coverage(d, res, bs, &cg, a, NULL, 0, &err) < 0) {
		trc_fail("%s", err.msg);
		goto out;
	}
	if (res != NULL) {
		if (trc_section_heap(d, res, heap, a, &err) < 0) {
			trc_fail("%s: %s", o.trace, err.msg);
			goto out;
		}
		if (heap->malformed > 0)
			trc_doc_note(d, "%" PRIu64 " heap-guard record(s) did not decode",
			             heap->malformed);
		trc_doc_set_budgets(d, res);
	}
	if (o.csv_table != NULL && trc_doc_set_primary_key(d, o.csv_table) < 0) {
		char keys[512];

		trc_fail("report: --csv-table: no table '%s' in this report (it has: %s)",
		         o.csv_table, trc_doc_table_keys(d, keys, sizeof(keys)));
		goto out;
	}
	if (trc_doc_emit(d, &o.out, opts->color, &err) < 0) {
		trc_fail("%s", err.msg);
		goto out;
	}
	status = problems > 0  ? LC_EXIT_ERROR
	         : res != NULL ? trc_budget_results_exit(res)
	                       : LC_EXIT_CLEAN;
out:
	free(v);
	trc_doc_free(d);
	trc_budget_results_free(res);
	trc_heapfind_free(heap);
	trc_cg_fini(&cg);
	trc_budgets_free(bs);
	if (a != opts->profile)
		trc_profile_free(a);
	return status;
}
