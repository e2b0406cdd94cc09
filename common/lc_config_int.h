/*
 * common/lc_config_int.h - what the parts of the rules loader share
 * (lc_config.c: the top-level keys and the latch-check sections;
 * lc_config_files.c: files and extends; lc_config_budgets.c: budgets;
 * lc_config_keys.c: key checking and lists). Not for the tools.
 */
#ifndef LC_CONFIG_INT_H
#define LC_CONFIG_INT_H

#include <stddef.h>

#include "lc_config.h"
#include "lc_yaml.h"

/* One file being applied. */
struct lc__cctx {
	struct lc_config *cfg;
	const struct lc_yaml *y;
	unsigned layer;
	const char *file; /* cfg->files[layer] */
	const char *dir;  /* cfg->dirs[layer] */
	struct lc_err *err;
};

/* The origin of node n. */
struct lc_origin lc__cfg_at(const struct lc__cctx *c, lc_ynode n);

/* Fills err with "file:line:col: MESSAGE" at node n; returns LC_EFORMAT. */
int lc__cfg_bad(const struct lc__cctx *c, lc_ynode n, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Out of memory: returns LC_ENOMEM with a message. */
int lc__cfg_nomem(const struct lc__cctx *c);

/* The known key nearest to `key` (edit distance, ignoring case), or NULL
 * when none is near enough to be a likely typo. known is NULL-ended. */
const char *lc__cfg_nearest(const char *key, const char *const *known);

/*
 * The error for an unknown key at node k:
 *   "unknown WHAT 'PREFIXkey'; did you mean 'PREFIXnear'?"
 * or, with no near key, "unknown WHAT 'PREFIXkey' (expected a, b or c)".
 * Returns LC_EFORMAT.
 */
int lc__cfg_unknown(const struct lc__cctx *c, lc_ynode k, const char *what, const char *prefix,
                    const char *const *known);

/* The index in known (NULL-ended) of the scalar key k, or -1 after setting
 * the unknown-key error (so the caller returns LC_EFORMAT). */
int lc__cfg_key(const struct lc__cctx *c, lc_ynode k, const char *what, const char *prefix,
                const char *const *known);

/* Appends to a list; the pattern is copied. Returns 0 or LC_ENOMEM. */
int lc__pats_add(struct lc_pats *l, const char *pat, struct lc_origin at);
void lc__pats_fini(struct lc_pats *l);

/* Reads a list of names or globs (a lone scalar is a one-item list, null is
 * empty) into l. */
int lc__cfg_names(const struct lc__cctx *c, struct lc_pats *l, lc_ynode n, const char *key);

/* Grows an array of n items of size sz to hold want (doubling). */
int lc__grow(void **v, size_t *cap, size_t want, size_t sz);

/* lc_config.c: checks every top-level key of root (a mapping); reads every
 * section but extends; releases every list of cfg. */
int lc__cfg_check_top(const struct lc__cctx *c, lc_ynode root);
int lc__cfg_sections(const struct lc__cctx *c, lc_ynode root);
void lc__cfg_free_lists(struct lc_config *cfg);

/* budgets: (lc_config_budgets.c) */
int lc__cfg_budgets(const struct lc__cctx *c, lc_ynode sec);

#endif /* LC_CONFIG_INT_H */
