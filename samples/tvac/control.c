/*
 * control.c - the control task: pump-down sequencing and the platen loop.
 *
 * The interlock runs right after the sensors and before any command, so in a
 * period where it trips no control output is written against it; afterwards
 * the control task leaves every forced actuator alone (interlock_forced()).
 */
#include "control.h"

#include <stdbool.h>

#include "actuators.h"
#include "telem.h"

static const char *const phase_names[TVAC_PHASE_COUNT] = {
        "roughing",
        "cryo",
        "thermal",
        "safe",
};

void tvac_ctl_config_default(struct tvac_ctl_config *cfg)
{
	cfg->setpoint_c = 40.0f;
	cfg->crossover_mbar = 0.1f;
	cfg->thermal_mbar = 1e-3f;
	cfg->settle_ticks = 50;
	/* Output is heater duty; the platen gains about 40 C/s at full power. */
	cfg->gains.kp = 0.08f;
	cfg->gains.ki = 0.05f;
	cfg->gains.kd = 0.01f;
	cfg->gains.d_tau = 0.05f;
	cfg->gains.out_min = 0.0f;
	cfg->gains.out_max = 1.0f;
}

void tvac_ctl_init(struct tvac_ctl *c, struct hal *h, struct tvac_telem *telem,
                   const struct tvac_ctl_config *cfg)
{
	c->hal = h;
	c->telem = telem;
	c->cfg = *cfg;
	tvac_sensors_init(&c->sensors);
	interlock_init(&c->il);
	tvac_pid_init(&c->pid, &cfg->gains, TVAC_DT);
	c->phase = TVAC_PHASE_ROUGHING;
	c->below = 0;
	c->trips_reported = 0;
	c->duty = 0.0f;
}

/* Commands the actuators the interlock does not hold; the heater is off
 * (relay open) unless heat is true, and then runs at duty. */
static void ctl_command(struct tvac_ctl *c, bool rough, bool cryo, bool heat, float duty)
{
	uint32_t forced = interlock_forced(&c->il);

	if (!(forced & TVAC_OUT_PUMP))
		tvac_act_pump(c->hal, true);
	if (!(forced & TVAC_OUT_VENT))
		tvac_act_vent(c->hal, false);
	if (!(forced & TVAC_OUT_ROUGH))
		tvac_act_rough(c->hal, rough);
	if (!(forced & TVAC_OUT_CRYO))
		tvac_act_cryo(c->hal, cryo);
	c->duty = 0.0f;
	if (!(forced & TVAC_OUT_HEATER) && heat) {
		tvac_act_heater_set(c->hal, duty);
		c->duty = duty;
	} else if (!(forced & TVAC_OUT_HEATER)) {
		tvac_act_heater_off(c->hal);
	}
}

static void ctl_enter(struct tvac_ctl *c, enum tvac_phase next, uint32_t tick)
{
	c->phase = next;
	c->below = 0;
	/* The loop starts from rest: whatever it integrated before is stale. */
	tvac_pid_reset(&c->pid);
	tvac_telem_event(c->telem, tick, TVAC_TELEM_PHASE, (uint32_t)next);
}

/* Advances the pump-down once the phase's threshold has held settle_ticks
 * readings, so a noisy reading at the threshold cannot flip phases. */
static void ctl_sequence(struct tvac_ctl *c, uint32_t tick)
{
	float p = tvac_sensors_get(&c->sensors, TVAC_SENS_PRESSURE)->value;
	float tp = tvac_sensors_get(&c->sensors, TVAC_SENS_T_PLATEN)->value;

	switch (c->phase) {
	case TVAC_PHASE_ROUGHING:
		ctl_command(c, true, false, false, 0.0f);
		c->below = p < c->cfg.crossover_mbar ? c->below + 1u : 0u;
		if (c->below >= c->cfg.settle_ticks)
			ctl_enter(c, TVAC_PHASE_CRYO, tick);
		break;
	case TVAC_PHASE_CRYO:
		ctl_command(c, false, true, false, 0.0f);
		c->below = p < c->cfg.thermal_mbar ? c->below + 1u : 0u;
		if (c->below >= c->cfg.settle_ticks)
			ctl_enter(c, TVAC_PHASE_THERMAL, tick);
		break;
	case TVAC_PHASE_THERMAL:
		ctl_command(c, false, true, true, tvac_pid_step(&c->pid, c->cfg.setpoint_c, tp));
		break;
	case TVAC_PHASE_SAFE:
	case TVAC_PHASE_COUNT:
		break;
	}
}

void tvac_ctl_step(struct tvac_ctl *c, uint32_t tick)
{
	struct tvac_telem_sample s;
	uint32_t i;

	tvac_sensors_poll(&c->sensors, c->hal, tick);
	interlock_tick(&c->il, c->hal, &c->sensors, tick);

	if (interlock_is_tripped(&c->il) && c->phase != TVAC_PHASE_SAFE) {
		ctl_enter(c, TVAC_PHASE_SAFE, tick);
		c->duty = 0.0f;
	}
	ctl_sequence(c, tick);

	/* The interlock cannot log (the sink allocates); report its new trips
	 * from here, one period late at most. */
	for (i = 0; i < INTERLOCK_MAX_TRIPS; i++) {
		if (i >= c->trips_reported && i < c->il.ntrips)
			tvac_telem_event(c->telem, tick, TVAC_TELEM_TRIP,
			                 (uint32_t)c->il.trips[i].reason);
	}
	c->trips_reported = c->il.ntrips;

	s.tick = tick;
	s.phase = (uint32_t)c->phase;
	s.outputs = tvac_act_readback(c->hal);
	s.latched = c->il.latched;
	s.pressure_mbar = tvac_sensors_get(&c->sensors, TVAC_SENS_PRESSURE)->value;
	s.t_platen = tvac_sensors_get(&c->sensors, TVAC_SENS_T_PLATEN)->value;
	s.t_shroud = tvac_sensors_get(&c->sensors, TVAC_SENS_T_SHROUD)->value;
	s.t_coolant = tvac_sensors_get(&c->sensors, TVAC_SENS_T_COOLANT)->value;
	s.duty = c->duty;
	tvac_telem_push(c->telem, &s);
}

const char *tvac_phase_name(enum tvac_phase p)
{
	return (unsigned)p < TVAC_PHASE_COUNT ? phase_names[p] : "?";
}
