/*
 * analyzer/loop.h - the unbounded-loop rule's local facts (see loop.c).
 */
#ifndef AN_LOOP_H
#define AN_LOOP_H

#include "ast.h"

/* Reports loop c (a for/while/do statement with children k) as unbounded
 * unless it has a bound: `bound` >= 0 from a LATCH_LOOP_BOUND marker before
 * it, a loopbound pragma, or a canonical counted shape (constant start and
 * bound, a step toward the bound, a counter type that holds every value
 * until the comparison fails; for a while loop, `prev` is the statement
 * before it, which must set the start, or a null cursor).
 * Returns the loop's largest trip count (the marker's or pragma's bound, or
 * the count of the canonical shape), or -1 when it has none (reported, or
 * allowed by a suppression: either way the count is unknown). */
long long an__loop_check(struct an__walk *w, CXCursor c, const struct an__kids *k, long long bound,
                         CXCursor prev);
/* The LATCH_LOOP_BOUND(n) marker: a call to latch__loop_bound. Returns the
 * bound (or -2 for a marker whose argument is not constant), -1 otherwise. */
long long an__loop_bound_marker(CXCursor c);

#endif /* AN_LOOP_H */
