/*
 * actuators.c - actuator commands and readback over the HAL.
 *
 * Reached from interlock_tick(): no heap, no libc, one loop with a bound.
 */
#include "actuators.h"

#include "hal.h"
#include "latch/annotate.h"

void tvac_act_vent(struct hal *h, bool open)
{
	hal_gpio_write(h, HAL_GPIO_VENT_VALVE, open);
}

void tvac_act_rough(struct hal *h, bool open)
{
	hal_gpio_write(h, HAL_GPIO_ROUGH_VALVE, open);
}

void tvac_act_cryo(struct hal *h, bool open)
{
	hal_gpio_write(h, HAL_GPIO_CRYO_VALVE, open);
}

void tvac_act_pump(struct hal *h, bool on)
{
	hal_gpio_write(h, HAL_GPIO_PUMP, on);
}

/* Writes duty and waits, boundedly, for the timer to take it. */
static int act_pwm_apply(struct hal *h, uint16_t duty)
{
	uint32_t polls = 0;
	bool busy = true;

	hal_pwm_write(h, duty);
	/* Bounded by TVAC_PWM_SYNC_POLLS: see actuators.h. */
	LATCH_LOOP_BOUND(TVAC_PWM_SYNC_POLLS);
	while (busy && polls < TVAC_PWM_SYNC_POLLS) {
		busy = hal_pwm_busy(h);
		polls++;
	}
	return busy ? -1 : 0;
}

int tvac_act_heater_set(struct hal *h, float duty)
{
	uint16_t counts = 0;

	if (duty > 1.0f)
		duty = 1.0f;
	if (duty > 0.0f)
		counts = (uint16_t)(duty * (float)HAL_PWM_MAX + 0.5f);
	hal_gpio_write(h, HAL_GPIO_HEATER_EN, true);
	return act_pwm_apply(h, counts);
}

int tvac_act_heater_off(struct hal *h)
{
	int rc = act_pwm_apply(h, 0);

	hal_gpio_write(h, HAL_GPIO_HEATER_EN, false);
	return rc;
}

uint32_t tvac_act_readback(const struct hal *h)
{
	uint32_t bits = 0;

	if (hal_gpio_read(h, HAL_GPIO_VENT_VALVE))
		bits |= TVAC_OUT_VENT;
	if (hal_gpio_read(h, HAL_GPIO_ROUGH_VALVE))
		bits |= TVAC_OUT_ROUGH;
	if (hal_gpio_read(h, HAL_GPIO_CRYO_VALVE))
		bits |= TVAC_OUT_CRYO;
	if (hal_gpio_read(h, HAL_GPIO_HEATER_EN) || hal_pwm_read(h) != 0)
		bits |= TVAC_OUT_HEATER;
	if (hal_gpio_read(h, HAL_GPIO_PUMP))
		bits |= TVAC_OUT_PUMP;
	return bits;
}
