/*
 * tracer/cmd_export.c - `latch-trace export TRACE --format chrome|folded`:
 * the trace for other tools (the writers are trace/export.c).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "trace.h"
#include "trace/export.h"
#include "trace/profile.h"

static void print_help(FILE *f)
{
	fprintf(f, "usage: latch-trace export [options] TRACE\n\n"
	           "Writes the trace for other tools.\n\n"
	           "options:\n"
	           "  --format chrome  Trace Event Format JSON (Perfetto, chrome://tracing)\n"
	           "  --format folded  folded stacks with self time in ns (flame graphs)\n"
	           "  -o FILE          write to FILE instead of stdout\n"
	           "  --exe PATH       the traced executable, when it moved\n");
}

int trc_cmd_export(int argc, char **argv, const struct trc_opts *opts)
{
	struct trc_profile *a = NULL;
	FILE *f = NULL;
	struct lc_err err = {0};
	const char *trace = NULL, *out = NULL, *exe = NULL, *fmt = NULL;
	size_t i;
	int status = 2;

	(void)opts;
	for (i = 1; i < (size_t)argc; i++) {
		const char *v = i + 1 < (size_t)argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return 0;
		} else if ((strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "-o") == 0 ||
		            strcmp(argv[i], "--exe") == 0) &&
		           v == NULL) {
			trc_fail("option '%s' needs a value", argv[i]);
			return 2;
		} else if (strcmp(argv[i], "--format") == 0) {
			fmt = argv[++i];
		} else if (strcmp(argv[i], "-o") == 0) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--exe") == 0) {
			exe = argv[++i];
		} else if (argv[i][0] == '-') {
			trc_fail("unknown option '%s' (see latch-trace export --help)", argv[i]);
			return 2;
		} else {
			trace = argv[i];
		}
	}
	if (trace == NULL || fmt == NULL ||
	    (strcmp(fmt, "chrome") != 0 && strcmp(fmt, "folded") != 0)) {
		trc_fail("usage: latch-trace export TRACE --format chrome|folded [-o FILE]");
		return 2;
	}
	if (trc_profile_load(&a, trace, exe, -1, &err) < 0) {
		trc_fail("%s: %s", trace, err.msg);
		goto out;
	}
	f = out ? fopen(out, "w") : stdout;
	if (f == NULL) {
		trc_fail("cannot open '%s': %s", out, strerror(errno));
		goto out;
	}
	if (trc_export_write(f, a,
	                     strcmp(fmt, "chrome") == 0 ? TRC_EXPORT_CHROME : TRC_EXPORT_FOLDED,
	                     &err) < 0) {
		trc_fail("%s: %s", trace, err.msg);
		goto out;
	}
	if (fflush(f) != 0 || ferror(f)) {
		trc_fail("cannot write '%s': %s", out ? out : "stdout", strerror(errno));
		goto out;
	}
	status = trc_profile_print_problems(a) > 0 ? 2 : 0;
out:
	if (f != NULL && f != stdout)
		fclose(f);
	trc_profile_free(a);
	return status;
}
