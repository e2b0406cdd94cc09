/*
 * hal_sim.c - simulated peripherals. The gpio and pwm functions are reached
 * from interlock_tick(), so they are plain field updates: no allocation, no
 * libc, no loops.
 */
#include "hal_sim.h"

#include <math.h>

#include "control.h"
#include "sensors.h"

/* Converter noise, in codes (1 sigma). */
#define SIM_P_NOISE_CODES 8.0
#define SIM_T_NOISE_CODES 5.0

void hal_sim_init(struct hal *h, uint64_t seed, const struct tvac_fault *faults, size_t nfaults)
{
	size_t i;

	tvac_plant_init(&h->plant, seed);
	for (i = 0; i < HAL_GPIO_COUNT; i++)
		h->out[i] = false;
	h->pwm_active = 0;
	h->pwm_shadow = 0;
	h->pwm_sync_left = 0;
	h->i2c_state = HAL_I2C_IDLE;
	h->i2c_rx[0] = 0;
	h->i2c_rx[1] = 0;
	h->i2c_len = 0;
	h->i2c_busy_left = 0;
	for (i = 0; i < 4; i++)
		h->last_code[i] = 0;
	h->nfaults = nfaults < TVAC_MAX_FAULTS ? nfaults : TVAC_MAX_FAULTS;
	for (i = 0; i < TVAC_MAX_FAULTS; i++) {
		h->fired[i] = false;
		if (i < h->nfaults)
			h->faults[i] = faults[i];
	}
	h->nack_pressure = false;
	h->bus_hung = false;
	h->platen_stuck = false;
	h->i2c_transfers = 0;
	h->i2c_nacks = 0;
	h->i2c_aborts = 0;
	h->i2c_polls = 0;
}

static void sim_inject(struct hal *h, enum tvac_fault_kind kind)
{
	switch (kind) {
	case TVAC_FAULT_OVERPRESSURE:
		h->plant.inrush = true;
		break;
	case TVAC_FAULT_OVERTEMP:
		h->plant.heater_shorted = true;
		break;
	case TVAC_FAULT_I2C_NACK:
		h->nack_pressure = true;
		break;
	case TVAC_FAULT_I2C_TIMEOUT:
		h->bus_hung = true;
		break;
	case TVAC_FAULT_COOLING_LOSS:
		h->plant.cooling_lost = true;
		break;
	case TVAC_FAULT_STUCK_SENSOR:
		h->platen_stuck = true;
		break;
	case TVAC_FAULT_KIND_COUNT:
		break;
	}
}

void hal_sim_advance(struct hal *h, uint32_t tick)
{
	struct tvac_plant_in in;
	size_t i;

	for (i = 0; i < h->nfaults; i++) {
		if (!h->fired[i] && h->faults[i].tick <= tick) {
			h->fired[i] = true;
			sim_inject(h, h->faults[i].kind);
		}
	}
	in.vent = h->out[HAL_GPIO_VENT_VALVE];
	in.rough = h->out[HAL_GPIO_ROUGH_VALVE];
	in.cryo = h->out[HAL_GPIO_CRYO_VALVE];
	in.heater_en = h->out[HAL_GPIO_HEATER_EN];
	in.pump = h->out[HAL_GPIO_PUMP];
	in.duty = (double)h->pwm_active / (double)HAL_PWM_MAX;
	tvac_plant_step(&h->plant, &in, 1.0 / (double)TVAC_TICK_HZ);
}

const struct tvac_plant *hal_sim_plant(const struct hal *h)
{
	return &h->plant;
}

/* Rounds v to the nearest integer and clamps it to [lo, hi]. */
static double sim_code(double v, double lo, double hi)
{
	double c = floor(v + 0.5);

	return c < lo ? lo : c > hi ? hi : c;
}

/* Samples device dev (0 pressure, 1..3 temperatures) as its converter would. */
static uint16_t sim_sample(struct hal *h, unsigned dev)
{
	const struct tvac_plant *p = &h->plant;
	double v;
	uint16_t code;

	if (dev == 1 && h->platen_stuck) {
		code = h->last_code[1];
	} else if (dev == 0) {
		v = (log10(p->p_mbar) - (double)TVAC_P_LOG_MIN) * (double)TVAC_P_CODES_PER_DECADE;
		v += SIM_P_NOISE_CODES * tvac_plant_noise(&h->plant);
		/* 0xFFFF is the transducer's error code, never a reading. */
		code = (uint16_t)sim_code(v, 0.0, 65534.0);
	} else {
		v = dev == 1 ? p->t_platen : dev == 2 ? p->t_shroud : p->t_coolant;
		v = v / (double)TVAC_T_LSB_C + SIM_T_NOISE_CODES * tvac_plant_noise(&h->plant);
		/* Two's complement; -32768 (0x8000) means "no conversion". */
		code = (uint16_t)(int16_t)sim_code(v, -32767.0, 32767.0);
	}
	h->last_code[dev] = code;
	return code;
}

int hal_i2c_start_read(struct hal *h, uint8_t addr, uint8_t reg, size_t len)
{
	int dev = -1;
	uint16_t code = 0;
	int rc = -1;

	if (h->i2c_state == HAL_I2C_BUSY || len < 1 || len > 2 || reg != HAL_I2C_REG_RESULT)
		goto out;
	h->i2c_transfers++;
	h->i2c_len = len;
	h->i2c_busy_left = HAL_SIM_I2C_BUSY_POLLS;
	h->i2c_state = HAL_I2C_BUSY;
	rc = 0;
	if (addr == HAL_I2C_ADDR_PRESSURE)
		dev = 0;
	else if (addr >= HAL_I2C_ADDR_TEMP0 && addr <= HAL_I2C_ADDR_TEMP2)
		dev = 1 + (addr - HAL_I2C_ADDR_TEMP0);
	if (dev < 0 || (dev == 0 && h->nack_pressure)) {
		/* Nobody answers: the address phase ends in a NACK. */
		h->i2c_state = HAL_I2C_NACK;
		h->i2c_nacks++;
		goto out;
	}
	code = sim_sample(h, (unsigned)dev);
	h->i2c_rx[0] = (uint8_t)(code >> 8);
	h->i2c_rx[1] = (uint8_t)(code & 0xFFu);
out:
	return rc;
}

enum hal_i2c_status hal_i2c_status(struct hal *h)
{
	h->i2c_polls++;
	/* A hung bus never completes: the driver's poll budget must end it. */
	if (h->i2c_state == HAL_I2C_BUSY && !h->bus_hung) {
		if (h->i2c_busy_left > 0)
			h->i2c_busy_left--;
		else
			h->i2c_state = HAL_I2C_DONE;
	}
	return h->i2c_state;
}

int hal_i2c_fetch(struct hal *h, uint8_t *buf, size_t len)
{
	size_t i;
	int rc = -1;

	if (h->i2c_state != HAL_I2C_DONE || len > h->i2c_len)
		goto out;
	for (i = 0; i < len; i++)
		buf[i] = h->i2c_rx[i];
	h->i2c_state = HAL_I2C_IDLE;
	rc = 0;
out:
	return rc;
}

void hal_i2c_abort(struct hal *h)
{
	h->i2c_aborts++;
	h->i2c_state = HAL_I2C_IDLE;
}

void hal_gpio_write(struct hal *h, enum hal_gpio pin, bool level)
{
	if ((unsigned)pin < HAL_GPIO_COUNT && pin != HAL_GPIO_FLOW_OK)
		h->out[pin] = level;
}

bool hal_gpio_read(const struct hal *h, enum hal_gpio pin)
{
	bool level = false;

	if (pin == HAL_GPIO_FLOW_OK)
		level = h->plant.flow_ok;
	else if ((unsigned)pin < HAL_GPIO_COUNT)
		level = h->out[pin];
	return level;
}

void hal_pwm_write(struct hal *h, uint16_t duty)
{
	h->pwm_shadow = duty > HAL_PWM_MAX ? (uint16_t)HAL_PWM_MAX : duty;
	h->pwm_sync_left = HAL_SIM_PWM_SYNC_POLLS;
}

bool hal_pwm_busy(struct hal *h)
{
	if (h->pwm_sync_left > 0) {
		h->pwm_sync_left--;
		if (h->pwm_sync_left == 0)
			h->pwm_active = h->pwm_shadow;
	}
	return h->pwm_sync_left > 0;
}

uint16_t hal_pwm_read(const struct hal *h)
{
	return h->pwm_active;
}
