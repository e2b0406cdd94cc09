/*
 * hal_sim.h - host implementation of hal.h over the simulated plant.
 *
 * The simulated bus behaves like a real one as far as the driver can tell:
 * a transfer stays busy for a couple of polls, a missing device NACKs, a hung
 * bus stays busy until the driver gives up. Readings are sampled from the
 * plant when the transfer starts, with converter noise from the plant's
 * random stream. Faults scheduled at init are applied by hal_sim_advance().
 */
#ifndef TVAC_HAL_SIM_H
#define TVAC_HAL_SIM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fault.h"
#include "hal.h"
#include "plant.h"

/* Polls a transfer reports BUSY before it completes. */
#define HAL_SIM_I2C_BUSY_POLLS 2u
/* Polls the heater timer reports busy after a duty write. */
#define HAL_SIM_PWM_SYNC_POLLS 2u

struct hal {
	struct tvac_plant plant;
	bool out[HAL_GPIO_COUNT];
	uint16_t pwm_active, pwm_shadow;
	uint32_t pwm_sync_left;

	enum hal_i2c_status i2c_state;
	uint8_t i2c_rx[2];
	size_t i2c_len;
	uint32_t i2c_busy_left;
	uint16_t last_code[4]; /* last code each device produced, by device index */

	struct tvac_fault faults[TVAC_MAX_FAULTS];
	bool fired[TVAC_MAX_FAULTS];
	size_t nfaults;
	bool nack_pressure; /* i2c-nack fault active */
	bool bus_hung;      /* i2c-timeout fault active */
	bool platen_stuck;  /* stuck-sensor fault active */

	uint32_t i2c_transfers, i2c_nacks, i2c_aborts; /* bus statistics */
	uint32_t i2c_polls; /* status reads, i.e. the driver's busy-wait cost */
};

/* Initialises h with a fresh plant from seed and the fault schedule (copied;
 * at most TVAC_MAX_FAULTS entries, the rest ignored). */
void hal_sim_init(struct hal *h, uint64_t seed, const struct tvac_fault *faults, size_t nfaults);

/* Starts period tick: injects the faults due by then, then advances the
 * plant by one period under the current actuator outputs. */
void hal_sim_advance(struct hal *h, uint32_t tick);

/* The plant behind h (borrowed). */
const struct tvac_plant *hal_sim_plant(const struct hal *h);

#endif /* TVAC_HAL_SIM_H */
