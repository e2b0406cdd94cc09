/*
 * telem.c - host telemetry sink: CSV lines in a buffer grown with realloc.
 *
 * This is the non-critical code the interlock must never reach: it formats
 * with snprintf and allocates. The control task reaches it every period.
 * Allocation failure drops the line and counts it; telemetry never stops
 * the control task.
 */
#include "telem.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"
#include "interlock.h"

#define TELEM_LINE_MAX    192
#define TELEM_INITIAL_CAP 4096

struct tvac_telem {
	char *buf;
	size_t len, cap;
	size_t lines, lost;
	uint32_t decimation;
};

static void telem_append(struct tvac_telem *t, const char *fmt, ...)
        __attribute__((format(printf, 2, 3)));

/* Formats one line and appends it, growing the buffer by doubling; a line
 * that does not fit or cannot be stored is counted as lost. */
static void telem_append(struct tvac_telem *t, const char *fmt, ...)
{
	char line[TELEM_LINE_MAX];
	va_list ap;
	int n;
	char *grown;
	size_t cap;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof line, fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof line) {
		t->lost++;
		goto out;
	}
	if (t->len + (size_t)n + 1 > t->cap) {
		cap = t->cap ? t->cap * 2 : TELEM_INITIAL_CAP;
		grown = realloc(t->buf, cap);
		if (!grown) {
			t->lost++;
			goto out;
		}
		t->buf = grown;
		t->cap = cap;
	}
	memcpy(t->buf + t->len, line, (size_t)n + 1);
	t->len += (size_t)n;
	t->lines++;
out:
	return;
}

int tvac_telem_new(struct tvac_telem **out, uint32_t decimation)
{
	struct tvac_telem *t = calloc(1, sizeof *t);
	int rc = -1;

	if (!t)
		goto out;
	t->decimation = decimation ? decimation : 1;
	telem_append(t, "time_s,phase,pressure_mbar,t_platen_c,t_shroud_c,t_coolant_c,"
	                "heater_duty,outputs,latched\n");
	*out = t;
	rc = 0;
out:
	return rc;
}

void tvac_telem_free(struct tvac_telem *t)
{
	if (t) {
		free(t->buf);
		free(t);
	}
}

void tvac_telem_push(struct tvac_telem *t, const struct tvac_telem_sample *s)
{
	if (t && s->tick % t->decimation == 0)
		telem_append(t, "%u.%03u,%s,%.4g,%.3f,%.3f,%.3f,%.3f,0x%02x,0x%02x\n",
		             (unsigned)(s->tick / 1000u), (unsigned)(s->tick % 1000u),
		             tvac_phase_name((enum tvac_phase)s->phase), (double)s->pressure_mbar,
		             (double)s->t_platen, (double)s->t_shroud, (double)s->t_coolant,
		             (double)s->duty, (unsigned)s->outputs, (unsigned)s->latched);
}

void tvac_telem_event(struct tvac_telem *t, uint32_t tick, enum tvac_telem_event ev, uint32_t arg)
{
	const char *what = ev == TVAC_TELEM_PHASE
	                           ? tvac_phase_name((enum tvac_phase)arg)
	                           : interlock_reason_name((enum interlock_reason)arg);

	if (t)
		telem_append(t, "# %u.%03u %s %s\n", (unsigned)(tick / 1000u),
		             (unsigned)(tick % 1000u), ev == TVAC_TELEM_PHASE ? "phase" : "trip",
		             what);
}

const char *tvac_telem_text(const struct tvac_telem *t, size_t *len, size_t *lines, size_t *lost)
{
	*len = t->len;
	*lines = t->lines;
	*lost = t->lost;
	return t->buf ? t->buf : "";
}
