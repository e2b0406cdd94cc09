/*
 * latch/rt_cortexm.h - liblatch_rt on a bare-metal Cortex-M (ARMv7-M,
 * ARMv7E-M), besides the portable calls of latch/rt.h that it also
 * implements (latch_rt_stop, latch_rt_flush, latch_rt_mark_value,
 * latch_rt_is_on, latch_rt_lost). docs/target.md says how to use it.
 *
 * The trace lives in one RAM buffer that the linker script places and sizes:
 * it must define the symbols latch_rt_buffer and latch_rt_buffer_end (8-byte
 * aligned). The runtime's 4 KiB chunks start on 4 KiB boundaries after its
 * 4672-byte header: up to 4 KiB of the buffer is lost to alignment unless
 * latch_rt_buffer is 3520 bytes past a 4 KiB boundary (the mps2 port's
 * linker script places it so); it must hold at least one chunk. The
 * buffer is itself a trace image in the
 * layout of docs/trace-format.md: its first file_size bytes (header offset
 * 208) are what semihosting writes out, and what a debugger's RAM dump
 * gives to latch-trace.
 */
#ifndef LATCH_RT_CORTEXM_H
#define LATCH_RT_CORTEXM_H

#include <stdint.h>

#include "latch/rt.h"

#ifdef __cplusplus
extern "C" {
#endif

/* What the board tells the runtime. */
struct latch_rt_cm_config {
	uint32_t cpu_hz; /* core clock: the DWT cycle counter's rate */
	/* The clock is chosen when the runtime is compiled (LATCH_CM_CLOCK:
	 * the DWT cycle counter, the default, or a free-running 32-bit board
	 * timer, as on QEMU, which models no DWT). For a timer, its register
	 * (NULL: as compiled; another one fails the start), whether it counts
	 * down (must match the build) and its rate. Unused with the DWT. */
	const volatile uint32_t *timer;
	uint32_t timer_down;
	uint32_t timer_hz;
	uint32_t ring; /* 0: stop when full (keep the first events), 1: ring (keep the last) */
	uint32_t chunk_size; /* bytes per chunk, a power of two >= 4096; 0: 4096 */
	const char *path;    /* semihosting file name; NULL: "latch.trace" */
	uint32_t semihost;   /* 1: write the trace by semihosting at flush, stop and fault */
};

/* Starts tracing into the linker's buffer. Returns 0, -1 when no clock
 * counts or the buffer is too small (tracing stays off), -2 when already on. */
int latch_rt_cm_start(const struct latch_rt_cm_config *cfg);

/* Keeps the 64-bit extension of the 32-bit clock exact: call it at least
 * once every 2^32 ticks (171 s at 25 MHz, 25 s at 168 MHz), e.g. from
 * SysTick, unless chunks fill faster than that (each chunk's first record
 * extends the clock too). Any context; a few dozen instructions. */
void latch_rt_cm_tick(void);

/* Call from the HardFault handler with the stacked exception frame (MSP or
 * PSP as EXC_RETURN says): records the faulting PC, LR, CFSR and HFSR in
 * the header, stops tracing and writes the trace out (semihosting). */
void latch_rt_cm_fault(const uint32_t *frame);

/* One ARM semihosting call (BKPT 0xAB): op in r0, arg in r1; returns r0.
 * Without a debugger or QEMU attached, BKPT faults: call only when
 * semihosting is there. */
int latch_rt_semihost(uint32_t op, const void *arg);

#define LATCH_SH_OPEN        0x01u
#define LATCH_SH_CLOSE       0x02u
#define LATCH_SH_WRITEC      0x03u
#define LATCH_SH_WRITE0      0x04u
#define LATCH_SH_WRITE       0x05u
#define LATCH_SH_GET_CMDLINE 0x15u
#define LATCH_SH_EXIT        0x18u
#define LATCH_SH_EXIT_EXT    0x20u

/* Ends the program under semihosting with status (QEMU exits with it). */
__attribute__((noreturn)) void latch_rt_semihost_exit(int status);

#ifdef __cplusplus
}
#endif

#endif /* LATCH_RT_CORTEXM_H */
