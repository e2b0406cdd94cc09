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
	const char *cache_dir;      /* --cache-dir, or NULL (see an_check_cache_dir) */
	const char *baseline;       /* --baseline: JSON or SARIF of an earlier run */
	const char *const *exclude; /* --exclude globs */
	size_t nexclude;
	const char *const *query_driver; /* --query-driver globs */
	size_t nquery_driver;
	const char *const *extra_args; /* --extra-arg */
	size_t nextra_args;
	const char *const *extra_args_before; /* --extra-arg-before */
	size_t nextra_args_before;
	/* Where the run's messages go (an_core prints none itself):
	 * severity "error", "warning" or "note", or NULL for a line of the
	 * closing summary. May be NULL: the messages are dropped. */
	void (*report)(void *ctx, const char *severity, const char *msg);
	/* The progress line: done of total TUs, the last one finished (file),
	 * or file NULL when the parse is over. May be NULL. */
	void (*progress_cb)(void *ctx, size_t done, size_t total, const char *file);
	void *ctx;
};

/* Runs the check. *out_status receives the exit status: 0 no error-level
 * findings, 1 findings, 2 the check could not be done (then err says why;
 * messages for several failed TUs have already gone to o->report). With
 * --format sarif and -o FILE, a run that fails still writes FILE, with the
 * failure as a tool execution notification.
 * Returns 0 or a negative code (the run failed; *out_status is 2). */
int an_check_run(const struct an_opts *o, int *out_status, struct lc_err *err);

/* The cache directory of a run: --cache-dir, else $XDG_CACHE_HOME/latch/
 * <hash of the build directory's real path> when XDG_CACHE_HOME is set,
 * else BUILD_DIR/.latch-cache. */
void an_check_cache_dir(char *buf, size_t n, const struct an_opts *o);

/* "latch-check 0.1.0 (Debian clang version 19...)" into buf. */
void an_check_version(char *buf, size_t n);

#endif /* AN_CHECK_H */
