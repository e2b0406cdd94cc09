/*
 * fw_main.c - Cortex-M entry: vector table, reset handler, SysTick at 1 kHz
 * releasing the control task. Built only for latch's firmware reports.
 */
#include <stdint.h>

#include "control.h"
#include "hal_mcu.h"
#include "telem_ring.h"

#define SYST_CSR (*(volatile uint32_t *)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t *)0xE000E014u)
#define CPU_HZ   168000000u

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;

/* The firmware's state lives in .bss: a microcontroller has no heap here. */
static struct hal fw_hal;
static struct tvac_telem fw_telem_storage;
static struct tvac_ctl fw_ctl;
static volatile uint32_t fw_ticks_pending;

void Reset_Handler(void);
void SysTick_Handler(void);
void Default_Handler(void);
int main(void);

void SysTick_Handler(void)
{
	fw_ticks_pending++;
}

void Default_Handler(void)
{
	for (;;)
		;
}

int main(void)
{
	struct tvac_ctl_config cfg;
	uint32_t tick = 0;

	hal_mcu_init(&fw_hal);
	tvac_telem_ring_init(&fw_telem_storage);
	tvac_ctl_config_default(&cfg);
	tvac_ctl_init(&fw_ctl, &fw_hal, &fw_telem_storage, &cfg);
	SYST_RVR = CPU_HZ / TVAC_TICK_HZ - 1u;
	SYST_CSR = 7u; /* core clock, interrupt, enable */
	for (;;) {
		while (fw_ticks_pending == 0)
			__asm__ volatile("wfi");
		fw_ticks_pending--;
		tvac_ctl_step(&fw_ctl, tick++);
	}
}

void Reset_Handler(void)
{
	uint32_t *src = &_sidata;
	uint32_t *dst;

	for (dst = &_sdata; dst < &_edata;)
		*dst++ = *src++;
	for (dst = &_sbss; dst < &_ebss;)
		*dst++ = 0;
	main();
	Default_Handler();
}

__attribute__((section(".isr_vector"), used)) static void (*const fw_vectors[16])(void) = {
        (void (*)(void)) & _estack,
        Reset_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        Default_Handler,
        0,
        0,
        0,
        0,
        Default_Handler,
        Default_Handler,
        0,
        Default_Handler,
        SysTick_Handler,
};
