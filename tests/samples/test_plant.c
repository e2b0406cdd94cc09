/*
 * test_plant.c - the simulated chamber: determinism per seed, the physics
 * the demo relies on, and the random stream against splitmix64's published
 * reference values.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "control.h"
#include "hal_sim.h"
#include "plant.h"

#define DT 0.001

static const struct tvac_plant_in pumping = {false, true, false, false, true, 0.0};

static void test_plant_rng_matches_splitmix64_reference(void **state)
{
	struct tvac_plant p;

	(void)state;
	/* splitmix64 seeded with 0 (Steele, Lea, Flood 2014; the reference
	 * implementation's first outputs, also computed independently). */
	p.rng = 0;
	assert_int_equal(tvac_plant_rand(&p), 0xE220A8397B1DCDAFull);
	assert_int_equal(tvac_plant_rand(&p), 0x6E789E6AA1B965F4ull);
	assert_int_equal(tvac_plant_rand(&p), 0x06C45D188009454Full);
}

static void test_plant_noise_is_roughly_standard(void **state)
{
	struct tvac_plant p;
	double sum = 0.0, sq = 0.0;
	int i;

	(void)state;
	p.rng = 7;
	for (i = 0; i < 100000; i++) {
		double x = tvac_plant_noise(&p);

		assert_true(x > -3.47 && x < 3.47); /* (4 - 2) * sqrt(3) bounds it */
		sum += x;
		sq += x * x;
	}
	assert_true(sum / 100000.0 > -0.02 && sum / 100000.0 < 0.02);
	assert_true(sq / 100000.0 > 0.97 && sq / 100000.0 < 1.03);
}

/* Runs a pump-down and thermal profile; records (p, t_platen) per step. */
static void run_profile(uint64_t seed, double *trace, int steps)
{
	struct tvac_plant p;
	struct tvac_plant_in in = pumping;
	int i;

	tvac_plant_init(&p, seed);
	for (i = 0; i < steps; i++) {
		if (i == steps / 2) {
			in.cryo = true;
			in.heater_en = true;
			in.duty = 0.3;
		}
		tvac_plant_step(&p, &in, DT);
		trace[2 * i] = p.p_mbar;
		trace[2 * i + 1] = p.t_platen;
	}
}

static void test_plant_deterministic_for_seed(void **state)
{
	static double a[2 * 20000], b[2 * 20000];

	(void)state;
	run_profile(42, a, 20000);
	run_profile(42, b, 20000);
	assert_memory_equal(a, b, sizeof a);
	run_profile(43, b, 20000);
	assert_memory_not_equal(a, b, sizeof a);
	/* Different at the first step already: the seed sets the start. */
	assert_true(a[0] != b[0] && a[1] != b[1]);
}

/* The whole closed loop (HAL, sensors with converter noise, controller) is
 * deterministic too: same seed, same readings every period. */
static void test_plant_closed_loop_deterministic_for_seed(void **state)
{
	static struct hal h1, h2;
	static struct tvac_ctl c1, c2;
	struct tvac_ctl_config cfg;
	uint32_t t;
	int differ = 0;

	(void)state;
	tvac_ctl_config_default(&cfg);
	hal_sim_init(&h1, 9, NULL, 0);
	hal_sim_init(&h2, 9, NULL, 0);
	tvac_ctl_init(&c1, &h1, NULL, &cfg);
	tvac_ctl_init(&c2, &h2, NULL, &cfg);
	for (t = 0; t < 20000; t++) {
		hal_sim_advance(&h1, t);
		hal_sim_advance(&h2, t);
		tvac_ctl_step(&c1, t);
		tvac_ctl_step(&c2, t);
		assert_memory_equal(&c1.sensors, &c2.sensors, sizeof c1.sensors);
		assert_memory_equal(&h1.plant, &h2.plant, sizeof h1.plant);
	}
	hal_sim_init(&h2, 10, NULL, 0);
	tvac_ctl_init(&c2, &h2, NULL, &cfg);
	for (t = 0; t < 1000; t++) {
		hal_sim_advance(&h1, 20000 + t);
		hal_sim_advance(&h2, t);
		tvac_ctl_step(&c2, t);
		differ += c2.sensors.s[TVAC_SENS_T_PLATEN].raw !=
		          c1.sensors.s[TVAC_SENS_T_PLATEN].raw;
	}
	assert_true(differ > 0);
}

static void test_plant_roughing_stops_at_pump_ultimate(void **state)
{
	struct tvac_plant p;
	int i;

	(void)state;
	tvac_plant_init(&p, 1);
	assert_true(p.p_mbar > 1000.0 && p.p_mbar < 1030.0);
	/* tau 1 s: 1013 mbar falls below 0.1 mbar in about ln(1e4) = 9.2 s. */
	for (i = 0; i < 9000; i++)
		tvac_plant_step(&p, &pumping, DT);
	assert_true(p.p_mbar > 0.1);
	for (i = 0; i < 1000; i++)
		tvac_plant_step(&p, &pumping, DT);
	assert_true(p.p_mbar < 0.1);
	/* Roughing alone never beats its ultimate pressure (2e-2 mbar). */
	for (i = 0; i < 60000; i++)
		tvac_plant_step(&p, &pumping, DT);
	assert_true(p.p_mbar > 0.02 && p.p_mbar < 0.021);
}

static void test_plant_cryopumps_only_when_shroud_cold(void **state)
{
	struct tvac_plant p;
	struct tvac_plant_in in = {false, false, true, false, true, 0.0};
	int i;

	(void)state;
	tvac_plant_init(&p, 1);
	p.p_mbar = 0.05;
	p.t_shroud = 20.0;
	/* The shroud needs ln(195/55) * 3 s = 3.8 s to pass -120 C. */
	for (i = 0; i < 3500; i++)
		tvac_plant_step(&p, &in, DT);
	assert_true(p.t_shroud > -120.0);
	assert_true(p.p_mbar > 0.05); /* only the leak so far */
	for (i = 0; i < 6500; i++)
		tvac_plant_step(&p, &in, DT);
	assert_true(p.t_shroud < -165.0);
	/* Base: 1e-7 + leak * 0.25 s, the leak being 0.5e-4..1.5e-4 mbar/s. */
	assert_true(p.p_mbar > 1e-7 + 0.5e-4 * 0.25 && p.p_mbar < 1e-7 + 1.5e-4 * 0.25);
}

static void test_plant_inrush_then_vent_relieves(void **state)
{
	struct tvac_plant p;
	struct tvac_plant_in in = {false, false, false, false, true, 0.0};
	int i;

	(void)state;
	tvac_plant_init(&p, 1);
	p.p_mbar = 1e-5;
	p.inrush = true;
	/* 2000 mbar/s: 1100 mbar after 0.55 s. */
	for (i = 0; i < 540; i++)
		tvac_plant_step(&p, &in, DT);
	assert_true(p.p_mbar < 1100.0);
	for (i = 0; i < 20; i++)
		tvac_plant_step(&p, &in, DT);
	assert_true(p.p_mbar > 1100.0);
	/* Venting settles it at 1013.25 + 2000 * 0.1 mbar. */
	in.vent = true;
	for (i = 0; i < 5000; i++)
		tvac_plant_step(&p, &in, DT);
	assert_float_equal(p.p_mbar, 1213.25, 0.01);
}

static void test_plant_heater_runaway_and_cooling_loss(void **state)
{
	struct tvac_plant p;
	struct tvac_plant_in in = {false, false, false, true, true, 0.0};
	double hot;
	int i;

	(void)state;
	tvac_plant_init(&p, 1);
	p.p_mbar = 1e-5;
	p.t_platen = 40.0;
	/* Duty 0 with a healthy relay: no heating, the platen drifts down. */
	for (i = 0; i < 1000; i++)
		tvac_plant_step(&p, &in, DT);
	assert_true(p.t_platen < 40.0);
	/* A shorted SSR heats at full power while the relay is closed... */
	p.heater_shorted = true;
	for (i = 0; i < 1000; i++)
		tvac_plant_step(&p, &in, DT);
	assert_true(p.t_platen > 70.0);
	/* ...and not at all once the relay opens. */
	hot = p.t_platen;
	in.heater_en = false;
	for (i = 0; i < 1000; i++)
		tvac_plant_step(&p, &in, DT);
	assert_true(p.t_platen < hot - 1.0);

	assert_true(p.flow_ok);
	p.cooling_lost = true;
	tvac_plant_step(&p, &in, DT);
	assert_false(p.flow_ok);
	/* A stopped loop warms at 1.5 C/s. */
	for (i = 0; i < 10000; i++)
		tvac_plant_step(&p, &in, DT);
	assert_true(p.t_coolant > 30.0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_plant_rng_matches_splitmix64_reference),
	        cmocka_unit_test(test_plant_noise_is_roughly_standard),
	        cmocka_unit_test(test_plant_deterministic_for_seed),
	        cmocka_unit_test(test_plant_closed_loop_deterministic_for_seed),
	        cmocka_unit_test(test_plant_roughing_stops_at_pump_ultimate),
	        cmocka_unit_test(test_plant_cryopumps_only_when_shroud_cold),
	        cmocka_unit_test(test_plant_inrush_then_vent_relieves),
	        cmocka_unit_test(test_plant_heater_runaway_and_cooling_loss),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
