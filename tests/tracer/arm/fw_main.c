/*
 * tests/tracer/arm/fw_main.c - the firmware's main loop: one controller,
 * stepped forever. FW_EXTRA (defined by the diff test's second build) adds
 * one array of known size, so memmap --diff must show exactly its growth.
 */
#include <stdint.h>

#include "control.h"

extern struct hal fw_hal;
static struct tvac_ctl fw_ctl;

#ifdef FW_EXTRA
volatile uint8_t fw_extra_log[FW_EXTRA];
#endif

int fw_main(void)
{
	struct tvac_ctl_config cfg;
	uint32_t tick = 0;

	tvac_ctl_config_default(&cfg);
	tvac_ctl_init(&fw_ctl, &fw_hal, 0, &cfg);
	for (;;) {
		tvac_ctl_step(&fw_ctl, tick);
#ifdef FW_EXTRA
		fw_extra_log[tick % FW_EXTRA] = (uint8_t)tick;
#endif
		tick++;
	}
	return 0;
}
