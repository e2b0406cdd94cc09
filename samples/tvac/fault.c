/*
 * fault.c - names of the injectable faults and the trip each should cause.
 */
#include "fault.h"

static const struct {
	const char *name;
	enum interlock_reason reason;
} fault_table[TVAC_FAULT_KIND_COUNT] = {
        [TVAC_FAULT_OVERPRESSURE] = {"overpressure", INTERLOCK_OVER_PRESSURE},
        [TVAC_FAULT_OVERTEMP] = {"overtemp", INTERLOCK_OVER_TEMP},
        [TVAC_FAULT_I2C_NACK] = {"i2c-nack", INTERLOCK_STALE_SENSOR},
        [TVAC_FAULT_I2C_TIMEOUT] = {"i2c-timeout", INTERLOCK_STALE_SENSOR},
        [TVAC_FAULT_COOLING_LOSS] = {"cooling-loss", INTERLOCK_COOLING_LOSS},
        [TVAC_FAULT_STUCK_SENSOR] = {"stuck-sensor", INTERLOCK_IMPLAUSIBLE},
};

const char *tvac_fault_name(enum tvac_fault_kind kind)
{
	return (unsigned)kind < TVAC_FAULT_KIND_COUNT ? fault_table[kind].name : "?";
}

enum interlock_reason tvac_fault_reason(enum tvac_fault_kind kind)
{
	return (unsigned)kind < TVAC_FAULT_KIND_COUNT ? fault_table[kind].reason
	                                              : INTERLOCK_REASON_COUNT;
}
