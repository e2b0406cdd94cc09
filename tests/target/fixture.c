/*
 * tests/target/fixture.c - a firmware with a known call tree for the
 * Cortex-M runtime's tests (target_test.py). Built with
 * -finstrument-functions, run under QEMU mps2-an386 with the board port of
 * samples/tvac/fw. The first argument picks the scenario:
 *   tree N         N times: tree_a() -> 2 x tree_b() -> tree_c(), and tree_a() -> tree_c()
 *                  (12 events a tree)
 *   isr N          tree work in the main loop while SysTick (traced isr_work()) preempts it,
 *                  until N SysTick interrupts have run
 *   fill N [ring]  N calls of tree_c() (2N events) into a small buffer
 *   fault N        N trees, then a bus fault inside tree_b()
 *   bench N        N calls of bench_leaf() (traced or not: the bench's peer image)
 *   wrap N         tree N with the board timer 40000 ticks before its 32-bit wrap
 *                  at start: the reader extends the records' raw times across it
 * It prints "events: E" (the events it made after tracing started) and, for
 * isr, "interrupts: I", so the tests can check the trace against it.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board_mps2.h"
#include "latch/rt_cortexm.h"

static volatile uint32_t fx_sink;
static volatile uint32_t fx_isr_runs;
static volatile uint32_t fx_isr_on;

__attribute__((noinline)) void tree_c(void);
__attribute__((noinline)) void tree_b(int fault);
__attribute__((noinline)) void tree_a(int fault);
__attribute__((noinline)) void isr_work(void);
__attribute__((noinline)) void long_work(void);
__attribute__((noinline)) void bench_leaf(void);
/* The board calls it from SysTick_Handler; untraced, so the interrupt's
 * traced work is exactly isr_work(). */
__attribute__((no_instrument_function)) void board_systick_hook(void);

void tree_c(void)
{
	fx_sink++;
}

void tree_b(int fault)
{
	tree_c();
	if (fault)
		*(volatile uint32_t *)0xFFFFFFF0u = 1u; /* no memory there: a bus fault */
}

void tree_a(int fault)
{
	tree_b(0);
	tree_b(fault);
	tree_c();
}

void isr_work(void)
{
	fx_isr_runs++;
}

void board_systick_hook(void)
{
	if (fx_isr_on)
		isr_work();
}

/* Mostly hooks: the interrupts land inside them as often as not. */
void long_work(void)
{
	uint32_t i;

	for (i = 0; i < 50u; i++)
		tree_c();
}

void bench_leaf(void)
{
	fx_sink++;
}

int main(int argc, char **argv)
{
	struct latch_rt_cm_config rt = {
	        BOARD_CPU_HZ, BOARD_TIMER0_VALUE, 1u, BOARD_CPU_HZ, 0u, 0u, NULL, 1u};
	const char *what = argc > 1 ? argv[1] : "tree";
	uint32_t n = argc > 2 ? (uint32_t)strtoul(argv[2], NULL, 10) : 10u, i, events = 0;

	rt.ring = argc > 3 && strcmp(argv[3], "ring") == 0;
	board_timer_start();
	if (strcmp(what, "wrap") == 0) { /* a down-counter: the value is the time left */
		*(volatile uint32_t *)BOARD_TIMER0_VALUE = 40000u;
		what = "tree";
	}
	if (latch_rt_cm_start(&rt) < 0) {
		fputs("fixture: error: tracing did not start\n", stderr);
		return 2;
	}
	if (strcmp(what, "tree") == 0 || strcmp(what, "fault") == 0) {
		for (i = 0; i < n; i++)
			tree_a(0);
		events = n * 12u;
		if (strcmp(what, "fault") == 0) {
			printf("events: %lu\n", (unsigned long)events);
			fflush(stdout);
			tree_a(1);
		}
	} else if (strcmp(what, "isr") == 0) {
		board_systick_start(19997u); /* every ~1250 cycles, drifting across the hooks */
		fx_isr_on = 1;
		while (fx_isr_runs < n) {
			long_work();
			events += 102u;
		}
		fx_isr_on = 0;
		events += 2u * fx_isr_runs;
		printf("interrupts: %lu\n", (unsigned long)fx_isr_runs);
	} else if (strcmp(what, "fill") == 0) {
		for (i = 0; i < n; i++)
			tree_c();
		events = 2u * n;
	} else if (strcmp(what, "bench") == 0) {
		uint32_t t0 = board_timer_now(), t1;

		for (i = 0; i < n; i++)
			bench_leaf();
		t1 = board_timer_now();
		events = 2u * n;
		printf("ticks: %lu\n", (unsigned long)(t1 - t0));
	} else {
		fprintf(stderr, "fixture: error: unknown scenario '%s'\n", what);
		return 2;
	}
	latch_rt_stop();
	printf("events: %lu\n", (unsigned long)events);
	printf("lost: %lu\n", (unsigned long)latch_rt_lost());
	return 0;
}
