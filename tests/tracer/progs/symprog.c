/* tests/tracer/progs/symprog.c - a PIE test program for latch-trace record
 * and report: a few instrumented functions in the executable, calling into
 * an instrumented shared object (symlib). The tests compare the names and
 * lines that report prints with nm and addr2line. */
#include <stdio.h>

#include "symlib.h"

static volatile unsigned sink;

__attribute__((noinline)) static void spin(unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		sink += i;
}

__attribute__((noinline)) void control_step(int i)
{
	spin(50u + (unsigned)(i % 8) * 25u);
	if (i % 4 == 0)
		sink += symlib_work(40u);
}

int main(void)
{
	int i;

	for (i = 0; i < 2000; i++)
		control_step(i);
	printf("%u\n", sink);
	return 0;
}
