/*
 * tests/tracer/arm/stack_fix.c - the Cortex-M4 stack fixture of
 * stack_arm.py, linked with fw.ld and no start-up code of its own library:
 *  - lib_chain calls newlib's powf, which calls __ieee754_powf and scalbnf:
 *    no .ci file describes newlib, so only the machine code knows the chain;
 *  - vsum is variadic: GCC's .su leaves out the argument registers it
 *    pushes, its unwind table counts them;
 *  - asm_dispatch is assembly with no CFI and an indirect call (blx r0),
 *    closed by a frames: declaration in the test;
 *  - isr_low and isr_high are two handlers of the vector table, declared at
 *    priorities 2 and 1 in the test (isr_high preempts isr_low).
 * It never runs; stack_arm.py recomputes every figure from readelf's and
 * objdump's output.
 */
#include <math.h>
#include <stdarg.h>
#include <stdint.h>

extern uint32_t _estack;
volatile float g_in = 2.0f, g_out;
volatile int g_sink;

__attribute__((noinline)) int vsum(int n, ...)
{
	va_list ap;
	int s = 0, i;

	va_start(ap, n);
	for (i = 0; i < n; i++)
		s += va_arg(ap, int);
	va_end(ap);
	return s;
}

__attribute__((noinline)) void lib_chain(void)
{
	g_out = powf(g_in, 3.5f);
}

void asm_dispatch(void (*fn)(void));
__asm__(".text\n.thumb\n.syntax unified\n.global asm_dispatch\n.type asm_dispatch, %function\n"
        "asm_dispatch:\n\tpush {r4, lr}\n\tblx r0\n\tpop {r4, pc}\n"
        ".size asm_dispatch, .-asm_dispatch\n");

__attribute__((noinline)) void thread_work(void)
{
	lib_chain();
	g_sink = vsum(3, 1, 2, 3);
	asm_dispatch(lib_chain);
}

void fix_reset(void)
{
	for (;;)
		thread_work();
}

void isr_low(void)
{
	volatile char buf[40];

	buf[0] = 1;
	g_sink = vsum(2, buf[0], 4);
}

void isr_high(void)
{
	volatile char buf[16];

	buf[0] = 2;
	g_sink = buf[0];
}

__attribute__((section(".isr_vector"), used)) static void (*const fix_vectors[18])(void) = {
        (void (*)(void))(uintptr_t)&_estack, fix_reset, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        isr_low, isr_high,
};
