/*
 * summary.h - the end-of-run summary of the tvac demo (host only).
 *
 * One fact per line, "key: value", trips as "trip N: ..." lines, so scripts
 * can grep it. For a given seed and options everything is identical from run
 * to run except the "loop time" and "deadline misses" lines.
 */
#ifndef TVAC_SUMMARY_H
#define TVAC_SUMMARY_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct hal;
struct tvac_ctl;
struct tvac_opts;
struct tvac_telem;

struct tvac_run_stats {
	uint32_t ticks;       /* periods run */
	uint64_t loop_ns_max; /* longest tvac_ctl_step() */
	uint64_t loop_ns_sum;
	uint64_t misses;      /* periods that ended after their deadline */
	uint64_t late_ns_max; /* worst wake-up after a period's release (--realtime) */
};

/* Prints the summary of a finished run to f. telem may be NULL. */
void tvac_summary_print(FILE *f, const struct tvac_opts *o, const struct tvac_ctl *c,
                        const struct hal *h, const struct tvac_run_stats *st,
                        const struct tvac_telem *telem);

#endif /* TVAC_SUMMARY_H */
