/*
 * tests/runtime/rt_aux.c - a second source file of rt_prog_exclude, left out
 * of tracing with latch_rt_instrument(... EXCLUDE_FILES rt_aux.c): its
 * function must never appear in the trace.
 */
extern volatile unsigned long sink;

void aux_fn(void);

__attribute__((noinline)) void aux_fn(void)
{
	sink += 3;
}
