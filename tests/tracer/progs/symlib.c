/* tests/tracer/progs/symlib.c - a shared object with instrumented functions,
 * so the symbolization test covers a module loaded at a non-zero bias. */
#include "symlib.h"

static volatile unsigned lib_sink;

__attribute__((noinline)) void symlib_scale(unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		lib_sink += i * 3u;
}

__attribute__((noinline)) unsigned symlib_work(unsigned n)
{
	symlib_scale(n);
	symlib_scale(n / 2u);
	return lib_sink;
}
