/*
 * latch/annotate.h - source annotations read by latch-check.
 *
 * These macros cost nothing at run time: under gcc and clang they expand to
 * an attribute that only the analyzer reads, or to a statement the compiler
 * removes. The firmware includes this header and latch/rt.h, nothing else.
 *
 *   LATCH_INTERLOCK        marks a function as an interlock root: every path
 *                          reachable from it is checked by latch-check.
 *   LATCH_LOOP_BOUND(n);   written as a statement immediately before a loop,
 *                          declares that the loop runs at most n times. The
 *                          analyzer accepts the loop; it trusts the number, so
 *                          state the reason in a comment beside it.
 *   LATCH_NO_TRACE         keeps a function out of -finstrument-functions.
 */
#ifndef LATCH_ANNOTATE_H
#define LATCH_ANNOTATE_H

#if defined(__clang__)
#define LATCH_INTERLOCK __attribute__((annotate("latch.interlock")))
#else
#define LATCH_INTERLOCK
#endif

#if defined(__LATCH_CHECK__)
/* Seen only by latch-check (it defines __LATCH_CHECK__ when it parses): a
 * call it recognises by name and binds to the loop that follows. */
void latch__loop_bound(unsigned long long n);
#define LATCH_LOOP_BOUND(n) latch__loop_bound((unsigned long long)(n))
#else
#define LATCH_LOOP_BOUND(n) ((void)0)
#endif

#define LATCH_NO_TRACE __attribute__((no_instrument_function))

#endif /* LATCH_ANNOTATE_H */
