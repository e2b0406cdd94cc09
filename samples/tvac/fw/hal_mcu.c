/*
 * hal_mcu.c - hal.h on memory-mapped registers (STM32F4-like layout).
 *
 * Reached from interlock_tick() through the gpio and pwm functions: plain
 * register accesses, no loops, no libc. The I2C functions run a small state
 * machine over the status register instead of waiting inside the HAL, so the
 * only waits are the driver's bounded polls in sensors.c.
 */
#include "hal_mcu.h"

#define REG(addr) (*(volatile uint32_t *)(uintptr_t)(addr))

#define RCC_BASE    0x40023800u
#define RCC_AHB1ENR REG(RCC_BASE + 0x30u)
#define RCC_APB1ENR REG(RCC_BASE + 0x40u)

#define GPIOB_BASE  0x40020400u
#define GPIOB_MODER REG(GPIOB_BASE + 0x00u)
#define GPIOB_IDR   REG(GPIOB_BASE + 0x10u)
#define GPIOB_ODR   REG(GPIOB_BASE + 0x14u)
#define GPIOB_BSRR  REG(GPIOB_BASE + 0x18u)

#define I2C1_BASE     0x40005400u
#define I2C1_CR1      REG(I2C1_BASE + 0x00u)
#define I2C1_DR       REG(I2C1_BASE + 0x10u)
#define I2C1_SR1      REG(I2C1_BASE + 0x14u)
#define I2C_CR1_PE    (1u << 0)
#define I2C_CR1_START (1u << 8)
#define I2C_CR1_STOP  (1u << 9)
#define I2C_CR1_SWRST (1u << 15)
#define I2C_SR1_RXNE  (1u << 6)
#define I2C_SR1_AF    (1u << 10) /* acknowledge failure */

#define TIM3_BASE  0x40000400u
#define TIM3_CR1   REG(TIM3_BASE + 0x00u)
#define TIM3_SR    REG(TIM3_BASE + 0x10u)
#define TIM3_ARR   REG(TIM3_BASE + 0x2Cu)
#define TIM3_CCR1  REG(TIM3_BASE + 0x34u)
#define TIM_SR_UIF (1u << 0) /* update event: the shadow CCR1 was loaded */

/* GPIOB pin of each HAL line. */
static const uint8_t mcu_pin[HAL_GPIO_COUNT] = {0, 1, 2, 3, 4, 5};

void hal_mcu_init(struct hal *h)
{
	unsigned i;

	h->i2c_len = 0;
	h->i2c_got = 0;
	RCC_AHB1ENR |= 1u << 1;                /* GPIOB */
	RCC_APB1ENR |= (1u << 21) | (1u << 1); /* I2C1, TIM3 */
	for (i = 0; i < HAL_GPIO_FLOW_OK; i++)
		GPIOB_MODER |= 1u << (2u * mcu_pin[i]); /* outputs */
	I2C1_CR1 = I2C_CR1_PE;
	TIM3_ARR = HAL_PWM_MAX;
	TIM3_CCR1 = 0;
	TIM3_CR1 = 1u | (1u << 7); /* enable, preload CCR: updates at period end */
}

int hal_i2c_start_read(struct hal *h, uint8_t addr, uint8_t reg, size_t len)
{
	int rc = -1;

	if (len >= 1 && len <= 2) {
		h->i2c_len = (uint8_t)len;
		h->i2c_got = 0;
		I2C1_DR = ((uint32_t)addr << 1) | 1u;
		I2C1_DR = reg;
		I2C1_CR1 |= I2C_CR1_START;
		rc = 0;
	}
	return rc;
}

enum hal_i2c_status hal_i2c_status(struct hal *h)
{
	uint32_t sr = I2C1_SR1;
	enum hal_i2c_status st = HAL_I2C_BUSY;

	if (h->i2c_len == 0) {
		st = HAL_I2C_IDLE;
	} else if (sr & I2C_SR1_AF) {
		st = HAL_I2C_NACK;
	} else {
		if ((sr & I2C_SR1_RXNE) && h->i2c_got < h->i2c_len)
			h->i2c_rx[h->i2c_got++] = (uint8_t)I2C1_DR;
		if (h->i2c_got == h->i2c_len)
			st = HAL_I2C_DONE;
	}
	return st;
}

int hal_i2c_fetch(struct hal *h, uint8_t *buf, size_t len)
{
	int rc = -1;

	if (h->i2c_len != 0 && h->i2c_got == h->i2c_len && len <= h->i2c_len) {
		buf[0] = h->i2c_rx[0];
		if (len == 2)
			buf[1] = h->i2c_rx[1];
		I2C1_CR1 |= I2C_CR1_STOP;
		h->i2c_len = 0;
		rc = 0;
	}
	return rc;
}

void hal_i2c_abort(struct hal *h)
{
	/* Software reset of the peripheral frees a bus it believed busy. */
	I2C1_CR1 = I2C_CR1_SWRST;
	I2C1_CR1 = I2C_CR1_PE | I2C_CR1_STOP;
	h->i2c_len = 0;
}

void hal_gpio_write(struct hal *h, enum hal_gpio pin, bool level)
{
	(void)h;
	if ((unsigned)pin < HAL_GPIO_FLOW_OK)
		GPIOB_BSRR = level ? 1u << mcu_pin[pin] : 1u << (mcu_pin[pin] + 16u);
}

bool hal_gpio_read(const struct hal *h, enum hal_gpio pin)
{
	bool level = false;

	(void)h;
	if (pin == HAL_GPIO_FLOW_OK)
		level = (GPIOB_IDR >> mcu_pin[pin]) & 1u;
	else if ((unsigned)pin < HAL_GPIO_COUNT)
		level = (GPIOB_ODR >> mcu_pin[pin]) & 1u;
	return level;
}

void hal_pwm_write(struct hal *h, uint16_t duty)
{
	(void)h;
	TIM3_SR = ~TIM_SR_UIF; /* rc_w0: clear the update flag */
	TIM3_CCR1 = duty > HAL_PWM_MAX ? HAL_PWM_MAX : duty;
}

bool hal_pwm_busy(struct hal *h)
{
	(void)h;
	return (TIM3_SR & TIM_SR_UIF) == 0;
}

uint16_t hal_pwm_read(const struct hal *h)
{
	(void)h;
	return (uint16_t)TIM3_CCR1;
}
