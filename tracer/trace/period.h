/*
 * tracer/trace/period.h - the period and jitter of a periodic task, and a
 * timeline of the run: where its deadline misses, the interlock trips and
 * the user's marks (latch_rt_mark) happened.
 *
 * One pass over the records of each thread: the time between consecutive
 * entries of the task's function (never across a gap of lost events), the
 * duration of each of its calls, entries of a "trip" function, and mark
 * records. Memory is fixed: the timeline keeps TRC_PERIOD_COLS columns over
 * the run and at most TRC_PERIOD_EVENTS events (the rest are counted), so a
 * 100 M record trace costs what an 8 s one does.
 */
#ifndef TRC_PERIOD_H
#define TRC_PERIOD_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "trace/hist.h"

struct trc_profile;

#define TRC_PERIOD_COLS   450
#define TRC_PERIOD_EVENTS 200

enum trc_period_ev_kind { TRC_PERIOD_TRIP = 0, TRC_PERIOD_MARK = 1 };

struct trc_period_event {
	uint64_t t_ns; /* since the start of the trace */
	enum trc_period_ev_kind kind;
	char label[64]; /* the trip function, or the mark's name / value */
};

struct trc_period {
	struct trc_hist periods; /* ns between consecutive entries */
	uint64_t late;           /* intervals > expect * (1 + tolerance) */
	uint64_t overruns;       /* calls longer than expect (uncorrected duration) */
	double sum, sumsq;       /* of (period - expect), for mean and stddev */
	uint64_t duration_ns;    /* the span the columns cover */
	uint64_t col_min[TRC_PERIOD_COLS], col_max[TRC_PERIOD_COLS]; /* periods beginning there */
	uint32_t col_late[TRC_PERIOD_COLS], col_over[TRC_PERIOD_COLS];
	struct trc_period_event ev[TRC_PERIOD_EVENTS];
	size_t nev;
	uint64_t trips, marks; /* all of them, also those beyond ev[] */
};

/* Prepares p (no allocation). */
void trc_period_init(struct trc_period *p);
/* Releases the period histogram. */
void trc_period_fini(struct trc_period *p);

/*
 * Measures the task whose function is at runtime address addr (0: none),
 * the trips of trip_addr (0: none; trip_label names them) - an entry of it
 * that begins a run, after 100 expected periods (100 ms without --expect)
 * with no entry, since a held condition calls it every period - every mark,
 * over every thread or only the one whose tid or slot index is `thread`
 * (>= 0). expect_ns (0: none) is the expected period; tolerance the
 * fraction of it allowed before an interval counts as late.
 * Returns 0 or LC_ENOMEM.
 */
int trc_period_measure(struct trc_period *p, const struct trc_profile *a, uint64_t addr,
                       uint64_t trip_addr, const char *trip_label, double expect_ns,
                       double tolerance, long thread);

#endif /* TRC_PERIOD_H */
