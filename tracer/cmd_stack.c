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
#define _XOPEN_SOURCE 700
#include "cmd.h"
#include "report/budget.h"
#include "binary/callgraph.h"
#include "binary/disasm.h"
#include "binary/elf.h"
#include "binary/frames.h"
#include "report/out.h"
#include "binary/stack.h"
#include "binary/stackmeasure.h"
#include "binary/stackrules.h"
#include "binary/irq.h"
#include "trace/sym.h"
#include "trace.h"
#include "lc_yaml.h"

#include <fnmatch.h>
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
 * Returns 0 to go on, 1 after printing the help, 2 after a usage error. */
static int parse_args(struct st_args *a, int argc, char **argv)
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
	        {TRC_OPT_OPERAND, NULL, 0, NULL, &a->elf, NULL, 0, NULL, TRC_OPT_REQUIRED, NULL,
	         "ELF", "an ELF file"},
	        {TRC_OPT_END, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL}};
	const struct trc_cmd_spec spec = {
	        "stack", "stack ELF [options]",
	        "Static worst-case stack depth from each root: frame sizes from the ELF's\n"
	        "call frame information or GCC's -fstack-usage/-fcallgraph-info files,\n"
	        "summed along the deepest path of the call graph. Recursion, unresolved\n"
	        "indirect calls and frames of unknown size are listed, never counted as 0.",
	        opts, "exit status: 0 ok, 1 a budget broken, 2 usage error or unreadable input\n"};
	int status = LC_EXIT_CLEAN;

	memset(a, 0, sizeof(*a));
	if (trc_cmd_args(&spec, argc, argv, &status) == 0)
		return 0;
	return status == LC_EXIT_CLEAN ? 1 : 2;
}

/* ------------------------------------------------------------- report */

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

static int add_tables(struct trc_doc *d, const struct trc_stack *s, const struct trc_frames *fr,
                      int have_graph)
{
	struct trc_table *t = NULL, *u = NULL, *f = NULL;
	int c_root, c_bytes, c_complete, c_unk, c_path, rc;
	int u_root, u_kind, u_func, u_loc, u_detail;
	int f_name, f_frame, f_src, f_red, f_depth, f_complete;
	size_t i, j, k;
	char *reach = NULL;

	rc = trc_doc_add_table(&t, d, "roots", "Worst-case stack depth per root");
	if (rc < 0)
		return rc;
	c_root = trc_table_col(t, "root", "root", TRC_ALIGN_LEFT);
	c_bytes = trc_table_col(t, "bytes", "worst case", TRC_ALIGN_RIGHT);
	c_complete = trc_table_col(t, "complete", "complete", TRC_ALIGN_LEFT);
	c_unk = trc_table_col(t, "unknowns", "unknowns", TRC_ALIGN_RIGHT);
	c_path = trc_table_col(t, "path", "deepest path", TRC_ALIGN_LEFT);
	if (c_path < 0)
		return c_path;
	for (i = 0; i < s->nroots && rc >= 0; i++) {
		const struct trc_stack_root *r = &s->roots[i];
		char h[64], *p = path_text(s, r);
		int complete = r->complete && have_graph;

		if (p == NULL)
			return LC_ENOMEM;
		if (complete)
			snprintf(h, sizeof(h), "%llu", (unsigned long long)r->bytes);
		else
			snprintf(h, sizeof(h), ">= %llu", (unsigned long long)r->bytes);
		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_str(t, c_root, s->cg->funcs[r->func].name);
		if (rc >= 0)
			rc = trc_table_u64(t, c_bytes, r->bytes, h);
		if (rc >= 0)
			rc = trc_table_bool(t, c_complete, complete, complete ? "yes" : "NO");
		if (rc >= 0)
			rc = trc_table_u64(t, c_unk, r->nunknowns, NULL);
		if (rc >= 0)
			rc = trc_table_str(t, c_path, p);
		if (!complete)
			trc_table_style(t, c_complete, TRC_STYLE_BAD);
		free(p);
	}
	if (rc < 0)
		return rc;

	rc = trc_doc_add_table(&u, d, "unknowns", "Unknowns (each makes its roots incomplete)");
	if (rc < 0)
		return rc;
	u_root = trc_table_col(u, "root", "root", TRC_ALIGN_LEFT);
	u_kind = trc_table_col(u, "kind", "kind", TRC_ALIGN_LEFT);
	u_func = trc_table_col(u, "function", "function", TRC_ALIGN_LEFT);
	u_loc = trc_table_col(u, "location", "location", TRC_ALIGN_LEFT);
	u_detail = trc_table_col(u, "detail", "detail", TRC_ALIGN_LEFT);
	if (u_detail < 0)
		return u_detail;
	for (i = 0; i < s->nroots && rc >= 0; i++) {
		const struct trc_stack_root *r = &s->roots[i];

		for (k = 0; k < r->nunknowns && rc >= 0; k++) {
			const struct trc_stack_unknown *x = &s->unknowns[r->unknowns[k]];
			char loc[600];

			loc_text(loc, sizeof(loc), x->file, x->line, x->col);
			rc = trc_table_row(u);
			if (rc >= 0)
				rc = trc_table_str(u, u_root, s->cg->funcs[r->func].name);
			if (rc >= 0)
				rc = trc_table_str(u, u_kind, trc_stack_unknown_name(x->kind));
			if (rc >= 0)
				rc = trc_table_str(u, u_func, s->cg->funcs[x->func].name);
			if (rc >= 0)
				rc = trc_table_str(u, u_loc, loc);
			if (rc >= 0)
				rc = trc_table_str(u, u_detail, x->detail);
		}
	}
	if (rc < 0)
		return rc;

	/* Frames of the functions the roots reach (all of them with no roots). */
	reach = calloc(s->cg->nfuncs ? s->cg->nfuncs : 1, 1);
	if (reach == NULL)
		return LC_ENOMEM;
	rc = trc_doc_add_table(&f, d, "functions", "Functions on the deepest paths");
	if (rc < 0)
		goto out;
	f_name = trc_table_col(f, "function", "function", TRC_ALIGN_LEFT);
	f_frame = trc_table_col(f, "frame", "frame", TRC_ALIGN_RIGHT);
	f_src = trc_table_col(f, "source", "from", TRC_ALIGN_LEFT);
	f_red = trc_table_col(f, "red_zone", "red zone", TRC_ALIGN_RIGHT);
	f_depth = trc_table_col(f, "depth", "worst from here", TRC_ALIGN_RIGHT);
	f_complete = trc_table_col(f, "complete", "complete", TRC_ALIGN_LEFT);
	rc = f_complete;
	/* In path order, root first, each function once. */
	for (j = 0; j < s->nroots && rc >= 0; j++)
		for (k = 0; k < s->roots[j].npath && rc >= 0; k++) {
			const struct trc_stack_func *sf;
			char h[32], sb[64];

			i = s->roots[j].path[k];
			if (reach[i])
				continue;
			reach[i] = 1;
			sf = &s->funcs[i];
			snprintf(h, sizeof(h), sf->frame_known ? "%llu" : "?",
			         (unsigned long long)sf->frame);
			rc = trc_table_row(f);
			if (rc >= 0)
				rc = trc_table_str(f, f_name, s->cg->funcs[i].name);
			if (rc >= 0)
				rc = trc_table_u64(f, f_frame, sf->frame, h);
			if (rc >= 0)
				rc = trc_table_str(f, f_src, src_name(sb, sizeof(sb), fr, s, i));
			if (rc >= 0)
				rc = trc_table_u64(f, f_red, sf->red_zone, NULL);
			if (rc >= 0)
				rc = trc_table_u64(f, f_depth, sf->depth, NULL);
			if (rc >= 0)
				rc = trc_table_bool(f, f_complete, sf->complete,
				                    sf->complete ? "yes" : "no");
		}
out:
	free(reach);
	return rc < 0 ? rc : 0;
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
static int add_diagnostics(struct trc_doc *d, const struct trc_stack *s)
{
	const struct trc_stack_unknown **v = NULL;
	char *reached = NULL;
	size_t i, k, n = 0;
	int rc = 0;

	v = calloc(s->nunknowns + 1, sizeof(*v));
	reached = calloc(s->nunknowns + 1, 1);
	if (v == NULL || reached == NULL) {
		rc = LC_ENOMEM;
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
	for (i = 0; i < n && rc >= 0; i++) {
		char loc[600];

		loc_text(loc, sizeof(loc), v[i]->file ? v[i]->file : s->cg->funcs[v[i]->func].name,
		         v[i]->line, v[i]->col);
		rc = trc_doc_note(d, "%s: warning: %s [%s]", loc, v[i]->detail,
		                  trc_stack_unknown_name(v[i]->kind));
	}
out:
	free(v);
	free(reached);
	return rc;
}

static int check_budgets(struct trc_budget_results *res, const struct trc_budgets *b,
                         const struct trc_stack *s, int have_graph)
{
	size_t i, v;
	int rc = 0;

	for (i = 0; i < trc_budgets_count(b) && rc >= 0; i++) {
		const struct trc_budget *bg = trc_budgets_at(b, i);
		size_t matched = 0;

		if (bg->kind != TRC_BUDGET_STACK_ROOT && bg->kind != TRC_BUDGET_FUNC_STACK)
			continue;
		for (v = 0; v < s->cg->nfuncs && rc >= 0; v++) {
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
		}
		if (rc >= 0 && matched == 0)
			rc = trc_budget_results_add(
			        res, bg, NULL, TRC_VERDICT_ERROR, 0, 0, NULL, 0,
			        "no function '%s' in the call graph or the binary", bg->subject);
	}
	return rc;
}

/* Adds the measured-vs-static table; *flagged counts the functions whose
 * measured depth exceeds a complete static bound. */
static int add_trace_check(struct trc_doc *d, const struct trc_stack *s, const uint64_t *measured,
                           size_t nrecords, size_t *flagged)
{
	struct trc_table *t = NULL;
	int c_name, c_meas, c_static, c_verdict, rc;
	size_t i;

	*flagged = 0;
	rc = trc_doc_meta_u64(d, "trace_records", "trace records replayed", nrecords, NULL);
	if (rc >= 0)
		rc = trc_doc_add_table(
		        &t, d, "measured",
		        "Measured stack below each function (trace) vs. static bound");
	if (rc < 0)
		return rc;
	c_name = trc_table_col(t, "function", "function", TRC_ALIGN_LEFT);
	c_meas = trc_table_col(t, "measured", "measured", TRC_ALIGN_RIGHT);
	c_static = trc_table_col(t, "static", "static bound", TRC_ALIGN_RIGHT);
	c_verdict = trc_table_col(t, "verdict", "verdict", TRC_ALIGN_LEFT);
	rc = c_verdict;
	for (i = 0; i < s->cg->nfuncs && rc >= 0; i++) {
		const struct trc_stack_func *sf = &s->funcs[i];
		const char *v;
		char h[32];

		if (measured[i] == 0)
			continue;
		if (!sf->complete)
			v = "static bound unknown";
		else if (measured[i] > sf->depth)
			v = "EXCEEDS";
		else
			v = "ok";
		snprintf(h, sizeof(h), sf->complete ? "%llu" : ">= %llu",
		         (unsigned long long)sf->depth);
		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_str(t, c_name, s->cg->funcs[i].name);
		if (rc >= 0)
			rc = trc_table_u64(t, c_meas, measured[i], NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_static, sf->depth, h);
		if (rc >= 0)
			rc = trc_table_str(t, c_verdict, v);
		if (rc >= 0 && v[0] == 'E') {
			const struct trc_cg_func *f = &s->cg->funcs[i];
			char loc[600];

			trc_table_style(t, c_verdict, TRC_STYLE_BAD);
			(*flagged)++;
			loc_text(loc, sizeof(loc), f->file ? f->file : f->name,
			         f->file ? f->line : 0, 0);
			rc = trc_doc_note(d,
			                  "%s: error: '%s' measured %llu bytes of stack below its "
			                  "entry, more "
			                  "than its static bound of %llu bytes: the frame data or "
			                  "the call graph is "
			                  "wrong [stack-trace]",
			                  loc, f->name, (unsigned long long)measured[i],
			                  (unsigned long long)sf->depth);
		}
	}
	return rc < 0 ? rc : 0;
}

/* ------------------------------------------------------- interrupts */

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
	int rc, c_part, c_prio, c_exc, c_stack, c_total;
	char h[64];

	rc = trc_irq_main_new(&m, s, e, r->has_interrupts, r->irqs, r->nirqs, r->fpu,
	                      r->exception_frame, r->max_nesting, err);
	if (rc < 0 || !m.present)
		goto out;
	if (m.thread == (size_t)-1) {
		rc = trc_doc_note(d, "main stack: every root is an interrupt handler; give the "
		                     "thread-mode root (main, Reset_Handler) with --root");
		goto out;
	}
	snprintf(h, sizeof(h), m.complete ? "%llu" : ">= %llu", (unsigned long long)m.total);
	rc = trc_doc_meta_u64(d, "main_stack", "main stack worst case (bytes)", m.total, h);
	if (rc >= 0)
		rc = trc_doc_meta_u64(d, "exception_frame", "exception frame (bytes)", m.frame,
		                      NULL);
	if (rc >= 0)
		rc = trc_doc_meta_str(d, "fpu", "FPU context stacked", m.fpu_text);
	if (rc >= 0 && m.set.from_vectors)
		rc = trc_doc_note(d, "main stack: handlers from the vector table, priorities not "
		                     "declared: each is taken to preempt every other (declare "
		                     "interrupts: handlers: to tighten)");
	if (rc >= 0)
		rc = trc_doc_add_table(&t, d, "main_stack",
		                       "Main stack: deepest thread path + preempting handlers");
	if (rc < 0)
		goto out;
	c_part = trc_table_col(t, "part", "part", TRC_ALIGN_LEFT);
	c_prio = trc_table_col(t, "priority", "priority", TRC_ALIGN_RIGHT);
	c_exc = trc_table_col(t, "exception_frame", "exception frame", TRC_ALIGN_RIGHT);
	c_stack = trc_table_col(t, "stack", "worst case", TRC_ALIGN_RIGHT);
	c_total = trc_table_col(t, "total", "total", TRC_ALIGN_RIGHT);
	rc = c_total;
	run = s->roots[m.thread].bytes;
	if (rc >= 0)
		rc = trc_table_row(t);
	if (rc >= 0)
		rc = trc_table_str(t, c_part, s->cg->funcs[s->roots[m.thread].func].name);
	if (rc >= 0)
		rc = trc_table_str(t, c_prio, "thread");
	if (rc >= 0)
		rc = trc_table_u64(t, c_exc, 0, NULL);
	if (rc >= 0)
		rc = trc_table_u64(t, c_stack, run, NULL);
	if (rc >= 0)
		rc = trc_table_u64(t, c_total, run, NULL);
	for (k = 0; k < m.nchain && rc >= 0; k++) {
		const struct trc_irq_handler *hd = &m.set.v[m.chain[k]];
		char pr[32];

		run += hd->cost;
		if (m.set.from_vectors && hd->priority >= 0)
			snprintf(pr, sizeof(pr), "any");
		else
			snprintf(pr, sizeof(pr), "%d", hd->priority);
		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_str(t, c_part, hd->name);
		if (rc >= 0)
			rc = trc_table_str(t, c_prio, pr);
		if (rc >= 0)
			rc = trc_table_u64(t, c_exc, m.frame, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_stack, hd->cost - m.frame, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_total, run, NULL);
		if (rc >= 0 && !hd->complete)
			trc_table_style(t, c_stack, TRC_STYLE_BAD);
	}
	if (rc < 0)
		lc_err_set(err, LC_ENOMEM, "out of memory");
out:
	trc_irq_main_fini(&m);
	return rc < 0 ? rc : 0;
}

int trc_cmd_stack(int argc, char **argv, const struct trc_opts *opts)
{
	struct st_args a;
	struct lc_err err = {0, ""};
	struct trc_elf *e = NULL;
	struct trc_frames frames;
	struct trc_cg cg;
	struct trc_stack *st = NULL;
	struct trc_doc *d = NULL;
	struct trc_budgets *bud = NULL;
	struct trc_budget_results *res = NULL;
	struct lc_yaml *y = NULL;
	struct trc_stack_rules notes;
	struct trc_stack_config cfg;
	size_t *roots = NULL, nroots = 0, i, j, nrecords = 0, flagged = 0, nci = 0;
	uint64_t *measured = NULL;
	char *chosen = NULL;
	int status = 2, rc, have_graph, have_binary = 0;
	struct trc_disasm_stats dst;

	memset(&notes, 0, sizeof(notes));
	notes.fpu = -1;
	memset(&cfg, 0, sizeof(cfg));
	trc_frames_init(&frames);
	trc_cg_init(&cg);
	rc = parse_args(&a, argc, argv);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (a.budgets) {
		if (trc_budgets_load(&bud, a.budgets, &err) < 0 ||
		    lc_yaml_load_file(&y, a.budgets, &err) < 0 ||
		    trc_stack_rules_load(&notes, trc_budgets_config(bud), y, &err) < 0)
			goto fail;
	}
	if (trc_elf_open(&e, a.elf, &err) < 0)
		goto fail;
	if (a.callgraph && trc_cg_load_json(&cg, a.callgraph, &err) < 0)
		goto fail;
	if (trc_frames_load_paths(&frames, NULL, a.su, a.nsu, 0, NULL, &err) < 0 ||
	    trc_frames_load_paths(&frames, &cg, a.ci, a.nci, 1, &nci, &err) < 0)
		goto fail;
	if (trc_frames_from_cfi(&frames, e, &err) < 0 && err.code != LC_ENOTFOUND)
		goto fail;
	lc_err_clear(&err);
	if (trc_disasm_supported(e)) {
		if (trc_disasm_calls(&cg, e, &dst, &err) < 0)
			goto fail;
		have_binary = 1;
	}
	if (frames.n == 0) {
		if (err.code == 0)
			lc_err_set(&err, LC_ENOTFOUND,
			           "%s: no function symbols and no frame files: nothing to "
			           "analyse (stripped? give --su or --ci files)",
			           a.elf);
		goto fail;
	}
	lc_err_clear(&err);
	trc_frames_finish(&frames);
	if (a.budgets && trc_stack_rules_apply(&notes, a.budgets, &frames, &cg, &err) < 0)
		goto fail;
	have_graph = a.callgraph != NULL || nci > 0 || have_binary;

	/* Roots: --root names or globs over the graph and the binary; else
	 * the call graph's roots. */
	/* Every root is a distinct function of the graph, which the loop below
	 * may grow by the binary's functions: at most nfuncs + frames.n. */
	roots = calloc(cg.nfuncs + frames.n + 1, sizeof(*roots));
	chosen = calloc(cg.nfuncs + frames.n + 1, 1);
	if (roots == NULL || chosen == NULL)
		goto nomem;
	for (i = 0; i < a.nroots; i++) {
		size_t before = nroots, idx;

		for (j = 0; j < frames.n; j++)
			if (fnmatch(a.roots[i], frames.v[j].name, 0) == 0 &&
			    trc_cg_func(&idx, &cg, frames.v[j].name) < 0)
				goto nomem;
		for (j = 0; j < cg.nfuncs; j++) {
			if (fnmatch(a.roots[i], cg.funcs[j].name, 0) != 0)
				continue;
			if (!chosen[j])
				roots[nroots++] = j;
			else if (nroots == before)
				before = (size_t)-1; /* matched, though only roots already chosen */
			chosen[j] = 1;
		}
		if (nroots == before) {
			lc_err_set(&err, LC_ENOTFOUND,
			           "no function '%s' in the call graph or the binary", a.roots[i]);
			goto fail;
		}
	}
	if (a.nroots == 0)
		for (j = 0; j < cg.nfuncs; j++)
			if (cg.funcs[j].root)
				roots[nroots++] = j;
	if (nroots == 0) {
		lc_err_set(&err, LC_EUSAGE,
		           "no roots: give --root NAME, or a call graph (--callgraph) that marks "
		           "its interlock roots");
		goto fail;
	}
	/* Functions known only from the binary count as defined. */
	for (j = 0; j < frames.n; j++) {
		size_t idx = trc_cg_find(&cg, frames.v[j].name);

		if (idx != (size_t)-1)
			cg.funcs[idx].defined = 1;
	}
	cfg.red_zone = e->machine == EM_X86_64 ? 128 : 0;
	cfg.targets = notes.targets;
	cfg.ntargets = notes.ntargets;
	cfg.bounds = notes.bounds;
	cfg.nbounds = notes.nbounds;
	if (trc_stack_new(&st, &cg, &frames, &cfg, roots, nroots, &err) < 0)
		goto fail;

	if (trc_doc_new(&d, "stack", &err) < 0)
		goto fail;
	rc = trc_doc_meta_str(d, "file", "file", e->path);
	if (rc >= 0)
		rc = trc_doc_meta_u64(d, "functions", "functions in the call graph", cg.nfuncs,
		                      NULL);
	if (rc >= 0)
		rc = trc_doc_meta_u64(d, "edges", "calls in the call graph", cg.nedges, NULL);
	if (rc >= 0)
		rc = trc_doc_meta_u64(d, "red_zone", "red zone at leaves (bytes)", cfg.red_zone,
		                      NULL);
	if (rc >= 0 && have_binary)
		rc = trc_doc_meta_u64(d, "binary_calls", "calls decoded from the machine code",
		                      dst.edges, NULL);
	if (rc >= 0 && !have_graph)
		rc = trc_doc_note(
		        d, "no call graph (--callgraph or --ci) and no decoder for this machine: "
		           "only the roots' own frames are counted, so every figure is incomplete");
	if (rc >= 0)
		rc = add_tables(d, st, &frames, have_graph);
	if (rc >= 0)
		rc = add_diagnostics(d, st);
	if (rc >= 0 && (notes.has_interrupts || e->machine == EM_ARM) &&
	    add_main_stack(d, st, e, &notes, &err) < 0)
		goto fail;
	if (rc < 0)
		goto nomem;
	if (a.trace) {
		measured = calloc(cg.nfuncs ? cg.nfuncs : 1, sizeof(*measured));
		if (measured == NULL)
			goto nomem;
		if (trc_stack_measure(measured, &cg, a.trace, a.elf, &nrecords, &err) < 0)
			goto fail;
		if (add_trace_check(d, st, measured, nrecords, &flagged) < 0)
			goto nomem;
	}
	if (bud) {
		if (trc_budget_results_new(&res, &err) < 0 ||
		    check_budgets(res, bud, st, have_graph) < 0)
			goto nomem;
		trc_doc_set_budgets(d, res);
	}
	a.out.embed = opts->embed; /* latch-trace html: a section of its page */
	if (trc_doc_emit(d, &a.out, opts->color, &err) < 0)
		goto fail;
	status = res ? trc_budget_results_exit(res) : 0;
	if (flagged > 0 && status == 0)
		status = 1;
	goto out;
nomem:
	lc_err_set(&err, LC_ENOMEM, "out of memory");
fail:
	trc_fail("%s", err.msg);
	status = 2;
out:
	trc_doc_free(d);
	trc_budget_results_free(res);
	trc_budgets_free(bud);
	trc_stack_free(st);
	free(roots);
	free(chosen);
	free(measured);
	trc_stack_rules_fini(&notes);
	lc_yaml_free(y);
	trc_cg_fini(&cg);
	trc_frames_fini(&frames);
	trc_elf_free(e);
	return status;
}
