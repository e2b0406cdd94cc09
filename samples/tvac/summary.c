/*
 * summary.c - end-of-run report: each interlock trip matched to the fault
 * that caused it, with injection, detection and safe-state times.
 */
#include "summary.h"

#include "cli.h"
#include "control.h"
#include "hal_sim.h"
#include "telem.h"

/* Prints tick as seconds with millisecond precision, exactly (no float). */
static void sum_time(FILE *f, uint32_t tick)
{
	fprintf(f, "%u.%03u s", (unsigned)(tick / 1000u), (unsigned)(tick % 1000u));
}

/* Index of the fault that explains trip t: the latest not yet matched fault
 * injected no later than the detection whose kind provokes t's reason; -1
 * when none does. */
static int sum_match(const struct tvac_opts *o, const struct interlock_trip *t, const bool *used)
{
	int best = -1;
	size_t i;

	for (i = 0; i < o->nfaults; i++) {
		const struct tvac_fault *fl = &o->faults[i];

		if (used[i] || tvac_fault_reason(fl->kind) != t->reason ||
		    fl->tick > t->detect_tick)
			continue;
		if (best < 0 || fl->tick >= o->faults[best].tick)
			best = (int)i;
	}
	return best;
}

static void sum_trips(FILE *f, const struct tvac_opts *o, const struct interlock *il)
{
	bool used[TVAC_MAX_FAULTS] = {false};
	uint32_t i;
	size_t k;

	fprintf(f, "trips: %u\n", (unsigned)(il->ntrips + il->dropped));
	for (i = 0; i < il->ntrips; i++) {
		const struct interlock_trip *t = &il->trips[i];
		int m = sum_match(o, t, used);

		fprintf(f, "trip %u: ", (unsigned)(i + 1));
		if (m >= 0) {
			used[m] = true;
			fprintf(f, "%s injected ", tvac_fault_name(o->faults[m].kind));
			sum_time(f, o->faults[m].tick);
		} else {
			fputs("none injected -", f);
		}
		fputs(", detected ", f);
		sum_time(f, t->detect_tick);
		if (t->safe) {
			fputs(", safe ", f);
			sum_time(f, t->safe_tick);
			fprintf(f, " (+%u ticks)", (unsigned)(t->safe_tick - t->detect_tick));
		} else {
			fputs(", safe never", f);
		}
		fprintf(f, " [%s", interlock_reason_name(t->reason));
		if (t->reason == INTERLOCK_STALE_SENSOR || t->reason == INTERLOCK_IMPLAUSIBLE)
			fprintf(f, ":%s", tvac_sensors_name((enum tvac_sensor_id)t->sensor));
		fputs("]\n", f);
	}
	/* A fault with no trip is worth a line of its own: either the chamber
	 * was already safe, or the interlock missed it. */
	for (k = 0; k < o->nfaults; k++) {
		if (used[k])
			continue;
		fprintf(f, "untripped: %s injected ", tvac_fault_name(o->faults[k].kind));
		sum_time(f, o->faults[k].tick);
		fputs(il->latched ? " (interlock already tripped)\n" : " (no trip)\n", f);
	}
}

void tvac_summary_print(FILE *f, const struct tvac_opts *o, const struct tvac_ctl *c,
                        const struct hal *h, const struct tvac_run_stats *st,
                        const struct tvac_telem *telem)
{
	const struct tvac_plant *p = hal_sim_plant(h);
	size_t len = 0, lines = 0, lost = 0;
	size_t i;

	fputs("tvac summary\n", f);
	fprintf(f, "seed: %llu\n", (unsigned long long)o->seed);
	fprintf(f, "ticks: %u (", (unsigned)st->ticks);
	sum_time(f, st->ticks);
	fputs(" simulated)\n", f);
	fprintf(f, "phase: %s\n", tvac_phase_name(c->phase));
	fprintf(f, "final: pressure %.3g mbar, platen %.2f C, shroud %.2f C, coolant %.2f C\n",
	        p->p_mbar, p->t_platen, p->t_shroud, p->t_coolant);
	fprintf(f, "i2c: %u transfers, %u nacks, %u aborts\n", (unsigned)h->i2c_transfers,
	        (unsigned)h->i2c_nacks, (unsigned)h->i2c_aborts);
	fprintf(f, "faults: %u", (unsigned)o->nfaults);
	for (i = 0; i < o->nfaults; i++) {
		fprintf(f, "%s%s@%u.%03us", i ? ", " : " (", tvac_fault_name(o->faults[i].kind),
		        (unsigned)(o->faults[i].tick / 1000u),
		        (unsigned)(o->faults[i].tick % 1000u));
	}
	fputs(o->nfaults ? ")\n" : "\n", f);
	sum_trips(f, o, &c->il);
	fprintf(f, "loop time: max %.3f us, mean %.3f us\n", (double)st->loop_ns_max / 1000.0,
	        st->ticks ? (double)st->loop_ns_sum / (double)st->ticks / 1000.0 : 0.0);
	if (o->realtime)
		fprintf(f, "deadline misses: %llu (worst wake-up %.3f us after release)\n",
		        (unsigned long long)st->misses, (double)st->late_ns_max / 1000.0);
	else
		fputs("deadline misses: n/a (not --realtime)\n", f);
	if (telem) {
		tvac_telem_text(telem, &len, &lines, &lost);
		fprintf(f, "telemetry: %lu lines, %lu bytes, %lu lost\n", (unsigned long)lines,
		        (unsigned long)len, (unsigned long)lost);
	}
}
