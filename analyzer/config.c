/*
 * analyzer/config.c - .latch.yaml and rule packs through common/yaml.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "config.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util.h"
#include "yaml.h"

#define AN_MAX_EXTENDS 4

static void plist_fini(struct an_plist *l)
{
	size_t i;

	for (i = 0; i < l->n; i++) {
		free(l->pat[i]);
		free(l->origin[i]);
	}
	free(l->pat);
	free(l->origin);
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
	free(cfg->path);
	free(cfg->pack);
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

static void origin_of(char *buf, size_t n, const struct lc_yaml *y, lc_ynode node)
{
	snprintf(buf, n, "%s:%u:%u", lc_yaml_name(y), lc_yaml_line(y, node), lc_yaml_col(y, node));
}

static int plist_add(struct an_plist *l, const char *pat, const char *origin)
{
	size_t cap = l->cap;

	if (an_util_grow((void **)&l->pat, &cap, l->n + 1, sizeof(*l->pat)) < 0 ||
	    an_util_grow((void **)&l->origin, &l->cap, l->n + 1, sizeof(*l->origin)) < 0)
		return LC_ENOMEM;
	l->pat[l->n] = strdup(pat);
	l->origin[l->n] = strdup(origin);
	if (!l->pat[l->n] || !l->origin[l->n]) {
		free(l->pat[l->n]);
		free(l->origin[l->n]);
		return LC_ENOMEM;
	}
	l->n++;
	return 0;
}

/* Reads a sequence of scalars (a lone scalar is taken as a one-item list). */
static int read_list(struct an_plist *l, const struct lc_yaml *y, lc_ynode n, const char *key,
                     struct lc_err *err)
{
	char org[512];
	size_t i;
	int rc;

	if (!n)
		return 0;
	if (lc_yaml_kind(y, n) == LC_Y_SCALAR) {
		origin_of(org, sizeof(org), y, n);
		return plist_add(l, lc_yaml_scalar(y, n), org);
	}
	if (lc_yaml_kind(y, n) != LC_Y_SEQ) {
		origin_of(org, sizeof(org), y, n);
		return lc_err_set(err, LC_EFORMAT, "%s: expected a list of names for '%s'", org,
		                  key);
	}
	for (i = 0; i < lc_yaml_len(y, n); i++) {
		lc_ynode it = lc_yaml_at(y, n, i);
		origin_of(org, sizeof(org), y, it);
		if (lc_yaml_kind(y, it) != LC_Y_SCALAR || !lc_yaml_scalar(y, it)[0])
			return lc_err_set(err, LC_EFORMAT,
			                  "%s: expected a function name or glob in '%s'", org, key);
		rc = plist_add(l, lc_yaml_scalar(y, it), org);
		if (rc < 0)
			return lc_err_set(err, rc, "out of memory");
	}
	return 0;
}

static int read_rules(struct an_config *cfg, const struct lc_yaml *y, lc_ynode n,
                      struct lc_err *err)
{
	char org[512];
	size_t i;

	if (!n)
		return 0;
	origin_of(org, sizeof(org), y, n);
	if (lc_yaml_kind(y, n) != LC_Y_MAP)
		return lc_err_set(err, LC_EFORMAT, "%s: expected a mapping of rule id to severity",
		                  org);
	for (i = 0; i < lc_yaml_len(y, n); i++) {
		lc_ynode k = lc_yaml_key_at(y, n, i), v = lc_yaml_value_at(y, n, i);
		const char *id = lc_yaml_scalar(y, k), *sv;
		int r;

		origin_of(org, sizeof(org), y, k);
		r = id ? an_rule_from_id(id) : -1;
		if (r < 0)
			return lc_err_set(err, LC_ENOTFOUND, "%s: unknown rule id '%s'", org,
			                  id ? id : "?");
		if (lc_yaml_kind(y, v) == LC_Y_MAP)
			v = lc_yaml_get(y, v, "severity");
		sv = lc_yaml_scalar(y, v);
		origin_of(org, sizeof(org), y, v);
		if (sv && strcmp(sv, "error") == 0)
			cfg->sev[r] = AN_SEV_ERROR;
		else if (sv && strcmp(sv, "warning") == 0)
			cfg->sev[r] = AN_SEV_WARNING;
		else if (sv && strcmp(sv, "off") == 0)
			cfg->sev[r] = AN_SEV_OFF;
		else
			return lc_err_set(err, LC_EFORMAT,
			                  "%s: expected 'error', 'warning' or 'off' for rule '%s'",
			                  org, id);
	}
	return 0;
}

static int read_indirect(struct an_config *cfg, const struct lc_yaml *y, lc_ynode n,
                         struct lc_err *err)
{
	char org[512];
	size_t i;
	int rc;

	if (!n)
		return 0;
	origin_of(org, sizeof(org), y, n);
	if (lc_yaml_kind(y, n) != LC_Y_MAP)
		return lc_err_set(err, LC_EFORMAT,
		                  "%s: expected a mapping of calling function to target list", org);
	for (i = 0; i < lc_yaml_len(y, n); i++) {
		lc_ynode k = lc_yaml_key_at(y, n, i), v = lc_yaml_value_at(y, n, i);
		struct an_indirect *ind;

		if (an_util_grow((void **)&cfg->ind, &cfg->capind, cfg->nind + 1,
		                 sizeof(*cfg->ind)) < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
		ind = &cfg->ind[cfg->nind++];
		memset(ind, 0, sizeof(*ind));
		origin_of(org, sizeof(org), y, k);
		ind->caller = strdup(lc_yaml_scalar(y, k) ? lc_yaml_scalar(y, k) : "");
		ind->origin = strdup(org);
		if (!ind->caller || !ind->origin)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
		rc = read_list(&ind->targets, y, v, "indirect_targets", err);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int file_exists(const char *p)
{
	return access(p, R_OK) == 0;
}

/* Resolves `extends: NAME` to a pack file: a path (relative to the file
 * that names it) or a pack name looked up in the rules directories. */
static char *find_pack(const char *name, const char *from_file, const char *const *dirs)
{
	char buf[4096];
	size_t i;

	if (strchr(name, '/') || strstr(name, ".yaml") || strstr(name, ".yml")) {
		char dir[4096];
		const char *slash = strrchr(from_file, '/');
		snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - from_file) : 1,
		         slash ? from_file : ".");
		{
			char *p = an_util_abspath(name, dir);
			if (p && file_exists(p))
				return p;
			free(p);
		}
		return NULL;
	}
	for (i = 0; dirs && dirs[i]; i++) {
		snprintf(buf, sizeof(buf), "%s/%s.yaml", dirs[i], name);
		if (file_exists(buf))
			return an_util_abspath(buf, NULL);
	}
	return NULL;
}

static int apply_file(struct an_config *cfg, const char *path, const char *const *dirs, int depth,
                      int is_pack, struct lc_err *err)
{
	struct lc_yaml *y = NULL;
	lc_ynode root, ext;
	int rc;
	char org[512];
	const char *extends = NULL;

	rc = lc_yaml_load_file(&y, path, err);
	if (rc < 0)
		goto out;
	root = lc_yaml_root(y);
	if (root && lc_yaml_kind(y, root) != LC_Y_MAP) {
		origin_of(org, sizeof(org), y, root);
		rc = lc_err_set(err, LC_EFORMAT, "%s: expected a mapping at the top level", org);
		goto out;
	}
	ext = lc_yaml_get(y, root, "extends");
	if (ext) {
		extends = lc_yaml_scalar(y, ext);
		origin_of(org, sizeof(org), y, ext);
		if (!extends) {
			rc = lc_err_set(err, LC_EFORMAT, "%s: expected a rule pack name", org);
			goto out;
		}
	} else if (!is_pack) {
		extends = "interlock";
		snprintf(org, sizeof(org), "%s", path);
	}
	if (extends && strcmp(extends, "none") != 0) {
		char *pack = find_pack(extends, path, dirs);
		if (!pack) {
			rc = lc_err_set(err, LC_ENOTFOUND, "%s: unknown rule pack '%s'", org,
			                extends);
			goto out;
		}
		if (depth >= AN_MAX_EXTENDS) {
			free(pack);
			rc = lc_err_set(err, LC_ELIMIT, "%s: rule packs extend too deeply", org);
			goto out;
		}
		rc = apply_file(cfg, pack, dirs, depth + 1, 1, err);
		if (rc == 0 && !cfg->pack)
			cfg->pack = pack;
		else
			free(pack);
		if (rc < 0)
			goto out;
	}
	rc = read_rules(cfg, y, lc_yaml_get(y, root, "rules"), err);
	if (rc == 0)
		rc = read_list(&cfg->roots, y, lc_yaml_get(y, root, "interlock_roots"),
		               "interlock_roots", err);
	if (rc == 0)
		rc = read_list(&cfg->allocators, y, lc_yaml_get(y, root, "allocators"),
		               "allocators", err);
	if (rc == 0)
		rc = read_list(&cfg->blocking, y, lc_yaml_get(y, root, "blocking"), "blocking",
		               err);
	if (rc == 0)
		rc = read_list(&cfg->known_safe, y, lc_yaml_get(y, root, "known_safe"),
		               "known_safe", err);
	if (rc == 0)
		rc = read_indirect(cfg, y, lc_yaml_get(y, root, "indirect_targets"), err);
	if (rc == 0 && lc_yaml_get(y, root, "resolve_indirect")) {
		lc_ynode r = lc_yaml_get(y, root, "resolve_indirect");
		const char *v = lc_yaml_scalar(y, r);
		origin_of(org, sizeof(org), y, r);
		if (v && strcmp(v, "type") == 0)
			cfg->resolve_type = 1;
		else if (v && strcmp(v, "none") == 0)
			cfg->resolve_type = 0;
		else
			rc = lc_err_set(err, LC_EFORMAT,
			                "%s: expected 'type' or 'none' for resolve_indirect", org);
	}
out:
	lc_yaml_free(y);
	return rc;
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
		rc = apply_file(out, path, rules_dirs, 0, 0, err);
	} else {
		/* no project file: the default pack alone, roots from annotations */
		char *pack = find_pack("interlock", cwd, rules_dirs);
		if (!pack) {
			rc = lc_err_set(err, LC_ENOTFOUND,
			                "no .latch.yaml found and the default rule pack "
			                "'interlock' is not installed");
			goto out;
		}
		out->pack = pack;
		rc = apply_file(out, pack, rules_dirs, 1, 1, err);
	}
out:
	if (rc < 0)
		an_config_fini(out);
	return rc;
}
