/*
 * tracer/trace/qemu.h - running a Cortex-M image under QEMU with
 * deterministic virtual time, for `latch-trace record --qemu MACHINE`.
 *
 * QEMU runs with -icount shift=TRC_QEMU_SHIFT,sleep=off: every guest
 * instruction advances virtual time by 2^shift ns, and an idle CPU (WFI)
 * jumps straight to the next timer deadline, so the same image with the same
 * arguments executes the same instructions at the same virtual times on every
 * run, however loaded the host is (docs/target.md).
 */
#ifndef TRC_QEMU_H
#define TRC_QEMU_H

#include <stdio.h>

#include "err.h"
#include "trace.h"

/* 2^5 = 32 ns per instruction: one tick of a 25 MHz (40 ns) board clock is
 * 1.25 instructions, the nearest power of two to one instruction per tick. */
#define TRC_QEMU_SHIFT     5
#define TRC_QEMU_TIMEOUT_S 300u

struct trc_qemu_run {
	const char *machine; /* -M, e.g. "mps2-an386" */
	const char *elf;     /* the firmware image */
	char *const *args;   /* its arguments (semihosting command line), NULL-terminated */
	const char *out;     /* where the trace goes */
	unsigned timeout_s;  /* wall-clock limit; 0: TRC_QEMU_TIMEOUT_S */
	const char *qemu;    /* the emulator; NULL: $LATCH_QEMU or qemu-system-arm */
};

/* Runs the image, lets its output through to stdout/stderr, and moves the
 * trace it wrote by semihosting to r->out, with the image's absolute path in
 * its header. *fw_status is the firmware's exit status (its semihosting
 * SYS_EXIT). Returns 0, or LC_EUSAGE (bad argument), LC_EIO (QEMU could not
 * run, timed out, or the firmware wrote no trace) with a message in err. */
int trc_qemu_record(const struct trc_qemu_run *r, int *fw_status, struct lc_err *err);

/* Prints the target facts of a trace (clock, hook cost, fault) to f, one
 * "key: value" line each; nothing for a host trace. */
void trc_qemu_describe(FILE *f, const struct lc_trace *t);

#endif /* TRC_QEMU_H */
