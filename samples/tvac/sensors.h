/*
 * sensors.h - the I2C sensor driver: reads every sensor once per control
 * period and latches the result (portable core).
 *
 * The interlock never touches the bus. It judges the latched values only,
 * using the freshness (last_ok_tick) and the repeat count (same_count) kept
 * here, so the interlock's own path stays free of bus waits.
 */
#ifndef TVAC_SENSORS_H
#define TVAC_SENSORS_H

#include <stdbool.h>
#include <stdint.h>

struct hal;

enum tvac_sensor_id {
	TVAC_SENS_PRESSURE,  /* chamber pressure, mbar      */
	TVAC_SENS_T_PLATEN,  /* platen temperature, deg C   */
	TVAC_SENS_T_SHROUD,  /* cryo shroud temperature     */
	TVAC_SENS_T_COOLANT, /* cooling-loop return temperature */
	TVAC_SENS_COUNT
};

/* Status polls allowed for one transfer. A 2-byte read at 400 kHz takes
 * about 70 us; one status read costs well under 100 ns on the target, so 1000
 * polls is more than ten times the nominal transfer and still a small part of
 * the 1 ms period. */
#define TVAC_I2C_POLL_MAX 1000u

/* Pressure transducer: log-linear output, code = (log10(p) + 9) * 5000, so
 * 1e-9 mbar is code 0; 0xFFFF is the device's error code. */
#define TVAC_P_CODES_PER_DECADE 5000.0f
#define TVAC_P_LOG_MIN          (-9.0f)
#define TVAC_P_CODE_ERROR       0xFFFFu
/* Temperature sensors: signed 16 bit, 7.8125 mK per LSB; 0x8000 means "no
 * conversion yet" (the device's reset value). */
#define TVAC_T_LSB_C        0.0078125f
#define TVAC_T_CODE_INVALID 0x8000u

struct tvac_sensor {
	float value;           /* last good reading, mbar or deg C */
	uint16_t raw;          /* its raw code */
	bool ever_ok;          /* at least one good reading so far */
	uint32_t last_ok_tick; /* tick of the last good reading */
	uint32_t same_count;   /* consecutive good readings with an unchanged code */
	uint32_t nacks;        /* transfers the device did not acknowledge */
	uint32_t timeouts;     /* transfers that never completed */
};

struct tvac_sensors {
	struct tvac_sensor s[TVAC_SENS_COUNT];
};

void tvac_sensors_init(struct tvac_sensors *ss);

/* Reads every sensor once over the bus of h and latches good readings,
 * stamped with tick. A failed transfer leaves the previous reading in place
 * (it goes stale; the interlock decides what that means). */
void tvac_sensors_poll(struct tvac_sensors *ss, struct hal *h, uint32_t tick);

/* Returns the latched state of sensor id (borrowed from ss). An accessor,
 * inline: a call would cost more than it does. */
static inline const struct tvac_sensor *tvac_sensors_get(const struct tvac_sensors *ss,
                                                         enum tvac_sensor_id id)
{
	return &ss->s[id];
}

/* Converts raw codes to engineering units (exposed for tests and the sim). */
float tvac_sensors_pressure_mbar(uint16_t raw);
float tvac_sensors_temp_c(uint16_t raw);

/* Short stable name of sensor id ("pressure", "platen", ...). */
const char *tvac_sensors_name(enum tvac_sensor_id id);

#endif /* TVAC_SENSORS_H */
