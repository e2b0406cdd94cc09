/*
 * actuators.h - valves, heater and pump, on top of the HAL (portable core).
 *
 * These are the functions the interlock uses to reach its safe state, so each
 * one is short, cannot block and touches no memory but the HAL's.
 */
#ifndef TVAC_ACTUATORS_H
#define TVAC_ACTUATORS_H

#include <stdbool.h>
#include <stdint.h>

struct hal;

/* One bit per actuator; in a readback a set bit means open / on. */
#define TVAC_OUT_VENT   0x01u
#define TVAC_OUT_ROUGH  0x02u
#define TVAC_OUT_CRYO   0x04u
#define TVAC_OUT_HEATER 0x08u /* relay closed or PWM duty above zero */
#define TVAC_OUT_PUMP   0x10u

/* Polls allowed for the heater timer to take a new duty. The timer copies
 * its shadow register at the next PWM period boundary, a few bus clocks; a
 * timer that never syncs is a hardware fault that the readback reports. */
#define TVAC_PWM_SYNC_POLLS 16u

void tvac_act_vent(struct hal *h, bool open);
void tvac_act_rough(struct hal *h, bool open);
void tvac_act_cryo(struct hal *h, bool open);
void tvac_act_pump(struct hal *h, bool on);

/* Closes the heater's safety relay and sets the duty (0..1, clamped). The
 * control loop modulates the duty only; the relay is the independent layer
 * that only tvac_act_heater_off() opens, so it still cuts the power when the
 * solid-state relay behind the PWM fails short.
 * Returns 0, or -1 when the timer did not take the duty in time. */
int tvac_act_heater_set(struct hal *h, float duty);

/* Drives the heater duty to zero and opens its safety relay; the relay opens
 * even when the timer fails to sync, since it alone cuts the power.
 * Returns 0, or -1 when the timer did not take the zero duty in time. */
int tvac_act_heater_off(struct hal *h);

/* Returns the TVAC_OUT_* bits of the actuators that are open / on now, read
 * back from the output latches and the timer. */
uint32_t tvac_act_readback(const struct hal *h);

#endif /* TVAC_ACTUATORS_H */
