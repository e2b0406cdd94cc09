/*
 * common/lc_config_files.c - the files of a configuration: loading, `extends:`,
 * the rules directories, file globs (see lc_config.h).
 *
 * A file is applied in three steps: every top-level key is checked (a typo
 * is reported even when the pack it extends is broken too), the files it
 * extends are applied (depth first, each once: a file met again through
 * another path is skipped, a file that extends itself is an error), then
 * its own sections are read. So packs come first in every list and a later
 * file overrides an earlier one's single values.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fnmatch.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "lc_config_int.h"
#include "path.h"

#define LC_CONFIG_MAX_DEPTH 8

struct loadstate {
	const char *const *dirs;
	char *stack[LC_CONFIG_MAX_DEPTH + 2]; /* real paths of the files being applied */
	int depth;
	char **done; /* real paths of the files applied */
	size_t ndone, capdone;
};

void lc_config_rules_dirs(const char **dirs, size_t cap, char *buf, size_t buflen)
{
	size_t k = 0;
	const char *env = getenv("LATCH_RULES_DIR");
	char exe[PATH_MAX];
	ssize_t len;

	if (cap == 0)
		return;
	if (env != NULL && env[0] != '\0' && k + 1 < cap)
		dirs[k++] = env;
	len = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (len > 0 && k + 1 < cap && buflen > 0) {
		char *slash;

		exe[len] = '\0';
		slash = strrchr(exe, '/');
		if (slash != NULL) {
			*slash = '\0';
			snprintf(buf, buflen, "%s/../share/latch/rules", exe);
			dirs[k++] = buf;
		}
	}
#ifdef LC_SOURCE_RULES_DIR
	if (k + 1 < cap)
		dirs[k++] = LC_SOURCE_RULES_DIR;
#endif
	dirs[k] = NULL;
}

const struct lc_yaml *lc_config_doc(const struct lc_config *cfg, size_t layer)
{
	return cfg != NULL && layer < cfg->nfiles ? cfg->docs[layer] : NULL;
}

int lc_config_glob_file(const char *glob, const char *base_dir, const char *path)
{
	const char *rel;

	if (glob == NULL || path == NULL)
		return 0;
	if (glob[0] == '/')
		return fnmatch(glob, path, 0) == 0;
	while (glob[0] == '.' && glob[1] == '/')
		glob += 2;
	if (strchr(glob, '/') == NULL) {
		const char *base = strrchr(path, '/');

		if (fnmatch(glob, base ? base + 1 : path, 0) == 0)
			return 1;
	}
	rel = lc_path_under(path, base_dir);
	return rel != path && fnmatch(glob, rel, 0) == 0;
}

void lc_config_fini(struct lc_config *cfg)
{
	size_t i;

	if (cfg == NULL)
		return;
	lc__cfg_free_lists(cfg);
	for (i = 0; i < cfg->nfiles; i++) {
		free(cfg->files[i]);
		free(cfg->dirs[i]);
		lc_yaml_free(cfg->docs[i]);
	}
	free(cfg->files);
	free(cfg->dirs);
	free(cfg->docs);
	free(cfg->path);
	free(cfg->pack);
	memset(cfg, 0, sizeof(*cfg));
}

/* The directory of a file, absolute when it can be. */
static char *dir_of(const char *path)
{
	char *real = path ? realpath(path, NULL) : NULL;
	char *slash, *d;

	if (real == NULL) {
		char cwd[PATH_MAX];

		if (path != NULL && path[0] == '/') {
			real = strdup(path);
		} else if (getcwd(cwd, sizeof(cwd)) != NULL) {
			size_t n = strlen(cwd) + (path ? strlen(path) : 0) + 2;

			real = malloc(n);
			if (real != NULL)
				snprintf(real, n, "%s/%s", cwd, path ? path : "x");
		}
		if (real == NULL)
			return NULL;
	}
	slash = strrchr(real, '/');
	if (slash == real)
		slash[1] = '\0';
	else if (slash != NULL)
		*slash = '\0';
	d = strdup(real);
	free(real);
	return d;
}

/* Resolves an extends entry: a path (has '/' or ends in .yaml/.yml) is
 * relative to from_dir; a bare name is a pack, NAME.yaml in the rules
 * directories. Returns the real path (malloc'd) or NULL. */
static char *find_pack(const char *name, const char *from_dir, const char *const *dirs)
{
	char buf[PATH_MAX + 64];
	size_t n = strlen(name), i;

	if (strchr(name, '/') || (n > 5 && strcmp(name + n - 5, ".yaml") == 0) ||
	    (n > 4 && strcmp(name + n - 4, ".yml") == 0)) {
		if (name[0] == '/')
			snprintf(buf, sizeof(buf), "%s", name);
		else
			snprintf(buf, sizeof(buf), "%s/%s", from_dir ? from_dir : ".", name);
		return access(buf, R_OK) == 0 ? realpath(buf, NULL) : NULL;
	}
	for (i = 0; dirs != NULL && dirs[i] != NULL; i++) {
		snprintf(buf, sizeof(buf), "%s/%s.yaml", dirs[i], name);
		if (access(buf, R_OK) == 0)
			return realpath(buf, NULL);
	}
	return NULL;
}

static int apply_doc(struct lc_config *cfg, struct lc_yaml **yp, const char *real, int is_project,
                     struct loadstate *ls, struct lc_err *err);

/* Applies one entry of extends: (node n, or the implicit default when n is
 * 0) named `name`, written in the file of context c. */
static int extend(struct lc_config *cfg, const struct lc__cctx *c, lc_ynode n, const char *name,
                  struct loadstate *ls)
{
	struct lc_yaml *y = NULL;
	char *real = NULL;
	size_t i;
	int rc = 0;

	if (strcmp(name, "none") == 0)
		return 0;
	real = find_pack(name, c->dir, ls->dirs);
	if (real == NULL) {
		if (n == 0)
			rc = lc_err_set(c->err, LC_ENOTFOUND, "%s: unknown rule pack '%s'", c->file,
			                name);
		else
			rc = lc_err_set(c->err, LC_ENOTFOUND, "%s:%u:%u: unknown rule pack '%s'",
			                c->file, lc_yaml_line(c->y, n), lc_yaml_col(c->y, n), name);
		goto out;
	}
	for (i = 0; i < (size_t)ls->depth; i++) {
		if (ls->stack[i] != NULL && strcmp(ls->stack[i], real) == 0) {
			rc = lc_err_set(c->err, LC_ELIMIT,
			                "%s:%u:%u: '%s' extends itself (through '%s')", c->file,
			                lc_yaml_line(c->y, n), lc_yaml_col(c->y, n), real, c->file);
			goto out;
		}
	}
	for (i = 0; i < ls->ndone; i++)
		if (strcmp(ls->done[i], real) == 0)
			goto out; /* applied already, through another path */
	if (ls->depth >= LC_CONFIG_MAX_DEPTH) {
		rc = lc_err_set(c->err, LC_ELIMIT, "%s:%u:%u: rule packs extend too deeply",
		                c->file, lc_yaml_line(c->y, n), lc_yaml_col(c->y, n));
		goto out;
	}
	rc = lc_yaml_load_file(&y, real, c->err);
	if (rc < 0)
		goto out;
	rc = apply_doc(cfg, &y, real, 0, ls, c->err);
	if (rc == 0 && cfg->pack == NULL) {
		cfg->pack = real;
		real = NULL;
	}
out:
	lc_yaml_free(y);
	free(real);
	return rc;
}

static int extends(struct lc_config *cfg, const struct lc__cctx *c, lc_ynode root, int is_project,
                   struct loadstate *ls)
{
	lc_ynode ext = lc_yaml_get(c->y, root, "extends");
	size_t i, n;
	int rc = 0;

	if (ext == 0)
		return is_project ? extend(cfg, c, 0, "interlock", ls) : 0;
	if (lc_yaml_kind(c->y, ext) == LC_Y_SCALAR && !lc_yaml_is_null(c->y, ext))
		return extend(cfg, c, ext, lc_yaml_scalar(c->y, ext), ls);
	if (lc_yaml_kind(c->y, ext) != LC_Y_SEQ)
		return lc__cfg_bad(c, ext, "expected a rule pack name or a list of them");
	n = lc_yaml_len(c->y, ext);
	for (i = 0; i < n && rc == 0; i++) {
		lc_ynode it = lc_yaml_at(c->y, ext, i);
		const char *s = lc_yaml_scalar(c->y, it);

		if (s == NULL || s[0] == '\0')
			return lc__cfg_bad(c, it, "expected a rule pack name or file");
		rc = extend(cfg, c, it, s, ls);
	}
	return rc;
}

/* Registers the file of layer cfg->nfiles; on success cfg owns y. */
static int push_file(struct lc_config *cfg, struct lc_yaml *y, const char *real)
{
	size_t cap = cfg->capfiles, cap2 = cfg->capfiles;
	char *f = strdup(lc_yaml_name(y)), *d = dir_of(real ? real : lc_yaml_name(y));

	if (f == NULL || d == NULL ||
	    lc__grow((void **)&cfg->files, &cap, cfg->nfiles + 1, sizeof(*cfg->files)) < 0 ||
	    lc__grow((void **)&cfg->docs, &cap2, cfg->nfiles + 1, sizeof(*cfg->docs)) < 0 ||
	    lc__grow((void **)&cfg->dirs, &cfg->capfiles, cfg->nfiles + 1, sizeof(*cfg->dirs)) <
	            0) {
		free(f);
		free(d);
		return LC_ENOMEM;
	}
	cfg->files[cfg->nfiles] = f;
	cfg->dirs[cfg->nfiles] = d;
	cfg->docs[cfg->nfiles] = y;
	cfg->nfiles++;
	return 0;
}

/* Applies document *yp (named lc_yaml_name(*yp); real path `real` or NULL
 * for a document from memory). Once the file is registered the config owns
 * the document and *yp is set to NULL. */
static int apply_doc(struct lc_config *cfg, struct lc_yaml **yp, const char *real, int is_project,
                     struct loadstate *ls, struct lc_err *err)
{
	struct lc_yaml *y = *yp;
	struct lc__cctx c;
	lc_ynode root = lc_yaml_root(y);
	char *dir = dir_of(real ? real : lc_yaml_name(y));
	int rc = 0, pushed = 0;

	memset(&c, 0, sizeof(c));
	c.cfg = cfg;
	c.y = y;
	c.file = lc_yaml_name(y);
	c.dir = dir;
	c.err = err;
	if (dir == NULL) {
		rc = lc__cfg_nomem(&c);
		goto out;
	}
	if (root != 0 && lc_yaml_is_null(y, root))
		root = 0; /* a file of comments only */
	if (root != 0 && lc_yaml_kind(y, root) != LC_Y_MAP) {
		rc = lc__cfg_bad(&c, root, "expected a mapping at the top level");
		goto out;
	}
	rc = lc__cfg_check_top(&c, root);
	if (rc < 0)
		goto out;
	ls->stack[ls->depth++] = (char *)real;
	pushed = 1;
	rc = extends(cfg, &c, root, is_project, ls);
	if (rc < 0)
		goto out;
	if (push_file(cfg, y, real) == 0)
		*yp = NULL;
	else
		rc = LC_ENOMEM;
	if (rc < 0 || (real != NULL && lc__grow((void **)&ls->done, &ls->capdone, ls->ndone + 1,
	                                        sizeof(*ls->done)) < 0)) {
		rc = lc__cfg_nomem(&c);
		goto out;
	}
	if (real != NULL) {
		ls->done[ls->ndone] = strdup(real);
		if (ls->done[ls->ndone] == NULL) {
			rc = lc__cfg_nomem(&c);
			goto out;
		}
		ls->ndone++;
	}
	c.layer = (unsigned)(cfg->nfiles - 1);
	c.file = cfg->files[c.layer];
	c.dir = cfg->dirs[c.layer];
	rc = lc__cfg_sections(&c, root);
out:
	if (pushed)
		ls->depth--;
	free(dir);
	return rc;
}

static int load_common(struct lc_config *out, struct lc_yaml **y, const char *real, int is_project,
                       const char *const *dirs, struct lc_err *err)
{
	const char *defdirs[8];
	char buf[PATH_MAX + 32];
	struct loadstate ls;
	size_t i;
	int rc;

	memset(&ls, 0, sizeof(ls));
	if (dirs == NULL) {
		lc_config_rules_dirs(defdirs, sizeof(defdirs) / sizeof(defdirs[0]), buf,
		                     sizeof(buf));
		dirs = defdirs;
	}
	ls.dirs = dirs;
	out->path = strdup(lc_yaml_name(*y));
	if (out->path == NULL)
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
	else
		rc = apply_doc(out, y, real, is_project, &ls, err);
	for (i = 0; i < ls.ndone; i++)
		free(ls.done[i]);
	free(ls.done);
	return rc;
}

int lc_config_load(struct lc_config *out, const char *path, int is_project, const char *const *dirs,
                   struct lc_err *err)
{
	struct lc_yaml *y = NULL;
	char *real = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lc_yaml_load_file(&y, path, err);
	if (rc == 0) {
		real = realpath(path, NULL);
		rc = load_common(out, &y, real, is_project, dirs, err);
	}
	free(real);
	lc_yaml_free(y);
	return rc;
}

int lc_config_load_mem(struct lc_config *out, const char *name, const char *buf, size_t len,
                       int is_project, const char *const *dirs, struct lc_err *err)
{
	struct lc_yaml *y = NULL;
	int rc;

	memset(out, 0, sizeof(*out));
	rc = lc_yaml_load_mem(&y, name, buf, len, err);
	if (rc == 0)
		rc = load_common(out, &y, NULL, is_project, dirs, err);
	lc_yaml_free(y);
	return rc;
}

int lc_config_load_pack(struct lc_config *out, const char *name, const char *const *dirs,
                        struct lc_err *err)
{
	const char *defdirs[8];
	char buf[PATH_MAX + 32];
	char *real;
	int rc;

	memset(out, 0, sizeof(*out));
	if (dirs == NULL) {
		lc_config_rules_dirs(defdirs, sizeof(defdirs) / sizeof(defdirs[0]), buf,
		                     sizeof(buf));
		dirs = defdirs;
	}
	real = find_pack(name, NULL, dirs);
	if (real == NULL)
		return lc_err_set(err, LC_ENOTFOUND, "the rule pack '%s' is not installed", name);
	rc = lc_config_load(out, real, 0, dirs, err);
	if (rc == 0 && out->pack == NULL) {
		out->pack = real;
		real = NULL;
	}
	free(real);
	return rc;
}
