/*
 * control.h - the 1 kHz control task (portable core).
 *
 * One call of tvac_ctl_step() is one control period: poll the sensors, run
 * the interlock, sequence the pump-down, run the temperature loop, hand a
 * sample to telemetry. The caller owns the timing (host: a plain loop or
 * clock_nanosleep deadlines; target: a timer interrupt).
 */
#ifndef TVAC_CONTROL_H
#define TVAC_CONTROL_H

#include <stdint.h>

#include "interlock.h"
#include "pid.h"
#include "sensors.h"

struct hal;
struct tvac_telem;

#define TVAC_TICK_HZ 1000u
#define TVAC_DT      (1.0f / (float)TVAC_TICK_HZ)

enum tvac_phase {
	TVAC_PHASE_ROUGHING, /* roughing valve open, down to the crossover pressure */
	TVAC_PHASE_CRYO,     /* roughing closed, LN2 shroud cryopumps the rest */
	TVAC_PHASE_THERMAL,  /* high vacuum: the platen is held at the setpoint */
	TVAC_PHASE_SAFE,     /* the interlock tripped: sequencing has stopped */
	TVAC_PHASE_COUNT
};

struct tvac_ctl_config {
	float setpoint_c;      /* platen temperature in the thermal phase */
	float crossover_mbar;  /* roughing -> cryo */
	float thermal_mbar;    /* cryo -> thermal */
	uint32_t settle_ticks; /* a threshold must hold this long to change phase */
	struct tvac_pid_gains gains;
};

struct tvac_ctl {
	struct hal *hal;
	struct tvac_telem *telem; /* may be NULL */
	struct tvac_ctl_config cfg;
	struct tvac_sensors sensors;
	struct interlock il;
	struct tvac_pid pid;
	enum tvac_phase phase;
	uint32_t below;          /* periods the phase's pressure threshold has held */
	uint32_t trips_reported; /* interlock trips already sent to telemetry */
	float duty;              /* heater duty commanded this period */
};

/* Fills cfg with the defaults: 40 C setpoint, crossover 0.1 mbar, thermal
 * below 1e-3 mbar, gains tuned for the simulated platen. */
void tvac_ctl_config_default(struct tvac_ctl_config *cfg);

/* Initialises c over HAL h with sink telem (may be NULL); borrows both. */
void tvac_ctl_init(struct tvac_ctl *c, struct hal *h, struct tvac_telem *telem,
                   const struct tvac_ctl_config *cfg);

/* Runs control period tick (ticks count from 0 at 1 kHz). */
void tvac_ctl_step(struct tvac_ctl *c, uint32_t tick);

/* Stable phase name ("roughing", "cryo", "thermal", "safe"). */
const char *tvac_phase_name(enum tvac_phase p);

#endif /* TVAC_CONTROL_H */
