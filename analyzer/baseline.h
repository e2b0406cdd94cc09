/*
 * analyzer/baseline.h - --baseline FILE: the findings of an earlier run (its
 * JSON or SARIF output), so that a CI on an existing codebase reports only
 * the new ones.
 *
 * A finding matches the baseline when a baseline entry has the same rule,
 * file (as printed, relative to the working directory) and message; lines
 * are not compared, so an edit above an old finding does not make it new.
 * Each baseline entry hides one finding: a second identical finding in the
 * same file is new.
 */
#ifndef AN_BASELINE_H
#define AN_BASELINE_H

#include <stddef.h>

#include "diag.h"
#include "err.h"

struct an_baseline;

/* Reads a latch-check JSON (`findings`) or SARIF 2.1.0 (`runs[].results`)
 * file. Returns 0, LC_EIO (cannot read), LC_EFORMAT (neither form; err has
 * file:line:col for a JSON syntax error) or LC_ENOMEM. */
int an_baseline_load(struct an_baseline **out, const char *path, struct lc_err *err);
void an_baseline_free(struct an_baseline *b);

/* Drops the unsuppressed findings the baseline holds (consuming its entries)
 * and re-sorts; returns how many were dropped. */
size_t an_baseline_filter(struct an_findings *fs, struct an_baseline *b, const char *cwd);

#endif /* AN_BASELINE_H */
