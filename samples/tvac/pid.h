/*
 * pid.h - a discrete PID controller with output clamping and anti-windup
 * (portable core).
 *
 * The derivative acts on the measurement, not on the error, so a setpoint
 * step does not kick the output; it is low-pass filtered because sensor noise
 * differentiated at 1 kHz would otherwise dominate. Anti-windup is by
 * conditional integration: while the output is saturated, the integrator only
 * moves in the direction that brings the output back inside its limits, so a
 * long saturation (the chamber still cold, the heater at 100 %) does not store
 * up an overshoot.
 */
#ifndef TVAC_PID_H
#define TVAC_PID_H

#include <stdbool.h>

struct tvac_pid_gains {
	float kp;      /* output per unit of error                    */
	float ki;      /* output per unit of error per second         */
	float kd;      /* output per unit of measurement rate (1/s)   */
	float d_tau;   /* derivative filter time constant, s (>= 0)   */
	float out_min; /* output limits; out_min < out_max            */
	float out_max;
};

struct tvac_pid {
	struct tvac_pid_gains g;
	float dt;     /* control period, s */
	float integ;  /* integral term, in output units */
	float d_filt; /* filtered derivative of the measurement */
	float prev_meas;
	bool primed; /* false until the first step has seen a measurement */
};

/* Initialises pid with gains g and period dt (> 0). */
void tvac_pid_init(struct tvac_pid *pid, const struct tvac_pid_gains *g, float dt);

/* Clears the integrator and derivative history (used when the loop is
 * re-enabled after having been overridden). */
void tvac_pid_reset(struct tvac_pid *pid);

/* Runs one period and returns the output, within [out_min, out_max]. */
float tvac_pid_step(struct tvac_pid *pid, float setpoint, float measurement);

#endif /* TVAC_PID_H */
