/*
 * tracer/report/units.h - human text for durations and sizes, and parsing them.
 *
 * Reports show each time in the unit that reads best: the largest of ns, µs,
 * ms, s in which the value is at least 1, with three significant digits
 * ("812 ns", "12.3 µs", "1.05 ms"). Machine formats carry the raw number.
 */
#ifndef TRC_UNITS_H
#define TRC_UNITS_H

#include <stddef.h>
#include <stdint.h>

/* Bytes a formatted value needs, NUL included. */
#define TRC_UNITS_BUF 32

/* Writes the human text of a duration in nanoseconds into buf and returns
 * buf. Negative values keep their sign. */
char *trc_units_ns(char *buf, size_t n, double ns);

/* Writes a byte count: "512 B", "4.0 KiB", "1.25 MiB". Returns buf. */
char *trc_units_bytes(char *buf, size_t n, uint64_t bytes);

/* Parses a duration with a unit suffix into nanoseconds: "1ms", "250us",
 * "250µs", "100ns", "2s", "1.5ms"; a bare number is microseconds.
 * Returns 0, or -1 when s is not a positive duration. */
int trc_units_parse_ns(const char *s, double *out);

/* Columns a UTF-8 string occupies on a terminal (code points; the report
 * uses no wide characters). */
size_t trc_units_width(const char *s);

#endif /* TRC_UNITS_H */
