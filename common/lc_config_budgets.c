/*
 * common/lc_config_budgets.c - the `budgets:` section of the rules file (schema
 * in docs/budgets.md), into the flat list cfg->budgets in file order.
 *
 *   budgets:
 *     lost_events_max: N
 *     functions: { NAME|GLOB: { max_us, p99_us, stack_bytes, coverage_min } }
 *     memory:    { REGION: SIZE, sections: { NAME: SIZE }, symbols: { GLOB: SIZE } }
 *     stack:     { ROOT: SIZE }
 *
 * Strict: an unknown key is an error, with the nearest known one. Memory
 * keys other than sections and symbols are region names (flash, ram, or a
 * linker region such as FLASH), so they are free; a region whose value is a
 * mapping is taken for a misspelt `sections`/`symbols`.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lc_config_int.h"

static const char *const budget_keys[] = {"lost_events_max", "functions", "memory", "stack", NULL};
static const char *const func_keys[] = {"max_us", "p99_us", "stack_bytes", "coverage_min", NULL};
static const char *const mem_keys[] = {"sections", "symbols", NULL};

static int add_limit(const struct lc__cctx *c, enum lc_budget_kind kind, const char *subject,
                     double limit, const char *unit, lc_ynode at)
{
	struct lc_config *cfg = c->cfg;
	struct lc_budget *b;

	if (lc__grow((void **)&cfg->budgets, &cfg->capbudgets, cfg->nbudgets + 1,
	             sizeof(*cfg->budgets)) < 0)
		return lc__cfg_nomem(c);
	b = &cfg->budgets[cfg->nbudgets];
	b->subject = strdup(subject);
	if (b->subject == NULL)
		return lc__cfg_nomem(c);
	b->kind = kind;
	b->limit = limit;
	b->unit = unit;
	b->at = lc__cfg_at(c, at);
	cfg->nbudgets++;
	return 0;
}

/* A non-negative number (time limits may be fractional). */
static int read_number(const struct lc__cctx *c, lc_ynode n, double *out)
{
	int rc = lc_yaml_to_double(c->y, n, out, c->err);

	if (rc < 0)
		return rc;
	if (!(*out >= 0.0))
		return lc__cfg_bad(c, n, "expected a non-negative number");
	return 0;
}

/* A percentage: 100%, 95.5% or a bare 0..100. */
static int read_percent(const struct lc__cctx *c, lc_ynode n, double *out)
{
	const char *s = lc_yaml_scalar(c->y, n);
	char *end = NULL;
	double v;

	if (s == NULL || *s == '\0')
		return lc__cfg_bad(c, n, "expected a percentage such as 100%%");
	v = strtod(s, &end);
	if (end == s || (*end != '\0' && strcmp(end, "%") != 0) || !(v >= 0.0 && v <= 100.0))
		return lc__cfg_bad(c, n, "expected a percentage from 0%% to 100%%, got '%s'", s);
	*out = v;
	return 0;
}

static int read_size(const struct lc__cctx *c, lc_ynode n, double *out)
{
	uint64_t v = 0;
	int rc = lc_yaml_to_size(c->y, n, &v, c->err);

	if (rc == 0)
		*out = (double)v;
	return rc;
}

/* functions: { NAME: { max_us, p99_us, stack_bytes, coverage_min } } */
static int load_functions(const struct lc__cctx *c, lc_ynode map)
{
	const struct lc_yaml *y = c->y;
	size_t i, j;
	int rc = 0;

	if (lc_yaml_kind(y, map) != LC_Y_MAP)
		return lc__cfg_bad(c, map, "expected 'functions' to map function names to limits");
	for (i = 0; i < lc_yaml_len(y, map) && rc == 0; i++) {
		lc_ynode k = lc_yaml_key_at(y, map, i), v = lc_yaml_value_at(y, map, i);
		const char *name = lc_yaml_scalar(y, k);

		if (name == NULL || *name == '\0')
			return lc__cfg_bad(c, k, "expected a function name or glob");
		if (lc_yaml_kind(y, v) != LC_Y_MAP || lc_yaml_len(y, v) == 0)
			return lc__cfg_bad(c, v,
			                   "expected limits such as { max_us: 50, p99_us: 20, "
			                   "stack_bytes: 2048 }");
		for (j = 0; j < lc_yaml_len(y, v) && rc == 0; j++) {
			lc_ynode lk = lc_yaml_key_at(y, v, j), lv = lc_yaml_value_at(y, v, j);
			int key = lc__cfg_key(c, lk, "function budget", "", func_keys);
			double lim = 0.0;

			switch (key) {
			case 0:
			case 1:
				rc = read_number(c, lv, &lim);
				if (rc == 0)
					rc = add_limit(c,
					               key == 0 ? LC_BUDGET_FUNC_MAX
					                        : LC_BUDGET_FUNC_P99,
					               name, lim, "us", lv);
				break;
			case 2:
				rc = read_size(c, lv, &lim);
				if (rc == 0)
					rc = add_limit(c, LC_BUDGET_FUNC_STACK, name, lim, "bytes",
					               lv);
				break;
			case 3:
				rc = read_percent(c, lv, &lim);
				if (rc == 0)
					rc = add_limit(c, LC_BUDGET_FUNC_COVERAGE, name, lim, "%",
					               lv);
				break;
			default:
				rc = LC_EFORMAT;
			}
		}
	}
	return rc;
}

/* NAME: SIZE pairs, for memory.sections, memory.symbols and stack. */
static int load_sizes(const struct lc__cctx *c, lc_ynode map, enum lc_budget_kind kind,
                      const char *what)
{
	size_t i;
	int rc = 0;

	if (lc_yaml_kind(c->y, map) != LC_Y_MAP)
		return lc__cfg_bad(c, map, "expected '%s' to map names to sizes", what);
	for (i = 0; i < lc_yaml_len(c->y, map) && rc == 0; i++) {
		lc_ynode k = lc_yaml_key_at(c->y, map, i), v = lc_yaml_value_at(c->y, map, i);
		const char *name = lc_yaml_scalar(c->y, k);
		double lim = 0.0;

		if (name == NULL || *name == '\0')
			return lc__cfg_bad(c, k, "expected a name");
		rc = read_size(c, v, &lim);
		if (rc == 0)
			rc = add_limit(c, kind, name, lim, "bytes", v);
	}
	return rc;
}

static int load_memory(const struct lc__cctx *c, lc_ynode map)
{
	size_t i;
	int rc = 0;

	if (lc_yaml_kind(c->y, map) != LC_Y_MAP)
		return lc__cfg_bad(c, map, "expected 'memory' to be a mapping");
	for (i = 0; i < lc_yaml_len(c->y, map) && rc == 0; i++) {
		lc_ynode k = lc_yaml_key_at(c->y, map, i), v = lc_yaml_value_at(c->y, map, i);
		const char *key = lc_yaml_scalar(c->y, k);
		double lim = 0.0;

		if (key == NULL)
			return lc__cfg_bad(c, k, "expected a region name, 'sections' or 'symbols'");
		if (strcmp(key, "sections") == 0) {
			rc = load_sizes(c, v, LC_BUDGET_MEM_SECTION, "sections");
		} else if (strcmp(key, "symbols") == 0) {
			rc = load_sizes(c, v, LC_BUDGET_MEM_SYMBOL, "symbols");
		} else if (lc_yaml_kind(c->y, v) == LC_Y_MAP) {
			/* a region's limit is a size: a mapping here is a
			 * misspelt sections/symbols */
			rc = lc__cfg_unknown(c, k, "key", "budgets.memory.", mem_keys);
		} else {
			rc = read_size(c, v, &lim);
			if (rc == 0)
				rc = add_limit(c, LC_BUDGET_MEM_REGION, key, lim, "bytes", v);
		}
	}
	return rc;
}

int lc__cfg_budgets(const struct lc__cctx *c, lc_ynode sec)
{
	size_t i;
	int rc = 0;

	if (lc_yaml_is_null(c->y, sec))
		return 0; /* "budgets:" with nothing under it */
	if (lc_yaml_kind(c->y, sec) != LC_Y_MAP)
		return lc__cfg_bad(c, sec, "expected 'budgets' to be a mapping");
	for (i = 0; i < lc_yaml_len(c->y, sec) && rc == 0; i++) {
		lc_ynode k = lc_yaml_key_at(c->y, sec, i), v = lc_yaml_value_at(c->y, sec, i);
		uint64_t n = 0;

		switch (lc__cfg_key(c, k, "key", "budgets.", budget_keys)) {
		case 0:
			rc = lc_yaml_to_u64(c->y, v, &n, c->err);
			if (rc == 0)
				rc = add_limit(c, LC_BUDGET_LOST_EVENTS, "trace", (double)n,
				               "events", v);
			break;
		case 1:
			rc = load_functions(c, v);
			break;
		case 2:
			rc = load_memory(c, v);
			break;
		case 3:
			rc = load_sizes(c, v, LC_BUDGET_STACK_ROOT, "stack");
			break;
		default:
			rc = LC_EFORMAT;
		}
	}
	return rc;
}
