/*
 * tests/tracer/data/golden/fw_min_main.c - fw_main of the golden firmware
 * (fw_min.elf): a short call chain over the stub HAL, so memmap and stack
 * have data, code, a reservation and a call graph to report.
 *
 * fw_min.elf and its .su/.ci files were built from the top of the tree with
 *   arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -O2 -g -nostdlib -ffreestanding \
 *     -fno-tree-loop-distribute-patterns -ffunction-sections -fdata-sections \
 *     -fstack-usage -fcallgraph-info=su,da -fdebug-prefix-map=$PWD=. \
 *     -Isamples/tvac -Ttests/tracer/arm/fw.ld -Wl,--gc-sections \
 *     tests/tracer/arm/startup.c tests/tracer/arm/hal_stub.c \
 *     tests/tracer/data/golden/fw_min_main.c -o tests/tracer/data/golden/fw_min.elf
 * and are checked in, so the golden reports do not depend on the compiler.
 */
#include <stdint.h>

#include "hal.h"

extern struct hal fw_hal;
static uint16_t fw_log[64];
uint32_t fw_ticks = 1;

static __attribute__((noinline)) void fw_record(uint16_t v)
{
	fw_log[fw_ticks % 64u] = v;
}

static __attribute__((noinline)) void fw_step(void)
{
	volatile uint8_t scratch[24];

	scratch[fw_ticks % 24u] = (uint8_t)hal_gpio_read(&fw_hal, HAL_GPIO_FLOW_OK);
	hal_pwm_write(&fw_hal, scratch[0]);
	fw_record(hal_pwm_read(&fw_hal));
}

int fw_main(void)
{
	for (;;) {
		fw_step();
		fw_ticks++;
	}
	return 0;
}
