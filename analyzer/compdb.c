/*
 * analyzer/compdb.c - compile_commands.json (read with jansson), the
 * toolchain of each entry (driver.c) and the cleaning of each command.
 *
 * The database is read here rather than through libclang's
 * clang_CompilationDatabase_*: libclang prefers a compile_flags.txt in the
 * same folder (which lists no files) and resolves a relative `directory`
 * against the process's working directory; the JSON Compilation Database
 * specification wants it relative to the database's folder.
 */
#define _GNU_SOURCE
#include "compdb.h"

#include <errno.h>
#include <fnmatch.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "driver.h"
#include "util.h"

/* gcc flags (by prefix) that clang rejects or that only steer gcc's
 * optimiser or its own analyses; they cannot change what a TU means. */
static const char *const gcc_only_prefixes[] = {
        "-fanalyzer",
        "-fno-analyzer",
        "-ftree-",
        "-fno-tree-",
        "-fipa-",
        "-fno-ipa-",
        "-fstack-usage",
        "-fcallgraph-info",
        "-fconserve-stack",
        "-fmax-errors",
        "-fdump-",
        "-fopt-info",
        "-fplugin",
        "-fgcse",
        "-fno-gcse",
        "-fsched-",
        "-fno-sched-",
        "-fira-",
        "-flto",
        "-fno-lto",
        "-fwhole-program",
        "-fuse-linker-plugin",
        "-finline-limit",
        "-fno-inline-small-functions",
        "-finline-small-functions",
        "-fstrict-volatile-bitfields",
        "-fno-strict-volatile-bitfields",
        "-fno-reorder-functions",
        "-fcprop-registers",
        "-fharden-",
        "-fcompare-debug",
        "-fno-allow-store-data-races",
        "-fallow-store-data-races",
        "-fsingle-precision-constant",
        "-fno-var-tracking",
        "-fvar-tracking",
        "-fprintf-return-value",
        "-fno-printf-return-value",
        "-fno-fat-lto-objects",
        "-ffat-lto-objects",
        "-fdiagnostics-",
        "-fno-diagnostics-",
        "-fcondition-coverage",
        "-fprofile-update",
        "-fzero-call-used-regs",
        "-fno-instrument-functions",
        "-finstrument-functions-exclude-",
        "-specs=",
        "--specs=",
        "-W", /* but -Wno-X, see is_drop */
        "-pedantic-errors",
        "-Werror",
        "-save-temps",
        "-pipe",
        "-M",
        "-Q",
};

/* Options whose value is the next argument and that we drop with it. */
static const char *const drop_with_value[] = {
        "-o",      "-MF",       "-MT", "-MQ", "-Xlinker", "-Xassembler", "-Xpreprocessor",
        "--param", "-aux-info",
};

/* Options whose value is the next argument and that we keep with it. */
static const char *const keep_with_value[] = {
        "-I",       "-D", "-U",   "-include",  "-isystem",  "-iquote", "-idirafter",
        "-imacros", "-x", "-std", "--sysroot", "-isysroot", "-target", "-arch",
};

/* Errors clang (>= 16) makes of what gcc 12 only warns about; a TU gcc
 * builds must not stop the check, so they are demoted (and noted, parse.c). */
const char *const an_compdb_demoted[] = {
        "implicit-function-declaration",       "implicit-int", "int-conversion",
        "incompatible-function-pointer-types", "return-type",  NULL,
};

static int is_drop(const char *a)
{
	size_t i;

	if (strcmp(a, "-c") == 0 || strcmp(a, "-S") == 0 || strcmp(a, "-E") == 0)
		return 1;
	/* -Wno-X only ever silences or demotes, as it does for gcc: kept */
	if (strncmp(a, "-Wno-", 5) == 0)
		return 0;
	for (i = 0; i < sizeof(gcc_only_prefixes) / sizeof(gcc_only_prefixes[0]); i++)
		if (strncmp(a, gcc_only_prefixes[i], strlen(gcc_only_prefixes[i])) == 0)
			return 1;
	return 0;
}

static int push(char ***v, int *n, size_t *cap, const char *s)
{
	char *d = strdup(s);

	if (!d || an_util_grow((void **)v, cap, (size_t)*n + 2, sizeof(**v)) < 0) {
		free(d);
		return LC_ENOMEM;
	}
	(*v)[(*n)++] = d;
	(*v)[*n] = NULL;
	return 0;
}

static int has_arg(const char *const *args, int nargs, const char *prefix)
{
	int i;

	for (i = 1; i < nargs; i++)
		if (strncmp(args[i], prefix, strlen(prefix)) == 0)
			return 1;
	return 0;
}

/* Toolchains named by their architecture alone ("avr-gcc"). */
static int is_bare_arch(const char *t)
{
	static const char *const arch[] = {"avr",     "msp430",  "xtensa",  "arm",
	                                   "aarch64", "riscv32", "riscv64", "mips",
	                                   "ppc",     "sparc",   NULL};
	size_t i;

	for (i = 0; arch[i]; i++)
		if (strcmp(t, arch[i]) == 0)
			return 1;
	return 0;
}

/* The flags that tell clang what the driver knows: a queried driver's
 * target, sysroot and include directories, else the target its name
 * carries ("arm-none-eabi-gcc" is parsed for arm-none-eabi, not the host). */
static int push_toolchain(char ***v, int *n, size_t *cap, const char *const *args, int nargs,
                          const struct an_driver *drv)
{
	char triple[128], opt[PATH_MAX + 16];
	int rc = 0;

	if (has_arg(args, nargs, "--target") || has_arg(args, nargs, "-target"))
		return 0;
	if (drv && drv->queried) {
		if (drv->native)
			return 0;
		snprintf(opt, sizeof(opt), "--target=%s", drv->triple);
		rc = push(v, n, cap, opt);
		if (rc == 0 && drv->sysroot && !has_arg(args, nargs, "--sysroot")) {
			snprintf(opt, sizeof(opt), "--sysroot=%s", drv->sysroot);
			rc = push(v, n, cap, opt);
		}
		return rc;
	}
	if (nargs > 0 && an_driver_name_triple(triple, sizeof(triple), args[0]) &&
	    (strchr(triple, '-') || is_bare_arch(triple))) {
		snprintf(opt, sizeof(opt), "--target=%s", triple);
		rc = push(v, n, cap, opt);
	}
	return rc;
}

/* The driver's built-in include directories come after the command's own
 * -I/-isystem, as gcc searches them. */
static int push_includes(char ***v, int *n, size_t *cap, const char *const *args, int nargs,
                         const struct an_driver *drv)
{
	size_t i;
	int rc = 0;

	if (!drv || !drv->queried || drv->native || has_arg(args, nargs, "-nostdinc"))
		return 0;
	for (i = 0; i < drv->nisystem && rc == 0; i++) {
		rc = push(v, n, cap, "-isystem");
		if (rc == 0)
			rc = push(v, n, cap, drv->isystem[i]);
	}
	return rc;
}

static int clean(char ***out, int *out_argc, const char *const *args, int nargs, const char *dir,
                 const struct an_driver *drv, const struct an_compdb_opts *o)
{
	char **v = NULL;
	int n = 0, i, rc = 0;
	size_t cap = 0, k;
	char opt[4200];
	const char *resource_dir = o ? o->resource_dir : NULL;

	*out = NULL;
	*out_argc = 0;
	rc = push(&v, &n, &cap, "clang");
	for (k = 0; o && rc == 0 && k < o->nextra_before; k++)
		rc = push(&v, &n, &cap, o->extra_before[k]);
	if (rc == 0)
		rc = push_toolchain(&v, &n, &cap, args, nargs, drv);
	if (rc < 0)
		goto out;
	for (i = 1; i < nargs; i++) {
		const char *a = args[i];
		int skip_next = 0, keep_next = 0;

		for (k = 0; k < sizeof(drop_with_value) / sizeof(drop_with_value[0]); k++)
			if (strcmp(a, drop_with_value[k]) == 0)
				skip_next = 1;
		if (skip_next) {
			i++;
			continue;
		}
		if (a[0] != '-') {
			/* a positional argument: the source itself (passed to libclang
			 * separately) or another input; neither belongs in argv */
			continue;
		}
		if (is_drop(a))
			continue;
		for (k = 0; k < sizeof(keep_with_value) / sizeof(keep_with_value[0]); k++)
			if (strcmp(a, keep_with_value[k]) == 0)
				keep_next = 1;
		rc = push(&v, &n, &cap, a);
		if (rc < 0)
			goto out;
		if (keep_next && i + 1 < nargs) {
			rc = push(&v, &n, &cap, args[++i]);
			if (rc < 0)
				goto out;
		}
	}
	rc = push_includes(&v, &n, &cap, args, nargs, drv);
	for (k = 0; o && rc == 0 && k < o->nextra; k++)
		rc = push(&v, &n, &cap, o->extra[k]);
	if (rc < 0)
		goto out;
	/* -working-directory makes relative -I paths resolve as in the build,
	 * without a chdir that would race between worker threads. */
	snprintf(opt, sizeof(opt), "-working-directory=%s", dir);
	rc = push(&v, &n, &cap, opt);
	if (rc == 0 && resource_dir && resource_dir[0]) {
		rc = push(&v, &n, &cap, "-resource-dir");
		if (rc == 0)
			rc = push(&v, &n, &cap, resource_dir);
	}
	if (rc == 0)
		rc = push(&v, &n, &cap, "-D__LATCH_CHECK__=1");
	if (rc == 0)
		rc = push(&v, &n, &cap, "-Wno-error");
	for (k = 0; rc == 0 && an_compdb_demoted[k]; k++) {
		snprintf(opt, sizeof(opt), "-Wno-error=%s", an_compdb_demoted[k]);
		rc = push(&v, &n, &cap, opt);
	}
	if (rc < 0)
		goto out;
	*out = v;
	*out_argc = n;
	v = NULL;
out:
	if (v) {
		for (i = 0; i < n; i++)
			free(v[i]);
		free(v);
	}
	return rc;
}

int an_compdb_clean_args(char ***out, int *out_argc, const char *const *args, int nargs,
                         const char *source, const char *dir, const char *resource_dir)
{
	struct an_compdb_opts o;

	(void)source;
	memset(&o, 0, sizeof(o));
	o.resource_dir = resource_dir;
	return clean(out, out_argc, args, nargs, dir, NULL, &o);
}

static void tu_fini(struct an_tu *t)
{
	int i;

	for (i = 0; i < t->argc; i++)
		free(t->argv[i]);
	free(t->argv);
	free(t->file);
	free(t->dir);
	memset(t, 0, sizeof(*t));
}

void an_compdb_tu_fini(struct an_tu *t)
{
	tu_fini(t);
}

void an_compdb_fini(struct an_compdb *db)
{
	size_t i;

	for (i = 0; i < db->ntus; i++)
		tu_fini(&db->tus[i]);
	free(db->tus);
	for (i = 0; i < db->nskipped; i++)
		free(db->skipped[i].file);
	free(db->skipped);
	for (i = 0; i < db->ndrivers; i++) {
		an_driver_fini(db->drivers[i]);
		free(db->drivers[i]);
	}
	free(db->drivers);
	memset(db, 0, sizeof(*db));
}

/* Splits a `command` string as a POSIX shell would split words: blanks
 * separate, '...' is literal, "..." keeps blanks and honours \" \\ \$ \`,
 * a backslash outside quotes escapes the next character. */
static int split_command(char ***out, int *out_n, const char *s)
{
	char **v = NULL, *w = NULL;
	int n = 0, rc = 0, inword = 0;
	size_t cap = 0, wl = 0, wcap = 0;

	*out = NULL;
	*out_n = 0;
	for (;; s++) {
		char c = *s;
		if (c == '\0' || c == ' ' || c == '\t' || c == '\n') {
			if (inword) {
				w[wl] = '\0';
				rc = push(&v, &n, &cap, w);
				if (rc < 0)
					goto out;
				wl = 0;
				inword = 0;
			}
			if (c == '\0')
				break;
			continue;
		}
		inword = 1;
		if (an_util_grow((void **)&w, &wcap, wl + strlen(s) + 2, 1) < 0) {
			rc = LC_ENOMEM;
			goto out;
		}
		if (c == '\'') {
			while (*++s && *s != '\'')
				w[wl++] = *s;
			if (!*s)
				break;
		} else if (c == '"') {
			while (*++s && *s != '"') {
				if (*s == '\\' && s[1] && strchr("\"\\$`", s[1]))
					s++;
				w[wl++] = *s;
			}
			if (!*s)
				break;
		} else if (c == '\\' && s[1]) {
			w[wl++] = *++s;
		} else {
			w[wl++] = c;
		}
	}
	if (inword && w) {
		w[wl] = '\0';
		rc = push(&v, &n, &cap, w);
	}
out:
	free(w);
	if (rc < 0) {
		int i;
		for (i = 0; i < n; i++)
			free(v[i]);
		free(v);
		return rc;
	}
	*out = v;
	*out_n = n;
	return 0;
}

static const char *ext_of(const char *file)
{
	const char *b = strrchr(file, '/'), *d;

	d = strrchr(b ? b : file, '.');
	return d ? d + 1 : "";
}

/* What language an entry is: by a -x option, else by the file's suffix. */
static enum an_lang lang_of(const char *file, const char *const *args, int nargs)
{
	static const char *const asm_ext[] = {"s", "S", "asm", "sx", "ASM", NULL};
	static const char *const cxx_ext[] = {"cc",  "cpp", "cxx", "c++", "C", "cp",
	                                      "CPP", "ii",  "hpp", "hh",  NULL};
	const char *e = ext_of(file);
	int i;

	for (i = 1; i + 1 < nargs; i++) {
		if (strcmp(args[i], "-x") != 0)
			continue;
		if (strncmp(args[i + 1], "assembler", 9) == 0)
			return AN_LANG_ASM;
		if (strncmp(args[i + 1], "c++", 3) == 0)
			return AN_LANG_CXX;
		if (strcmp(args[i + 1], "c") == 0)
			return AN_LANG_C;
	}
	for (i = 0; asm_ext[i]; i++)
		if (strcmp(e, asm_ext[i]) == 0)
			return AN_LANG_ASM;
	for (i = 0; cxx_ext[i]; i++)
		if (strcmp(e, cxx_ext[i]) == 0)
			return AN_LANG_CXX;
	if (strcmp(e, "c") == 0 || strcmp(e, "h") == 0 || strcmp(e, "i") == 0)
		return AN_LANG_C;
	return AN_LANG_OTHER;
}

int an_compdb_excluded(const char *file, const struct an_compdb_opts *o)
{
	size_t i;
	const char *base = strrchr(file, '/');
	char *rel = NULL;
	int hit = 0;

	if (!o || !o->nexclude)
		return 0;
	base = base ? base + 1 : file;
	rel = o->cwd ? an_util_relpath(file, o->cwd) : NULL;
	for (i = 0; i < o->nexclude && !hit; i++) {
		const char *g = o->exclude[i];
		hit = fnmatch(g, file, 0) == 0 || (rel && fnmatch(g, rel, 0) == 0) ||
		      (!strchr(g, '/') && fnmatch(g, base, 0) == 0);
	}
	free(rel);
	return hit;
}

static int driver_allowed(const struct an_compdb_opts *o, const char *argv0, const char *path)
{
	size_t i;

	if (!o || !o->nquery)
		return 1;
	for (i = 0; i < o->nquery; i++)
		if (fnmatch(o->query[i], argv0, 0) == 0 ||
		    (path && fnmatch(o->query[i], path, 0) == 0))
			return 1;
	return 0;
}

/* The driver record for argv0 with the entry's include-relevant flags
 * (queried on first use); *out stays NULL for a compiler that is not
 * gcc-like. Returns 0 or a negative code. */
static int driver_for(const struct an_driver **out, struct an_compdb *db, const char *const *args,
                      int nargs, const char *dir, const struct an_compdb_opts *o,
                      struct lc_err *err)
{
	size_t i;
	struct an_driver *d, **nv;
	const char *argv0 = args[0];
	char *flags = NULL;
	int rc = 0;

	*out = NULL;
	if (!an_driver_is_gcc(argv0))
		return 0;
	flags = an_driver_flags(args, nargs);
	if (!flags)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < db->ndrivers; i++)
		if (strcmp(db->drivers[i]->name, argv0) == 0 &&
		    strcmp(db->drivers[i]->flags, flags) == 0 &&
		    (argv0[0] == '/' || !strchr(argv0, '/') ||
		     strcmp(db->drivers[i]->dir, dir) == 0)) {
			*out = db->drivers[i];
			goto out;
		}
	d = calloc(1, sizeof(*d));
	nv = realloc(db->drivers, (db->ndrivers + 1) * sizeof(*nv));
	if (!d || !nv) {
		free(d);
		if (nv)
			db->drivers = nv;
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	db->drivers = nv;
	/* the PATH lookup happens in an_driver_query; the glob sees the name as
	 * written and, once known, the resolved path */
	rc = an_driver_query(d, argv0, dir, flags, 0, NULL, err);
	if (rc == 0 && driver_allowed(o, argv0, d->path)) {
		an_driver_fini(d);
		rc = an_driver_query(d, argv0, dir, flags, 1, o ? o->cache_dir : NULL, err);
	}
	if (rc == 0 && !(d->dir = strdup(dir)))
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
	db->drivers[db->ndrivers++] = d;
	if (rc == 0)
		*out = d;
out:
	free(flags);
	return rc;
}

static int add_skipped(struct an_compdb *db, const char *file, enum an_lang lang)
{
	size_t i;
	char *f;

	for (i = 0; i < db->nskipped; i++)
		if (strcmp(db->skipped[i].file, file) == 0)
			return 0; /* listed once however many entries name it */
	f = strdup(file);
	if (!f || an_util_grow((void **)&db->skipped, &db->capskipped, db->nskipped + 1,
	                       sizeof(*db->skipped)) < 0) {
		free(f);
		return LC_ENOMEM;
	}
	db->skipped[db->nskipped].file = f;
	db->skipped[db->nskipped].lang = lang;
	db->nskipped++;
	return 0;
}

static int tu_cmp(const void *a, const void *b)
{
	const struct an_tu *x = a, *y = b;
	int c = strcmp(x->file, y->file);
	int i;

	if (c)
		return c;
	if (x->argc != y->argc)
		return x->argc - y->argc;
	for (i = 0; i < x->argc; i++) {
		c = strcmp(x->argv[i], y->argv[i]);
		if (c)
			return c;
	}
	return 0;
}

static int skip_cmp(const void *a, const void *b)
{
	return strcmp(((const struct an_skip *)a)->file, ((const struct an_skip *)b)->file);
}

/* One entry: its directory (relative to the database's folder), file and
 * arguments, then its toolchain, then the cleaned command. */
static int load_entry(struct an_compdb *db, size_t *cap, json_t *e, size_t idx, const char *path,
                      const char *dbdir, const struct an_compdb_opts *o, struct lc_err *err)
{
	json_t *cmd = json_object_get(e, "command"), *jargs = json_object_get(e, "arguments");
	json_t *jdir = json_object_get(e, "directory"), *jfile = json_object_get(e, "file");
	char **args = NULL, *dir = NULL, *file = NULL;
	int nargs = 0, rc = 0, i;
	size_t k;
	enum an_lang lang;
	const struct an_driver *drv = NULL;
	struct an_tu *t;

	if (!json_is_object(e) || !json_is_string(jdir) || !json_is_string(jfile) ||
	    (!json_is_string(cmd) && !json_is_array(jargs)))
		return lc_err_set(
		        err, LC_EFORMAT,
		        "%s: malformed compilation database: entry %zu needs 'directory', "
		        "'file' and 'command' or 'arguments'",
		        path, idx + 1);
	if (json_is_array(jargs)) {
		json_t *a;
		size_t acap = 0;
		json_array_foreach(jargs, k, a)
		{
			if (!json_is_string(a)) {
				rc = lc_err_set(err, LC_EFORMAT,
				                "%s: malformed compilation database: entry %zu: "
				                "'arguments' must hold strings",
				                path, idx + 1);
				goto out;
			}
			rc = push(&args, &nargs, &acap, json_string_value(a));
			if (rc < 0)
				goto nomem;
		}
	} else {
		rc = split_command(&args, &nargs, json_string_value(cmd));
		if (rc < 0)
			goto nomem;
	}
	if (nargs == 0) {
		rc = lc_err_set(
		        err, LC_EFORMAT,
		        "%s: malformed compilation database: entry %zu has an empty command", path,
		        idx + 1);
		goto out;
	}
	dir = an_util_abspath(json_string_value(jdir), dbdir);
	file = dir ? an_util_abspath(json_string_value(jfile), dir) : NULL;
	if (!dir || !file)
		goto nomem;
	if (an_compdb_excluded(file, o))
		goto out;
	lang = lang_of(file, (const char *const *)args, nargs);
	if (lang != AN_LANG_C) {
		rc = add_skipped(db, file, lang);
		if (rc < 0)
			goto nomem;
		goto out;
	}
	rc = driver_for(&drv, db, (const char *const *)args, nargs, dir, o, err);
	if (rc < 0)
		goto out;
	if (drv && !drv->path && an_driver_is_gcc(args[0]) &&
	    an_driver_name_triple((char[128]){0}, 128, args[0]) &&
	    driver_allowed(o, args[0], NULL)) {
		rc = lc_err_set(err, LC_ENOTFOUND,
		                "%s: compiler '%s' of '%s' is not installed (not on PATH): "
		                "latch-check asks a cross compiler for its target and include "
		                "directories; install it, or name its headers with "
		                "--extra-arg=-isystem<DIR> and leave it out with --query-driver",
		                path, args[0], file);
		goto out;
	}
	if (an_util_grow((void **)&db->tus, cap, db->ntus + 1, sizeof(*db->tus)) < 0)
		goto nomem;
	t = &db->tus[db->ntus];
	memset(t, 0, sizeof(*t));
	t->dir = dir;
	t->file = file;
	t->drv = drv;
	dir = file = NULL;
	db->ntus++;
	rc = clean(&t->argv, &t->argc, (const char *const *)args, nargs, t->dir, drv, o);
	if (rc < 0)
		goto nomem;
	goto out;
nomem:
	rc = lc_err_set(err, LC_ENOMEM, "out of memory");
out:
	for (i = 0; i < nargs; i++)
		free(args[i]);
	free(args);
	free(dir);
	free(file);
	return rc;
}

int an_compdb_load(struct an_compdb *out, const char *build_dir, const struct an_compdb_opts *o,
                   struct lc_err *err)
{
	char path[PATH_MAX + 32], dbdir[PATH_MAX];
	json_error_t je;
	json_t *root = NULL, *e;
	size_t i, cap = 0, w;
	int rc = 0;
	struct stat st;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/compile_commands.json", build_dir);
	if (stat(path, &st) != 0) {
		char flags[PATH_MAX + 32];
		snprintf(flags, sizeof(flags), "%s/compile_flags.txt", build_dir);
		if (stat(flags, &st) == 0)
			return lc_err_set(
			        err, LC_EIO,
			        "cannot read compilation database '%s': %s; '%s' lists "
			        "flags but no files, latch-check needs compile_commands.json",
			        path, strerror(errno), flags);
		return lc_err_set(err, LC_EIO, "cannot read compilation database '%s': %s", path,
		                  strerror(errno));
	}
	if (!realpath(build_dir, dbdir))
		return lc_err_set(err, LC_EIO, "cannot open '%s': %s", build_dir, strerror(errno));
	root = json_load_file(path, 0, &je);
	if (!root) {
		if (je.line < 0)
			return lc_err_set(err, LC_EIO, "cannot read compilation database '%s': %s",
			                  path, je.text);
		return lc_err_set(err, LC_EFORMAT, "%s:%d:%d: malformed compilation database: %s",
		                  path, je.line, je.column, je.text);
	}
	if (!json_is_array(root)) {
		rc = lc_err_set(
		        err, LC_EFORMAT,
		        "%s:1:1: malformed compilation database: expected an array of entries",
		        path);
		goto out;
	}
	json_array_foreach(root, i, e)
	{
		rc = load_entry(out, &cap, e, i, path, dbdir, o, err);
		if (rc < 0)
			goto out;
	}
	if (out->ntus == 0 && !out->nskipped) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: the compilation database has no entries%s",
		                path, json_array_size(root) ? " left after --exclude" : "");
		goto out;
	}
	if (out->ntus == 0) {
		rc = lc_err_set(err, LC_EFORMAT,
		                "%s: the compilation database has no C translation unit", path);
		goto out;
	}
	qsort(out->tus, out->ntus, sizeof(*out->tus), tu_cmp);
	for (i = 1, w = 1; i < out->ntus; i++) {
		if (tu_cmp(&out->tus[w - 1], &out->tus[i]) == 0)
			tu_fini(&out->tus[i]);
		else
			out->tus[w++] = out->tus[i];
	}
	out->ntus = w;
	if (out->nskipped)
		qsort(out->skipped, out->nskipped, sizeof(*out->skipped), skip_cmp);
out:
	json_decref(root);
	if (rc < 0)
		an_compdb_fini(out);
	return rc;
}
