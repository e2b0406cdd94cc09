/*
 * analyzer/config.c - latch-check's view of the rules file: common/lc_config.h
 * loads and checks it; this file finds it, copies what the checker asks
 * for into an_config, and answers the list questions (allocator, blocking,
 * known safe, excluded, suppressed).
 */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"

static void plist_fini(struct an_plist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->pat[i]);
		free(l->origin[i]);
	}
	free(l->pat);
	free(l->origin);
	free(l->layer);
	memset(l, 0, sizeof(*l));
}

void an_config_fini(struct an_config *cfg)
{
	size_t i;

	plist_fini(&cfg->roots);
	plist_fini(&cfg->allocators);
	plist_fini(&cfg->blocking);
	plist_fini(&cfg->known_safe);
	for (i = 0; i < cfg->nind; i++) {
		free(cfg->ind[i].caller);
		free(cfg->ind[i].origin);
		plist_fini(&cfg->ind[i].targets);
	}
	free(cfg->ind);
	free(cfg->supps);
	free(cfg->path);
	free(cfg->pack);
	lc_config_fini(&cfg->lc);
	memset(cfg, 0, sizeof(*cfg));
}

int an_plist_match(const struct an_plist *l, const char *name)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		if (fnmatch(l->pat[i], name, 0) == 0)
			return 1;
	return 0;
}

static int plist_from(struct an_plist *l, const struct lc_pats *src)
{
	size_t i;
	char org[4200];

	l->n = 0;
	l->cap = src->n;
	l->pat = calloc(src->n + 1, sizeof(*l->pat));
	l->origin = calloc(src->n + 1, sizeof(*l->origin));
	l->layer = calloc(src->n + 1, sizeof(*l->layer));
	if (!l->pat || !l->origin || !l->layer)
		return LC_ENOMEM;
	for (i = 0; i < src->n; i++) {
		l->pat[i] = strdup(src->v[i].pat);
		l->origin[i] = strdup(lc_origin_str(org, sizeof(org), &src->v[i].at));
		l->layer[i] = src->v[i].at.layer;
		l->n++;
		if (!l->pat[i] || !l->origin[i])
			return LC_ENOMEM;
	}
	return 0;
}

/* The latest file (highest layer + 1) in which a pattern of l matches
 * name; 0 when none does. With exact, only non-glob entries count. */
static unsigned latest(const struct an_plist *l, const char *name, int exact)
{
	unsigned best = 0;
	size_t i;

	for (i = 0; i < l->n; i++) {
		int hit = exact ? strpbrk(l->pat[i], "*?[") == NULL && strcmp(l->pat[i], name) == 0
		                : fnmatch(l->pat[i], name, 0) == 0;

		if (hit && l->layer[i] + 1 > best)
			best = l->layer[i] + 1;
	}
	return best;
}

/* A list entry stands unless known_safe names the function exactly in the
 * same file as the latest list entry or a later one. */
static int listed(const struct an_config *cfg, const struct an_plist *l, const char *name)
{
	unsigned in_list = latest(l, name, 0);

	return in_list != 0 && latest(&cfg->known_safe, name, 1) < in_list;
}

int an_config_is_allocator(const struct an_config *cfg, const char *name)
{
	return listed(cfg, &cfg->allocators, name);
}

int an_config_is_blocking(const struct an_config *cfg, const char *name)
{
	return listed(cfg, &cfg->blocking, name);
}

int an_config_is_known_safe(const struct an_config *cfg, const char *name)
{
	return an_plist_match(&cfg->known_safe, name);
}

const char *an_config_excluded(const struct an_config *cfg, const char *path)
{
	size_t i;

	for (i = 0; i < cfg->lc.exclude.n; i++) {
		const struct lc_pat *p = &cfg->lc.exclude.v[i];

		if (lc_config_glob_file(p->pat, cfg->lc.dirs[p->at.layer], path))
			return p->pat;
	}
	return NULL;
}

int an_config_exclude_globs(const struct an_config *cfg, const char *const *cli, size_t n,
                            char ***out, size_t *n_out, struct lc_err *err)
{
	size_t i, k = 0, total = n + cfg->lc.exclude.n;
	char **v = calloc(total + 1, sizeof(*v));

	*out = NULL;
	*n_out = 0;
	if (v == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		if ((v[k++] = strdup(cli[i])) == NULL)
			goto nomem;
	for (i = 0; i < cfg->lc.exclude.n; i++) {
		const struct lc_pat *p = &cfg->lc.exclude.v[i];
		const char *g = p->pat;

		while (g[0] == '.' && g[1] == '/')
			g += 2;
		if (g[0] == '/' || strchr(g, '/') == NULL) {
			v[k++] = strdup(g);
		} else {
			const char *dir = cfg->lc.dirs[p->at.layer];
			size_t len = strlen(dir) + strlen(g) + 2;

			if ((v[k] = malloc(len)) != NULL)
				snprintf(v[k], len, "%s/%s", strcmp(dir, "/") == 0 ? "" : dir, g);
			k++;
		}
		if (v[k - 1] == NULL)
			goto nomem;
	}
	*out = v;
	*n_out = k;
	return 0;
nomem:
	an_config_globs_free(v, k);
	return lc_err_set(err, LC_ENOMEM, "out of memory");
}

void an_config_globs_free(char **v, size_t n)
{
	size_t i;

	for (i = 0; v && i < n; i++)
		free(v[i]);
	free(v);
}

const struct an_ssupp *an_config_suppression(const struct an_config *cfg, enum an_rule rule,
                                             const char *file, unsigned line, const char *func)
{
	size_t i;

	for (i = 0; i < cfg->lc.nsupps; i++) {
		const struct lc_suppression *s = &cfg->lc.supps[i];

		if (!(s->rules & (1u << rule)))
			continue;
		if (s->file && !lc_config_glob_file(s->file, s->base_dir, file))
			continue;
		if (s->line && s->line != line)
			continue;
		if (s->function && (func == NULL || fnmatch(s->function, func, 0) != 0))
			continue;
		return &cfg->supps[i];
	}
	return NULL;
}

static int view(struct an_config *cfg, struct lc_err *err)
{
	const struct lc_config *lc = &cfg->lc;
	char org[4200];
	size_t i;
	int r, rc = 0;

	for (r = 0; r < AN_RULE__COUNT; r++) { /* same order: analyzer/rule.c */
		if (lc->sev[r].set)
			cfg->sev[r] = lc->sev[r].sev == LC_SEV_OFF       ? AN_SEV_OFF
			              : lc->sev[r].sev == LC_SEV_WARNING ? AN_SEV_WARNING
			                                                 : AN_SEV_ERROR;
	}
	if (plist_from(&cfg->roots, &lc->roots) < 0 ||
	    plist_from(&cfg->allocators, &lc->allocators) < 0 ||
	    plist_from(&cfg->blocking, &lc->blocking) < 0 ||
	    plist_from(&cfg->known_safe, &lc->known_safe) < 0)
		goto nomem;
	cfg->ind = calloc(lc->nind + 1, sizeof(*cfg->ind));
	cfg->supps = calloc(lc->nsupps + 1, sizeof(*cfg->supps));
	if (!cfg->ind || !cfg->supps)
		goto nomem;
	cfg->capind = lc->nind;
	for (i = 0; i < lc->nind; i++) {
		struct an_indirect *ind = &cfg->ind[i];

		cfg->nind++;
		ind->caller = strdup(lc->ind[i].caller.pat);
		ind->origin = strdup(lc_origin_str(org, sizeof(org), &lc->ind[i].caller.at));
		if (!ind->caller || !ind->origin ||
		    plist_from(&ind->targets, &lc->ind[i].targets) < 0)
			goto nomem;
	}
	if (lc->resolve != LC_RESOLVE_UNSET)
		cfg->resolve_type = lc->resolve == LC_RESOLVE_TYPE;
	/* suppressions: read like source ones, located at the YAML item */
	for (i = 0; i < lc->nsupps; i++) {
		struct an_ssupp *p = &cfg->supps[i];

		p->file = (char *)lc->supps[i].at.file;
		p->line = lc->supps[i].at.line;
		p->col = lc->supps[i].at.col;
		p->rules = lc->supps[i].rules;
		p->bound = lc->supps[i].bound;
		p->reason = lc->supps[i].reason;
	}
	cfg->nsupps = lc->nsupps;
	if (lc->pack && !(cfg->pack = strdup(lc->pack)))
		goto nomem;
	return rc;
nomem:
	return lc_err_set(err, LC_ENOMEM, "out of memory");
}

static int file_exists(const char *p)
{
	return access(p, R_OK) == 0;
}

/* Walks up from cwd looking for .latch.yaml; returns a malloc'd path or NULL. */
static char *find_config(const char *cwd)
{
	char dir[4096], buf[4200];
	char *slash;

	snprintf(dir, sizeof(dir), "%s", cwd);
	for (;;) {
		snprintf(buf, sizeof(buf), "%s/.latch.yaml", dir[0] ? dir : "");
		if (file_exists(buf))
			return strdup(buf);
		slash = strrchr(dir, '/');
		if (!slash || (slash == dir && !dir[1]))
			return NULL;
		if (slash == dir)
			dir[1] = '\0';
		else
			*slash = '\0';
	}
}

int an_config_load(struct an_config *out, const char *explicit_path, const char *cwd,
                   const char *const *rules_dirs, struct lc_err *err)
{
	int rc = 0, i;
	char *path = NULL;

	memset(out, 0, sizeof(*out));
	for (i = 0; i < AN_RULE__COUNT; i++)
		out->sev[i] = AN_SEV_ERROR;
	if (explicit_path) {
		if (!file_exists(explicit_path)) {
			rc = lc_err_set(err, LC_EIO, "cannot open rules file '%s'", explicit_path);
			goto out;
		}
		path = an_util_abspath(explicit_path, cwd);
	} else {
		path = find_config(cwd);
	}
	if (path) {
		out->path = path;
		rc = lc_config_load(&out->lc, path, 1, rules_dirs, err);
	} else {
		/* no project file: the default pack alone, roots from annotations */
		rc = lc_config_load_pack(&out->lc, "interlock", rules_dirs, err);
		if (rc == LC_ENOTFOUND)
			lc_err_set(
			        err, rc,
			        "no .latch.yaml found and the default rule pack 'interlock' is not "
			        "installed");
	}
	if (rc == 0)
		rc = view(out, err);
out:
	if (rc < 0)
		an_config_fini(out);
	return rc;
}
