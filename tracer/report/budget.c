/*
 * tracer/report/budget.c - the budgets of a rules file, as the one loader
 * (common/lc_config.h) read them, and the verdicts a command records against
 * them (see budget.h).
 */
#define _GNU_SOURCE
#include "report/budget.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

struct trc_budgets {
	struct lc_config cfg; /* owns every string of v */
	struct trc_budget *v;
	size_t n;
};

struct trc_budget_results {
	struct trc_budget_result *v;
	size_t n, cap;
};

/* What each kind of limit is: its key, the rule id a broken verdict is
 * printed with, and which way it points (a minimum such as coverage_min
 * passes at or above its limit, every other kind at or below). */
static const struct kind {
	const char *name;
	const char *rule;
	int minimum;
} kinds[] = {
        [TRC_BUDGET_LOST_EVENTS] = {"lost_events_max", "budget", 0},
        [TRC_BUDGET_FUNC_MAX] = {"max_us", "budget", 0},
        [TRC_BUDGET_FUNC_P99] = {"p99_us", "budget", 0},
        [TRC_BUDGET_FUNC_STACK] = {"stack_bytes", "budget", 0},
        [TRC_BUDGET_MEM_REGION] = {"memory", "budget", 0},
        [TRC_BUDGET_MEM_SECTION] = {"section", "budget", 0},
        [TRC_BUDGET_MEM_SYMBOL] = {"symbol", "budget", 0},
        [TRC_BUDGET_STACK_ROOT] = {"stack", "budget", 0},
        [TRC_BUDGET_COVERAGE] = {"coverage_min", "budget", 1},
        [TRC_BUDGET_HEAP_ALLOC] = {"heap-alloc", "heap-alloc", 0},
        [TRC_BUDGET_DEADLINE] = {"deadline", "budget", 0},
};

static const struct kind *kind_of(enum trc_budget_kind kind)
{
	if ((size_t)kind < sizeof(kinds) / sizeof(kinds[0]) && kinds[kind].name != NULL)
		return &kinds[kind];
	return NULL;
}

const char *trc_budget_rule_id(enum trc_budget_kind kind)
{
	const struct kind *k = kind_of(kind);

	return k != NULL ? k->rule : "budget";
}

const char *trc_budget_kind_name(enum trc_budget_kind kind)
{
	const struct kind *k = kind_of(kind);

	return k != NULL ? k->name : "?";
}

const char *trc_verdict_name(enum trc_verdict v)
{
	switch (v) {
	case TRC_VERDICT_PASS:
		return "PASS";
	case TRC_VERDICT_FAIL:
		return "FAIL";
	case TRC_VERDICT_ERROR:
		return "ERROR";
	}
	return "?";
}

int trc_budget_matches(const char *subject, const char *name)
{
	return fnmatch(subject, name, 0) == 0;
}

int trc_budget_is_glob(const char *subject)
{
	return strpbrk(subject, "*?[") != NULL;
}

/* ---------------------------------------------------------------- loading */

void trc_budgets_free(struct trc_budgets *b)
{
	if (b == NULL)
		return;
	free(b->v);
	lc_config_fini(&b->cfg);
	free(b);
}

/* The budgets of a loaded configuration, in file order (packs first). */
static int take(struct trc_budgets **out, struct trc_budgets *b, int rc, struct lc_err *err)
{
	size_t i;

	if (rc < 0)
		goto out;
	b->v = calloc(b->cfg.nbudgets + 1, sizeof(*b->v));
	if (b->v == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < b->cfg.nbudgets; i++) {
		const struct lc_budget *l = &b->cfg.budgets[i];
		struct trc_budget *e;

		e = &b->v[b->n++];
		e->kind = (enum trc_budget_kind)l->kind;
		e->subject = l->subject;
		e->limit = l->limit;
		e->unit = l->unit;
		e->file = l->at.file;
		e->line = l->at.line;
		e->col = l->at.col;
	}
	*out = b;
	b = NULL;
out:
	trc_budgets_free(b);
	return rc;
}

int trc_budgets_load(struct trc_budgets **out, const char *path, struct lc_err *err)
{
	struct trc_budgets *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (b == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	return take(out, b, lc_config_load(&b->cfg, path, 1, NULL, err), err);
}

int trc_budgets_load_mem(struct trc_budgets **out, const char *name, const char *buf, size_t len,
                         struct lc_err *err)
{
	struct trc_budgets *b = calloc(1, sizeof(*b));

	*out = NULL;
	if (b == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	return take(out, b, lc_config_load_mem(&b->cfg, name, buf, len, 1, NULL, err), err);
}

const struct lc_config *trc_budgets_config(const struct trc_budgets *b)
{
	return b ? &b->cfg : NULL;
}

size_t trc_budgets_count(const struct trc_budgets *b)
{
	return b ? b->n : 0;
}

const struct trc_budget *trc_budgets_at(const struct trc_budgets *b, size_t i)
{
	return b && i < b->n ? &b->v[i] : NULL;
}

const char *trc_budgets_file(const struct trc_budgets *b)
{
	return b ? b->cfg.path : NULL;
}

/* ---------------------------------------------------------------- verdicts */

int trc_budget_results_new(struct trc_budget_results **out, struct lc_err *err)
{
	*out = calloc(1, sizeof(**out));
	if (*out == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	return 0;
}

void trc_budget_results_free(struct trc_budget_results *r)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < r->n; i++) {
		free((char *)r->v[i].subject);
		free((char *)r->v[i].pattern);
		free((char *)r->v[i].message);
		free((char *)r->v[i].src_file);
		free((char *)r->v[i].budget_file);
	}
	free(r->v);
	free(r);
}

int trc_budget_results_add(struct trc_budget_results *r, const struct trc_budget *b,
                           const char *name, enum trc_verdict v, int has_actual, double actual,
                           const char *src_file, unsigned src_line, const char *fmt, ...)
{
	struct trc_budget_result *e;
	va_list ap;
	char *msg = NULL;
	int n;

	if (lc_grow(&r->v, &r->cap, r->n + 1u, sizeof(*r->v), 8u) < 0)
		return LC_ENOMEM;
	va_start(ap, fmt);
	n = vasprintf(&msg, fmt, ap);
	va_end(ap);
	if (n < 0)
		return LC_ENOMEM;
	e = &r->v[r->n];
	memset(e, 0, sizeof(*e));
	e->kind = b->kind;
	e->subject = strdup(name ? name : b->subject);
	e->pattern = strdup(b->subject);
	e->limit = b->limit;
	e->actual = actual;
	e->has_actual = has_actual;
	e->unit = b->unit;
	e->verdict = v;
	e->message = msg;
	e->src_file = src_file ? strdup(src_file) : NULL;
	e->src_line = src_line;
	e->budget_file = b->file ? strdup(b->file) : NULL;
	e->budget_line = b->line;
	r->n++;
	if (e->subject == NULL || e->pattern == NULL || (src_file && e->src_file == NULL) ||
	    (b->file && e->budget_file == NULL))
		return LC_ENOMEM;
	return 0;
}

enum trc_verdict trc_budget_judge(const struct trc_budget *b, double actual)
{
	const struct kind *k = kind_of(b->kind);

	if (k != NULL && k->minimum)
		return actual >= b->limit ? TRC_VERDICT_PASS : TRC_VERDICT_FAIL;
	return actual <= b->limit ? TRC_VERDICT_PASS : TRC_VERDICT_FAIL;
}

size_t trc_budget_results_count(const struct trc_budget_results *r)
{
	return r ? r->n : 0;
}

const struct trc_budget_result *trc_budget_results_at(const struct trc_budget_results *r, size_t i)
{
	return r && i < r->n ? &r->v[i] : NULL;
}

void trc_budget_results_tally(const struct trc_budget_results *r, size_t *pass, size_t *fail,
                              size_t *error)
{
	size_t i, p = 0, f = 0, e = 0;

	for (i = 0; r && i < r->n; i++) {
		if (r->v[i].verdict == TRC_VERDICT_PASS)
			p++;
		else if (r->v[i].verdict == TRC_VERDICT_FAIL)
			f++;
		else
			e++;
	}
	if (pass)
		*pass = p;
	if (fail)
		*fail = f;
	if (error)
		*error = e;
}

int trc_budget_results_exit(const struct trc_budget_results *r)
{
	size_t fail = 0, error = 0;

	trc_budget_results_tally(r, NULL, &fail, &error);
	return error ? 2 : fail ? 1 : 0;
}
