/*
 * analyzer/loop.h - the unbounded-loop rule's local facts (see loop.c).
 */
#ifndef AN_LOOP_H
#define AN_LOOP_H

#include "ast.h"

/* Reports loop c (a for/while/do statement with children k) as unbounded
 * unless it is a canonical counted loop or has a bound: `bound` >= 0 from a
 * LATCH_LOOP_BOUND marker before it, or a loopbound pragma. */
void an__loop_check(struct an__walk *w, CXCursor c, const struct an__kids *k, long long bound);
/* The LATCH_LOOP_BOUND(n) marker: a call to latch__loop_bound. Returns the
 * bound (or -2 for a marker whose argument is not constant), -1 otherwise. */
long long an__loop_bound_marker(CXCursor c);

#endif /* AN_LOOP_H */
