/*
 * sensors.c - I2C sensor driver: start, poll with a bounded budget, fetch,
 * convert, latch.
 *
 * A transfer that is NACKed or runs out of polls is abandoned with a bus
 * recovery and counted; nothing is retried within the period, because a
 * retry would make the period's length depend on the fault.
 */
#include "sensors.h"

#include <math.h>

#include "hal.h"
#include "latch/annotate.h"

enum sensor_xfer { XFER_OK, XFER_NACK, XFER_TIMEOUT };

static const uint8_t sensor_addr[TVAC_SENS_COUNT] = {
        HAL_I2C_ADDR_PRESSURE,
        HAL_I2C_ADDR_TEMP0,
        HAL_I2C_ADDR_TEMP1,
        HAL_I2C_ADDR_TEMP2,
};

static const char *const sensor_names[TVAC_SENS_COUNT] = {
        "pressure",
        "platen",
        "shroud",
        "coolant",
};

void tvac_sensors_init(struct tvac_sensors *ss)
{
	unsigned i;

	for (i = 0; i < TVAC_SENS_COUNT; i++) {
		ss->s[i].value = 0.0f;
		ss->s[i].raw = 0;
		ss->s[i].ever_ok = false;
		ss->s[i].last_ok_tick = 0;
		ss->s[i].same_count = 0;
		ss->s[i].nacks = 0;
		ss->s[i].timeouts = 0;
	}
}

/* One 2-byte register read; the result is big-endian, as on most sensors. */
static enum sensor_xfer sensor_read(struct hal *h, uint8_t addr, uint16_t *out)
{
	uint8_t buf[2] = {0, 0};
	enum hal_i2c_status st = HAL_I2C_BUSY;
	uint32_t polls = 0;
	enum sensor_xfer x = XFER_TIMEOUT;

	if (hal_i2c_start_read(h, addr, HAL_I2C_REG_RESULT, sizeof buf) < 0)
		goto out;
	/* Wait for transfer-complete; bounded by the poll budget (see
	 * TVAC_I2C_POLL_MAX), since a device holding SDA low would otherwise
	 * hang the control task. */
	LATCH_LOOP_BOUND(TVAC_I2C_POLL_MAX);
	while (polls < TVAC_I2C_POLL_MAX) {
		st = hal_i2c_status(h);
		if (st != HAL_I2C_BUSY)
			break;
		polls++;
	}
	if (st == HAL_I2C_NACK) {
		x = XFER_NACK;
		goto out;
	}
	if (st != HAL_I2C_DONE || hal_i2c_fetch(h, buf, sizeof buf) < 0)
		goto out;
	*out = (uint16_t)(((uint16_t)buf[0] << 8) | buf[1]);
	x = XFER_OK;
out:
	/* Any failure leaves the bus in an unknown state: recover it now so
	 * the next sensor gets a clean start. */
	if (x != XFER_OK)
		hal_i2c_abort(h);
	return x;
}

float tvac_sensors_pressure_mbar(uint16_t raw)
{
	return powf(10.0f, (float)raw / TVAC_P_CODES_PER_DECADE + TVAC_P_LOG_MIN);
}

float tvac_sensors_temp_c(uint16_t raw)
{
	return (float)(int16_t)raw * TVAC_T_LSB_C;
}

void tvac_sensors_poll(struct tvac_sensors *ss, struct hal *h, uint32_t tick)
{
	unsigned i;

	for (i = 0; i < TVAC_SENS_COUNT; i++) {
		struct tvac_sensor *s = &ss->s[i];
		uint16_t raw = 0;
		enum sensor_xfer x = sensor_read(h, sensor_addr[i], &raw);

		if (x == XFER_NACK) {
			s->nacks++;
			continue;
		}
		if (x == XFER_TIMEOUT) {
			s->timeouts++;
			continue;
		}
		/* The repeat count feeds the stuck-sensor check: a live sensor's
		 * noise changes the code from one reading to the next. */
		if (s->ever_ok && raw == s->raw)
			s->same_count++;
		else
			s->same_count = 0;
		s->raw = raw;
		s->value = i == TVAC_SENS_PRESSURE ? tvac_sensors_pressure_mbar(raw)
		                                   : tvac_sensors_temp_c(raw);
		s->ever_ok = true;
		s->last_ok_tick = tick;
	}
}

const char *tvac_sensors_name(enum tvac_sensor_id id)
{
	return (unsigned)id < TVAC_SENS_COUNT ? sensor_names[id] : "?";
}
