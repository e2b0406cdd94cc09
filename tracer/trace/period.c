/*
 * tracer/trace/period.c - period, jitter and the timeline of a run (see
 * period.h).
 */
#include "trace/period.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "trace.h"
#include "trace/profile.h"

void trc_period_init(struct trc_period *p)
{
	memset(p, 0, sizeof(*p));
	trc_hist_init(&p->periods);
}

void trc_period_fini(struct trc_period *p)
{
	trc_hist_fini(&p->periods);
}

static size_t col_of(const struct trc_period *p, uint64_t t_ns)
{
	size_t c;

	if (p->duration_ns == 0)
		return 0;
	c = (size_t)((double)t_ns / (double)p->duration_ns * TRC_PERIOD_COLS);
	return c >= TRC_PERIOD_COLS ? TRC_PERIOD_COLS - 1 : c;
}

static void add_event(struct trc_period *p, uint64_t t_ns, enum trc_period_ev_kind kind,
                      const struct lc_trace_rec *r, const char *label)
{
	struct trc_period_event *e;
	size_t i, n;

	if (kind == TRC_PERIOD_TRIP)
		p->trips++;
	else
		p->marks++;
	if (p->nev == TRC_PERIOD_EVENTS)
		return;
	e = &p->ev[p->nev++];
	e->t_ns = t_ns;
	e->kind = kind;
	if (label != NULL) {
		snprintf(e->label, sizeof(e->label), "%s", label);
	} else if (r->kind == LC_TRACE_EXT && r->payload != NULL) {
		/* latch_rt_mark(name): the name's bytes, not NUL-terminated. */
		n = r->payload_len < sizeof(e->label) - 1 ? r->payload_len : sizeof(e->label) - 1;
		for (i = 0; i < n && r->payload[i] != '\0'; i++)
			e->label[i] = (char)r->payload[i];
		e->label[i] = '\0';
	} else {
		snprintf(e->label, sizeof(e->label), "mark %" PRIu64, r->addr);
	}
}

static int is_mark(const struct lc_trace_rec *r)
{
	return r->kind == LC_TRACE_MARK ||
	       (r->kind == LC_TRACE_EXT && r->ext_type == LC_TRACE_EXT_MARK);
}

int trc_period_measure(struct trc_period *p, const struct trc_profile *a, uint64_t addr,
                       uint64_t trip_addr, const char *trip_label, double expect_ns,
                       double tolerance, long thread)
{
	const struct lc_trace_header *h = lc_trace_header(a->t);
	size_t i, n = lc_trace_thread_count(a->t);

	/* 100 periods (100 ms without one) without a trip call end a run: a
	 * condition near its threshold flickers for a few periods. */
	uint64_t quiet_ns = expect_ns > 0 ? (uint64_t)(100.0 * expect_ns) : 100000000u;

	p->duration_ns = a->duration_ns;
	for (i = 0; i < n; i++) {
		const struct lc_trace_thread *th = lc_trace_thread(a->t, i);
		struct lc_trace_iter it;
		struct lc_trace_rec r;
		uint64_t prev = 0, start = 0, last_trip = 0;
		unsigned depth = 0;
		int have = 0;

		if (thread >= 0 && (long)th->tid != thread && (long)th->index != thread)
			continue;
		lc_trace_iter_init(&it, a->t, i);
		while (lc_trace_iter_next(&it, &r)) {
			uint64_t t_ns =
			        r.ticks > h->start_ticks
			                ? lc_trace_ticks_to_ns(a->t, r.ticks - h->start_ticks)
			                : 0;

			if (r.gap) {
				have = 0; /* an interval across lost events is not a period */
				depth = 0;
			}
			if (is_mark(&r)) {
				add_event(p, t_ns, TRC_PERIOD_MARK, &r, NULL);
				continue;
			}
			if (r.kind == LC_TRACE_ENTER && trip_addr != 0 && r.addr == trip_addr) {
				/* A condition that holds calls the trip function every
				 * period: only the entry that begins a run is a trip. */
				if (p->trips == 0 || t_ns - last_trip > quiet_ns)
					add_event(p, t_ns, TRC_PERIOD_TRIP, &r, trip_label);
				last_trip = t_ns;
			}
			if (addr == 0 || r.addr != addr)
				continue;
			if (r.kind == LC_TRACE_EXIT) {
				if (depth > 0 && --depth == 0 && expect_ns > 0 &&
				    (double)lc_trace_ticks_to_ns(a->t, r.ticks - start) >
				            expect_ns) {
					p->overruns++;
					p->col_over[col_of(p, t_ns)]++;
				}
				continue;
			}
			if (r.kind != LC_TRACE_ENTER)
				continue;
			if (depth++ == 0)
				start = r.ticks;
			if (have) {
				uint64_t d = lc_trace_ticks_to_ns(a->t, r.ticks - prev);
				uint64_t t0 = t_ns > d ? t_ns - d : 0;
				size_t c = col_of(p, t0);

				if (trc_hist_add(&p->periods, d) < 0)
					return LC_ENOMEM;
				if (p->col_max[c] == 0 || d < p->col_min[c])
					p->col_min[c] = d;
				if (d > p->col_max[c])
					p->col_max[c] = d;
				if (expect_ns > 0) {
					double j = (double)d - expect_ns;

					p->sum += j;
					p->sumsq += j * j;
					if ((double)d > expect_ns * (1.0 + tolerance)) {
						p->late++;
						p->col_late[c]++;
					}
				}
			}
			prev = r.ticks;
			have = 1;
		}
	}
	return 0;
}
