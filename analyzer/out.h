/*
 * analyzer/out.h - machine-readable outputs: findings as JSON or SARIF 2.1.0
 * (out_json.c, out_sarif.c), the merged call graph as JSON or DOT
 * (callgraph.c; JSON schema in docs/callgraph.md). All JSON is built with
 * jansson; nothing is escaped by hand.
 */
#ifndef AN_OUT_H
#define AN_OUT_H

#include <stdio.h>

#include "diag.h"
#include "graph.h"

/* Each returns 0 or LC_ENOMEM / LC_EIO. Paths are written relative to cwd
 * when under it. */
int an_out_json(FILE *out, const struct an_findings *fs, const struct an_graph *g, size_t ntus,
                const char *cwd);
int an_out_sarif(FILE *out, const struct an_findings *fs, const struct an_graph *g,
                 const char *tool_version, const char *cwd);
/* The SARIF of a run that could not be done (exit 2): no results, and an
 * invocation with executionSuccessful false whose toolExecutionNotifications
 * carry each error message and the final one (`final`, may be NULL). */
int an_out_sarif_failure(FILE *out, const char *tool_version, const char *cwd,
                         const char *const *errors, size_t nerrors, const char *final);
int an_callgraph_json(FILE *out, const struct an_graph *g, const char *cwd);
int an_callgraph_dot(FILE *out, const struct an_graph *g, const char *cwd);

#endif /* AN_OUT_H */
