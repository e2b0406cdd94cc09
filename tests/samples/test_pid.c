/*
 * test_pid.c - tvac_pid: closed-loop step response, anti-windup, limits.
 *
 * The closed-loop tests use the controller's own default gains against a
 * first-order thermal model of the platen (heating 40 C/s at full duty,
 * losing 0.04/s of its difference to a -175 C shroud), integrated at 1 kHz.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "control.h"
#include "pid.h"

#define DT 0.001f

struct platen {
	float t;      /* C */
	float loss_k; /* 1/s */
};

static void platen_step(struct platen *p, float duty)
{
	p->t += DT * (40.0f * duty - p->loss_k * (p->t + 175.0f));
}

static void default_gains(struct tvac_pid_gains *g)
{
	struct tvac_ctl_config cfg;

	tvac_ctl_config_default(&cfg);
	*g = cfg.gains;
}

static void test_pid_step_response_settles(void **state)
{
	struct tvac_pid_gains g;
	struct tvac_pid pid;
	struct platen p = {20.0f, 0.04f};
	float peak = p.t;
	float worst_late = 0.0f;
	int i;

	(void)state;
	default_gains(&g);
	tvac_pid_init(&pid, &g, DT);
	/* 20 s from 20 C to a 40 C setpoint. */
	for (i = 0; i < 20000; i++) {
		float u = tvac_pid_step(&pid, 40.0f, p.t);

		assert_true(u >= 0.0f && u <= 1.0f);
		platen_step(&p, u);
		if (p.t > peak)
			peak = p.t;
		/* After 10 s the loop must hold the setpoint within 0.1 C. */
		if (i >= 10000 && fabsf(p.t - 40.0f) > worst_late)
			worst_late = fabsf(p.t - 40.0f);
	}
	assert_true(peak < 42.0f); /* overshoot under 10 % of the step */
	assert_true(worst_late < 0.1f);
	/* Steady state: the integrator carries the load, 0.04 * 215 / 40. */
	assert_float_equal(pid.integ, 0.04f * 215.0f / 40.0f, 0.005f);
}

static void test_pid_anti_windup_holds_integrator(void **state)
{
	struct tvac_pid_gains g;
	struct tvac_pid pid;
	float u = 0.0f;
	int i;

	(void)state;
	default_gains(&g);
	g.kd = 0.0f; /* isolate the integrator */
	tvac_pid_init(&pid, &g, DT);
	/* Reach an operating point: integ settles where the output is 0.5. */
	for (i = 0; i < 200000 && fabsf(pid.integ - 0.5f) > 1e-3f; i++)
		u = tvac_pid_step(&pid, 40.0f, 40.0f + (u - 0.5f) / g.kp);
	assert_float_equal(pid.integ, 0.5f, 2e-3f);
	/* One minute saturated high: 50 C of error would integrate to 150
	 * without anti-windup; conditional integration must freeze it. */
	for (i = 0; i < 60000; i++)
		assert_float_equal(tvac_pid_step(&pid, 40.0f, -10.0f), 1.0f, 0.0f);
	assert_float_equal(pid.integ, 0.5f, 2e-3f);
	/* The error changes sign: the output leaves the limit at once. */
	u = tvac_pid_step(&pid, 40.0f, 41.0f);
	assert_true(u < 1.0f);
	assert_float_equal(u, pid.integ - g.kp * 1.0f, 1e-3f);
}

static void test_pid_anti_windup_limits_overshoot(void **state)
{
	struct tvac_pid_gains g;
	struct tvac_pid pid;
	struct platen p = {20.0f, 1.0f}; /* door open: 40 C/s cannot win */
	float peak = -1000.0f;
	int i;

	(void)state;
	default_gains(&g);
	tvac_pid_init(&pid, &g, DT);
	/* 30 s saturated at full power, unable to reach 40 C (max -135 C). */
	for (i = 0; i < 30000; i++)
		platen_step(&p, tvac_pid_step(&pid, 40.0f, p.t));
	assert_true(p.t < -130.0f);
	assert_true(pid.integ <= g.out_max);
	/* Door closed: it must now come up without a wound-up overshoot. */
	p.loss_k = 0.04f;
	for (i = 0; i < 40000; i++) {
		platen_step(&p, tvac_pid_step(&pid, 40.0f, p.t));
		if (p.t > peak)
			peak = p.t;
	}
	assert_true(peak < 42.0f);
	assert_float_equal(p.t, 40.0f, 0.1f);
}

static void test_pid_output_clamped_to_limits(void **state)
{
	struct tvac_pid_gains g;
	struct tvac_pid pid;

	(void)state;
	default_gains(&g);
	tvac_pid_init(&pid, &g, DT);
	assert_float_equal(tvac_pid_step(&pid, 40.0f, -100.0f), g.out_max, 0.0f);
	tvac_pid_reset(&pid);
	assert_float_equal(tvac_pid_step(&pid, 40.0f, 200.0f), g.out_min, 0.0f);
}

static void test_pid_no_derivative_kick_on_setpoint_step(void **state)
{
	struct tvac_pid_gains g = {0.0f, 0.0f, 1.0f, 0.0f, -10.0f, 10.0f};
	struct tvac_pid pid;

	(void)state;
	tvac_pid_init(&pid, &g, DT);
	assert_float_equal(tvac_pid_step(&pid, 0.0f, 5.0f), 0.0f, 0.0f);
	/* Setpoint jumps, measurement steady: derivative on measurement is 0. */
	assert_float_equal(tvac_pid_step(&pid, 100.0f, 5.0f), 0.0f, 0.0f);
	/* Measurement rises 1 unit in one period: rate 1000/s, kd 1, no filter. */
	assert_float_equal(tvac_pid_step(&pid, 100.0f, 6.0f), -10.0f, 0.0f);
	tvac_pid_reset(&pid);
	assert_false(pid.primed);
	assert_float_equal(pid.integ, 0.0f, 0.0f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_pid_step_response_settles),
	        cmocka_unit_test(test_pid_anti_windup_holds_integrator),
	        cmocka_unit_test(test_pid_anti_windup_limits_overshoot),
	        cmocka_unit_test(test_pid_output_clamped_to_limits),
	        cmocka_unit_test(test_pid_no_derivative_kick_on_setpoint_step),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
