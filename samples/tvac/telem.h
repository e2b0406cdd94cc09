/*
 * telem.h - telemetry sink of the control task.
 *
 * The interface is portable: the control task hands over one sample per
 * period and an event per phase change or trip. The host implementation
 * (telem.c) formats text into a log buffer grown with realloc; that is fine
 * for the control task and would be a violation in the interlock, which is
 * why the interlock never calls this module and the control task reports its
 * trips instead. A target would implement the same two calls over a UART
 * ring buffer.
 */
#ifndef TVAC_TELEM_H
#define TVAC_TELEM_H

#include <stddef.h>
#include <stdint.h>

struct tvac_telem;

struct tvac_telem_sample {
	uint32_t tick;
	uint32_t phase;   /* enum tvac_phase */
	uint32_t outputs; /* TVAC_OUT_* readback */
	uint32_t latched; /* interlock reasons latched */
	float pressure_mbar;
	float t_platen;
	float t_shroud;
	float t_coolant;
	float duty; /* heater duty, 0..1 */
};

enum tvac_telem_event {
	TVAC_TELEM_PHASE, /* arg: enum tvac_phase entered */
	TVAC_TELEM_TRIP   /* arg: enum interlock_reason */
};

/* Records one period's sample; the sink keeps every n-th (decimation). A
 * NULL sink ignores everything. */
void tvac_telem_push(struct tvac_telem *t, const struct tvac_telem_sample *s);

/* Records an event at tick. */
void tvac_telem_event(struct tvac_telem *t, uint32_t tick, enum tvac_telem_event ev, uint32_t arg);

/* Host implementation only. */

/* Creates a sink keeping one sample in every decimation periods (>= 1).
 * Returns 0 or -1 when out of memory; free with tvac_telem_free(). */
int tvac_telem_new(struct tvac_telem **out, uint32_t decimation);
void tvac_telem_free(struct tvac_telem *t);

/* The CSV text so far (borrowed, valid until the next push), its length in
 * *len, the number of lines in *lines, and lines lost to allocation failure
 * in *lost. */
const char *tvac_telem_text(const struct tvac_telem *t, size_t *len, size_t *lines, size_t *lost);

#endif /* TVAC_TELEM_H */
