/*
 * tracer/report/sections.h - what report adds beside its function table to
 * say what a worst case covers: the timing bound of each interlock root
 * (trace/bound.h) and the heap guard's allocations under a root
 * (trace/heapfind.h). Each builds a document table; heap sites are also
 * error-level verdicts (rule `heap-alloc`) that fail the gate.
 */
#ifndef TRC_SECTIONS_H
#define TRC_SECTIONS_H

#include <stdint.h>

#include "binary/callgraph.h"
#include "err.h"
#include "report/budget.h"
#include "report/doc.h"
#include "trace/heapfind.h"
#include "trace/profile.h"

/*
 * Fills self_ns[i] (cg->nfuncs entries) with the measured self-time maximum
 * of cg->funcs[i] in the profile (the largest over functions of that name),
 * or TRC_BOUND_UNMEASURED when the run never completed a call of it.
 * Returns 0 or LC_ENOMEM.
 */
int trc_section_self_times(uint64_t *self_ns, const struct trc_cg *cg, const struct trc_profile *a);

/* Adds the "bounds" table: per root of cg, the observed maximum, the bound
 * or "no bound" with its reason and place. Returns 0 or LC_ENOMEM (err). */
int trc_section_bounds(struct trc_doc *d, const struct trc_cg *cg, const struct trc_profile *a,
                       struct lc_err *err);

/* Adds the "heap_guard" table (symbolized) and one FAIL verdict per site to
 * res. Returns 0, LC_EFORMAT (a module whose build-id does not match), or
 * LC_ENOMEM (err). */
int trc_section_heap(struct trc_doc *d, struct trc_budget_results *res,
                     const struct trc_heapfind *h, const struct trc_profile *a, struct lc_err *err);

/*
 * Adds the coverage of each root (the call graph's, or `roots` when
 * nroots > 0): a "coverage" table (reachable, executed, covered, the names
 * never executed) and a "never_executed" table (each such function with its
 * source location). When res is not NULL, every coverage_min budget of bs
 * gets its verdict there: PASS, FAIL naming what never ran, or ERROR for a
 * root the call graph does not have. Returns 0, LC_ENOTFOUND (a named root
 * not in the graph) or LC_ENOMEM (err).
 */
int trc_section_coverage(struct trc_doc *d, struct trc_budget_results *res,
                         const struct trc_budgets *bs, const struct trc_cg *cg,
                         const struct trc_profile *a, const char *const *roots, size_t nroots,
                         struct lc_err *err);

#endif /* TRC_SECTIONS_H */
