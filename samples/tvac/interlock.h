/*
 * interlock.h - the safety interlock (portable core; the one function latch
 * checks from: interlock_tick).
 *
 * Each reason, once detected, latches: the interlock forces the reason's
 * actuators to their safe levels on every period from then on, and the
 * control task no longer touches them. Nothing here unlatches; leaving the
 * safe state is an operator's decision, outside this firmware.
 *
 * Rules the whole path obeys (DESIGN.md): no heap, no stdio, no blocking,
 * no recursion, no function pointers, every loop bounded.
 */
#ifndef TVAC_INTERLOCK_H
#define TVAC_INTERLOCK_H

#include <stdbool.h>
#include <stdint.h>

#include "latch/annotate.h"

struct hal;
struct tvac_sensors;

enum interlock_reason {
	INTERLOCK_OVER_PRESSURE, /* chamber above IL_P_MAX_MBAR            */
	INTERLOCK_OVER_TEMP,     /* platen above IL_T_MAX_C                */
	INTERLOCK_STALE_SENSOR,  /* no good reading for IL_STALE_TICKS     */
	INTERLOCK_IMPLAUSIBLE,   /* out of range, or a frozen code         */
	INTERLOCK_COOLING_LOSS,  /* no coolant flow, or coolant too hot    */
	INTERLOCK_REASON_COUNT
};

/* Limits. Pressure and temperature must exceed theirs on IL_DEBOUNCE
 * consecutive readings, so one noisy sample cannot trip the chamber. */
#define IL_P_MAX_MBAR       1100.0f /* relief point: above atmosphere */
#define IL_T_MAX_C          120.0f  /* platen qualification limit */
#define IL_COOLANT_MAX_C    45.0f   /* return temperature of the cooling loop */
#define IL_DEBOUNCE         3u
#define IL_STALE_TICKS      20u   /* 20 periods without a good reading */
#define IL_FROZEN_READS     100u  /* identical codes in a row: sensor stuck */
#define IL_FLOW_DEBOUNCE    50u   /* flow switch low with the pump on */
#define IL_P_MIN_PLAUSIBLE  1e-8f /* below the transducer's range */
#define IL_P_MAX_PLAUSIBLE  2000.0f
#define IL_T_MIN_PLAUSIBLE  (-200.0f)
#define IL_T_MAX_PLAUSIBLE  200.0f
#define INTERLOCK_MAX_TRIPS 8u

struct interlock_trip {
	enum interlock_reason reason;
	uint8_t sensor;       /* enum tvac_sensor_id for sensor reasons, else 0 */
	bool safe;            /* the readback confirmed the safe state */
	uint32_t detect_tick; /* period in which the condition was detected */
	uint32_t safe_tick;   /* period in which the readback confirmed it */
};

struct interlock {
	uint32_t latched; /* bit (1 << reason) per latched reason */
	uint32_t force;   /* TVAC_OUT_* bits held by the interlock */
	uint32_t level;   /* the levels they are held at (subset of force) */
	uint32_t over_p;  /* consecutive readings above the pressure limit */
	uint32_t over_t;
	uint32_t hot_coolant;
	uint32_t no_flow;
	uint32_t ntrips;     /* entries used in trips[] */
	uint32_t dropped;    /* trips beyond INTERLOCK_MAX_TRIPS (not stored) */
	uint32_t pwm_faults; /* periods in which the heater timer failed to sync */
	struct interlock_trip trips[INTERLOCK_MAX_TRIPS];
};

void interlock_init(struct interlock *il);

/* Runs once per control period, after the sensors were polled: detects new
 * trip conditions from the latched readings in ss, drives the actuators of
 * every latched reason to their safe levels through h, and confirms the safe
 * state by readback. Never blocks; bounded time. */
LATCH_INTERLOCK void interlock_tick(struct interlock *il, struct hal *h,
                                    const struct tvac_sensors *ss, uint32_t tick);

/* True once any reason has latched. */
bool interlock_is_tripped(const struct interlock *il);

/* TVAC_OUT_* bits the control task must leave alone. */
uint32_t interlock_forced(const struct interlock *il);

/* Stable names for reports: "over-pressure", "stale-sensor", ... */
const char *interlock_reason_name(enum interlock_reason r);

#endif /* TVAC_INTERLOCK_H */
