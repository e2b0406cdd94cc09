/*
 * main_qemu.c - the tvac controller on QEMU's mps2-an386: the same command
 * line, plant, faults and summary as the host program (main.c), but the
 * 1 kHz period comes from SysTick and the trace goes to the runtime's RAM
 * buffer, written out by semihosting at exit (tvac-fw-qemu.elf).
 *
 * Each period: sleep until SysTick, run tvac_ctl_step() (traced), then
 * advance the simulated plant (untraced) to the next period. The calls are
 * in the host's order, advance(0), step(0), advance(1), step(1), ..., so a
 * seed gives the host's summary. A period whose work overruns the next
 * SysTick is a deadline miss, counted as on the host with --realtime.
 */
#include <stdio.h>

#include "board_mps2.h"
#include "cli.h"
#include "control.h"
#include "hal_sim.h"
#include "latch/rt_cortexm.h"
#include "summary.h"
#include "telem.h"

#define TELEM_DECIMATION 100u

static struct hal fw_hal;
static struct tvac_ctl fw_ctl;

int main(int argc, char **argv)
{
	struct latch_rt_cm_config rt = {
	        BOARD_CPU_HZ, BOARD_TIMER0_VALUE, 1u, BOARD_CPU_HZ, 0u, 0u, NULL, 1u};
	struct tvac_run_stats st = {0, 0, 0, 0, 0};
	struct tvac_telem *telem = NULL;
	struct tvac_ctl_config cfg;
	struct tvac_opts opts;
	uint32_t tick, t0, t1, ns, late;
	char err[256];

	if (tvac_cli_parse(&opts, argc, argv, err, sizeof err) < 0) {
		fprintf(stderr, "tvac: error: %s\n", err);
		return 2;
	}
	if (opts.help) {
		tvac_cli_usage(stdout);
		return 0;
	}
	if (opts.telemetry_path != NULL) {
		fputs("tvac: error: --telemetry is not available on the target\n", stderr);
		return 2;
	}
	board_timer_start();
	if (latch_rt_cm_start(&rt) < 0)
		fputs("tvac: warning: tracing is off (no clock or no trace buffer)\n", stderr);
	if (tvac_telem_new(&telem, TELEM_DECIMATION) < 0) {
		fputs("tvac: error: out of memory\n", stderr);
		return 2;
	}
	tvac_ctl_config_default(&cfg);
	cfg.setpoint_c = opts.setpoint_c;
	hal_sim_init(&fw_hal, opts.seed, opts.faults, opts.nfaults);
	tvac_ctl_init(&fw_ctl, &fw_hal, telem, &cfg);
	opts.realtime = true; /* SysTick releases every period: misses are real */

	hal_sim_advance(&fw_hal, 0);
	board_systick_start(TVAC_TICK_HZ);
	for (tick = 0; tick < opts.ticks; tick++) {
		late = board_wait_tick();
		if (late > 1u)
			st.misses += late - 1u;
		t0 = board_timer_now();
		ns = board_tick_age() * (1000000000u / BOARD_CPU_HZ);
		if (ns > st.late_ns_max)
			st.late_ns_max = ns;
		tvac_ctl_step(&fw_ctl, tick);
		t1 = board_timer_now();
		ns = (t1 - t0) * (1000000000u / BOARD_CPU_HZ);
		if (ns > st.loop_ns_max)
			st.loop_ns_max = ns;
		st.loop_ns_sum += ns;
		st.ticks++;
		if (tick + 1u < opts.ticks)
			hal_sim_advance(&fw_hal, tick + 1u);
	}
	tvac_summary_print(stdout, &opts, &fw_ctl, &fw_hal, &st, telem);
	fflush(stdout);
	tvac_telem_free(telem);
	return 0;
}
