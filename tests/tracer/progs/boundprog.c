/* tests/tracer/progs/boundprog.c - a traced program with a known call
 * structure for `report --bound` (tests/tracer/report_bound.py): step()
 * calls filter() 4 times in a counted loop and log_sample() once; filter()
 * calls clamp() twice (two call sites); a second root, walk(), recurses
 * and gets no bound; a third, idle_root(), calls never_called() under a
 * condition the run never meets. Loop bounds come from constant counts, so
 * latch-check writes them as loop_trips. */
#include <stdio.h>

#include "latch/annotate.h"

static volatile unsigned sink;

__attribute__((noinline)) static unsigned clamp(unsigned v)
{
	return v > 1000u ? 1000u : v;
}

__attribute__((noinline)) static void filter(unsigned k)
{
	unsigned i, acc = 0;

	for (i = 0; i < 40u; i++)
		acc += (i * k) & 7u;
	sink += clamp(acc) + clamp(acc / 2u);
}

__attribute__((noinline)) static void log_sample(void)
{
	sink++;
}

LATCH_INTERLOCK __attribute__((noinline)) void step(void)
{
	unsigned k;

	for (k = 0; k < 4u; k++)
		filter(k);
	log_sample();
}

LATCH_INTERLOCK __attribute__((noinline)) unsigned walk(unsigned depth)
{
	return depth == 0 ? 0u : 1u + walk(depth - 1u);
}

__attribute__((noinline)) static void never_called(void)
{
	sink += 7u;
}

LATCH_INTERLOCK __attribute__((noinline)) void idle_root(unsigned x)
{
	if (x > 100u)
		never_called();
	sink += x;
}

int main(void)
{
	unsigned i;

	for (i = 0; i < 500u; i++) {
		step();
		sink += walk(3u);
		idle_root(i % 7u);
	}
	printf("%u\n", sink);
	return 0;
}
