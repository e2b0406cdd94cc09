/* tracer/report/units.c - human text for durations and sizes (see units.h). */
#include "report/units.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Three significant digits, without exponent notation. */
static void sig3(char *buf, size_t n, double v, const char *unit)
{
	double a = fabs(v);

	if (a >= 100.0 || a == 0.0)
		snprintf(buf, n, "%.0f %s", v, unit);
	else if (a >= 10.0)
		snprintf(buf, n, "%.1f %s", v, unit);
	else
		snprintf(buf, n, "%.2f %s", v, unit);
}

char *trc_units_ns(char *buf, size_t n, double ns)
{
	double a = fabs(ns);

	/* Integral nanoseconds print exactly: "812 ns", never "812.00 ns". */
	if (a < 999.5)
		snprintf(buf, n, "%.0f ns", ns);
	else if (a < 999.5e3)
		sig3(buf, n, ns / 1e3, "µs");
	else if (a < 999.5e6)
		sig3(buf, n, ns / 1e6, "ms");
	else
		sig3(buf, n, ns / 1e9, "s");
	return buf;
}

char *trc_units_bytes(char *buf, size_t n, uint64_t bytes)
{
	static const char *const units[] = {"KiB", "MiB", "GiB", "TiB"};
	double v = (double)bytes;
	size_t u = 0;

	if (bytes < 1024) {
		snprintf(buf, n, "%llu B", (unsigned long long)bytes);
		return buf;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof(units) / sizeof(units[0])) {
		v /= 1024.0;
		u++;
	}
	sig3(buf, n, v, units[u]);
	return buf;
}

int trc_units_parse_ns(const char *s, double *out)
{
	static const struct {
		const char *suffix;
		double mult;
	} sfx[] = {{"ns", 1.0}, {"us", 1e3}, {"µs", 1e3}, {"ms", 1e6}, {"s", 1e9}, {"", 1e3}};
	char *end = NULL;
	double v;
	size_t i;

	if (s == NULL || *s == '\0')
		return -1;
	v = strtod(s, &end);
	if (end == s || !(v > 0.0) || !isfinite(v))
		return -1;
	while (*end == ' ')
		end++;
	for (i = 0; i < sizeof(sfx) / sizeof(sfx[0]); i++) {
		if (strcmp(end, sfx[i].suffix) == 0) {
			*out = v * sfx[i].mult;
			return 0;
		}
	}
	return -1;
}

size_t trc_units_width(const char *s)
{
	size_t w = 0;

	for (; *s; s++)
		if (((unsigned char)*s & 0xC0u) != 0x80u)
			w++;
	return w;
}
