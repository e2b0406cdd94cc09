/*
 * tracer/report/budget.c - loads the `budgets:` section of a rules file and keeps
 * the verdicts a command records against it (see budget.h).
 *
 * The loader is strict inside `budgets:` (an unknown key is an error with its
 * position) because a misspelt limit would otherwise pass CI forever.
 */
#define _GNU_SOURCE
#include "report/budget.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "yaml.h"

struct trc_budgets {
	char *file;
	struct trc_budget *v;
	size_t n, cap;
};

struct trc_budget_results {
	struct trc_budget_result *v;
	size_t n, cap;
};

static const char *const kind_names[] = {
        [TRC_BUDGET_LOST_EVENTS] = "lost_events_max",
        [TRC_BUDGET_FUNC_MAX] = "max_us",
        [TRC_BUDGET_FUNC_P99] = "p99_us",
        [TRC_BUDGET_FUNC_STACK] = "stack_bytes",
        [TRC_BUDGET_MEM_REGION] = "memory",
        [TRC_BUDGET_MEM_SECTION] = "section",
        [TRC_BUDGET_MEM_SYMBOL] = "symbol",
        [TRC_BUDGET_STACK_ROOT] = "stack",
        [TRC_BUDGET_DEADLINE] = "deadline",
};

const char *trc_budget_kind_name(enum trc_budget_kind kind)
{
	if ((size_t)kind < sizeof(kind_names) / sizeof(kind_names[0]))
		return kind_names[kind];
	return "?";
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
	size_t i;

	if (b == NULL)
		return;
	for (i = 0; i < b->n; i++)
		free((char *)b->v[i].subject);
	free(b->v);
	free(b->file);
	free(b);
}

static int add_limit(struct trc_budgets *b, enum trc_budget_kind kind, const char *subject,
                     double limit, const char *unit, unsigned line, unsigned col,
                     struct lc_err *err)
{
	struct trc_budget *e;

	if (b->n == b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 8;
		struct trc_budget *v = realloc(b->v, cap * sizeof(*v));

		if (v == NULL)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
		b->v = v;
		b->cap = cap;
	}
	e = &b->v[b->n];
	e->subject = strdup(subject);
	if (e->subject == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	e->kind = kind;
	e->limit = limit;
	e->unit = unit;
	e->file = b->file;
	e->line = line;
	e->col = col;
	b->n++;
	return 0;
}

static int bad_node(const struct lc_yaml *y, lc_ynode n, struct lc_err *err, const char *what)
{
	return lc_err_set(err, LC_EFORMAT, "%s:%u:%u: %s", lc_yaml_name(y), lc_yaml_line(y, n),
	                  lc_yaml_col(y, n), what);
}

/* A non-negative number (time limits may be fractional). */
static int read_number(const struct lc_yaml *y, lc_ynode n, double *out, struct lc_err *err)
{
	int rc = lc_yaml_to_double(y, n, out, err);

	if (rc < 0)
		return rc;
	if (!(*out >= 0.0))
		return bad_node(y, n, err, "expected a non-negative number");
	return 0;
}

static int read_size(const struct lc_yaml *y, lc_ynode n, double *out, struct lc_err *err)
{
	uint64_t v = 0;
	int rc = lc_yaml_to_size(y, n, &v, err);

	if (rc == 0)
		*out = (double)v;
	return rc;
}

/* functions: { NAME: { max_us, p99_us, stack_bytes } } */
static int load_functions(struct trc_budgets *b, const struct lc_yaml *y, lc_ynode map,
                          struct lc_err *err)
{
	size_t i, j;
	int rc = 0;

	if (lc_yaml_kind(y, map) != LC_Y_MAP)
		return bad_node(y, map, err,
		                "expected 'functions' to map function names to limits");
	for (i = 0; i < lc_yaml_len(y, map) && rc == 0; i++) {
		lc_ynode k = lc_yaml_key_at(y, map, i), v = lc_yaml_value_at(y, map, i);
		const char *name = lc_yaml_scalar(y, k);

		if (name == NULL || *name == '\0') {
			rc = bad_node(y, k, err, "expected a function name or glob");
			break;
		}
		if (lc_yaml_kind(y, v) != LC_Y_MAP || lc_yaml_len(y, v) == 0) {
			rc = bad_node(y, v, err,
			              "expected limits such as { max_us: 50, p99_us: 20, "
			              "stack_bytes: 2048 }");
			break;
		}
		for (j = 0; j < lc_yaml_len(y, v) && rc == 0; j++) {
			lc_ynode lk = lc_yaml_key_at(y, v, j), lv = lc_yaml_value_at(y, v, j);
			const char *key = lc_yaml_scalar(y, lk);
			double lim = 0.0;

			if (key != NULL && strcmp(key, "max_us") == 0) {
				rc = read_number(y, lv, &lim, err);
				if (rc == 0)
					rc = add_limit(b, TRC_BUDGET_FUNC_MAX, name, lim, "us",
					               lc_yaml_line(y, lv), lc_yaml_col(y, lv),
					               err);
			} else if (key != NULL && strcmp(key, "p99_us") == 0) {
				rc = read_number(y, lv, &lim, err);
				if (rc == 0)
					rc = add_limit(b, TRC_BUDGET_FUNC_P99, name, lim, "us",
					               lc_yaml_line(y, lv), lc_yaml_col(y, lv),
					               err);
			} else if (key != NULL && strcmp(key, "stack_bytes") == 0) {
				rc = read_size(y, lv, &lim, err);
				if (rc == 0)
					rc = add_limit(b, TRC_BUDGET_FUNC_STACK, name, lim, "bytes",
					               lc_yaml_line(y, lv), lc_yaml_col(y, lv),
					               err);
			} else {
				char msg[200];

				snprintf(msg, sizeof(msg),
				         "unknown function budget '%s' (expected max_us, p99_us or "
				         "stack_bytes)",
				         key ? key : "?");
				rc = bad_node(y, lk, err, msg);
			}
		}
	}
	return rc;
}

/* NAME: SIZE pairs, for memory.sections, memory.symbols and stack. */
static int load_sizes(struct trc_budgets *b, const struct lc_yaml *y, lc_ynode map,
                      enum trc_budget_kind kind, const char *what, struct lc_err *err)
{
	size_t i;
	int rc = 0;

	if (lc_yaml_kind(y, map) != LC_Y_MAP) {
		char msg[160];

		snprintf(msg, sizeof(msg), "expected '%s' to map names to sizes", what);
		return bad_node(y, map, err, msg);
	}
	for (i = 0; i < lc_yaml_len(y, map) && rc == 0; i++) {
		lc_ynode k = lc_yaml_key_at(y, map, i), v = lc_yaml_value_at(y, map, i);
		const char *name = lc_yaml_scalar(y, k);
		double lim = 0.0;

		if (name == NULL || *name == '\0')
			return bad_node(y, k, err, "expected a name");
		rc = read_size(y, v, &lim, err);
		if (rc == 0)
			rc = add_limit(b, kind, name, lim, "bytes", lc_yaml_line(y, v),
			               lc_yaml_col(y, v), err);
	}
	return rc;
}

static int load_memory(struct trc_budgets *b, const struct lc_yaml *y, lc_ynode map,
                       struct lc_err *err)
{
	size_t i;
	int rc = 0;

	if (lc_yaml_kind(y, map) != LC_Y_MAP)
		return bad_node(y, map, err, "expected 'memory' to be a mapping");
	for (i = 0; i < lc_yaml_len(y, map) && rc == 0; i++) {
		lc_ynode k = lc_yaml_key_at(y, map, i), v = lc_yaml_value_at(y, map, i);
		const char *key = lc_yaml_scalar(y, k);
		double lim = 0.0;

		if (key == NULL)
			return bad_node(y, k, err,
			                "expected a region name, 'sections' or 'symbols'");
		if (strcmp(key, "sections") == 0) {
			rc = load_sizes(b, y, v, TRC_BUDGET_MEM_SECTION, "sections", err);
		} else if (strcmp(key, "symbols") == 0) {
			rc = load_sizes(b, y, v, TRC_BUDGET_MEM_SYMBOL, "symbols", err);
		} else {
			rc = read_size(y, v, &lim, err);
			if (rc == 0)
				rc = add_limit(b, TRC_BUDGET_MEM_REGION, key, lim, "bytes",
				               lc_yaml_line(y, v), lc_yaml_col(y, v), err);
		}
	}
	return rc;
}

static int load_doc(struct trc_budgets *b, const struct lc_yaml *y, struct lc_err *err)
{
	lc_ynode root = lc_yaml_root(y), sec;
	size_t i;
	int rc = 0;

	if (root == 0)
		return 0;
	if (lc_yaml_kind(y, root) != LC_Y_MAP)
		return bad_node(y, root, err, "expected a mapping at the top of the rules file");
	sec = lc_yaml_get(y, root, "budgets");
	if (sec == 0 || lc_yaml_kind(y, sec) == LC_Y_NONE)
		return 0;
	if (lc_yaml_kind(y, sec) == LC_Y_SCALAR && lc_yaml_scalar(y, sec)[0] == '\0')
		return 0; /* "budgets:" with nothing under it */
	if (lc_yaml_kind(y, sec) != LC_Y_MAP)
		return bad_node(y, sec, err, "expected 'budgets' to be a mapping");
	for (i = 0; i < lc_yaml_len(y, sec) && rc == 0; i++) {
		lc_ynode k = lc_yaml_key_at(y, sec, i), v = lc_yaml_value_at(y, sec, i);
		const char *key = lc_yaml_scalar(y, k);

		if (key != NULL && strcmp(key, "lost_events_max") == 0) {
			uint64_t n = 0;

			rc = lc_yaml_to_u64(y, v, &n, err);
			if (rc == 0)
				rc = add_limit(b, TRC_BUDGET_LOST_EVENTS, "trace", (double)n,
				               "events", lc_yaml_line(y, v), lc_yaml_col(y, v),
				               err);
		} else if (key != NULL && strcmp(key, "functions") == 0) {
			rc = load_functions(b, y, v, err);
		} else if (key != NULL && strcmp(key, "memory") == 0) {
			rc = load_memory(b, y, v, err);
		} else if (key != NULL && strcmp(key, "stack") == 0) {
			rc = load_sizes(b, y, v, TRC_BUDGET_STACK_ROOT, "stack", err);
		} else {
			char msg[200];

			snprintf(msg, sizeof(msg),
			         "unknown key 'budgets.%s' (expected lost_events_max, functions, "
			         "memory or stack)",
			         key ? key : "?");
			rc = bad_node(y, k, err, msg);
		}
	}
	return rc;
}

static int load_common(struct trc_budgets **out, struct lc_yaml *y, struct lc_err *err)
{
	struct trc_budgets *b = calloc(1, sizeof(*b));
	int rc;

	if (b == NULL || (b->file = strdup(lc_yaml_name(y))) == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	rc = load_doc(b, y, err);
	if (rc == 0) {
		*out = b;
		b = NULL;
	}
out:
	trc_budgets_free(b);
	return rc;
}

int trc_budgets_load(struct trc_budgets **out, const char *path, struct lc_err *err)
{
	struct lc_yaml *y = NULL;
	int rc = lc_yaml_load_file(&y, path, err);

	if (rc == 0)
		rc = load_common(out, y, err);
	lc_yaml_free(y);
	return rc;
}

int trc_budgets_load_mem(struct trc_budgets **out, const char *name, const char *buf, size_t len,
                         struct lc_err *err)
{
	struct lc_yaml *y = NULL;
	int rc = lc_yaml_load_mem(&y, name, buf, len, err);

	if (rc == 0)
		rc = load_common(out, y, err);
	lc_yaml_free(y);
	return rc;
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
	return b ? b->file : NULL;
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

	if (r->n == r->cap) {
		size_t cap = r->cap ? r->cap * 2 : 8;
		struct trc_budget_result *nv = realloc(r->v, cap * sizeof(*nv));

		if (nv == NULL)
			return LC_ENOMEM;
		r->v = nv;
		r->cap = cap;
	}
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
