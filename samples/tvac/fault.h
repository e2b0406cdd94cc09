/*
 * fault.h - the faults the simulation can inject (portable types).
 *
 * The controller never sees these: a fault changes the simulated plant or
 * bus, and the controller must notice the consequences. The types live in the
 * core only so that tests and reports can name what was injected and which
 * interlock reason it should provoke.
 */
#ifndef TVAC_FAULT_H
#define TVAC_FAULT_H

#include <stdint.h>

#include "interlock.h"

enum tvac_fault_kind {
	TVAC_FAULT_OVERPRESSURE, /* gas inrush: an LN2 line bursts into the chamber */
	TVAC_FAULT_OVERTEMP,     /* heater SSR fails short: full power while enabled */
	TVAC_FAULT_I2C_NACK,     /* pressure transducer stops acknowledging */
	TVAC_FAULT_I2C_TIMEOUT,  /* a device holds SDA low: every transfer hangs */
	TVAC_FAULT_COOLING_LOSS, /* cooling-loop flow stops */
	TVAC_FAULT_STUCK_SENSOR, /* platen sensor repeats its last code forever */
	TVAC_FAULT_KIND_COUNT
};

/* Up to this many --fault options per run. */
#define TVAC_MAX_FAULTS 8u

struct tvac_fault {
	enum tvac_fault_kind kind;
	uint32_t tick; /* control period at which it is injected */
};

/* CLI name of kind ("overpressure", "i2c-nack", ...), or "?". */
const char *tvac_fault_name(enum tvac_fault_kind kind);

/* The interlock reason kind is expected to trip. */
enum interlock_reason tvac_fault_reason(enum tvac_fault_kind kind);

#endif /* TVAC_FAULT_H */
