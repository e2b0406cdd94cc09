/*
 * common/lc_config.c - the rules file loader (see lc_config.h): the top-level
 * keys and the latch-check and stack sections. Files and extends are in
 * lc_config_files.c, budgets: in lc_config_budgets.c, key checking and lists in
 * lc_config_keys.c.
 */
#define _GNU_SOURCE
#include "lc_config.h"

#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc_config_int.h"

#define LC_CONFIG_MAX_DEPTH 8

static const char *const rule_ids[] = {
        [LC_RULE_HEAP_ALLOC] = "heap-alloc",
        [LC_RULE_UNBOUNDED_LOOP] = "unbounded-loop",
        [LC_RULE_RECURSION] = "recursion",
        [LC_RULE_INDIRECT_CALL] = "indirect-call",
        [LC_RULE_BLOCKING_CALL] = "blocking-call",
        [LC_RULE_UNKNOWN_CALLEE] = "unknown-callee",
        [LC_RULE__COUNT] = NULL,
};

enum top_key {
	K_EXTENDS,
	K_ROOTS,
	K_RULES,
	K_ALLOCATORS,
	K_BLOCKING,
	K_KNOWN_SAFE,
	K_INDIRECT,
	K_RESOLVE,
	K_EXCLUDE,
	K_SUPPRESSIONS,
	K_BUDGETS,
	K_RBOUNDS,
	K_FRAMES,
	K_INTERRUPTS,
	K_NAME,
	K__COUNT
};

static const char *const top_keys[] = {
        [K_EXTENDS] = "extends",
        [K_ROOTS] = "interlock_roots",
        [K_RULES] = "rules",
        [K_ALLOCATORS] = "allocators",
        [K_BLOCKING] = "blocking",
        [K_KNOWN_SAFE] = "known_safe",
        [K_INDIRECT] = "indirect_targets",
        [K_RESOLVE] = "resolve_indirect",
        [K_EXCLUDE] = "exclude",
        [K_SUPPRESSIONS] = "suppressions",
        [K_BUDGETS] = "budgets",
        [K_RBOUNDS] = "recursion_bounds",
        [K_FRAMES] = "frames",
        [K_INTERRUPTS] = "interrupts",
        [K_NAME] = "name",
        [K__COUNT] = NULL,
};

static const char *const sev_keys[] = {"severity", NULL};
static const char *const supp_keys[] = {"file",   "line",  "function", "rule",
                                        "reason", "bound", NULL};

const char *lc_rule_id(enum lc_rule r)
{
	return (unsigned)r < LC_RULE__COUNT ? rule_ids[r] : NULL;
}

int lc_rule_from_id(const char *id)
{
	int i;

	for (i = 0; id != NULL && i < LC_RULE__COUNT; i++)
		if (strcmp(rule_ids[i], id) == 0)
			return i;
	return -1;
}

/* ------------------------------------------------------------ sections */

/* rules: { RULE: SEVERITY | { severity: SEVERITY } } */
static int read_rules(const struct lc__cctx *c, lc_ynode n)
{
	const struct lc_yaml *y = c->y;
	size_t i;

	if (lc_yaml_is_null(y, n))
		return 0;
	if (lc_yaml_kind(y, n) != LC_Y_MAP)
		return lc__cfg_bad(c, n, "expected a mapping of rule id to severity");
	for (i = 0; i < lc_yaml_len(y, n); i++) {
		lc_ynode k = lc_yaml_key_at(y, n, i), v = lc_yaml_value_at(y, n, i);
		int r = lc__cfg_key(c, k, "rule id", "", rule_ids);
		const char *sv;
		size_t j;

		if (r < 0)
			return LC_EFORMAT;
		if (lc_yaml_kind(y, v) == LC_Y_MAP) {
			for (j = 0; j < lc_yaml_len(y, v); j++)
				if (lc__cfg_key(c, lc_yaml_key_at(y, v, j), "key", "", sev_keys) <
				    0)
					return LC_EFORMAT;
			if (lc_yaml_get(y, v, "severity") == 0)
				return lc__cfg_bad(c, v, "expected 'severity' for rule '%s'",
				                   rule_ids[r]);
			v = lc_yaml_get(y, v, "severity");
		}
		sv = lc_yaml_scalar(y, v);
		if (sv && strcmp(sv, "error") == 0)
			c->cfg->sev[r].sev = LC_SEV_ERROR;
		else if (sv && strcmp(sv, "warning") == 0)
			c->cfg->sev[r].sev = LC_SEV_WARNING;
		else if (sv && strcmp(sv, "off") == 0)
			c->cfg->sev[r].sev = LC_SEV_OFF;
		else
			return lc__cfg_bad(c, v,
			                   "expected 'error', 'warning' or 'off' for rule '%s'",
			                   rule_ids[r]);
		c->cfg->sev[r].set = 1;
		c->cfg->sev[r].at = lc__cfg_at(c, v);
	}
	return 0;
}

/* A map key that names a function: non-empty scalar. */
static int func_key(const struct lc__cctx *c, lc_ynode k, struct lc_pat *out)
{
	const char *s = lc_yaml_scalar(c->y, k);

	if (s == NULL || *s == '\0')
		return lc__cfg_bad(c, k, "expected a function name or glob");
	out->pat = strdup(s);
	out->at = lc__cfg_at(c, k);
	return out->pat ? 0 : lc__cfg_nomem(c);
}

/* Whether the section n has entries to read: 1 when it is of kind k, 0
 * when it is empty (null), else the error msg at n. */
static int has_entries(const struct lc__cctx *c, lc_ynode n, enum lc_ykind k, const char *msg)
{
	if (lc_yaml_is_null(c->y, n))
		return 0;
	if (lc_yaml_kind(c->y, n) != k)
		return lc__cfg_bad(c, n, "%s", msg);
	return 1;
}

/* indirect_targets: { CALLER: [TARGET...] } */
static int read_indirect(const struct lc__cctx *c, lc_ynode n)
{
	struct lc_config *cfg = c->cfg;
	size_t i;
	int rc = has_entries(c, n, LC_Y_MAP,
	                     "expected a mapping of calling function to target list");

	if (rc <= 0)
		return rc;
	for (i = 0, rc = 0; i < lc_yaml_len(c->y, n) && rc == 0; i++) {
		struct lc_indirect *ind;

		if (lc__grow((void **)&cfg->ind, &cfg->capind, cfg->nind + 1, sizeof(*cfg->ind)) <
		    0)
			return lc__cfg_nomem(c);
		ind = &cfg->ind[cfg->nind];
		memset(ind, 0, sizeof(*ind));
		rc = func_key(c, lc_yaml_key_at(c->y, n, i), &ind->caller);
		if (rc < 0)
			break;
		cfg->nind++;
		rc = lc__cfg_names(c, &ind->targets, lc_yaml_value_at(c->y, n, i),
		                   "indirect_targets");
	}
	return rc;
}

static int read_resolve(const struct lc__cctx *c, lc_ynode n)
{
	const char *v = lc_yaml_scalar(c->y, n);

	if (v && strcmp(v, "type") == 0)
		c->cfg->resolve = LC_RESOLVE_TYPE;
	else if (v && strcmp(v, "none") == 0)
		c->cfg->resolve = LC_RESOLVE_NONE;
	else
		return lc__cfg_bad(c, n, "expected 'type' or 'none' for resolve_indirect");
	c->cfg->resolve_at = lc__cfg_at(c, n);
	return 0;
}

/* recursion_bounds: { FUNC: DEPTH } */
static int read_rbounds(const struct lc__cctx *c, lc_ynode n)
{
	struct lc_config *cfg = c->cfg;
	size_t i;
	int have = has_entries(c, n, LC_Y_MAP, "recursion_bounds must map a function to a depth");

	if (have <= 0)
		return have;
	for (i = 0; i < lc_yaml_len(c->y, n); i++) {
		lc_ynode v = lc_yaml_value_at(c->y, n, i);
		struct lc_rbound *b;
		uint64_t depth = 0;
		int rc = lc_yaml_to_u64(c->y, v, &depth, c->err);

		if (rc < 0)
			return rc;
		if (depth == 0)
			return lc__cfg_bad(c, v, "a recursion bound is a depth of at least 1");
		if (lc__grow((void **)&cfg->rbounds, &cfg->caprbounds, cfg->nrbounds + 1,
		             sizeof(*cfg->rbounds)) < 0)
			return lc__cfg_nomem(c);
		b = &cfg->rbounds[cfg->nrbounds];
		b->depth = depth;
		rc = func_key(c, lc_yaml_key_at(c->y, n, i), &b->func);
		if (rc < 0)
			return rc;
		cfg->nrbounds++;
	}
	return 0;
}

/* A non-empty scalar, copied. */
static int text(const struct lc__cctx *c, lc_ynode n, const char *what, char **out)
{
	const char *s = lc_yaml_scalar(c->y, n);

	while (s != NULL && (*s == ' ' || *s == '\t'))
		s++;
	if (s == NULL || *s == '\0')
		return lc__cfg_bad(c, n, "expected %s", what);
	*out = strdup(s);
	return *out ? 0 : lc__cfg_nomem(c);
}

static int supp_rules(const struct lc__cctx *c, lc_ynode n, unsigned *out)
{
	size_t i, len = lc_yaml_kind(c->y, n) == LC_Y_SEQ ? lc_yaml_len(c->y, n) : 1;

	if (lc_yaml_kind(c->y, n) == LC_Y_MAP || len == 0)
		return lc__cfg_bad(c, n, "expected a rule id or a list of rule ids");
	for (i = 0; i < len; i++) {
		lc_ynode it = lc_yaml_kind(c->y, n) == LC_Y_SEQ ? lc_yaml_at(c->y, n, i) : n;
		int r = lc__cfg_key(c, it, "rule id", "", rule_ids);

		if (r < 0)
			return LC_EFORMAT;
		*out |= 1u << r;
	}
	return 0;
}

static void supp_fini(struct lc_suppression *s)
{
	free(s->file);
	free(s->function);
	free(s->reason);
}

/* One item of suppressions: { file, line | function, rule, reason, bound }. */
static int read_supp(const struct lc__cctx *c, lc_ynode it, struct lc_suppression *s)
{
	const struct lc_yaml *y = c->y;
	lc_ynode nline = lc_yaml_get(y, it, "line"), nbound = lc_yaml_get(y, it, "bound");
	size_t j;
	int rc = 0;

	memset(s, 0, sizeof(*s));
	s->bound = -1;
	s->base_dir = c->dir;
	s->at = lc__cfg_at(c, it);
	if (lc_yaml_kind(y, it) != LC_Y_MAP)
		return lc__cfg_bad(c, it,
		                   "expected a suppression such as { file: 'vendor/*.c', rule: "
		                   "heap-alloc, reason: ... }");
	for (j = 0; j < lc_yaml_len(y, it); j++)
		if (lc__cfg_key(c, lc_yaml_key_at(y, it, j), "key", "suppressions.", supp_keys) < 0)
			return LC_EFORMAT;
	if (lc_yaml_get(y, it, "file"))
		rc = text(c, lc_yaml_get(y, it, "file"), "a file glob", &s->file);
	if (rc == 0 && lc_yaml_get(y, it, "function"))
		rc = text(c, lc_yaml_get(y, it, "function"), "a function name or glob",
		          &s->function);
	if (rc == 0 && nline) {
		uint64_t v = 0;

		rc = lc_yaml_to_u64(y, nline, &v, c->err);
		if (rc == 0 && (v == 0 || v > UINT_MAX))
			rc = lc__cfg_bad(c, nline, "expected a line number");
		s->line = (unsigned)v;
	}
	if (rc < 0)
		return rc;
	if (nline && s->function)
		return lc__cfg_bad(c, nline, "a suppression gives 'line' or 'function', not both");
	if (nline && !s->file)
		return lc__cfg_bad(c, nline, "'line' needs the 'file' it is a line of");
	if (!s->file && !s->function)
		return lc__cfg_bad(c, it, "a suppression needs 'file' or 'function'");
	if (!lc_yaml_get(y, it, "rule"))
		return lc__cfg_bad(c, it, "a suppression needs the 'rule' it allows");
	rc = supp_rules(c, lc_yaml_get(y, it, "rule"), &s->rules);
	if (rc < 0)
		return rc;
	if (!lc_yaml_get(y, it, "reason"))
		return lc__cfg_bad(c, it, "a suppression needs a 'reason' (the deviation record)");
	rc = text(c, lc_yaml_get(y, it, "reason"), "a reason", &s->reason);
	if (rc < 0)
		return rc;
	if (nbound) {
		uint64_t v = 0;

		rc = lc_yaml_to_u64(y, nbound, &v, c->err);
		if (rc < 0)
			return rc;
		if (v == 0 || v > LONG_MAX)
			return lc__cfg_bad(c, nbound, "a recursion bound is a depth of at least 1");
		if (!(s->rules & (1u << LC_RULE_RECURSION)))
			return lc__cfg_bad(c, nbound, "'bound' is for a recursion suppression");
		s->bound = (long)v;
	} else if (s->rules & (1u << LC_RULE_RECURSION)) {
		return lc__cfg_bad(c, it, "a recursion suppression must give its 'bound'");
	}
	return 0;
}

static int read_supps(const struct lc__cctx *c, lc_ynode n)
{
	struct lc_config *cfg = c->cfg;
	size_t i;
	int have = has_entries(c, n, LC_Y_SEQ, "expected a list of suppressions");

	if (have <= 0)
		return have;
	for (i = 0; i < lc_yaml_len(c->y, n); i++) {
		int rc;

		if (lc__grow((void **)&cfg->supps, &cfg->capsupps, cfg->nsupps + 1,
		             sizeof(*cfg->supps)) < 0)
			return lc__cfg_nomem(c);
		rc = read_supp(c, lc_yaml_at(c->y, n, i), &cfg->supps[cfg->nsupps]);
		if (rc < 0) {
			supp_fini(&cfg->supps[cfg->nsupps]);
			return rc;
		}
		cfg->nsupps++;
	}
	return 0;
}

/* frames: and interrupts: belong to the stack analysis, which reads them
 * from this file with their own shapes and checks every key of them with its
 * position (tracer/binary/stackrules.c, docs/memmap.md). The loader checks
 * that each is a mapping, so that a scalar or list there is still an error
 * for latch-check too. */
static int read_stack_section(const struct lc__cctx *c, lc_ynode n, const char *what)
{
	if (lc_yaml_is_null(c->y, n) || lc_yaml_kind(c->y, n) == LC_Y_MAP)
		return 0;
	return lc__cfg_bad(c, n, "expected '%s' to be a mapping (see docs/memmap.md)", what);
}

static int read_section(const struct lc__cctx *c, enum top_key k, lc_ynode v)
{
	struct lc_config *cfg = c->cfg;

	switch (k) {
	case K_ROOTS:
		return lc__cfg_names(c, &cfg->roots, v, "interlock_roots");
	case K_RULES:
		return read_rules(c, v);
	case K_ALLOCATORS:
		return lc__cfg_names(c, &cfg->allocators, v, "allocators");
	case K_BLOCKING:
		return lc__cfg_names(c, &cfg->blocking, v, "blocking");
	case K_KNOWN_SAFE:
		return lc__cfg_names(c, &cfg->known_safe, v, "known_safe");
	case K_INDIRECT:
		return read_indirect(c, v);
	case K_RESOLVE:
		return read_resolve(c, v);
	case K_EXCLUDE:
		return lc__cfg_names(c, &cfg->exclude, v, "exclude");
	case K_SUPPRESSIONS:
		return read_supps(c, v);
	case K_BUDGETS:
		return lc__cfg_budgets(c, v);
	case K_RBOUNDS:
		return read_rbounds(c, v);
	case K_FRAMES:
		return read_stack_section(c, v, "frames");
	case K_INTERRUPTS:
		return read_stack_section(c, v, "interrupts");
	case K_NAME:
		if (lc_yaml_kind(c->y, v) != LC_Y_SCALAR)
			return lc__cfg_bad(c, v, "expected the pack's name");
		return 0;
	case K_EXTENDS:
	case K__COUNT:
		break;
	}
	return 0;
}

int lc__cfg_check_top(const struct lc__cctx *c, lc_ynode root)
{
	size_t i;

	for (i = 0; i < lc_yaml_len(c->y, root); i++)
		if (lc__cfg_key(c, lc_yaml_key_at(c->y, root, i), "key", "", top_keys) < 0)
			return LC_EFORMAT;
	return 0;
}

int lc__cfg_sections(const struct lc__cctx *c, lc_ynode root)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < lc_yaml_len(c->y, root) && rc == 0; i++) {
		int k = lc__cfg_key(c, lc_yaml_key_at(c->y, root, i), "key", "", top_keys);

		if (k < 0)
			return LC_EFORMAT;
		rc = read_section(c, (enum top_key)k, lc_yaml_value_at(c->y, root, i));
	}
	return rc;
}

void lc__cfg_free_lists(struct lc_config *cfg)
{
	size_t i;

	lc__pats_fini(&cfg->roots);
	lc__pats_fini(&cfg->allocators);
	lc__pats_fini(&cfg->blocking);
	lc__pats_fini(&cfg->known_safe);
	lc__pats_fini(&cfg->exclude);
	for (i = 0; i < cfg->nind; i++) {
		free(cfg->ind[i].caller.pat);
		lc__pats_fini(&cfg->ind[i].targets);
	}
	free(cfg->ind);
	for (i = 0; i < cfg->nrbounds; i++)
		free(cfg->rbounds[i].func.pat);
	free(cfg->rbounds);
	for (i = 0; i < cfg->nsupps; i++)
		supp_fini(&cfg->supps[i]);
	free(cfg->supps);
	for (i = 0; i < cfg->nbudgets; i++)
		free(cfg->budgets[i].subject);
	free(cfg->budgets);
}
