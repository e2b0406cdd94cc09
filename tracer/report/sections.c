/* tracer/report/sections.c - bound and heap-guard sections of report (see sections.h). */
#define _GNU_SOURCE
#include "report/sections.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/units.h"
#include "trace/bound.h"
#include "trace/coverage.h"

static int by_label(const void *pa, const void *pb)
{
	const struct trc_fn *const *a = pa, *const *b = pb;

	return strcmp((*a)->label, (*b)->label);
}

int trc_section_self_times(uint64_t *self_ns, const struct trc_cg *cg, const struct trc_profile *a)
{
	const struct trc_fn **v = malloc((a->nfns ? a->nfns : 1) * sizeof(*v));
	size_t i, n = 0;

	if (v == NULL)
		return LC_ENOMEM;
	for (i = 0; i < a->nfns; i++)
		if (a->fns[i].sym.name != NULL && a->fns[i].st->calls > 0)
			v[n++] = &a->fns[i];
	qsort(v, n, sizeof(*v), by_label);
	for (i = 0; i < cg->nfuncs; i++) {
		struct trc_fn key;
		const struct trc_fn *kp = &key, *const * hit;

		self_ns[i] = TRC_BOUND_UNMEASURED;
		snprintf(key.label, sizeof(key.label), "%s", cg->funcs[i].name);
		hit = bsearch(&kp, v, n, sizeof(*v), by_label);
		if (hit == NULL)
			continue;
		/* two statics of one name: the first and last of the run of equal
		 * labels bracket them; take the largest */
		while (hit > v && strcmp(hit[-1]->label, key.label) == 0)
			hit--;
		for (self_ns[i] = 0; hit < v + n && strcmp((*hit)->label, key.label) == 0; hit++)
			if ((*hit)->st->max_excl_ns > self_ns[i])
				self_ns[i] = (*hit)->st->max_excl_ns;
	}
	free(v);
	return 0;
}

static int ns_cell(struct trc_table *t, int col, uint64_t ns)
{
	char u[TRC_UNITS_BUF];

	return trc_table_u64(t, col, ns, trc_units_ns(u, sizeof(u), (double)ns));
}

enum { BOUND_ROOT, BOUND_OBSERVED, BOUND_BOUND, BOUND_STATUS, BOUND_REASON, BOUND_AT };
static const struct trc_col_spec bound_cols[] = {
        {"root", "root", TRC_ALIGN_LEFT},
        {"observed_max_ns", "observed max", TRC_ALIGN_RIGHT},
        {"bound_ns", "bound", TRC_ALIGN_RIGHT},
        {"status", "status", TRC_ALIGN_LEFT},
        {"reason", "why", TRC_ALIGN_LEFT},
        {"at", "at", TRC_ALIGN_LEFT}};

int trc_section_bounds(struct trc_doc *d, const struct trc_cg *cg, const struct trc_profile *a,
                       struct lc_err *err)
{
	uint64_t *self = malloc((cg->nfuncs ? cg->nfuncs : 1) * sizeof(*self));
	struct trc_bound *b = NULL;
	struct trc_table *t = NULL;
	size_t i;
	int rc;

	if (self == NULL || trc_section_self_times(self, cg, a) < 0) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	if ((rc = trc_bound_compute(&b, cg, self, err)) < 0)
		goto out;
	trc_doc_add_table_cols(&t, d, "bounds",
	                       "timing bound per root: call graph x measured self times "
	                       "(docs/wcet-bound.md)",
	                       bound_cols, sizeof(bound_cols) / sizeof(bound_cols[0]));
	for (i = 0; i < b->nroots; i++) {
		const struct trc_bound_root *r = &b->roots[i];
		const struct trc_fn *f = trc_profile_find(a, cg->funcs[r->func].name);
		char why[512], at[320];

		trc_table_row(t);
		trc_table_str(t, BOUND_ROOT, cg->funcs[r->func].name);
		if (f != NULL && f->st->calls > 0)
			ns_cell(t, BOUND_OBSERVED, f->st->hist.max);
		else
			trc_table_null(t, BOUND_OBSERVED, "never ran");
		if (r->why == TRC_BOUND_OK) {
			ns_cell(t, BOUND_BOUND, r->bound_ns);
			trc_table_str(t, BOUND_STATUS, "bounded");
			trc_table_null(t, BOUND_REASON, "");
			trc_table_null(t, BOUND_AT, "");
			continue;
		}
		trc_table_null(t, BOUND_BOUND, "-");
		trc_table_str(t, BOUND_STATUS, "no bound");
		trc_table_style(t, BOUND_STATUS, TRC_STYLE_WARN);
		snprintf(why, sizeof(why), "%s: '%s'", trc_bound_why_name(r->why),
		         cg->funcs[r->why_func].name);
		trc_table_str(t, BOUND_REASON, why);
		if (r->why_file != NULL && r->why_line > 0) {
			snprintf(at, sizeof(at), "%s:%u", r->why_file, r->why_line);
			trc_table_str(t, BOUND_AT, at);
		} else {
			trc_table_null(t, BOUND_AT, "");
		}
	}
	rc = trc_doc_check(d, err);
out:
	trc_bound_free(b);
	free(self);
	return rc;
}

/* One lookup per frame of a site's backtrace: the frames' names joined into
 * buf ("f < g < main"), and the allocating function in *caller: the first
 * frame with source information (the program's own code, built with -g),
 * else the innermost frame. Frames are return addresses: the call is the
 * instruction before each. */
static int describe_site(struct trc_symbol *caller, char *buf, size_t n,
                         const struct trc_profile *a, const struct trc_heap_site *s,
                         struct lc_err *err)
{
	size_t i, len = 0;
	int found = 0, rc;

	memset(caller, 0, sizeof(*caller));
	buf[0] = '\0';
	for (i = 0; i < s->nframes; i++) {
		struct trc_symbol sy;

		if ((rc = trc_sym_lookup(a->sym, s->frames[i] - 1, &sy, err)) < 0)
			return rc;
		if (i == 0 || (!found && sy.name != NULL && sy.file != NULL)) {
			*caller = sy;
			found = sy.name != NULL && sy.file != NULL;
		}
		if (len + 1 >= n)
			continue;
		if (sy.name != NULL)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " < " : "",
			                        sy.name);
		else
			len += (size_t)snprintf(buf + len, n - len, "%s0x%" PRIx64, i ? " < " : "",
			                        s->frames[i]);
	}
	return 0;
}

enum { HEAP_ROOT, HEAP_ALLOC, HEAP_FROM, HEAP_COUNT, HEAP_SIZE, HEAP_AT, HEAP_SOURCE, HEAP_BT };
static const struct trc_col_spec heap_cols[] = {
        {"root", "root", TRC_ALIGN_LEFT},      {"allocator", "call", TRC_ALIGN_LEFT},
        {"function", "from", TRC_ALIGN_LEFT},  {"count", "times", TRC_ALIGN_RIGHT},
        {"max_size", "size", TRC_ALIGN_RIGHT}, {"first_at_ns", "first at", TRC_ALIGN_RIGHT},
        {"source", "source", TRC_ALIGN_LEFT},  {"backtrace", "backtrace", TRC_ALIGN_LEFT}};

int trc_section_heap(struct trc_doc *d, struct trc_budget_results *res,
                     const struct trc_heapfind *h, const struct trc_profile *a, struct lc_err *err)
{
	static const struct trc_budget heap_rule = {
	        TRC_BUDGET_HEAP_ALLOC, "heap guard", 0, "allocations", NULL, 0, 0};
	struct trc_table *t = NULL;
	uint64_t start = lc_trace_time_ns(a->t, lc_trace_header(a->t)->start_ticks);
	size_t i;
	int rc;

	if (h->nsites == 0)
		return 0;
	trc_doc_add_table_cols(&t, d, "heap_guard",
	                       "heap guard: allocations while an interlock root was on the "
	                       "stack [heap-alloc]",
	                       heap_cols, sizeof(heap_cols) / sizeof(heap_cols[0]));
	for (i = 0; i < h->nsites; i++) {
		const struct trc_heap_site *s = &h->sites[i];
		const char *alloc = trc_heapfind_alloc_name(s->alloc);
		struct trc_symbol root, from;
		char rootname[256], fromname[256], src[320], bt[2048], u[TRC_UNITS_BUF];
		uint64_t at = s->first_ns > start ? s->first_ns - start : 0;

		if ((rc = trc_sym_lookup(a->sym, s->root, &root, err)) < 0 ||
		    (rc = describe_site(&from, bt, sizeof(bt), a, s, err)) < 0)
			return rc;
		snprintf(rootname, sizeof(rootname), "%s", root.name ? root.name : "?");
		if (from.name != NULL)
			snprintf(fromname, sizeof(fromname), "%s", from.name);
		else
			snprintf(fromname, sizeof(fromname), "0x%" PRIx64, s->caller);
		src[0] = '\0';
		if (from.file != NULL)
			snprintf(src, sizeof(src), "%s:%u", from.file, from.line);
		trc_table_row(t);
		trc_table_str(t, HEAP_ROOT, rootname);
		trc_table_str(t, HEAP_ALLOC, alloc);
		trc_table_str(t, HEAP_FROM, fromname);
		trc_table_u64(t, HEAP_COUNT, s->count, NULL);
		trc_table_u64(t, HEAP_SIZE, s->max_size, NULL);
		snprintf(u, sizeof(u), "+");
		trc_units_ns(u + 1, sizeof(u) - 1, (double)at);
		trc_table_u64(t, HEAP_AT, at, u);
		trc_table_str(t, HEAP_SOURCE, src[0] ? src : NULL);
		trc_table_str(t, HEAP_BT, bt);
		trc_table_style(t, HEAP_ALLOC, TRC_STYLE_BAD);
		if (trc_budget_results_add(res, &heap_rule, rootname, TRC_VERDICT_FAIL, 1,
		                           (double)s->count, from.file, from.line,
		                           "'%s' called from '%s' while interlock root '%s' was on "
		                           "the stack (%" PRIu64 " time%s, heap guard)",
		                           alloc, fromname, rootname, s->count,
		                           s->count == 1 ? "" : "s") < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
	}
	return trc_doc_check(d, err);
}

/* "a, b, c" of the functions root r never executed, in a new string. */
static char *missing_list(const struct trc_cg *cg, const struct trc_cov_root *r)
{
	char *list = NULL;
	size_t len = 0, k;
	FILE *f = open_memstream(&list, &len);

	if (f == NULL)
		return NULL;
	for (k = 0; k < r->nmissing; k++)
		fprintf(f, "%s%s", k ? ", " : "", cg->funcs[r->missing[k]].name);
	if (fclose(f) != 0) {
		free(list);
		return NULL;
	}
	return list;
}

static double covered(const struct trc_cov_root *r)
{
	return r->reachable ? 100.0 * (double)r->executed / (double)r->reachable : 100.0;
}

static int coverage_budgets(struct trc_budget_results *res, const struct trc_budgets *bs,
                            const struct trc_cg *cg, const struct trc_cov *cov)
{
	size_t i, j;

	for (i = 0; bs != NULL && i < trc_budgets_count(bs); i++) {
		const struct trc_budget *b = trc_budgets_at(bs, i);
		size_t matched = 0;

		if (b->kind != TRC_BUDGET_COVERAGE)
			continue;
		for (j = 0; j < cov->nroots; j++) {
			const struct trc_cov_root *r = &cov->roots[j];
			const struct trc_cg_func *fn = &cg->funcs[r->root];
			char *list;
			int rc;

			if (!trc_budget_matches(b->subject, fn->name))
				continue;
			matched++;
			list = missing_list(cg, r);
			if (list == NULL)
				return LC_ENOMEM;
			rc = trc_budget_results_add(
			        res, b, fn->name, trc_budget_judge(b, covered(r)), 1, covered(r),
			        fn->file, fn->line,
			        "'%s' executed %zu of the %zu functions reachable from it "
			        "(%.0f%%), "
			        "budget is %g%%%s%s",
			        fn->name, r->executed, r->reachable, covered(r), b->limit,
			        r->nmissing ? "; never executed: " : "", list);
			free(list);
			if (rc < 0)
				return rc;
		}
		if (matched == 0 &&
		    trc_budget_results_add(res, b, NULL, TRC_VERDICT_ERROR, 0, 0.0, NULL, 0,
		                           "no interlock root %s '%s' in the call graph: "
		                           "coverage_min not checked",
		                           trc_budget_is_glob(b->subject) ? "matches" : "named",
		                           b->subject) < 0)
			return LC_ENOMEM;
	}
	return 0;
}

enum { COV_ROOT, COV_REACHABLE, COV_EXECUTED, COV_COVERED, COV_NEVER };
static const struct trc_col_spec cov_cols[] = {
        {"root", "root", TRC_ALIGN_LEFT},
        {"reachable", "reachable", TRC_ALIGN_RIGHT},
        {"executed", "executed", TRC_ALIGN_RIGHT},
        {"covered", "covered", TRC_ALIGN_RIGHT},
        {"never_executed", "never executed in this run", TRC_ALIGN_LEFT}};

enum { NEVER_ROOT, NEVER_FUNCTION, NEVER_SOURCE };
static const struct trc_col_spec never_cols[] = {{"root", "root", TRC_ALIGN_LEFT},
                                                 {"function", "function", TRC_ALIGN_LEFT},
                                                 {"source", "source", TRC_ALIGN_LEFT}};

int trc_section_coverage(struct trc_doc *d, struct trc_budget_results *res,
                         const struct trc_budgets *bs, const struct trc_cg *cg,
                         const struct trc_profile *a, const char *const *roots, size_t nroots,
                         struct lc_err *err)
{
	struct trc_cov *cov = NULL;
	struct trc_table *t = NULL, *m = NULL;
	char *list = NULL, where[320];
	size_t i, k;
	int rc;

	if ((rc = trc_cov_compute(&cov, cg, a, roots, nroots, err)) < 0)
		goto out;
	trc_doc_add_table_cols(&t, d, "coverage", "coverage: functions reachable from each root",
	                       cov_cols, sizeof(cov_cols) / sizeof(cov_cols[0]));
	trc_doc_add_table_cols(&m, d, "never_executed",
	                       "never executed: the worst cases above do not cover these",
	                       never_cols, sizeof(never_cols) / sizeof(never_cols[0]));
	for (i = 0; i < cov->nroots; i++) {
		const struct trc_cov_root *r = &cov->roots[i];
		char pct[32];

		if ((list = missing_list(cg, r)) == NULL) {
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
		snprintf(pct, sizeof(pct), "%.0f%%", covered(r));
		trc_table_row(t);
		trc_table_str(t, COV_ROOT, cg->funcs[r->root].name);
		trc_table_u64(t, COV_REACHABLE, r->reachable, NULL);
		trc_table_u64(t, COV_EXECUTED, r->executed, NULL);
		trc_table_f64(t, COV_COVERED, covered(r) / 100.0, pct);
		if (r->nmissing > 0)
			trc_table_style(t, COV_COVERED, TRC_STYLE_WARN);
		trc_table_str(t, COV_NEVER, r->nmissing ? list : "-");
		free(list);
		list = NULL;
		for (k = 0; k < r->nmissing; k++) {
			const struct trc_cg_func *fn = &cg->funcs[r->missing[k]];

			trc_table_row(m);
			trc_table_str(m, NEVER_ROOT, cg->funcs[r->root].name);
			trc_table_str(m, NEVER_FUNCTION, fn->name);
			if (fn->file != NULL) {
				snprintf(where, sizeof(where), "%s:%u", fn->file, fn->line);
				trc_table_str(m, NEVER_SOURCE, where);
			} else {
				trc_table_null(m, NEVER_SOURCE, "");
			}
		}
	}
	if (cov->nroots == 0)
		trc_doc_note(
		        d, "the call graph marks no interlock root: coverage has nothing to cover");
	trc_doc_note(d, "a function never executed was not called in this run, or was inlined or "
	                "built without -finstrument-functions: the WCET figures do not cover it");
	if (res != NULL && coverage_budgets(res, bs, cg, cov) < 0) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	rc = trc_doc_check(d, err);
out:
	free(list);
	trc_cov_free(cov);
	return rc;
}
