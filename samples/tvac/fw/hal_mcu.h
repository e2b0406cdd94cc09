/*
 * hal_mcu.h - Cortex-M implementation of hal.h (firmware build only).
 *
 * Register-level, on an STM32F4-like memory map: I2C1, GPIOB and TIM3. The
 * image is built for latch's memory-map and stack reports, not for a board:
 * check the addresses against your part's reference manual before flashing.
 */
#ifndef TVAC_HAL_MCU_H
#define TVAC_HAL_MCU_H

#include <stdint.h>

#include "hal.h"

struct hal {
	uint8_t i2c_len; /* bytes of the transfer in progress */
	uint8_t i2c_rx[2];
	uint8_t i2c_got;
};

/* Clocks the peripherals and configures the pins; call once at reset. */
void hal_mcu_init(struct hal *h);

#endif /* TVAC_HAL_MCU_H */
