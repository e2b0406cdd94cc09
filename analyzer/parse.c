/*
 * analyzer/parse.c - libclang TU -> summary (see parse.h for the contract):
 * the parse itself, with the retry that drops driver options clang rejects,
 * then scan.c and ast.c over the result.
 */
#define _POSIX_C_SOURCE 200809L
#include "parse.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ast.h"
#include "compdb.h"
#include "scan.h"

static const char *cx_error_text(enum CXErrorCode e)
{
	switch (e) {
	case CXError_Failure:
		return "libclang failed to parse it";
	case CXError_Crashed:
		return "libclang crashed while parsing it";
	case CXError_InvalidArguments:
		return "libclang rejected the arguments";
	case CXError_ASTReadError:
		return "libclang could not read the AST";
	default:
		return "libclang returned an unknown error";
	}
}

/* The driver option clang names in an "unknown argument: 'X'" or
 * "unsupported option 'X'" diagnostic, copied into buf; 0 if none. */
static int rejected_option(CXDiagnostic d, char *buf, size_t n)
{
	CXString s = clang_getDiagnosticSpelling(d);
	const char *m = clang_getCString(s), *q = NULL, *e;
	int ok = 0;

	if (m && strncmp(m, "unknown argument: '", 19) == 0)
		q = m + 19;
	else if (m && strncmp(m, "unsupported option '", 20) == 0)
		q = m + 20;
	if (q && (e = strchr(q, '\'')) != NULL && (size_t)(e - q) < n) {
		memcpy(buf, q, (size_t)(e - q));
		buf[e - q] = '\0';
		ok = 1;
	}
	clang_disposeString(s);
	return ok;
}

/* Is d a warning that clang would have made an error without the demotion
 * of an_compdb_demoted (a gcc-clean TU)? */
static int is_demoted(CXDiagnostic d)
{
	CXString o = clang_getDiagnosticOption(d, NULL);
	const char *s = clang_getCString(o);
	int i, yes = 0;

	if (s && strncmp(s, "-W", 2) == 0 && clang_getDiagnosticSeverity(d) == CXDiagnostic_Warning)
		for (i = 0; an_compdb_demoted[i] && !yes; i++)
			yes = strcmp(s + 2, an_compdb_demoted[i]) == 0;
	clang_disposeString(o);
	return yes;
}

/* One note for the TU when errors of clang were demoted: how many, and the
 * first one with its location. */
static void demoted_note(CXTranslationUnit tu, char *buf, size_t n)
{
	unsigned nd = clang_getNumDiagnostics(tu), k, count = 0;

	buf[0] = '\0';
	for (k = 0; k < nd; k++) {
		CXDiagnostic d = clang_getDiagnostic(tu, k);
		if (is_demoted(d)) {
			if (!count++) {
				CXString s = clang_formatDiagnostic(
				        d, CXDiagnostic_DisplaySourceLocation |
				                   CXDiagnostic_DisplayColumn |
				                   CXDiagnostic_DisplayOption);
				snprintf(buf, n, "%s", clang_getCString(s));
				clang_disposeString(s);
			}
		}
		clang_disposeDiagnostic(d);
	}
	if (count) {
		char first[1024];
		snprintf(first, sizeof(first), "%s", buf);
		snprintf(buf, n,
		         "%u error%s of clang that gcc only warns about demoted to warning%s for "
		         "the analysis; first: %s",
		         count, count == 1 ? "" : "s", count == 1 ? "" : "s", first);
	}
}

/* Parses t. Compiler-specific flags the cleaning in compdb.c does not know
 * are rejected by clang's driver with a named option; such an option cannot
 * change what the code means to us, so it is dropped and the parse retried
 * (a few times). Any other error diagnostic fails the TU. */
static int parse_retrying(CXTranslationUnit *out, CXIndex idx, const struct an_tu *t,
                          struct lc_err *err)
{
	const char **argv = NULL;
	int argc = t->argc - 1, attempt, i, rc = 0;
	CXTranslationUnit tu = NULL;
	enum CXErrorCode ec;

	*out = NULL;
	argv = malloc((size_t)(argc + 1) * sizeof(*argv));
	if (!argv)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < argc; i++)
		argv[i] = t->argv[i + 1];
	for (attempt = 0; attempt < 8; attempt++) {
		unsigned nd, k;
		int dropped = 0, fatal = 0;

		ec = clang_parseTranslationUnit2(idx, t->file, argv, argc, NULL, 0,
		                                 CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles,
		                                 &tu);
		if (ec != CXError_Success || !tu) {
			rc = lc_err_set(err, LC_EFORMAT, "cannot parse '%s': %s", t->file,
			                cx_error_text(ec));
			goto out;
		}
		nd = clang_getNumDiagnostics(tu);
		for (k = 0; k < nd && !fatal; k++) {
			CXDiagnostic d = clang_getDiagnostic(tu, k);
			char opt[512];
			if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
				if (rejected_option(d, opt, sizeof(opt))) {
					int j, w = 0;
					for (j = 0; j < argc; j++)
						if (strcmp(argv[j], opt) != 0)
							argv[w++] = argv[j];
					dropped |= w != argc;
					argc = w;
					if (w == argc && !dropped)
						fatal = 1;
				} else {
					fatal = 1;
				}
				if (fatal) {
					CXString s = clang_formatDiagnostic(
					        d, CXDiagnostic_DisplaySourceLocation |
					                   CXDiagnostic_DisplayColumn);
					rc = lc_err_set(err, LC_EFORMAT, "cannot parse '%s': %s",
					                t->file, clang_getCString(s));
					clang_disposeString(s);
				}
			}
			clang_disposeDiagnostic(d);
		}
		if (fatal)
			goto out;
		if (!dropped)
			break;
		clang_disposeTranslationUnit(tu);
		tu = NULL;
	}
	if (!tu)
		rc = lc_err_set(err, LC_EFORMAT, "cannot parse '%s': too many rejected options",
		                t->file);
out:
	if (rc < 0 && tu) {
		clang_disposeTranslationUnit(tu);
		tu = NULL;
	}
	*out = tu;
	free(argv);
	return rc;
}

int an_parse_tu(struct an_summary **out, CXIndex idx, const struct an_tu *t,
                struct an_hashcache *hc, struct lc_err *err)
{
	CXTranslationUnit tu = NULL;
	struct an__walk w;
	int rc = 0;
	size_t j;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.prev = clang_getNullCursor();
	if (access(t->file, R_OK) != 0) {
		rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", t->file, strerror(errno));
		goto out;
	}
	rc = parse_retrying(&tu, idx, t, err);
	if (rc < 0)
		goto out;
	rc = an_summary_new(&w.s, t->file);
	if (rc < 0)
		goto out;
	{
		char note[1400];
		demoted_note(tu, note, sizeof(note));
		if (note[0])
			rc = an_summary_set_note(w.s, note);
		if (rc < 0)
			goto out;
	}
	w.tu = tu;
	w.dir = t->dir;
	/* pragmas first: the walk binds them to loops */
	rc = an__scan_files(&w, hc);
	if (rc < 0)
		goto out;
	an__ast_walk(&w);
	rc = w.rc;
	if (rc < 0) {
		lc_err_set(err, rc, "out of memory while summarising '%s'", t->file);
		goto out;
	}
	*out = w.s;
	w.s = NULL;
out:
	if (rc == LC_ENOMEM && err && !err->msg[0])
		lc_err_set(err, rc, "out of memory while summarising '%s'", t->file);
	an_summary_free(w.s);
	for (j = 0; j < w.nnames; j++)
		free(w.names[j].path);
	free(w.names);
	free(w.pb);
	lc_strmap_fini(&w.fn);
	if (tu)
		clang_disposeTranslationUnit(tu);
	return rc;
}
