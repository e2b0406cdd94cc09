/*
 * analyzer/compdb.c - compile_commands.json through libclang, plus cleaning.
 */
#define _POSIX_C_SOURCE 200809L
#include "compdb.h"

#include <clang-c/CXCompilationDatabase.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
        "-W",
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

static int is_drop(const char *a)
{
	size_t i;

	if (strcmp(a, "-c") == 0 || strcmp(a, "-S") == 0 || strcmp(a, "-E") == 0)
		return 1;
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

/* "arm-none-eabi-gcc" -> target triple "arm-none-eabi" so a cross database
 * is parsed for its target, not for the host. */
static int compiler_triple(char *buf, size_t n, const char *compiler)
{
	const char *base = strrchr(compiler, '/');
	const char *dash;

	base = base ? base + 1 : compiler;
	dash = strrchr(base, '-');
	if (!dash || dash == base)
		return 0;
	if (strncmp(dash + 1, "gcc", 3) != 0 && strncmp(dash + 1, "cc", 2) != 0 &&
	    strncmp(dash + 1, "clang", 5) != 0)
		return 0;
	/* only a plausible triple: at least two dashes before the tool name */
	if ((size_t)(dash - base) + 1 > n)
		return 0;
	memcpy(buf, base, (size_t)(dash - base));
	buf[dash - base] = '\0';
	if (!strchr(buf, '-') || strchr(buf, '-') == strrchr(buf, '-'))
		return 0;
	return 1;
}

int an_compdb_clean_args(char ***out, int *out_argc, const char *const *args, int nargs,
                         const char *source, const char *dir, const char *resource_dir)
{
	char **v = NULL;
	int n = 0, i, rc = 0;
	size_t cap = 0, k;
	char triple[128], opt[4200];

	(void)source;
	*out = NULL;
	*out_argc = 0;
	rc = push(&v, &n, &cap, "clang");
	if (rc < 0)
		goto out;
	if (nargs > 0 && compiler_triple(triple, sizeof(triple), args[0])) {
		snprintf(opt, sizeof(opt), "--target=%s", triple);
		rc = push(&v, &n, &cap, opt);
		if (rc < 0)
			goto out;
	}
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
		rc = push(&v, &n, &cap, "-w");
	if (rc == 0)
		rc = push(&v, &n, &cap, "-Wno-error");
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

static void tu_fini(struct an_tu *t)
{
	int i;

	for (i = 0; i < t->argc; i++)
		free(t->argv[i]);
	free(t->argv);
	free(t->file);
	free(t->dir);
}

void an_compdb_fini(struct an_compdb *db)
{
	size_t i;

	for (i = 0; i < db->ntus; i++)
		tu_fini(&db->tus[i]);
	free(db->tus);
	db->tus = NULL;
	db->ntus = 0;
}

/* Checks the JSON shape so errors carry a line (syntax) or an entry index
 * (structure); libclang itself only says "cannot load". */
static int validate_json(const char *path, struct lc_err *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	json_t *e;
	size_t i;
	int rc = 0;

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
		json_t *cmd = json_object_get(e, "command"),
		       *args = json_object_get(e, "arguments");
		if (!json_is_object(e) || !json_is_string(json_object_get(e, "directory")) ||
		    !json_is_string(json_object_get(e, "file")) ||
		    (!json_is_string(cmd) && !json_is_array(args))) {
			rc = lc_err_set(
			        err, LC_EFORMAT,
			        "%s: malformed compilation database: entry %zu needs 'directory', "
			        "'file' and 'command' or 'arguments'",
			        path, i + 1);
			goto out;
		}
	}
out:
	json_decref(root);
	return rc;
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

int an_compdb_load(struct an_compdb *out, const char *build_dir, const char *resource_dir,
                   struct lc_err *err)
{
	CXCompilationDatabase_Error dberr = CXCompilationDatabase_NoError;
	CXCompilationDatabase db = NULL;
	CXCompileCommands cmds = NULL;
	char path[4096];
	const char **args = NULL;
	unsigned i, ncmd, j, nargs;
	size_t cap = 0, w;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	snprintf(path, sizeof(path), "%s/compile_commands.json", build_dir);
	rc = validate_json(path, err);
	if (rc < 0)
		goto out;
	db = clang_CompilationDatabase_fromDirectory(build_dir, &dberr);
	if (dberr != CXCompilationDatabase_NoError || !db) {
		rc = lc_err_set(err, LC_EFORMAT, "libclang cannot load compilation database '%s'",
		                path);
		goto out;
	}
	cmds = clang_CompilationDatabase_getAllCompileCommands(db);
	ncmd = cmds ? clang_CompileCommands_getSize(cmds) : 0;
	for (i = 0; i < ncmd; i++) {
		CXCompileCommand cmd = clang_CompileCommands_getCommand(cmds, i);
		CXString cdir = clang_CompileCommand_getDirectory(cmd);
		CXString cfile = clang_CompileCommand_getFilename(cmd);
		struct an_tu *t;

		nargs = clang_CompileCommand_getNumArgs(cmd);
		free(args);
		args = calloc(nargs + 1, sizeof(*args));
		if (!args ||
		    an_util_grow((void **)&out->tus, &cap, out->ntus + 1, sizeof(*out->tus)) < 0) {
			clang_disposeString(cdir);
			clang_disposeString(cfile);
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
		t = &out->tus[out->ntus];
		memset(t, 0, sizeof(*t));
		{
			/* the CXStrings must outlive args[], so copy them first */
			CXString *held = calloc(nargs + 1, sizeof(*held));
			if (!held) {
				clang_disposeString(cdir);
				clang_disposeString(cfile);
				rc = lc_err_set(err, LC_ENOMEM, "out of memory");
				goto out;
			}
			for (j = 0; j < nargs; j++) {
				held[j] = clang_CompileCommand_getArg(cmd, j);
				args[j] = clang_getCString(held[j]);
			}
			t->dir = strdup(clang_getCString(cdir));
			t->file = an_util_abspath(clang_getCString(cfile), clang_getCString(cdir));
			rc = (t->dir && t->file) ? 0 : LC_ENOMEM;
			if (rc == 0)
				rc = an_compdb_clean_args(&t->argv, &t->argc, args, (int)nargs,
				                          clang_getCString(cfile), t->dir,
				                          resource_dir);
			for (j = 0; j < nargs; j++)
				clang_disposeString(held[j]);
			free(held);
		}
		clang_disposeString(cdir);
		clang_disposeString(cfile);
		out->ntus++;
		if (rc < 0) {
			lc_err_set(err, rc, "out of memory");
			goto out;
		}
	}
	if (out->ntus == 0) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: the compilation database has no entries",
		                path);
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
out:
	free(args);
	if (cmds)
		clang_CompileCommands_dispose(cmds);
	if (db)
		clang_CompilationDatabase_dispose(db);
	if (rc < 0)
		an_compdb_fini(out);
	return rc;
}
