/*
 * pid.c - discrete PID with conditional-integration anti-windup.
 *
 * Invariant: integ stays within [out_min, out_max], so after any saturation
 * the output can leave the limit within one period of the error changing
 * sign. No libc calls: this file is on the 1 kHz path and is cross-compiled.
 */
#include "pid.h"

static float pid_clamp(float v, float lo, float hi)
{
	if (v < lo)
		return lo;
	if (v > hi)
		return hi;
	return v;
}

void tvac_pid_init(struct tvac_pid *pid, const struct tvac_pid_gains *g, float dt)
{
	pid->g = *g;
	pid->dt = dt;
	tvac_pid_reset(pid);
}

void tvac_pid_reset(struct tvac_pid *pid)
{
	pid->integ = 0.0f;
	pid->d_filt = 0.0f;
	pid->prev_meas = 0.0f;
	pid->primed = false;
}

float tvac_pid_step(struct tvac_pid *pid, float setpoint, float measurement)
{
	const struct tvac_pid_gains *g = &pid->g;
	float err = setpoint - measurement;
	float p = g->kp * err;
	float rate = 0.0f;
	float alpha;
	float unsat;
	float out;
	float integ_next;

	/* Without a previous sample the rate is unknown; assuming zero avoids a
	 * derivative kick on the first period. */
	if (pid->primed)
		rate = (measurement - pid->prev_meas) / pid->dt;
	pid->prev_meas = measurement;
	pid->primed = true;

	/* First-order filter, discretised as alpha = dt / (tau + dt). */
	alpha = pid->dt / (g->d_tau + pid->dt);
	pid->d_filt += alpha * (rate - pid->d_filt);

	integ_next = pid->integ + g->ki * err * pid->dt;
	unsat = p + integ_next - g->kd * pid->d_filt;

	/* Conditional integration: accept the new integral unless the output
	 * is saturated and the error would push it further into the limit. */
	if (!((unsat > g->out_max && err > 0.0f) || (unsat < g->out_min && err < 0.0f)))
		pid->integ = pid_clamp(integ_next, g->out_min, g->out_max);

	out = p + pid->integ - g->kd * pid->d_filt;
	return pid_clamp(out, g->out_min, g->out_max);
}
