/*
 * interlock.c - trip detection and safe-state enforcement.
 *
 * Order within a period: detect, latch, enforce, confirm. Detection and
 * enforcement happen in the same call, so the actuators are commanded in the
 * very period a condition is detected; the readback then confirms it, which
 * is the "safe" time the reports give.
 *
 * Everything reachable from interlock_tick() is checked by latch-check: keep
 * this file (and actuators.c, sensors' accessors, the HAL's gpio and pwm
 * functions) free of allocation, libc, blocking and unbounded loops.
 */
#include "interlock.h"

#include "actuators.h"
#include "hal.h"
#include "sensors.h"

/* What each reason holds, and at which level. Over-pressure closes the
 * roughing valve before venting (venting through a running pump would pull
 * air through it); loss of cooling closes the LN2 valve because the cryo
 * plumbing relies on the loop; a sensor the controller cannot trust stops
 * heating and isolates the chamber. */
static const struct {
	uint32_t force;
	uint32_t level;
} il_actions[INTERLOCK_REASON_COUNT] = {
        [INTERLOCK_OVER_PRESSURE] = {TVAC_OUT_VENT | TVAC_OUT_ROUGH | TVAC_OUT_CRYO |
                                             TVAC_OUT_HEATER,
                                     TVAC_OUT_VENT},
        [INTERLOCK_OVER_TEMP] = {TVAC_OUT_HEATER, 0},
        [INTERLOCK_STALE_SENSOR] = {TVAC_OUT_ROUGH | TVAC_OUT_CRYO | TVAC_OUT_HEATER, 0},
        [INTERLOCK_IMPLAUSIBLE] = {TVAC_OUT_ROUGH | TVAC_OUT_CRYO | TVAC_OUT_HEATER, 0},
        [INTERLOCK_COOLING_LOSS] = {TVAC_OUT_CRYO | TVAC_OUT_HEATER, 0},
};

static const char *const il_names[INTERLOCK_REASON_COUNT] = {
        [INTERLOCK_OVER_PRESSURE] = "over-pressure", [INTERLOCK_OVER_TEMP] = "over-temperature",
        [INTERLOCK_STALE_SENSOR] = "stale-sensor",   [INTERLOCK_IMPLAUSIBLE] = "implausible-sensor",
        [INTERLOCK_COOLING_LOSS] = "cooling-loss",
};

void interlock_init(struct interlock *il)
{
	unsigned i;

	il->latched = 0;
	il->force = 0;
	il->level = 0;
	il->over_p = 0;
	il->over_t = 0;
	il->hot_coolant = 0;
	il->no_flow = 0;
	il->ntrips = 0;
	il->dropped = 0;
	il->pwm_faults = 0;
	for (i = 0; i < INTERLOCK_MAX_TRIPS; i++) {
		il->trips[i].reason = INTERLOCK_OVER_PRESSURE;
		il->trips[i].sensor = 0;
		il->trips[i].safe = false;
		il->trips[i].detect_tick = 0;
		il->trips[i].safe_tick = 0;
	}
}

/* Counts consecutive periods for which cond held; saturates instead of
 * wrapping, so a condition lasting 2^32 periods cannot look new. */
static uint32_t il_count(uint32_t n, bool cond)
{
	if (!cond)
		n = 0;
	else if (n != UINT32_MAX)
		n++;
	return n;
}

/* Whether reason r has latched: the test made every period. */
static bool il_latched(const struct interlock *il, enum interlock_reason r)
{
	return (il->latched & (1u << r)) != 0;
}

/* Latches reason r (once) and records the trip while the table has room.
 * Out of line and called once per reason (callers test il_latched() first):
 * its entries are the trips (`latch-trace hist --trip il_latch`), also in a
 * build traced after inlining. */
__attribute__((noinline)) static void il_latch(struct interlock *il, enum interlock_reason r,
                                               uint8_t sensor, uint32_t tick)
{
	struct interlock_trip *t;

	if (!(il->latched & (1u << r))) {
		il->latched |= 1u << r;
		il->force |= il_actions[r].force;
		/* OR-ing levels never contradicts a reason: only over-pressure
		 * forces anything open (the vent), and nothing forces it shut. */
		il->level |= il_actions[r].level;
		if (il->ntrips < INTERLOCK_MAX_TRIPS) {
			t = &il->trips[il->ntrips++];
			t->reason = r;
			t->sensor = sensor;
			t->safe = false;
			t->detect_tick = tick;
			t->safe_tick = 0;
		} else {
			il->dropped++;
		}
	}
}

/* A reading the controller cannot use: out of the sensor's physical range,
 * or the same code too many times in a row (a stuck converter or a wedged
 * device repeating its last result). */
static bool il_implausible(const struct tvac_sensor *s, unsigned id)
{
	bool range_bad;

	/* Nothing read yet is the stale check's business, not this one's. */
	if (!s->ever_ok)
		range_bad = false;
	else if (id == TVAC_SENS_PRESSURE)
		range_bad = !(s->value >= IL_P_MIN_PLAUSIBLE && s->value <= IL_P_MAX_PLAUSIBLE);
	else
		range_bad = !(s->value >= IL_T_MIN_PLAUSIBLE && s->value <= IL_T_MAX_PLAUSIBLE);
	return range_bad || s->same_count >= IL_FROZEN_READS;
}

static void il_detect(struct interlock *il, struct hal *h, const struct tvac_sensors *ss,
                      uint32_t tick)
{
	const struct tvac_sensor *p = tvac_sensors_get(ss, TVAC_SENS_PRESSURE);
	const struct tvac_sensor *tp = tvac_sensors_get(ss, TVAC_SENS_T_PLATEN);
	const struct tvac_sensor *tc = tvac_sensors_get(ss, TVAC_SENS_T_COOLANT);
	bool pump_on = hal_gpio_read(h, HAL_GPIO_PUMP);
	unsigned i;

	/* Sensor health first: a reading judged below must be fresh and sane.
	 * Subtraction in uint32_t stays right across tick wrap-around. */
	for (i = 0; i < TVAC_SENS_COUNT; i++) {
		const struct tvac_sensor *s = tvac_sensors_get(ss, (enum tvac_sensor_id)i);

		if (tick - s->last_ok_tick > IL_STALE_TICKS) {
			if (!il_latched(il, INTERLOCK_STALE_SENSOR))
				il_latch(il, INTERLOCK_STALE_SENSOR, (uint8_t)i, tick);
		} else if (!il_latched(il, INTERLOCK_IMPLAUSIBLE) && il_implausible(s, i)) {
			il_latch(il, INTERLOCK_IMPLAUSIBLE, (uint8_t)i, tick);
		}
	}

	il->over_p = il_count(il->over_p, p->ever_ok && p->value > IL_P_MAX_MBAR);
	if (il->over_p >= IL_DEBOUNCE && !il_latched(il, INTERLOCK_OVER_PRESSURE))
		il_latch(il, INTERLOCK_OVER_PRESSURE, TVAC_SENS_PRESSURE, tick);

	il->over_t = il_count(il->over_t, tp->ever_ok && tp->value > IL_T_MAX_C);
	if (il->over_t >= IL_DEBOUNCE && !il_latched(il, INTERLOCK_OVER_TEMP))
		il_latch(il, INTERLOCK_OVER_TEMP, TVAC_SENS_T_PLATEN, tick);

	/* Loss of cooling: the flow switch is the fast signal, the return
	 * temperature the slow backup for a switch that fails "flowing". */
	il->no_flow = il_count(il->no_flow, pump_on && !hal_gpio_read(h, HAL_GPIO_FLOW_OK));
	il->hot_coolant = il_count(il->hot_coolant, tc->ever_ok && tc->value > IL_COOLANT_MAX_C);
	if ((il->no_flow >= IL_FLOW_DEBOUNCE || il->hot_coolant >= IL_DEBOUNCE) &&
	    !il_latched(il, INTERLOCK_COOLING_LOSS))
		il_latch(il, INTERLOCK_COOLING_LOSS, TVAC_SENS_T_COOLANT, tick);
}

/* Commands every forced actuator to its level. Re-commanded each period so
 * that a glitched output latch is put right within one period. */
static void il_enforce(struct interlock *il, struct hal *h)
{
	if (il->force & TVAC_OUT_HEATER) {
		if (tvac_act_heater_off(h) < 0)
			il->pwm_faults++;
	}
	if (il->force & TVAC_OUT_ROUGH)
		tvac_act_rough(h, (il->level & TVAC_OUT_ROUGH) != 0);
	if (il->force & TVAC_OUT_CRYO)
		tvac_act_cryo(h, (il->level & TVAC_OUT_CRYO) != 0);
	if (il->force & TVAC_OUT_VENT)
		tvac_act_vent(h, (il->level & TVAC_OUT_VENT) != 0);
	if (il->force & TVAC_OUT_PUMP)
		tvac_act_pump(h, (il->level & TVAC_OUT_PUMP) != 0);
}

LATCH_INTERLOCK void interlock_tick(struct interlock *il, struct hal *h,
                                    const struct tvac_sensors *ss, uint32_t tick)
{
	bool confirmed = false;
	unsigned i;

	il_detect(il, h, ss, tick);
	if (il->force != 0) {
		il_enforce(il, h);
		/* Not confirmed means enforced again next period, and the trip
		 * stays "not safe" in the report until it is. */
		confirmed = (tvac_act_readback(h) & il->force) == il->level;
	}
	for (i = 0; i < INTERLOCK_MAX_TRIPS; i++) {
		struct interlock_trip *t = &il->trips[i];

		if (confirmed && i < il->ntrips && !t->safe) {
			t->safe = true;
			t->safe_tick = tick;
		}
	}
}

bool interlock_is_tripped(const struct interlock *il)
{
	return il->latched != 0;
}

uint32_t interlock_forced(const struct interlock *il)
{
	return il->force;
}

const char *interlock_reason_name(enum interlock_reason r)
{
	return (unsigned)r < INTERLOCK_REASON_COUNT ? il_names[r] : "?";
}
