/*
 * test_interlock.c - interlock_tick(): each condition's threshold and
 * debounce, latching, and for every injectable fault the full chain on the
 * simulated chamber: fault -> detection -> safe state, in the same period.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "actuators.h"
#include "control.h"
#include "fault.h"
#include "hal_sim.h"
#include "interlock.h"

static struct hal h;
static struct tvac_ctl ctl;

/* All sensors freshly read at tick with nominal thermal-phase values; the
 * pump runs and the coolant flows. */
static void nominal(struct tvac_sensors *ss, uint32_t tick)
{
	static const float v[TVAC_SENS_COUNT] = {2.4e-5f, 40.0f, -170.0f, 18.5f};
	unsigned i;

	for (i = 0; i < TVAC_SENS_COUNT; i++) {
		ss->s[i].value = v[i];
		ss->s[i].raw = (uint16_t)(tick + i); /* changes every period */
		ss->s[i].ever_ok = true;
		ss->s[i].last_ok_tick = tick;
		ss->s[i].same_count = 0;
	}
	h.plant.flow_ok = true;
}

static int setup(void **state)
{
	(void)state;
	hal_sim_init(&h, 1, NULL, 0);
	tvac_act_pump(&h, true);
	tvac_act_cryo(&h, true);
	assert_int_equal(tvac_act_heater_set(&h, 0.5f), 0);
	return 0;
}

static void assert_heater_off(void)
{
	assert_false(hal_gpio_read(&h, HAL_GPIO_HEATER_EN));
	assert_int_equal(hal_pwm_read(&h), 0);
}

static void test_interlock_quiet_when_nominal(void **state)
{
	struct interlock il;
	struct tvac_sensors ss;
	uint32_t t;

	(void)state;
	interlock_init(&il);
	for (t = 0; t < 5000; t++) {
		nominal(&ss, t);
		interlock_tick(&il, &h, &ss, t);
	}
	assert_false(interlock_is_tripped(&il));
	assert_int_equal(il.ntrips, 0);
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_CRYO | TVAC_OUT_HEATER | TVAC_OUT_PUMP);
	assert_int_equal(hal_pwm_read(&h), 500);
}

static void test_interlock_over_pressure_debounced_then_vents(void **state)
{
	struct interlock il;
	struct tvac_sensors ss;

	(void)state;
	interlock_init(&il);
	tvac_act_rough(&h, true);
	nominal(&ss, 100);
	ss.s[TVAC_SENS_PRESSURE].value = IL_P_MAX_MBAR + 1.0f;
	interlock_tick(&il, &h, &ss, 100);
	nominal(&ss, 101);
	ss.s[TVAC_SENS_PRESSURE].value = IL_P_MAX_MBAR + 1.0f;
	interlock_tick(&il, &h, &ss, 101);
	assert_false(interlock_is_tripped(&il)); /* two readings: not yet */
	nominal(&ss, 102);
	ss.s[TVAC_SENS_PRESSURE].value = IL_P_MAX_MBAR + 1.0f;
	interlock_tick(&il, &h, &ss, 102);
	assert_int_equal(il.ntrips, 1);
	assert_int_equal(il.trips[0].reason, INTERLOCK_OVER_PRESSURE);
	assert_int_equal(il.trips[0].detect_tick, 102);
	assert_true(il.trips[0].safe);
	assert_int_equal(il.trips[0].safe_tick, 102);
	/* Vent open, roughing and LN2 closed, heater off; pump untouched. */
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_VENT | TVAC_OUT_PUMP);
	assert_heater_off();
}

static void test_interlock_over_temp_only_cuts_heater(void **state)
{
	struct interlock il;
	struct tvac_sensors ss;
	uint32_t t;

	(void)state;
	interlock_init(&il);
	for (t = 10; t < 13; t++) {
		nominal(&ss, t);
		ss.s[TVAC_SENS_T_PLATEN].value = IL_T_MAX_C + 0.5f;
		interlock_tick(&il, &h, &ss, t);
	}
	assert_int_equal(il.ntrips, 1);
	assert_int_equal(il.trips[0].reason, INTERLOCK_OVER_TEMP);
	assert_int_equal(il.trips[0].detect_tick, 12);
	assert_int_equal(il.trips[0].safe_tick, 12);
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_CRYO | TVAC_OUT_PUMP);
	assert_heater_off();
}

static void test_interlock_stale_sensor_after_twenty_periods(void **state)
{
	struct interlock il;
	struct tvac_sensors ss;

	(void)state;
	interlock_init(&il);
	nominal(&ss, 120);
	ss.s[TVAC_SENS_T_COOLANT].last_ok_tick = 100;
	interlock_tick(&il, &h, &ss, 120);
	assert_false(interlock_is_tripped(&il)); /* 20 periods old: still fresh */
	nominal(&ss, 121);
	ss.s[TVAC_SENS_T_COOLANT].last_ok_tick = 100;
	interlock_tick(&il, &h, &ss, 121);
	assert_int_equal(il.trips[0].reason, INTERLOCK_STALE_SENSOR);
	assert_int_equal(il.trips[0].sensor, TVAC_SENS_T_COOLANT);
	assert_int_equal(il.trips[0].safe_tick, 121);
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_PUMP);
	assert_heater_off();
}

static void test_interlock_implausible_range_and_frozen(void **state)
{
	struct interlock il;
	struct tvac_sensors ss;

	(void)state;
	interlock_init(&il);
	nominal(&ss, 5);
	ss.s[TVAC_SENS_T_PLATEN].same_count = IL_FROZEN_READS - 1;
	interlock_tick(&il, &h, &ss, 5);
	assert_false(interlock_is_tripped(&il));
	ss.s[TVAC_SENS_T_PLATEN].same_count = IL_FROZEN_READS;
	interlock_tick(&il, &h, &ss, 6);
	assert_int_equal(il.trips[0].reason, INTERLOCK_IMPLAUSIBLE);
	assert_int_equal(il.trips[0].sensor, TVAC_SENS_T_PLATEN);

	/* Out of range needs no debounce: 0xFFFF from the transducer. */
	interlock_init(&il);
	nominal(&ss, 7);
	ss.s[TVAC_SENS_PRESSURE].value = tvac_sensors_pressure_mbar(0xFFFF);
	interlock_tick(&il, &h, &ss, 7);
	assert_int_equal(il.trips[0].reason, INTERLOCK_IMPLAUSIBLE);
	assert_int_equal(il.trips[0].sensor, TVAC_SENS_PRESSURE);
	assert_int_equal(il.trips[0].detect_tick, 7);
}

static void test_interlock_cooling_loss_needs_fifty_periods(void **state)
{
	struct interlock il;
	struct tvac_sensors ss;
	uint32_t t;

	(void)state;
	interlock_init(&il);
	for (t = 0; t < IL_FLOW_DEBOUNCE - 1; t++) {
		nominal(&ss, t);
		h.plant.flow_ok = false;
		interlock_tick(&il, &h, &ss, t);
	}
	assert_false(interlock_is_tripped(&il));
	/* With the pump stopped on purpose, no flow is expected. */
	tvac_act_pump(&h, false);
	interlock_tick(&il, &h, &ss, t++);
	assert_int_equal(il.no_flow, 0);
	tvac_act_pump(&h, true);
	for (; t < 100 + IL_FLOW_DEBOUNCE; t++) {
		nominal(&ss, t);
		h.plant.flow_ok = false;
		interlock_tick(&il, &h, &ss, t);
		if (interlock_is_tripped(&il))
			break;
	}
	assert_int_equal(il.trips[0].reason, INTERLOCK_COOLING_LOSS);
	assert_int_equal(il.trips[0].detect_tick, IL_FLOW_DEBOUNCE + IL_FLOW_DEBOUNCE - 1);
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_PUMP); /* LN2 closed */
	assert_heater_off();
}

static void test_interlock_latches_and_reasserts(void **state)
{
	struct interlock il;
	struct tvac_sensors ss;
	uint32_t t;

	(void)state;
	interlock_init(&il);
	for (t = 0; t < 3; t++) {
		nominal(&ss, t);
		ss.s[TVAC_SENS_T_PLATEN].value = 150.0f;
		interlock_tick(&il, &h, &ss, t);
	}
	assert_true(interlock_is_tripped(&il));
	/* The condition clears and something turns the heater back on: the
	 * next period turns it off again, and the trip is not recorded twice. */
	nominal(&ss, 3);
	tvac_act_heater_set(&h, 1.0f);
	interlock_tick(&il, &h, &ss, 3);
	assert_true(interlock_is_tripped(&il));
	assert_heater_off();
	assert_int_equal(il.ntrips, 1);
	/* A second reason adds its own actions to the held set. */
	ss.s[TVAC_SENS_PRESSURE].last_ok_tick = 0;
	interlock_tick(&il, &h, &ss, 30);
	assert_int_equal(il.ntrips, 2);
	assert_int_equal(il.trips[1].reason, INTERLOCK_STALE_SENSOR);
	assert_int_equal(interlock_forced(&il), TVAC_OUT_HEATER | TVAC_OUT_ROUGH | TVAC_OUT_CRYO);
}

/* Runs the controller on the simulated chamber with one fault until the
 * first trip (or end); returns the number of periods run. */
static uint32_t run_with_fault(enum tvac_fault_kind kind, uint32_t at, uint32_t end)
{
	struct tvac_fault f = {kind, at};
	struct tvac_ctl_config cfg;
	uint32_t t;

	tvac_ctl_config_default(&cfg);
	hal_sim_init(&h, 1, &f, 1);
	tvac_ctl_init(&ctl, &h, NULL, &cfg);
	for (t = 0; t < end && !interlock_is_tripped(&ctl.il); t++) {
		hal_sim_advance(&h, t);
		tvac_ctl_step(&ctl, t);
	}
	/* One more period: the control task must not undo the safe state. */
	hal_sim_advance(&h, t);
	tvac_ctl_step(&ctl, t);
	return t;
}

/* Checks the one trip fault kind must cause, detected in [lo, hi], and the
 * safe state confirmed within one control period of the detection. */
static const struct interlock_trip *check_trip(enum tvac_fault_kind kind, uint32_t lo, uint32_t hi)
{
	const struct interlock_trip *t = &ctl.il.trips[0];

	assert_int_equal(ctl.il.ntrips, 1);
	assert_int_equal(t->reason, tvac_fault_reason(kind));
	assert_in_range(t->detect_tick, lo, hi);
	assert_true(t->safe);
	assert_true(t->safe_tick - t->detect_tick <= 1);
	assert_int_equal(ctl.phase, TVAC_PHASE_SAFE);
	assert_heater_off();
	return t;
}

static void test_interlock_clean_run_never_trips(void **state)
{
	(void)state;
	assert_int_equal(run_with_fault(TVAC_FAULT_OVERTEMP, 40000, 30000), 30000);
	assert_false(interlock_is_tripped(&ctl.il));
	assert_int_equal(ctl.phase, TVAC_PHASE_THERMAL);
	assert_float_equal(h.plant.t_platen, 40.0, 0.5);
	assert_true(h.plant.p_mbar < 1e-4);
}

static void test_interlock_fault_overpressure_vents(void **state)
{
	(void)state;
	run_with_fault(TVAC_FAULT_OVERPRESSURE, 16000, 30000);
	/* 2000 mbar/s from ~2.4e-5 mbar: 1100 mbar after 550 ms, + debounce. */
	check_trip(TVAC_FAULT_OVERPRESSURE, 16000 + 545, 16000 + 560);
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_VENT | TVAC_OUT_PUMP);
}

static void test_interlock_fault_overtemp_opens_heater_relay(void **state)
{
	(void)state;
	run_with_fault(TVAC_FAULT_OVERTEMP, 16000, 30000);
	check_trip(TVAC_FAULT_OVERTEMP, 16500, 20000);
	/* Only the heater: the chamber stays under vacuum, LN2 flowing. */
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_CRYO | TVAC_OUT_PUMP);
	assert_true(h.plant.t_platen < IL_T_MAX_C + 1.0);
}

static void test_interlock_fault_i2c_nack_goes_stale(void **state)
{
	const struct interlock_trip *t;

	(void)state;
	run_with_fault(TVAC_FAULT_I2C_NACK, 3000, 30000);
	/* Last good reading at 2999; stale when 21 periods old. */
	t = check_trip(TVAC_FAULT_I2C_NACK, 3020, 3020);
	assert_int_equal(t->sensor, TVAC_SENS_PRESSURE);
	assert_int_equal(ctl.sensors.s[TVAC_SENS_PRESSURE].nacks, 22);
}

static void test_interlock_fault_i2c_timeout_reaches_safe_state(void **state)
{
	const struct interlock_trip *t;

	(void)state;
	run_with_fault(TVAC_FAULT_I2C_TIMEOUT, 3000, 30000);
	t = check_trip(TVAC_FAULT_I2C_TIMEOUT, 3020, 3020);
	assert_int_equal(t->sensor, TVAC_SENS_PRESSURE);
	/* Every sensor timed out in every period since the bus hung. */
	assert_int_equal(ctl.sensors.s[TVAC_SENS_PRESSURE].timeouts, 22);
	assert_int_equal(ctl.sensors.s[TVAC_SENS_T_COOLANT].timeouts, 22);
	assert_int_equal(h.i2c_aborts, 22 * TVAC_SENS_COUNT);
	/* Roughing: isolate the chamber, heater off. */
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_PUMP);
}

static void test_interlock_fault_cooling_loss(void **state)
{
	(void)state;
	run_with_fault(TVAC_FAULT_COOLING_LOSS, 16000, 30000);
	/* Flow gone from period 16000: the 50th reading without it trips. */
	check_trip(TVAC_FAULT_COOLING_LOSS, 16049, 16049);
	assert_int_equal(tvac_act_readback(&h), TVAC_OUT_PUMP);
}

static void test_interlock_fault_stuck_sensor(void **state)
{
	const struct interlock_trip *t;

	(void)state;
	run_with_fault(TVAC_FAULT_STUCK_SENSOR, 16000, 30000);
	/* The code repeats from 16000; the 100th repeat trips. */
	t = check_trip(TVAC_FAULT_STUCK_SENSOR, 16099, 16099);
	assert_int_equal(t->sensor, TVAC_SENS_T_PLATEN);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup(test_interlock_quiet_when_nominal, setup),
	        cmocka_unit_test_setup(test_interlock_over_pressure_debounced_then_vents, setup),
	        cmocka_unit_test_setup(test_interlock_over_temp_only_cuts_heater, setup),
	        cmocka_unit_test_setup(test_interlock_stale_sensor_after_twenty_periods, setup),
	        cmocka_unit_test_setup(test_interlock_implausible_range_and_frozen, setup),
	        cmocka_unit_test_setup(test_interlock_cooling_loss_needs_fifty_periods, setup),
	        cmocka_unit_test_setup(test_interlock_latches_and_reasserts, setup),
	        cmocka_unit_test(test_interlock_clean_run_never_trips),
	        cmocka_unit_test(test_interlock_fault_overpressure_vents),
	        cmocka_unit_test(test_interlock_fault_overtemp_opens_heater_relay),
	        cmocka_unit_test(test_interlock_fault_i2c_nack_goes_stale),
	        cmocka_unit_test(test_interlock_fault_i2c_timeout_reaches_safe_state),
	        cmocka_unit_test(test_interlock_fault_cooling_loss),
	        cmocka_unit_test(test_interlock_fault_stuck_sensor),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
