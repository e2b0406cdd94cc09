/*
 * tracer/cmd_stack.c - latch-trace stack: the static worst-case stack depth
 * of each root, with the path that reaches it and every unknown that makes
 * the figure incomplete (stack.h); stack budgets.
 *
 * Inputs: the ELF (frame sizes from its CFI), optionally -fstack-usage
 * (.su) and -fcallgraph-info (.ci) files or directories holding them, the
 * analyzer's call graph (--callgraph), and a rules YAML (--budgets) whose
 * budgets.stack limits are checked and whose indirect_targets and
 * recursion_bounds annotate the graph.
 */
#define _POSIX_C_SOURCE 200809L
#include "cmd.h"
#include "report/budget.h"
#include "binary/callgraph.h"
#include "binary/disasm.h"
#include "binary/elf.h"
#include "binary/frames.h"
#include "report/out.h"
#include "binary/stack.h"
#include "binary/stackmeasure.h"
#include "binary/stackroots.h"
#include "binary/stackrules.h"
#include "binary/irq.h"
#include "trace/sym.h"
#include "trace.h"
#include "lc_yaml.h"

#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_LIST 256

struct st_args {
	const char *elf;
	const char *callgraph;
	const char *budgets;
	const char *trace;
	const char *su[MAX_LIST];
	size_t nsu;
	const char *ci[MAX_LIST];
	size_t nci;
	const char *roots[MAX_LIST];
	size_t nroots;
	struct trc_out_opts out;
};

/* The command line: one table, the help generated from it (report/opt.h).
 * Returns 0 to go on, 1 to stop with *exit_status (trc_cmd_args()). */
static int parse_args(struct st_args *a, int argc, char **argv, int *exit_status)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_STR, "callgraph", 0, NULL, &a->callgraph, NULL, 0, NULL, 0, NULL, "F",
	         "latch-check's call graph (latch-check --callgraph json)"},
	        {TRC_OPT_LIST, "su", 0, NULL, a->su, &a->nsu, MAX_LIST, NULL, 0, NULL, "PATH",
	         "a .su file, or a directory searched for them (repeatable)"},
	        {TRC_OPT_LIST, "ci", 0, NULL, a->ci, &a->nci, MAX_LIST, NULL, 0, NULL, "PATH",
	         "a .ci file (-fcallgraph-info=su,da), or a directory (repeatable)"},
	        {TRC_OPT_LIST, "root", 0, NULL, a->roots, &a->nroots, MAX_LIST, NULL, 0, NULL,
	         "NAME", "a root (name or glob; repeatable); default: the call graph's roots"},
	        {TRC_OPT_STR, "budgets", 0, "rules", &a->budgets, NULL, 0, NULL, 0, NULL, "F",
	         "rules YAML: budgets.stack limits, indirect_targets,\n"
	         "recursion_bounds (--rules F is the same)"},
	        {TRC_OPT_STR, "trace", 0, NULL, &a->trace, NULL, 0, NULL, 0, NULL, "FILE",
	         "cross-check with the stack depths a latch trace measured:\n"
	         "a function deeper than its static bound is an error"},
	        TRC_OPT_OUT_SPECS(&a->out),
	        TRC_OPT_ELF_OPERAND(&a->elf),
	        TRC_OPT_TABLE_END};
	const struct trc_cmd_spec spec = {
	        "stack", "stack ELF [options]",
	        "Static worst-case stack depth from each root: frame sizes from the ELF's\n"
	        "call frame information or GCC's -fstack-usage/-fcallgraph-info files,\n"
	        "summed along the deepest path of the call graph. Recursion, unresolved\n"
	        "indirect calls and frames of unknown size are listed, never counted as 0.",
	        opts, "exit status: 0 ok, 1 a budget broken, 2 usage error or unreadable input\n"};

	memset(a, 0, sizeof(*a));
	return trc_cmd_args(&spec, argc, argv, exit_status);
}

/* ------------------------------------------------------------- report */

/*
 * The tables are built without checking each call: the document remembers
 * the first allocation failure (doc.h, the sticky error) and
 * trc_cmd_doc_end() reports it. What needs memory of its own, or a library
 * call that can fail, returns an error in err.
 */

static int nomem(struct lc_err *err)
{
	return lc_err_set(err, LC_ENOMEM, "out of memory");
}

static int loc_text(char *buf, size_t len, const char *file, unsigned line, unsigned col)
{
	if (file == NULL)
		return snprintf(buf, len, "-");
	if (line == 0)
		return snprintf(buf, len, "%s", file);
	if (col == 0)
		return snprintf(buf, len, "%s:%u", file, line);
	return snprintf(buf, len, "%s:%u:%u", file, line, col);
}

static char *path_text(const struct trc_stack *s, const struct trc_stack_root *r)
{
	size_t i, len = 1;
	char *buf;

	for (i = 0; i < r->npath; i++)
		len += strlen(s->cg->funcs[r->path[i]].name) + 4;
	buf = malloc(len);
	if (buf == NULL)
		return NULL;
	buf[0] = '\0';
	for (i = 0; i < r->npath; i++) {
		if (i)
			strcat(buf, " -> ");
		strcat(buf, s->cg->funcs[r->path[i]].name);
	}
	return buf;
}

/* Where a frame figure comes from: "cfi", "su", "ci", "frames:", with the
 * other figure when the .su/.ci and the unwind table disagree. */
static const char *src_name(char *buf, size_t len, const struct trc_frames *fr,
                            const struct trc_stack *s, size_t v)
{
	static const char *const names[] = {"?", "cfi", "su", "ci", "frames:"};
	const struct trc_frame *f = trc_frames_find(fr, s->cg->funcs[v].name);

	if (f == NULL)
		return s->funcs[v].inlined ? "inlined" : "none";
	if (f->alloca_bound > 0)
		snprintf(buf, len, "%s + alloca %llu", names[f->src],
		         (unsigned long long)f->alloca_bound);
	else if (f->src != TRC_FRAME_CFI && f->has_cfi && f->cfi_known &&
	         f->cfi_bytes != f->src_bytes)
		snprintf(buf, len, "%s %llu, cfi %llu", names[f->src],
		         (unsigned long long)f->src_bytes, (unsigned long long)f->cfi_bytes);
	else
		return names[f->src];
	return buf;
}

/* The header facts: what was read, and what is missing. dst is NULL when
 * the machine code was not decoded. */
static void add_header(struct trc_doc *d, const struct trc_elf *e, const struct trc_cg *cg,
                       uint64_t red_zone, const struct trc_disasm_stats *dst, int have_graph)
{
	trc_doc_meta_str(d, "file", "file", e->path);
	trc_doc_meta_u64(d, "functions", "functions in the call graph", cg->nfuncs, NULL);
	trc_doc_meta_u64(d, "edges", "calls in the call graph", cg->nedges, NULL);
	trc_doc_meta_u64(d, "red_zone", "red zone at leaves (bytes)", red_zone, NULL);
	if (dst != NULL)
		trc_doc_meta_u64(d, "binary_calls", "calls decoded from the machine code",
		                 dst->edges, NULL);
	if (!have_graph)
		trc_doc_note(
		        d, "no call graph (--callgraph or --ci) and no decoder for this machine: "
		           "only the roots' own frames are counted, so every figure is incomplete");
}

enum { ROOT_NAME, ROOT_BYTES, ROOT_COMPLETE, ROOT_UNKNOWNS, ROOT_PATH };
static const struct trc_col_spec root_cols[] = {{"root", "root", TRC_ALIGN_LEFT},
                                                {"bytes", "worst case", TRC_ALIGN_RIGHT},
                                                {"complete", "complete", TRC_ALIGN_LEFT},
                                                {"unknowns", "unknowns", TRC_ALIGN_RIGHT},
                                                {"path", "deepest path", TRC_ALIGN_LEFT}};

/* The worst case of each root, with its deepest path. */
static int add_roots(struct trc_doc *d, const struct trc_stack *s, int have_graph,
                     struct lc_err *err)
{
	struct trc_table *t = NULL;
	size_t i;

	trc_doc_add_table_cols(&t, d, "roots", "Worst-case stack depth per root", root_cols,
	                       sizeof(root_cols) / sizeof(root_cols[0]));
	for (i = 0; i < s->nroots; i++) {
		const struct trc_stack_root *r = &s->roots[i];
		char h[64], *p = path_text(s, r);
		int complete = r->complete && have_graph;

		if (p == NULL)
			return nomem(err);
		snprintf(h, sizeof(h), complete ? "%llu" : ">= %llu", (unsigned long long)r->bytes);
		trc_table_row(t);
		trc_table_str(t, ROOT_NAME, s->cg->funcs[r->func].name);
		trc_table_u64(t, ROOT_BYTES, r->bytes, h);
		trc_table_bool(t, ROOT_COMPLETE, complete, complete ? "yes" : "NO");
		trc_table_u64(t, ROOT_UNKNOWNS, r->nunknowns, NULL);
		trc_table_str(t, ROOT_PATH, p);
		if (!complete)
			trc_table_style(t, ROOT_COMPLETE, TRC_STYLE_BAD);
		free(p);
	}
	return 0;
}

enum { UNK_ROOT, UNK_KIND, UNK_FUNC, UNK_LOC, UNK_DETAIL };
static const struct trc_col_spec unknown_cols[] = {{"root", "root", TRC_ALIGN_LEFT},
                                                   {"kind", "kind", TRC_ALIGN_LEFT},
                                                   {"function", "function", TRC_ALIGN_LEFT},
                                                   {"location", "location", TRC_ALIGN_LEFT},
                                                   {"detail", "detail", TRC_ALIGN_LEFT}};

/* Each unknown under each root it makes incomplete. */
static void add_unknowns(struct trc_doc *d, const struct trc_stack *s)
{
	struct trc_table *t = NULL;
	size_t i, k;

	trc_doc_add_table_cols(&t, d, "unknowns", "Unknowns (each makes its roots incomplete)",
	                       unknown_cols, sizeof(unknown_cols) / sizeof(unknown_cols[0]));
	for (i = 0; i < s->nroots; i++) {
		const struct trc_stack_root *r = &s->roots[i];

		for (k = 0; k < r->nunknowns; k++) {
			const struct trc_stack_unknown *x = &s->unknowns[r->unknowns[k]];
			char loc[600];

			loc_text(loc, sizeof(loc), x->file, x->line, x->col);
			trc_table_row(t);
			trc_table_str(t, UNK_ROOT, s->cg->funcs[r->func].name);
			trc_table_str(t, UNK_KIND, trc_stack_unknown_name(x->kind));
			trc_table_str(t, UNK_FUNC, s->cg->funcs[x->func].name);
			trc_table_str(t, UNK_LOC, loc);
			trc_table_str(t, UNK_DETAIL, x->detail);
		}
	}
}

enum { FN_NAME, FN_FRAME, FN_SOURCE, FN_RED_ZONE, FN_DEPTH, FN_COMPLETE };
static const struct trc_col_spec func_cols[] = {{"function", "function", TRC_ALIGN_LEFT},
                                                {"frame", "frame", TRC_ALIGN_RIGHT},
                                                {"source", "from", TRC_ALIGN_LEFT},
                                                {"red_zone", "red zone", TRC_ALIGN_RIGHT},
                                                {"depth", "worst from here", TRC_ALIGN_RIGHT},
                                                {"complete", "complete", TRC_ALIGN_LEFT}};

/* The frames of the functions on the roots' deepest paths, in path order,
 * root first, each function once. */
static int add_functions(struct trc_doc *d, const struct trc_stack *s, const struct trc_frames *fr,
                         struct lc_err *err)
{
	struct trc_table *t = NULL;
	char *seen = calloc(s->cg->nfuncs ? s->cg->nfuncs : 1, 1);
	size_t i, j, k;

	if (seen == NULL)
		return nomem(err);
	trc_doc_add_table_cols(&t, d, "functions", "Functions on the deepest paths", func_cols,
	                       sizeof(func_cols) / sizeof(func_cols[0]));
	for (j = 0; j < s->nroots; j++)
		for (k = 0; k < s->roots[j].npath; k++) {
			const struct trc_stack_func *sf;
			char h[32], sb[64];

			i = s->roots[j].path[k];
			if (seen[i])
				continue;
			seen[i] = 1;
			sf = &s->funcs[i];
			snprintf(h, sizeof(h), sf->frame_known ? "%llu" : "?",
			         (unsigned long long)sf->frame);
			trc_table_row(t);
			trc_table_str(t, FN_NAME, s->cg->funcs[i].name);
			trc_table_u64(t, FN_FRAME, sf->frame, h);
			trc_table_str(t, FN_SOURCE, src_name(sb, sizeof(sb), fr, s, i));
			trc_table_u64(t, FN_RED_ZONE, sf->red_zone, NULL);
			trc_table_u64(t, FN_DEPTH, sf->depth, NULL);
			trc_table_bool(t, FN_COMPLETE, sf->complete, sf->complete ? "yes" : "no");
		}
	free(seen);
	return 0;
}

static int unknown_loc_cmp(const void *pa, const void *pb)
{
	const struct trc_stack_unknown *x = *(const struct trc_stack_unknown *const *)pa;
	const struct trc_stack_unknown *y = *(const struct trc_stack_unknown *const *)pb;
	int c = strcmp(x->file ? x->file : "", y->file ? y->file : "");

	if (c != 0)
		return c;
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return strcmp(x->detail, y->detail);
}

/* Compiler-style lines for the unknowns a root reaches, once each, sorted
 * by file, line and column (STYLE 17). */
static int add_diagnostics(struct trc_doc *d, const struct trc_stack *s, struct lc_err *err)
{
	const struct trc_stack_unknown **v = calloc(s->nunknowns + 1, sizeof(*v));
	char *reached = calloc(s->nunknowns + 1, 1);
	size_t i, k, n = 0;
	int rc = 0;

	if (v == NULL || reached == NULL) {
		rc = nomem(err);
		goto out;
	}
	for (k = 0; k < s->nroots; k++)
		for (i = 0; i < s->roots[k].nunknowns; i++)
			reached[s->roots[k].unknowns[i]] = 1;
	for (i = 0; i < s->nunknowns; i++)
		if (reached[i])
			v[n++] = &s->unknowns[i];
	if (n > 1)
		qsort(v, n, sizeof(*v), unknown_loc_cmp);
	for (i = 0; i < n; i++) {
		char loc[600];

		loc_text(loc, sizeof(loc), v[i]->file ? v[i]->file : s->cg->funcs[v[i]->func].name,
		         v[i]->line, v[i]->col);
		trc_doc_note(d, "%s: warning: %s [%s]", loc, v[i]->detail,
		             trc_stack_unknown_name(v[i]->kind));
	}
out:
	free(v);
	free(reached);
	return rc;
}

/* The verdicts of the budgets.stack limits of b. Returns 0 or LC_ENOMEM
 * (err). */
static int check_budgets(struct trc_budget_results *res, const struct trc_budgets *b,
                         const struct trc_stack *s, int have_graph, struct lc_err *err)
{
	size_t i, v;
	int rc = 0;

	for (i = 0; i < trc_budgets_count(b); i++) {
		const struct trc_budget *bg = trc_budgets_at(b, i);
		size_t matched = 0;

		if (bg->kind != TRC_BUDGET_STACK_ROOT && bg->kind != TRC_BUDGET_FUNC_STACK)
			continue;
		for (v = 0; v < s->cg->nfuncs; v++) {
			const struct trc_cg_func *f = &s->cg->funcs[v];
			const struct trc_stack_func *sf = &s->funcs[v];
			double actual = (double)sf->depth;

			if (!trc_budget_matches(bg->subject, f->name))
				continue;
			matched++;
			if (!sf->complete || !have_graph)
				/* No figure to compare: "incomplete", never "112 > 256". */
				rc = trc_budget_results_add(
				        res, bg, f->name, TRC_VERDICT_FAIL, 0, actual, f->file,
				        f->line,
				        "worst-case stack of '%s' is incomplete (the %.0f bytes "
				        "known "
				        "leave out the unknowns), budget is %.0f bytes",
				        f->name, actual, bg->limit);
			else
				rc = trc_budget_results_add(res, bg, f->name,
				                            trc_budget_judge(bg, actual), 1, actual,
				                            f->file, f->line,
				                            "worst-case stack of '%s' is %.0f "
				                            "bytes, budget is %.0f bytes",
				                            f->name, actual, bg->limit);
			if (rc < 0)
				return nomem(err);
		}
		if (matched == 0 &&
		    trc_budget_results_add(res, bg, NULL, TRC_VERDICT_ERROR, 0, 0, NULL, 0,
		                           "no function '%s' in the call graph or the binary",
		                           bg->subject) < 0)
			return nomem(err);
	}
	return 0;
}

enum { MEAS_NAME, MEAS_MEASURED, MEAS_STATIC, MEAS_VERDICT };
static const struct trc_col_spec measured_cols[] = {{"function", "function", TRC_ALIGN_LEFT},
                                                    {"measured", "measured", TRC_ALIGN_RIGHT},
                                                    {"static", "static bound", TRC_ALIGN_RIGHT},
                                                    {"verdict", "verdict", TRC_ALIGN_LEFT}};

/* The measured-vs-static table of the functions a trace measured
 * (measured[i] > 0); *flagged counts those whose measured depth exceeds a
 * complete static bound, each also an error line. */
static void add_measured(struct trc_doc *d, const struct trc_stack *s, const uint64_t *measured,
                         size_t nrecords, size_t *flagged)
{
	struct trc_table *t = NULL;
	size_t i;

	trc_doc_meta_u64(d, "trace_records", "trace records replayed", nrecords, NULL);
	trc_doc_add_table_cols(&t, d, "measured",
	                       "Measured stack below each function (trace) vs. static bound",
	                       measured_cols, sizeof(measured_cols) / sizeof(measured_cols[0]));
	for (i = 0; i < s->cg->nfuncs; i++) {
		const struct trc_stack_func *sf = &s->funcs[i];
		const struct trc_cg_func *f = &s->cg->funcs[i];
		int exceeds = sf->complete && measured[i] > sf->depth;
		char h[32], loc[600];

		if (measured[i] == 0)
			continue;
		snprintf(h, sizeof(h), sf->complete ? "%llu" : ">= %llu",
		         (unsigned long long)sf->depth);
		trc_table_row(t);
		trc_table_str(t, MEAS_NAME, f->name);
		trc_table_u64(t, MEAS_MEASURED, measured[i], NULL);
		trc_table_u64(t, MEAS_STATIC, sf->depth, h);
		trc_table_str(t, MEAS_VERDICT,
		              !sf->complete ? "static bound unknown"
		              : exceeds     ? "EXCEEDS"
		                            : "ok");
		if (!exceeds)
			continue;
		trc_table_style(t, MEAS_VERDICT, TRC_STYLE_BAD);
		(*flagged)++;
		loc_text(loc, sizeof(loc), f->file ? f->file : f->name, f->file ? f->line : 0, 0);
		trc_doc_note(d,
		             "%s: error: '%s' measured %llu bytes of stack below its entry, more "
		             "than its static bound of %llu bytes: the frame data or the call "
		             "graph is wrong [stack-trace]",
		             loc, f->name, (unsigned long long)measured[i],
		             (unsigned long long)sf->depth);
	}
}

/* --trace: replays the trace against the graph's functions and adds the
 * measured-vs-static table. Returns 0 or the error of reading the trace. */
static int add_trace_check(struct trc_doc *d, const struct trc_stack *s, const struct trc_cg *cg,
                           const char *trace, const char *elf, size_t *flagged, struct lc_err *err)
{
	uint64_t *measured = calloc(cg->nfuncs ? cg->nfuncs : 1, sizeof(*measured));
	size_t nrecords = 0;
	int rc;

	if (measured == NULL)
		return nomem(err);
	rc = trc_stack_measure(measured, cg, trace, elf, &nrecords, err);
	if (rc == 0)
		add_measured(d, s, measured, nrecords, flagged);
	free(measured);
	return rc;
}

/* ------------------------------------------------------- interrupts */

enum { MAIN_PART, MAIN_PRIORITY, MAIN_EXC, MAIN_STACK, MAIN_TOTAL };
static const struct trc_col_spec main_cols[] = {
        {"part", "part", TRC_ALIGN_LEFT},
        {"priority", "priority", TRC_ALIGN_RIGHT},
        {"exception_frame", "exception frame", TRC_ALIGN_RIGHT},
        {"stack", "worst case", TRC_ALIGN_RIGHT},
        {"total", "total", TRC_ALIGN_RIGHT}};

/* One row of the main_stack table. */
static void main_row(struct trc_table *t, const char *part, const char *prio, uint64_t exc,
                     uint64_t stack, uint64_t total)
{
	trc_table_row(t);
	trc_table_str(t, MAIN_PART, part);
	trc_table_str(t, MAIN_PRIORITY, prio);
	trc_table_u64(t, MAIN_EXC, exc, NULL);
	trc_table_u64(t, MAIN_STACK, stack, NULL);
	trc_table_u64(t, MAIN_TOTAL, total, NULL);
}

/* The main stack's worst case (binary/irq.h) as meta lines and the
 * "main_stack" table. Returns 0, or the error of a declared handler that is
 * not in the graph. */
static int add_main_stack(struct trc_doc *d, const struct trc_stack *s, const struct trc_elf *e,
                          const struct trc_stack_rules *r, struct lc_err *err)
{
	struct trc_irq_main m;
	struct trc_table *t = NULL;
	size_t k;
	uint64_t run;
	int rc;
	char h[64];

	rc = trc_irq_main_new(&m, s, e, r->has_interrupts, r->irqs, r->nirqs, r->fpu,
	                      r->exception_frame, r->max_nesting, err);
	if (rc < 0 || !m.present)
		goto out;
	if (m.thread == (size_t)-1) {
		trc_doc_note(d, "main stack: every root is an interrupt handler; give the "
		                "thread-mode root (main, Reset_Handler) with --root");
		goto out;
	}
	snprintf(h, sizeof(h), m.complete ? "%llu" : ">= %llu", (unsigned long long)m.total);
	trc_doc_meta_u64(d, "main_stack", "main stack worst case (bytes)", m.total, h);
	trc_doc_meta_u64(d, "exception_frame", "exception frame (bytes)", m.frame, NULL);
	trc_doc_meta_str(d, "fpu", "FPU context stacked", m.fpu_text);
	if (m.set.from_vectors)
		trc_doc_note(d, "main stack: handlers from the vector table, priorities not "
		                "declared: each is taken to preempt every other (declare "
		                "interrupts: handlers: to tighten)");
	trc_doc_add_table_cols(&t, d, "main_stack",
	                       "Main stack: deepest thread path + preempting handlers", main_cols,
	                       sizeof(main_cols) / sizeof(main_cols[0]));
	run = s->roots[m.thread].bytes;
	main_row(t, s->cg->funcs[s->roots[m.thread].func].name, "thread", 0, run, run);
	for (k = 0; k < m.nchain; k++) {
		const struct trc_irq_handler *hd = &m.set.v[m.chain[k]];
		char pr[32];

		run += hd->cost;
		if (m.set.from_vectors && hd->priority >= 0)
			snprintf(pr, sizeof(pr), "any");
		else
			snprintf(pr, sizeof(pr), "%d", hd->priority);
		main_row(t, hd->name, pr, m.frame, hd->cost - m.frame, run);
		if (!hd->complete)
			trc_table_style(t, MAIN_STACK, TRC_STYLE_BAD);
	}
out:
	trc_irq_main_fini(&m);
	return rc < 0 ? rc : 0;
}

/* ---------------------------------------------------------- command */

/* Functions known only from the binary count as defined. */
static void define_binary_funcs(struct trc_cg *cg, const struct trc_frames *fr)
{
	size_t j;

	for (j = 0; j < fr->n; j++) {
		size_t idx = trc_cg_find(cg, fr->v[j].name);

		if (idx != (size_t)-1)
			cg->funcs[idx].defined = 1;
	}
}

int trc_cmd_stack(int argc, char **argv, const struct trc_opts *opts)
{
	struct st_args a;
	struct lc_err err = {0, ""};
	struct trc_elf *e = NULL;
	struct trc_frames frames;
	struct trc_cg cg;
	struct trc_stack *st = NULL;
	struct trc_cmd_doc r = {NULL, NULL, NULL, NULL};
	struct lc_yaml *y = NULL;
	struct trc_stack_rules notes;
	struct trc_stack_config cfg;
	size_t *roots = NULL, nroots = 0, flagged = 0, nci = 0;
	int status = LC_EXIT_ERROR, have_graph, have_binary = 0;
	struct trc_disasm_stats dst;

	memset(&notes, 0, sizeof(notes));
	notes.fpu = -1;
	memset(&cfg, 0, sizeof(cfg));
	trc_frames_init(&frames);
	trc_cg_init(&cg);
	if (parse_args(&a, argc, argv, &status) != 0)
		return status;
	if (trc_cmd_doc_init(&r, "stack", a.budgets, &err) < 0)
		goto out;
	if (a.budgets && (lc_yaml_load_file(&y, a.budgets, &err) < 0 ||
	                  trc_stack_rules_load(&notes, trc_budgets_config(r.budgets), y, &err) < 0))
		goto out;
	if (trc_elf_open(&e, a.elf, &err) < 0)
		goto out;
	if (a.callgraph && trc_cg_load_json(&cg, a.callgraph, &err) < 0)
		goto out;
	if (trc_frames_load_paths(&frames, NULL, a.su, a.nsu, 0, NULL, &err) < 0 ||
	    trc_frames_load_paths(&frames, &cg, a.ci, a.nci, 1, &nci, &err) < 0)
		goto out;
	if (trc_frames_from_cfi(&frames, e, &err) < 0 && err.code != LC_ENOTFOUND)
		goto out;
	lc_err_clear(&err);
	if (trc_disasm_supported(e)) {
		if (trc_disasm_calls(&cg, e, &dst, &err) < 0)
			goto out;
		have_binary = 1;
	}
	if (frames.n == 0) {
		if (err.code == 0)
			lc_err_set(&err, LC_ENOTFOUND,
			           "%s: no function symbols and no frame files: nothing to "
			           "analyse (stripped? give --su or --ci files)",
			           a.elf);
		goto out;
	}
	lc_err_clear(&err);
	trc_frames_finish(&frames);
	if (a.budgets && trc_stack_rules_apply(&notes, a.budgets, &frames, &cg, &err) < 0)
		goto out;
	have_graph = a.callgraph != NULL || nci > 0 || have_binary;

	/* Roots: --root names or globs over the graph and the binary; else
	 * the call graph's roots. */
	if (trc_stack_roots_pick(&roots, &nroots, &cg, &frames, a.roots, a.nroots, &err) < 0)
		goto out;
	if (nroots == 0) {
		lc_err_set(&err, LC_EUSAGE,
		           "no roots: give --root NAME, or a call graph (--callgraph) that marks "
		           "its interlock roots");
		goto out;
	}
	define_binary_funcs(&cg, &frames);
	cfg.red_zone = e->machine == EM_X86_64 ? 128 : 0;
	cfg.targets = notes.targets;
	cfg.ntargets = notes.ntargets;
	cfg.bounds = notes.bounds;
	cfg.nbounds = notes.nbounds;
	if (trc_stack_new(&st, &cg, &frames, &cfg, roots, nroots, &err) < 0)
		goto out;

	add_header(r.doc, e, &cg, cfg.red_zone, have_binary ? &dst : NULL, have_graph);
	if (add_roots(r.doc, st, have_graph, &err) < 0)
		goto out;
	add_unknowns(r.doc, st);
	if (add_functions(r.doc, st, &frames, &err) < 0 || add_diagnostics(r.doc, st, &err) < 0)
		goto out;
	if ((notes.has_interrupts || e->machine == EM_ARM) &&
	    add_main_stack(r.doc, st, e, &notes, &err) < 0)
		goto out;
	if (a.trace && add_trace_check(r.doc, st, &cg, a.trace, a.elf, &flagged, &err) < 0)
		goto out;
	if (r.budgets)
		check_budgets(r.res, r.budgets, st, have_graph, &err);
out:
	status = trc_cmd_doc_end(&r, &err, &a.out, opts, flagged);
	trc_stack_free(st);
	free(roots);
	trc_stack_rules_fini(&notes);
	lc_yaml_free(y);
	trc_cg_fini(&cg);
	trc_frames_fini(&frames);
	trc_elf_free(e);
	return status;
}
