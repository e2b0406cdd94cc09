/*
 * board_mps2.h - the QEMU mps2-an386 board port (Cortex-M4 at 25 MHz): clock,
 * SysTick, CMSDK timer, semihosting console and command line.
 */
#ifndef TVAC_BOARD_MPS2_H
#define TVAC_BOARD_MPS2_H

#include <stdint.h>

#define BOARD_CPU_HZ 25000000u /* SYSCLK of the AN385/AN386 FPGA images */

/* CMSDK APB timer 0: a 32-bit down-counter at the core clock. */
#define BOARD_TIMER0_VALUE ((const volatile uint32_t *)0x40000004u)

/* Starts timer 0 free-running (0xffffffff down to 0, then again). */
void board_timer_start(void);

/* Ticks of timer 0 since board_timer_start(), as an up-count (32 bits). */
uint32_t board_timer_now(void);

/* Starts SysTick on the core clock at hz with its interrupt. */
void board_systick_start(uint32_t hz);

/* SysTick interrupts not yet consumed by board_wait_tick(). */
uint32_t board_ticks_pending(void);

/* Core clock ticks since the current SysTick period started. */
uint32_t board_tick_age(void);

/* Waits (spinning) until a SysTick period starts; returns the number of periods
 * that had started, 1 when the caller kept up. */
uint32_t board_wait_tick(void);

/* Splits the semihosting command line (SYS_GET_CMDLINE) into argv, at most
 * max entries, in a static buffer. Returns argc (at least 1). */
int board_cmdline(char **argv, int max);

#endif /* TVAC_BOARD_MPS2_H */
