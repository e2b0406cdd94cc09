/*
 * tests/tracer/data/stack_chain.c - call chains with known frames for
 * `latch-trace stack` (stack_check.py). Every function keeps a volatile
 * buffer so its frame is real, and none is inlined or tail-called, so the
 * frames in the -fstack-usage file, in the CFI and in stack_chain.cg.json
 * describe the same calls:
 *   root_chain -> c1 -> c2 -> c3 (leaf), root_chain -> other (leaf)
 *   root_rec -> rec -> rec ...          (recursion)
 *   root_indirect -> (*f)()             (an indirect call)
 */
#include <stdint.h>

#if defined(__clang__)
#define NOINL __attribute__((noinline))
#else
#define NOINL __attribute__((noinline, noclone))
#endif

volatile uint8_t sink;

NOINL void c3(void)
{
	volatile uint8_t buf[160];

	buf[0] = 1;
	sink = buf[sink];
}

NOINL void c2(void)
{
	volatile uint8_t buf[200];

	buf[0] = 2;
	c3();
	sink = buf[sink];
}

NOINL void c1(void)
{
	volatile uint8_t buf[300];

	buf[0] = 3;
	c2();
	sink = buf[sink];
}

NOINL void other(void)
{
	volatile uint8_t buf[500];

	buf[0] = 4;
	sink = buf[sink];
}

NOINL int rec(int n)
{
	volatile uint8_t buf[40];

	buf[0] = (uint8_t)n;
	return n > 0 ? rec(n - 1) + buf[sink] : 0;
}

NOINL void root_chain(void)
{
	c1();
	other();
}

NOINL int root_rec(int n)
{
	return rec(n) + 1;
}

typedef void (*fw_fn)(void);

NOINL void root_indirect(fw_fn f)
{
	f();
	sink = 0;
}

int main(int argc, char **argv)
{
	(void)argv;
	root_chain();
	root_indirect(argc > 5 ? c1 : other);
	return root_rec(argc);
}
