/*
 * tests/tracer/arm/startup.c - reset handler and vector table of the
 * Cortex-M4 test firmware: copy .data from its load address in flash,
 * clear .bss, run the controller. Only memmap and stack read this ELF; it
 * never runs.
 */
#include <stdint.h>

extern uint32_t _sidata, _sdata, _edata, _sbss, _ebss, _estack;
void fw_reset(void);
int fw_main(void);

static void fw_default_handler(void)
{
	for (;;) {
	}
}

__attribute__((section(".isr_vector"), used)) static void (*const fw_vectors[16])(void) = {
        (void (*)(void))(uintptr_t)&_estack,
        fw_reset,
        fw_default_handler,
        fw_default_handler,
        fw_default_handler,
        fw_default_handler,
        fw_default_handler,
        0,
        0,
        0,
        0,
        fw_default_handler,
        fw_default_handler,
        0,
        fw_default_handler,
        fw_default_handler,
};

void fw_reset(void)
{
	uint32_t *src = &_sidata, *dst = &_sdata;

	while (dst < &_edata)
		*dst++ = *src++;
	for (dst = &_sbss; dst < &_ebss;)
		*dst++ = 0;
	fw_main();
	fw_default_handler();
}
