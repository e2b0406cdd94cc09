/*
 * bench/runtime/work.c - the benchmark's workload, compiled twice by
 * bench.py: once with the variant's instrumentation (names as written) and
 * once without any (SUFFIX=_plain), so that one process can time the traced
 * and the untraced control step alternately, under the same interrupts,
 * pre-emptions and cache state.
 */
#include <stdint.h>

#ifndef SUFFIX
#define SUFFIX
#endif
#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define N(x) CAT(x, SUFFIX)
#define WORK __attribute__((noinline))

extern volatile uint64_t sink;
extern volatile double plant, integ;

WORK void N(work)(uint64_t i)
{
	sink = sink * 31u + i;
}

/* A control step shaped like the sample's: read, filter, control, limit, act. */
WORK double N(sense)(void)
{
	return plant + (double)(sink & 7u) * 0.001;
}

WORK double N(filter)(double x)
{
	static double y;

	y += 0.2 * (x - y);
	return y;
}

WORK double N(pid)(double e)
{
	integ += e * 0.001;
	return 2.0 * e + 0.5 * integ;
}

WORK double N(limit)(double u)
{
	return u > 100.0 ? 100.0 : (u < -100.0 ? -100.0 : u);
}

WORK void N(actuate)(double u)
{
	plant += u * 1e-6;
	sink++;
}

WORK void N(step)(void)
{
	N(actuate)(N(limit)(N(pid)(25.0 - N(filter)(N(sense)()))));
}
