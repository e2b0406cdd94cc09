/*
 * test_sensors.c - the I2C sensor driver against the simulated bus:
 * conversions, latching, NACK and timeout paths, the poll budget.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "hal_sim.h"
#include "sensors.h"

static struct hal h; /* large; static keeps it off the test's stack */

static void test_sensors_conversions_match_datasheet_scales(void **state)
{
	(void)state;
	/* code = (log10(p) + 9) * 5000 */
	assert_float_equal(tvac_sensors_pressure_mbar(45000), 1.0f, 1e-5f);
	assert_float_equal(tvac_sensors_pressure_mbar(50000), 10.0f, 1e-4f);
	assert_float_equal(tvac_sensors_pressure_mbar(0), 1e-9f, 1e-14f);
	/* 7.8125 mK per LSB, two's complement */
	assert_float_equal(tvac_sensors_temp_c(0x1400), 40.0f, 0.0f);
	assert_float_equal(tvac_sensors_temp_c(0xEC00), -40.0f, 0.0f);
	assert_float_equal(tvac_sensors_temp_c(0x8000), -256.0f, 0.0f);
}

static void test_sensors_poll_reads_every_device(void **state)
{
	struct tvac_sensors ss;
	const struct tvac_plant *p;
	unsigned i;

	(void)state;
	hal_sim_init(&h, 1, NULL, 0);
	tvac_sensors_init(&ss);
	hal_sim_advance(&h, 0);
	tvac_sensors_poll(&ss, &h, 7);
	p = hal_sim_plant(&h);
	for (i = 0; i < TVAC_SENS_COUNT; i++) {
		assert_true(ss.s[i].ever_ok);
		assert_int_equal(ss.s[i].last_ok_tick, 7);
		assert_int_equal(ss.s[i].nacks + ss.s[i].timeouts, 0);
	}
	/* Converter noise: 8 codes (0.37 %) on pressure, 5 codes on temperature. */
	assert_float_equal(ss.s[TVAC_SENS_PRESSURE].value, p->p_mbar, p->p_mbar * 0.03);
	assert_float_equal(ss.s[TVAC_SENS_T_PLATEN].value, p->t_platen, 0.2);
	assert_float_equal(ss.s[TVAC_SENS_T_SHROUD].value, p->t_shroud, 0.2);
	assert_float_equal(ss.s[TVAC_SENS_T_COOLANT].value, p->t_coolant, 0.2);
	/* Four transfers, each busy for two polls and done on the third. */
	assert_int_equal(h.i2c_transfers, 4);
	assert_int_equal(h.i2c_polls, 4 * (HAL_SIM_I2C_BUSY_POLLS + 1));
	assert_int_equal(h.i2c_aborts, 0);
}

static void test_sensors_nack_keeps_last_reading(void **state)
{
	struct tvac_sensors ss;
	float before;

	(void)state;
	hal_sim_init(&h, 1, NULL, 0);
	tvac_sensors_init(&ss);
	hal_sim_advance(&h, 0);
	tvac_sensors_poll(&ss, &h, 0);
	before = ss.s[TVAC_SENS_PRESSURE].value;
	h.nack_pressure = true;
	hal_sim_advance(&h, 1);
	tvac_sensors_poll(&ss, &h, 1);
	assert_int_equal(ss.s[TVAC_SENS_PRESSURE].nacks, 1);
	assert_int_equal(ss.s[TVAC_SENS_PRESSURE].last_ok_tick, 0);
	assert_float_equal(ss.s[TVAC_SENS_PRESSURE].value, before, 0.0f);
	/* The other devices on the bus are unaffected. */
	assert_int_equal(ss.s[TVAC_SENS_T_PLATEN].last_ok_tick, 1);
	assert_int_equal(h.i2c_nacks, 1);
	assert_int_equal(h.i2c_aborts, 1);
}

static void test_sensors_timeout_path_is_bounded(void **state)
{
	struct tvac_sensors ss;
	unsigned i;

	(void)state;
	hal_sim_init(&h, 1, NULL, 0);
	tvac_sensors_init(&ss);
	hal_sim_advance(&h, 0);
	tvac_sensors_poll(&ss, &h, 0);
	h.bus_hung = true;
	h.i2c_polls = 0;
	hal_sim_advance(&h, 1);
	tvac_sensors_poll(&ss, &h, 1);
	/* Each transfer spends exactly its poll budget, then recovers the bus. */
	assert_int_equal(h.i2c_polls, TVAC_SENS_COUNT * TVAC_I2C_POLL_MAX);
	assert_int_equal(h.i2c_aborts, TVAC_SENS_COUNT);
	for (i = 0; i < TVAC_SENS_COUNT; i++) {
		assert_int_equal(ss.s[i].timeouts, 1);
		assert_int_equal(ss.s[i].last_ok_tick, 0);
	}
	/* The bus comes back: the next poll reads fresh values. */
	h.bus_hung = false;
	tvac_sensors_poll(&ss, &h, 2);
	for (i = 0; i < TVAC_SENS_COUNT; i++)
		assert_int_equal(ss.s[i].last_ok_tick, 2);
}

static void test_sensors_counts_repeated_codes(void **state)
{
	struct tvac_sensors ss;
	uint32_t t;

	(void)state;
	hal_sim_init(&h, 3, NULL, 0);
	tvac_sensors_init(&ss);
	for (t = 0; t < 50; t++) {
		hal_sim_advance(&h, t);
		tvac_sensors_poll(&ss, &h, t);
	}
	/* Live noise: a repeat run of more than a few codes is not plausible. */
	assert_true(ss.s[TVAC_SENS_T_PLATEN].same_count < 5);
	h.platen_stuck = true;
	for (t = 50; t < 80; t++) {
		hal_sim_advance(&h, t);
		tvac_sensors_poll(&ss, &h, t);
	}
	assert_true(ss.s[TVAC_SENS_T_PLATEN].same_count >= 30);
	assert_true(ss.s[TVAC_SENS_T_SHROUD].same_count < 5);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_sensors_conversions_match_datasheet_scales),
	        cmocka_unit_test(test_sensors_poll_reads_every_device),
	        cmocka_unit_test(test_sensors_nack_keeps_last_reading),
	        cmocka_unit_test(test_sensors_timeout_path_is_bounded),
	        cmocka_unit_test(test_sensors_counts_repeated_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
