/* bench/tracer/bench_prog.c - the traced program of the report benchmark:
 * a control loop of the shape of samples/tvac (tick -> sensors -> filter,
 * pid, interlock), small bodies so the trace is dense. Built twice by run.sh:
 * with -finstrument-functions + latch_rt, and with -pg for uftrace, so both
 * tracers see the same program and the same number of events.
 *
 * usage: bench_prog CALLS   (function calls to make, main excluded)
 */
#include <stdio.h>
#include <stdlib.h>

static volatile unsigned sink;

__attribute__((noinline)) void read_sensor(unsigned i) { sink += i * 7u; }
__attribute__((noinline)) void filter_step(unsigned i) { sink ^= i >> 3; }
__attribute__((noinline)) void pid_step(unsigned i) { sink += (i & 15u) * 3u; }
__attribute__((noinline)) void interlock_check(unsigned i) { if ((i & 1023u) == 0) sink++; }

__attribute__((noinline)) void control_tick(unsigned i)
{
	read_sensor(i);
	filter_step(i);
	pid_step(i);
	interlock_check(i);
}

int main(int argc, char **argv)
{
	unsigned long calls = argc > 1 ? strtoul(argv[1], NULL, 0) : 1000000ul;
	unsigned long ticks = calls / 5ul, i;

	for (i = 0; i < ticks; i++)
		control_tick((unsigned)i);
	printf("%lu ticks, %lu calls, sink %u\n", ticks, ticks * 5ul, sink);
	return 0;
}
