/*
 * tracer/trace/bound.h - an upper bound on each interlock root's execution
 * time from the static call graph and the measured per-function self times
 * (hybrid measurement-based timing analysis; method in docs/wcet-bound.md).
 *
 * For a function f with measured self-time maximum S(f), its inclusive bound
 *
 *     B(f) = S(f) + sum over the call sites s of f of  T(s) * max B(g)
 *                                                     g in targets(s)
 *
 * where T(s) is the product of the trip counts of the loops around s (1 when
 * the call is in no loop) and targets(s) the callees the call graph names for
 * that site (one for a direct call; the declared or type-resolved targets of
 * an indirect one: a call goes to one of them, so their maximum counts).
 *
 * A root gets "no bound", never a number, when anything on a path from it
 * would make the sum meaningless: recursion, an indirect call whose targets
 * are not all known, a call inside a loop with no known bound, a reachable
 * function with a body that the run never executed (its self time is
 * unknown), a call graph without loop facts, or an overflow. The reason
 * names the function and, where there is one, the call site.
 *
 * Functions without a body in the program (libc, libm, assembly) are not
 * traced: their time is part of their caller's measured self time.
 */
#ifndef TRC_BOUND_H
#define TRC_BOUND_H

#include <stddef.h>
#include <stdint.h>

#include "binary/callgraph.h"
#include "err.h"

/* A measured self time the run never produced (function not executed). */
#define TRC_BOUND_UNMEASURED UINT64_MAX

enum trc_bound_why {
	TRC_BOUND_OK = 0,
	TRC_BOUND_RECURSION,   /* a cycle through `func` */
	TRC_BOUND_INDIRECT,    /* an unresolved indirect call in `func` */
	TRC_BOUND_LOOP,        /* a call in `func` inside a loop without a bound */
	TRC_BOUND_UNEXECUTED,  /* `func` has a body but never ran */
	TRC_BOUND_NO_LOOPINFO, /* the call graph has no loop facts for a call in `func` */
	TRC_BOUND_OVERFLOW     /* the sum does not fit 64 bits */
};

struct trc_bound_root {
	size_t func;            /* index into the call graph's funcs */
	uint64_t bound_ns;      /* valid when why == TRC_BOUND_OK */
	enum trc_bound_why why; /* TRC_BOUND_OK or the first reason found */
	size_t why_func;        /* the function the reason is about */
	const char *why_file;   /* call site of the reason, borrowed; may be NULL */
	unsigned why_line;      /* 0 when there is no call site */
};

struct trc_bound {
	struct trc_bound_root *roots; /* one per root of the call graph, in its order */
	size_t nroots;
};

/*
 * Computes the bound of every function marked `root` in cg. self_ns[i] is the
 * measured self-time maximum of cg->funcs[i] in ns, or TRC_BOUND_UNMEASURED.
 * The result borrows strings from cg: free it before cg. Deterministic: call
 * sites are visited in the call graph's edge order. Returns 0 with *out set,
 * or LC_ENOMEM.
 */
int trc_bound_compute(struct trc_bound **out, const struct trc_cg *cg, const uint64_t *self_ns,
                      struct lc_err *err);

void trc_bound_free(struct trc_bound *b);

/* "recursion", "unresolved indirect call", ...: the reason as the report prints it. */
const char *trc_bound_why_name(enum trc_bound_why why);

#endif /* TRC_BOUND_H */
