/*
 * tracer/trace/coverage.h - which functions of the interlock path a run
 * never executed: for each root of the call graph (latch-check's
 * --callgraph json), the defined functions reachable from it that the
 * trace never entered. A WCET figure covers only what ran; this says what
 * did not (DESIGN.md: "the interlock functions the run never executed").
 *
 * A function counts as executed when the trace holds at least one call of
 * it under the same name. One the compiler inlined or that was built
 * without -finstrument-functions is listed too: the trace cannot tell the
 * two apart, and the report says so.
 */
#ifndef TRC_COVERAGE_H
#define TRC_COVERAGE_H

#include <stddef.h>

#include "err.h"

struct trc_cg;
struct trc_profile;

struct trc_cov_root {
	size_t root;      /* index into the call graph's funcs */
	size_t reachable; /* defined functions reachable from it, itself included */
	size_t executed;  /* of those, entered in the trace */
	size_t *missing;  /* the others (call graph indexes), sorted by name */
	size_t nmissing;
};

struct trc_cov {
	struct trc_cov_root *roots;
	size_t nroots;
};

/*
 * Computes the coverage of each root: the call graph's roots, or the
 * functions named in `roots` (nroots > 0) when given. A named root not in
 * the graph is LC_ENOTFOUND (message in err). Returns 0, LC_ENOTFOUND or
 * LC_ENOMEM; the caller releases *out with trc_cov_free().
 */
int trc_cov_compute(struct trc_cov **out, const struct trc_cg *cg, const struct trc_profile *a,
                    const char *const *roots, size_t nroots, struct lc_err *err);

void trc_cov_free(struct trc_cov *c);

#endif /* TRC_COVERAGE_H */
