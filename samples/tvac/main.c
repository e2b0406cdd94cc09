/*
 * main.c - the tvac demo: parse the command line, run the 1 kHz loop against
 * the simulated chamber, print the summary.
 *
 * The run loop measures tvac_ctl_step() alone (the firmware's work), not the
 * plant simulation around it. With --realtime each period is released on an
 * absolute CLOCK_MONOTONIC deadline, so lateness never accumulates as drift;
 * a period whose step ends after its release time plus 1 ms is a miss.
 */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "control.h"
#include "hal_sim.h"
#include "summary.h"
#include "telem.h"

#define PERIOD_NS        1000000L
#define TELEM_DECIMATION 100u /* 10 Hz log from the 1 kHz task */

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void ts_add(struct timespec *t, long ns)
{
	t->tv_nsec += ns;
	while (t->tv_nsec >= 1000000000L) {
		t->tv_nsec -= 1000000000L;
		t->tv_sec++;
	}
}

static void run_loop(struct tvac_run_stats *st, struct tvac_ctl *c, struct hal *h,
                     const struct tvac_opts *o)
{
	struct timespec release, woke, t0, t1;
	uint32_t tick;
	int64_t ns;

	clock_gettime(CLOCK_MONOTONIC, &release);
	for (tick = 0; tick < o->ticks; tick++) {
		if (o->realtime) {
			ts_add(&release, PERIOD_NS);
			while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &release, NULL) ==
			       EINTR)
				;
			clock_gettime(CLOCK_MONOTONIC, &woke);
			ns = ts_ns(&woke) - ts_ns(&release);
			if (ns > 0 && (uint64_t)ns > st->late_ns_max)
				st->late_ns_max = (uint64_t)ns;
		}
		hal_sim_advance(h, tick);
		clock_gettime(CLOCK_MONOTONIC, &t0);
		tvac_ctl_step(c, tick);
		clock_gettime(CLOCK_MONOTONIC, &t1);

		ns = ts_ns(&t1) - ts_ns(&t0);
		if (ns < 0)
			ns = 0;
		if ((uint64_t)ns > st->loop_ns_max)
			st->loop_ns_max = (uint64_t)ns;
		st->loop_ns_sum += (uint64_t)ns;
		if (o->realtime && ts_ns(&t1) > ts_ns(&release) + PERIOD_NS)
			st->misses++;
		st->ticks++;
	}
}

static int write_telemetry(const char *path, const struct tvac_telem *t)
{
	size_t len = 0, lines = 0, lost = 0;
	const char *text = tvac_telem_text(t, &len, &lines, &lost);
	FILE *f = fopen(path, "w");
	int rc = -1;

	if (!f) {
		fprintf(stderr, "tvac: error: cannot open '%s': %s\n", path, strerror(errno));
		goto out;
	}
	if (fwrite(text, 1, len, f) != len || fflush(f) != 0) {
		fprintf(stderr, "tvac: error: cannot write '%s': %s\n", path, strerror(errno));
		goto out;
	}
	rc = 0;
out:
	if (f && fclose(f) != 0 && rc == 0) {
		fprintf(stderr, "tvac: error: cannot write '%s': %s\n", path, strerror(errno));
		rc = -1;
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct tvac_opts opts;
	struct tvac_ctl_config cfg;
	struct tvac_run_stats st = {0, 0, 0, 0, 0};
	struct tvac_telem *telem = NULL;
	struct tvac_ctl *ctl = NULL;
	struct hal *h = NULL;
	char err[256];
	int status = 2;

	if (tvac_cli_parse(&opts, argc, argv, err, sizeof err) < 0) {
		fprintf(stderr, "tvac: error: %s\n", err);
		goto out;
	}
	if (opts.help) {
		tvac_cli_usage(stdout);
		status = 0;
		goto out;
	}
	h = calloc(1, sizeof *h);
	ctl = calloc(1, sizeof *ctl);
	if (!h || !ctl || tvac_telem_new(&telem, TELEM_DECIMATION) < 0) {
		fputs("tvac: error: out of memory\n", stderr);
		goto out;
	}
	tvac_ctl_config_default(&cfg);
	cfg.setpoint_c = opts.setpoint_c;
	hal_sim_init(h, opts.seed, opts.faults, opts.nfaults);
	tvac_ctl_init(ctl, h, telem, &cfg);

	run_loop(&st, ctl, h, &opts);

	tvac_summary_print(stdout, &opts, ctl, h, &st, telem);
	if (fflush(stdout) != 0)
		goto out;
	if (opts.telemetry_path && write_telemetry(opts.telemetry_path, telem) < 0)
		goto out;
	status = 0;
out:
	tvac_telem_free(telem);
	free(ctl);
	free(h);
	return status;
}
