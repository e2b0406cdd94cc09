/*
 * common/lc_config_keys.c - the loader's small shared parts: positions, error
 * messages, unknown keys with the nearest known one, lists of names.
 */
#define _POSIX_C_SOURCE 200809L
#include <ctype.h>
#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "lc_config_int.h"

struct lc_origin lc__cfg_at(const struct lc__cctx *c, lc_ynode n)
{
	struct lc_origin at;

	at.file = c->file;
	at.line = lc_yaml_line(c->y, n);
	at.col = lc_yaml_col(c->y, n);
	at.layer = c->layer;
	return at;
}

int lc__cfg_bad(const struct lc__cctx *c, lc_ynode n, const char *fmt, ...)
{
	char msg[LC_ERR_MSG_MAX];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (n == 0)
		return lc_err_set(c->err, LC_EFORMAT, "%s: %s", c->file, msg);
	return lc_err_set(c->err, LC_EFORMAT, "%s:%u:%u: %s", c->file, lc_yaml_line(c->y, n),
	                  lc_yaml_col(c->y, n), msg);
}

int lc__cfg_nomem(const struct lc__cctx *c)
{
	return lc_err_set(c->err, LC_ENOMEM, "out of memory loading '%s'", c->file);
}

/* Optimal string alignment distance (Levenshtein plus adjacent
 * transpositions), case-insensitive; keys are short, so O(n*m) on the
 * stack, with anything longer than 63 characters simply far away. */
static size_t distance(const char *a, const char *b)
{
	size_t d[64][64];
	size_t n = strlen(a), m = strlen(b), i, j;

	if (n >= 64 || m >= 64)
		return (size_t)-1;
	for (i = 0; i <= n; i++)
		d[i][0] = i;
	for (j = 0; j <= m; j++)
		d[0][j] = j;
	for (i = 1; i <= n; i++) {
		for (j = 1; j <= m; j++) {
			int same = tolower((unsigned char)a[i - 1]) ==
			           tolower((unsigned char)b[j - 1]);
			size_t best = d[i - 1][j] + 1;

			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (d[i - 1][j - 1] + (same ? 0 : 1) < best)
				best = d[i - 1][j - 1] + (same ? 0 : 1);
			if (i > 1 && j > 1 &&
			    tolower((unsigned char)a[i - 1]) == tolower((unsigned char)b[j - 2]) &&
			    tolower((unsigned char)a[i - 2]) == tolower((unsigned char)b[j - 1]) &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[n][m];
}

const char *lc__cfg_nearest(const char *key, const char *const *known)
{
	const char *best = NULL;
	size_t bestd = (size_t)-1, i;

	for (i = 0; known[i] != NULL; i++) {
		size_t d = distance(key, known[i]);
		size_t limit = (strlen(known[i]) + 2) / 3;

		if (limit < 1)
			limit = 1;
		if (d <= limit && d < bestd) {
			best = known[i];
			bestd = d;
		}
	}
	return best;
}

int lc__cfg_unknown(const struct lc__cctx *c, lc_ynode k, const char *what, const char *prefix,
                    const char *const *known)
{
	const char *key = lc_yaml_scalar(c->y, k);
	const char *near;
	char list[320];
	size_t i, len = 0, n = 0;

	if (key == NULL)
		return lc__cfg_bad(c, k, "expected a %s, got a %s", what,
		                   lc_yaml_kind(c->y, k) == LC_Y_MAP ? "mapping" : "sequence");
	near = lc__cfg_nearest(key, known);
	if (near != NULL)
		return lc__cfg_bad(c, k, "unknown %s '%s%s'; did you mean '%s%s'?", what, prefix,
		                   key, prefix, near);
	while (known[n] != NULL)
		n++;
	list[0] = '\0';
	for (i = 0; i < n && len < sizeof(list); i++) {
		int w = snprintf(list + len, sizeof(list) - len, "%s%s",
		                 i == 0       ? ""
		                 : i + 1 == n ? " or "
		                              : ", ",
		                 known[i]);

		if (w < 0)
			break;
		len += (size_t)w;
	}
	return lc__cfg_bad(c, k, "unknown %s '%s%s' (expected %s)", what, prefix, key, list);
}

int lc__cfg_key(const struct lc__cctx *c, lc_ynode k, const char *what, const char *prefix,
                const char *const *known)
{
	const char *key = lc_yaml_scalar(c->y, k);
	int i;

	for (i = 0; key != NULL && known[i] != NULL; i++)
		if (strcmp(key, known[i]) == 0)
			return i;
	(void)lc__cfg_unknown(c, k, what, prefix, known);
	return -1;
}

int lc__grow(void **v, size_t *cap, size_t want, size_t sz)
{
	return lc_grow(v, cap, want, sz, 8);
}

int lc__pats_add(struct lc_pats *l, const char *pat, struct lc_origin at)
{
	char *p;

	if (lc__grow((void **)&l->v, &l->cap, l->n + 1, sizeof(*l->v)) < 0)
		return LC_ENOMEM;
	p = strdup(pat);
	if (p == NULL)
		return LC_ENOMEM;
	l->v[l->n].pat = p;
	l->v[l->n].at = at;
	l->n++;
	return 0;
}

void lc__pats_fini(struct lc_pats *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i].pat);
	free(l->v);
	memset(l, 0, sizeof(*l));
}

int lc__cfg_names(const struct lc__cctx *c, struct lc_pats *l, lc_ynode n, const char *key)
{
	size_t i;

	if (n == 0 || lc_yaml_is_null(c->y, n))
		return 0;
	if (lc_yaml_kind(c->y, n) == LC_Y_SCALAR) {
		if (lc_yaml_scalar(c->y, n)[0] == '\0')
			return lc__cfg_bad(c, n, "expected a function name or glob in '%s'", key);
		return lc__pats_add(l, lc_yaml_scalar(c->y, n), lc__cfg_at(c, n)) < 0
		               ? lc__cfg_nomem(c)
		               : 0;
	}
	if (lc_yaml_kind(c->y, n) != LC_Y_SEQ)
		return lc__cfg_bad(c, n, "expected a list of names for '%s'", key);
	for (i = 0; i < lc_yaml_len(c->y, n); i++) {
		lc_ynode it = lc_yaml_at(c->y, n, i);

		if (lc_yaml_kind(c->y, it) != LC_Y_SCALAR || !lc_yaml_scalar(c->y, it)[0])
			return lc__cfg_bad(c, it, "expected a function name or glob in '%s'", key);
		if (lc__pats_add(l, lc_yaml_scalar(c->y, it), lc__cfg_at(c, it)) < 0)
			return lc__cfg_nomem(c);
	}
	return 0;
}

int lc_pats_match(const struct lc_pats *l, const char *name)
{
	return lc_pats_find(l, name) != NULL;
}

const struct lc_pat *lc_pats_find(const struct lc_pats *l, const char *name)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (fnmatch(l->v[i].pat, name, 0) == 0)
			return &l->v[i];
	return NULL;
}

const struct lc_pat *lc_pats_exact(const struct lc_pats *l, const char *name)
{
	size_t i;

	for (i = 0; l != NULL && i < l->n; i++)
		if (strpbrk(l->v[i].pat, "*?[") == NULL && strcmp(l->v[i].pat, name) == 0)
			return &l->v[i];
	return NULL;
}

const char *lc_origin_str(char *buf, size_t n, const struct lc_origin *at)
{
	snprintf(buf, n, "%s:%u:%u", at->file ? at->file : "?", at->line, at->col);
	return buf;
}
