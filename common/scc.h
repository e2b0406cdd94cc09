/*
 * common/scc.h - the strongly connected components of a directed graph
 * (Tarjan's algorithm, iterative: a deep or hostile graph cannot overflow
 * our own stack). Both tools use it: latch-check for the recursion rule,
 * latch-trace's stack analysis to condense the call graph.
 *
 * The graph is given in CSR form: the successors of node v are
 * succ[succ_start[v] .. succ_start[v + 1]); an entry LC_SCC_SKIP is an edge
 * that is not followed. Components are numbered in completion order, which
 * is a reverse topological order: a component is finished only after every
 * component it reaches, so one pass over 0..ncomp-1 sees callees first.
 */
#ifndef LC_SCC_H
#define LC_SCC_H

#include <stddef.h>
#include <stdint.h>

#define LC_SCC_NONE SIZE_MAX /* comp[] of a node no start reaches */
#define LC_SCC_SKIP SIZE_MAX /* a succ[] entry that is not followed */

struct lc_scc {
	size_t n;      /* nodes */
	size_t *comp;  /* component of each node, or LC_SCC_NONE */
	size_t ncomp;  /* components found */
	size_t *order; /* the visited nodes grouped by component, in completion order */
	size_t *start; /* ncomp + 1 offsets into order */
};

/* Computes the components reachable from starts[0..nstarts) (visited in
 * that order), or of every node when starts is NULL. Returns 0 or -1 (out
 * of memory); out is released with lc_scc_fini in both cases. */
int lc_scc_compute(struct lc_scc *out, size_t n, const size_t *succ_start, const size_t *succ,
                   const size_t *starts, size_t nstarts);
void lc_scc_fini(struct lc_scc *s);

#endif /* LC_SCC_H */
