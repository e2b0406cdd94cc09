/*
 * hal.h - hardware abstraction layer of the TVAC controller (portable core).
 *
 * The controller talks to the chamber through three peripherals, as it would
 * on a microcontroller:
 *   - one I2C bus carrying a pressure transducer and three temperature
 *     sensors (a transfer is started, polled for completion, then fetched);
 *   - GPIO lines for the vent, roughing and cryo valves, the heater's safety
 *     relay, the cooling-loop pump (outputs) and the coolant flow switch
 *     (input);
 *   - one PWM channel driving the heater's solid-state relay.
 *
 * The layer is deliberately thin and register-shaped: no function here sleeps,
 * allocates or loops without a bound, because the interlock calls some of them
 * (gpio write/read, pwm write/read). An implementation must keep that promise:
 * the host one (hal_sim.c) does, and so must a target one.
 *
 * struct hal is defined by the implementation (hal_sim.h on the host); the
 * core only ever holds a pointer to it.
 */
#ifndef TVAC_HAL_H
#define TVAC_HAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct hal;

/* GPIO lines. Outputs read back their output latch, inputs their pin level. */
enum hal_gpio {
	HAL_GPIO_VENT_VALVE,  /* out: 1 = vent valve open (chamber to air)    */
	HAL_GPIO_ROUGH_VALVE, /* out: 1 = roughing valve open                 */
	HAL_GPIO_CRYO_VALVE,  /* out: 1 = LN2 valve to the cryo shroud open   */
	HAL_GPIO_HEATER_EN,   /* out: 1 = heater safety relay closed          */
	HAL_GPIO_PUMP,        /* out: 1 = cooling-loop pump running           */
	HAL_GPIO_FLOW_OK,     /* in:  1 = coolant flow switch sees flow       */
	HAL_GPIO_COUNT
};

/* I2C 7-bit addresses of the devices on the sensor bus. */
#define HAL_I2C_ADDR_PRESSURE 0x28u
#define HAL_I2C_ADDR_TEMP0    0x48u /* platen  */
#define HAL_I2C_ADDR_TEMP1    0x49u /* shroud  */
#define HAL_I2C_ADDR_TEMP2    0x4Au /* coolant */
#define HAL_I2C_REG_RESULT    0x00u /* both device kinds keep the result here */

enum hal_i2c_status {
	HAL_I2C_IDLE, /* no transfer started                       */
	HAL_I2C_BUSY, /* transfer in progress                      */
	HAL_I2C_DONE, /* transfer complete, data ready to fetch    */
	HAL_I2C_NACK  /* the device did not acknowledge its address */
};

/* Heater PWM duty is 0..HAL_PWM_MAX (a 10-bit timer compare register). */
#define HAL_PWM_MAX 1000u

/* Starts a read of len bytes (1..2) from register reg of device addr.
 * Returns 0, or -1 when a transfer is already in progress or len is bad. */
int hal_i2c_start_read(struct hal *h, uint8_t addr, uint8_t reg, size_t len);

/* Returns the state of the current transfer; reading it costs one bus poll. */
enum hal_i2c_status hal_i2c_status(struct hal *h);

/* Copies the received bytes of a completed transfer into buf (len bytes) and
 * returns the bus to idle. Returns 0, or -1 when no data is ready. */
int hal_i2c_fetch(struct hal *h, uint8_t *buf, size_t len);

/* Abandons the current transfer (bus recovery: STOP plus clock pulses). */
void hal_i2c_abort(struct hal *h);

/* Drives output line pin; a write to an input line is ignored. */
void hal_gpio_write(struct hal *h, enum hal_gpio pin, bool level);

/* Reads an output's latch or an input's level. */
bool hal_gpio_read(const struct hal *h, enum hal_gpio pin);

/* Writes the heater duty (clamped to HAL_PWM_MAX) into the timer's shadow
 * register; it takes effect once hal_pwm_busy() turns false. */
void hal_pwm_write(struct hal *h, uint16_t duty);

/* True while a written duty waits to be synchronised into the timer. */
bool hal_pwm_busy(struct hal *h);

/* Reads the duty the timer is currently producing. */
uint16_t hal_pwm_read(const struct hal *h);

#endif /* TVAC_HAL_H */
