/*
 * board_mps2.c - start-up and board support for QEMU's mps2-an386: vector
 * table, reset (data, bss, FPU), SysTick, CMSDK timer 0, HardFault (writes
 * the trace, then exits), and the few newlib system calls the summary's
 * printf needs, over semihosting. Never instrumented.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/stat.h>

#include "board_mps2.h"
#include "latch/rt_cortexm.h"

#define SYST_CSR      (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR      (*(volatile uint32_t *)0xE000E014u)
#define SYST_CVR      (*(volatile uint32_t *)0xE000E018u)
#define SCB_CPACR     (*(volatile uint32_t *)0xE000ED88u)
#define TIMER0_CTRL   (*(volatile uint32_t *)0x40000000u)
#define TIMER0_RELOAD (*(volatile uint32_t *)0x40000008u)

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack, _sheap, _eheap;

int main(int argc, char **argv);
void Reset_Handler(void);
void SysTick_Handler(void);
void HardFault_Handler(void);
void board_fault(const uint32_t *frame);
void Default_Handler(void);

/* Newlib's system calls (nosys.specs supplies the others, failing). */
int _write(int fd, const char *buf, int len);
void *_sbrk(ptrdiff_t incr);
int _fstat(int fd, struct stat *st);
int _isatty(int fd);

/* An image may define it to do (traced) work in the SysTick interrupt. */
__attribute__((weak)) void board_systick_hook(void);
/* The runtime's clock extension (latch/rt_cortexm.h), when it is linked in. */
__attribute__((weak)) void latch_rt_cm_tick(void);

static volatile uint32_t board_pending;
static char *board_heap;
static int board_fds[3] = {-1, -1, -1};

void SysTick_Handler(void)
{
	board_pending++;
	if (latch_rt_cm_tick != NULL)
		latch_rt_cm_tick();
	if (board_systick_hook != NULL)
		board_systick_hook();
}

void board_timer_start(void)
{
	TIMER0_CTRL = 0;
	TIMER0_RELOAD = 0xffffffffu;
	*(volatile uint32_t *)0x40000004u = 0xffffffffu;
	TIMER0_CTRL = 1u; /* enable, no interrupt */
}

uint32_t board_timer_now(void)
{
	return ~*BOARD_TIMER0_VALUE;
}

void board_systick_start(uint32_t hz)
{
	SYST_RVR = BOARD_CPU_HZ / hz - 1u;
	SYST_CVR = 0;
	SYST_CSR = 7u; /* core clock, interrupt, enable */
}

uint32_t board_ticks_pending(void)
{
	return board_pending;
}

uint32_t board_tick_age(void)
{
	return SYST_RVR - SYST_CVR;
}

uint32_t board_wait_tick(void)
{
	uint32_t n;

	/* A spin, not WFI: QEMU 7.2 under -icount sleep=off wakes a WFI only
	 * on every second SysTick period (docs/target.md). Spinning is
	 * deterministic too: each turn is the same few instructions. */
	while (board_pending == 0)
		;
	__asm__ volatile("cpsid i" ::: "memory");
	n = board_pending;
	board_pending = 0;
	__asm__ volatile("cpsie i" ::: "memory");
	return n;
}

int board_cmdline(char **argv, int max)
{
	static char line[512];
	uint32_t blk[2] = {(uint32_t)(uintptr_t)line, sizeof(line) - 1u};
	int argc = 0;
	char *p = line;

	if (latch_rt_semihost(LATCH_SH_GET_CMDLINE, blk) != 0)
		line[0] = '\0';
	line[sizeof(line) - 1u] = '\0';
	while (*p != '\0' && argc < max) {
		while (*p == ' ')
			*p++ = '\0';
		if (*p == '\0')
			break;
		argv[argc++] = p;
		while (*p != '\0' && *p != ' ')
			p++;
	}
	if (argc == 0) {
		static char name[] = "tvac-fw-qemu";

		argv[argc++] = name;
	}
	return argc;
}

static int console(int fd)
{
	static const char tt[] = ":tt";
	uint32_t blk[3] = {(uint32_t)(uintptr_t)tt, fd == 2 ? 8u : 4u, 3u}; /* "a" / "w" */

	if (board_fds[fd] < 0)
		board_fds[fd] = latch_rt_semihost(LATCH_SH_OPEN, blk);
	return board_fds[fd];
}

int _write(int fd, const char *buf, int len)
{
	uint32_t blk[3];
	int h;

	if (fd != 1 && fd != 2) {
		errno = EBADF;
		return -1;
	}
	h = console(fd);
	if (h < 0) {
		errno = EIO;
		return -1;
	}
	blk[0] = (uint32_t)h;
	blk[1] = (uint32_t)(uintptr_t)buf;
	blk[2] = (uint32_t)len;
	return len - latch_rt_semihost(LATCH_SH_WRITE, blk);
}

void *_sbrk(ptrdiff_t incr)
{
	char *prev;

	if (board_heap == NULL)
		board_heap = (char *)&_sheap;
	if (incr > (char *)&_eheap - board_heap) {
		errno = ENOMEM;
		return (void *)-1;
	}
	prev = board_heap;
	board_heap += incr;
	return prev;
}

int _fstat(int fd, struct stat *st)
{
	(void)fd;
	st->st_mode = S_IFCHR;
	return 0;
}

int _isatty(int fd)
{
	return fd <= 2;
}

void Default_Handler(void)
{
	board_fault(NULL);
}

/* The stacked frame is on MSP or PSP, as bit 2 of EXC_RETURN (LR) says. */
__attribute__((naked)) void HardFault_Handler(void)
{
	__asm__ volatile("tst lr, #4\n\t"
	                 "ite eq\n\t"
	                 "mrseq r0, msp\n\t"
	                 "mrsne r0, psp\n\t"
	                 "b board_fault\n");
}

void board_fault(const uint32_t *frame)
{
	static const char msg[] = "tvac-fw: hard fault: trace written, exiting with status 3\n";

	latch_rt_cm_fault(frame);
	_write(2, msg, (int)sizeof(msg) - 1);
	latch_rt_semihost_exit(3);
}

void Reset_Handler(void)
{
	uint32_t *src = &_sidata, *dst;
	char *argv[24];
	int argc, status;

	SCB_CPACR |= 0xFu << 20; /* CP10, CP11: the FPU, before any float */
	__asm__ volatile("dsb\n\tisb" ::: "memory");
	for (dst = &_sdata; dst < &_edata;)
		*dst++ = *src++;
	for (dst = &_sbss; dst < &_ebss;)
		*dst++ = 0;
	argc = board_cmdline(argv, 23);
	argv[argc] = NULL;
	status = main(argc, argv);
	latch_rt_stop();
	latch_rt_flush();
	latch_rt_semihost_exit(status);
}

__attribute__((section(".isr_vector"), used)) static void (*const board_vectors[48])(void) = {
        (void (*)(void)) & _estack,
        Reset_Handler,
        Default_Handler,   /* NMI */
        HardFault_Handler, /* HardFault */
        HardFault_Handler, /* MemManage */
        HardFault_Handler, /* BusFault */
        HardFault_Handler, /* UsageFault */
        0,
        0,
        0,
        0,
        Default_Handler, /* SVCall */
        Default_Handler, /* DebugMon */
        0,
        Default_Handler, /* PendSV */
        SysTick_Handler,
        /* 32 external interrupts, none used */
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
};
