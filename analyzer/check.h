/*
 * analyzer/check.h - one run of latch-check: configuration, compilation
 * database, parallel parsing with the summary cache, merge, rules, output.
 * main.c only turns the command line into struct an_opts.
 */
#ifndef AN_CHECK_H
#define AN_CHECK_H

#include <stddef.h>

#include "err.h"

enum an_format { AN_FMT_TEXT, AN_FMT_JSON, AN_FMT_SARIF };
enum an_cgraph { AN_CG_NONE, AN_CG_JSON, AN_CG_DOT };

struct an_opts {
	const char *build_dir;    /* -p */
	const char *config;       /* --config, or NULL to search */
	const char *rules_dir;    /* --rules-dir, or NULL */
	const char *resource_dir; /* clang resource dir, or NULL for the built-in one */
	const char *output;       /* -o, or NULL for stdout */
	const char *only_under;   /* --only-under: the program is the TUs below it */
	const char *const *files; /* FILES: only findings touching them are shown */
	size_t nfiles;
	int jobs; /* 0: number of online CPUs */
	enum an_format format;
	enum an_cgraph callgraph;
	int resolve_type; /* --resolve-indirect=type */
	int no_cache;
	int progress; /* -1 auto (TTY), 0 off, 1 on */
	int verbose;
};

/* Runs the check. *out_status receives the exit status: 0 no error-level
 * findings, 1 findings, 2 the check could not be done (then err says why;
 * messages for several failed TUs have already been printed to stderr).
 * Returns 0 or a negative code (the run failed; *out_status is 2). */
int an_check_run(const struct an_opts *o, int *out_status, struct lc_err *err);

/* "latch-check 0.1.0 (Debian clang version 19...)" into buf. */
void an_check_version(char *buf, size_t n);

#endif /* AN_CHECK_H */
