/*
 * tests/tracer/arm/hal_stub.c - a register-shaped HAL for the Cortex-M4
 * test firmware, and a telemetry sink that drops everything. It gives the
 * sample's portable core real symbols to link against; the register block
 * is a static variable, so the ELF has .bss of known origin.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "hal.h"
#include "telem.h"

struct hal {
	volatile uint32_t i2c_status;
	volatile uint32_t i2c_data;
	volatile uint32_t gpio_out;
	volatile uint32_t gpio_in;
	volatile uint32_t pwm_ccr;
	volatile uint32_t pwm_busy;
};

struct hal fw_hal;

int hal_i2c_start_read(struct hal *h, uint8_t addr, uint8_t reg, size_t len)
{
	if (h->i2c_status == HAL_I2C_BUSY || len < 1 || len > 2)
		return -1;
	h->i2c_data = ((uint32_t)addr << 8) | reg;
	h->i2c_status = HAL_I2C_BUSY;
	return 0;
}

enum hal_i2c_status hal_i2c_status(struct hal *h)
{
	return (enum hal_i2c_status)h->i2c_status;
}

int hal_i2c_fetch(struct hal *h, uint8_t *buf, size_t len)
{
	size_t i;

	if (h->i2c_status != HAL_I2C_DONE)
		return -1;
	for (i = 0; i < len && i < 2; i++)
		buf[i] = (uint8_t)(h->i2c_data >> (8 * i));
	h->i2c_status = HAL_I2C_IDLE;
	return 0;
}

void hal_i2c_abort(struct hal *h)
{
	h->i2c_status = HAL_I2C_IDLE;
}

void hal_gpio_write(struct hal *h, enum hal_gpio pin, bool level)
{
	if (level)
		h->gpio_out |= 1u << pin;
	else
		h->gpio_out &= ~(1u << pin);
}

bool hal_gpio_read(const struct hal *h, enum hal_gpio pin)
{
	return ((pin == HAL_GPIO_FLOW_OK ? h->gpio_in : h->gpio_out) >> pin) & 1u;
}

void hal_pwm_write(struct hal *h, uint16_t duty)
{
	h->pwm_ccr = duty > HAL_PWM_MAX ? HAL_PWM_MAX : duty;
}

bool hal_pwm_busy(struct hal *h)
{
	return h->pwm_busy != 0;
}

uint16_t hal_pwm_read(const struct hal *h)
{
	return (uint16_t)h->pwm_ccr;
}

void tvac_telem_push(struct tvac_telem *t, const struct tvac_telem_sample *s)
{
	(void)t;
	(void)s;
}

void tvac_telem_event(struct tvac_telem *t, uint32_t tick, enum tvac_telem_event ev, uint32_t arg)
{
	(void)t;
	(void)tick;
	(void)ev;
	(void)arg;
}
