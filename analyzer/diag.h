/*
 * analyzer/diag.h - findings: produced by the rules, suppressed by comments,
 * sorted, filtered to the files of a pre-commit run, printed as text.
 *
 * Text form (one per finding, sorted by file, line, column):
 *   FILE:LINE:COL: error: MESSAGE [RULE]
 *   ROOTFILE:LINE:COL: note: reached from interlock root 'R' via a() -> b()
 *   CALLFILE:LINE:COL: note: 'R' calls 'a'          (one per hop)
 *   CALLFILE:LINE:COL: note: 'a' calls 'b'
 * The first note is located at the root's definition, each hop at its call.
 */
#ifndef AN_DIAG_H
#define AN_DIAG_H

#include <stddef.h>
#include <stdio.h>

#include "config.h"
#include "graph.h"

struct an_finding {
	enum an_rule rule;
	enum an_sev sev;
	const char *file; /* absolute */
	unsigned line, col;
	char *msg; /* owned */
	int fn;    /* the function it is in */
	int *path; /* owned: root ... fn (function indices) */
	size_t npath;
	const struct an_ssupp *supp; /* non-NULL when suppressed */
};

struct an_findings {
	struct an_finding *v;
	size_t n, cap;
	size_t nerrors, nwarnings, nsuppressed;
};

void an_findings_fini(struct an_findings *fs);

/* Runs every rule over the functions reachable from the roots and applies
 * the suppressions. Returns 0 or LC_ENOMEM. */
int an_rules_check(struct an_findings *out, struct an_graph *g, const struct an_config *cfg,
                   struct lc_err *err);

/* Keeps only findings that touch one of files[] (absolute paths; one that
 * ends in '/' is a directory and matches every file below it): the
 * finding's own file or the definition of a function on its path. */
void an_findings_filter(struct an_findings *fs, const struct an_graph *g, const char *const *files,
                        size_t nfiles);

/* Sorts by file, line, column, rule, message and recounts. */
void an_findings_sort(struct an_findings *fs);

/* Path of a file as printed: relative to cwd when under it (malloc'd). */
char *an_diag_display(const char *path, const char *cwd);

/* Writes the text form of unsuppressed findings to `out`. */
void an_diag_print_text(FILE *out, const struct an_findings *fs, const struct an_graph *g,
                        const char *cwd);

/* The closing summary: suppressions with their reasons, then one line of
 * counts. */
void an_diag_print_summary(FILE *out, const struct an_findings *fs, const struct an_graph *g,
                           size_t ntus, const char *cwd);

#endif /* AN_DIAG_H */
