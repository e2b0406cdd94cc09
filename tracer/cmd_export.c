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

#define MAX_NAMES 32

struct export_opts {
	const char *trace, *out, *exe;
	int fmt; /* enum trc_export_format; 0: not given */
	const char *root;
	const char *filter[MAX_NAMES], *exclude[MAX_NAMES];
	size_t nfilter, nexclude;
};

static const struct trc_opt_choice formats[] = {
        {"chrome", TRC_EXPORT_CHROME}, {"folded", TRC_EXPORT_FOLDED}, {NULL, 0}};

/* The command line: one table, the help generated from it (report/opt.h). */
static int parse_args(struct export_opts *o, int argc, char **argv, int *exit_status)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_CHOICE, "format", 0, NULL, &o->fmt, NULL, 0, formats, 0, NULL, "FMT",
	         "chrome: Trace Event Format JSON (Perfetto, chrome://tracing,\n"
	         "speedscope); folded: folded stacks with self time in ns\n"
	         "(flamegraph.pl, speedscope)"},
	        {TRC_OPT_STR, "output", 'o', NULL, &o->out, NULL, 0, NULL, 0, NULL, "FILE",
	         "write to FILE instead of stdout; for chrome name it\n"
	         "NAME.trace.json (or NAME.json): the tools recognise it by that"},
	        TRC_OPT_EXE(&o->exe),
	        {TRC_OPT_STR, "root", 0, NULL, &o->root, NULL, 0, NULL, 0, NULL, "FUNC",
	         "only calls inside a call of FUNC (a name or glob), FUNC\n"
	         "included; folded stacks then start at FUNC"},
	        {TRC_OPT_LIST, "filter", 0, NULL, o->filter, &o->nfilter, MAX_NAMES, NULL, 0, NULL,
	         "GLOB",
	         "chrome: only the events of matching functions; folded:\n"
	         "only the stacks whose leaf matches (repeatable)"},
	        {TRC_OPT_LIST, "exclude", 0, NULL, o->exclude, &o->nexclude, MAX_NAMES, NULL, 0,
	         NULL, "FUNC",
	         "leave out FUNC's events and self time, e.g. an idle loop\n"
	         "or a wait (repeatable, globs)"},
	        TRC_OPT_TRACE_OPERAND(&o->trace),
	        TRC_OPT_TABLE_END};
	const struct trc_cmd_spec spec = {
	        "export", "export [options] TRACE --format chrome|folded",
	        "Writes the calls of a trace for other tools, paired as report pairs them;\n"
	        "chrome also carries the trace's marks and heap-guard allocations as instant\n"
	        "events.",
	        opts, "exit status: 0 written, 2 usage error or unreadable trace.\n"};

	if (trc_cmd_args(&spec, argc, argv, exit_status) != 0)
		return 1;
	if (o->fmt == 0) {
		trc_fail("export: needs --format chrome or folded (usage: latch-trace %s)",
		         spec.usage);
		*exit_status = LC_EXIT_ERROR;
		return 1;
	}
	return 0;
}

int trc_cmd_export(int argc, char **argv, const struct trc_opts *opts)
{
	struct export_opts o = {NULL, NULL, NULL, 0, NULL, {NULL}, {NULL}, 0, 0};
	struct trc_export_opts xo;
	struct trc_profile *a = NULL;
	struct lc_err err = {0};
	FILE *f = NULL;
	int status = LC_EXIT_ERROR;

	(void)opts;
	if (parse_args(&o, argc, argv, &status) != 0)
		goto out;
	if (trc_profile_load(&a, o.trace, o.exe, -1, &err) < 0) {
		trc_fail("%s: %s", o.trace, err.msg);
		goto out;
	}
	f = o.out ? fopen(o.out, "w") : stdout;
	if (f == NULL) {
		trc_fail("cannot open '%s': %s", o.out, strerror(errno));
		goto out;
	}
	xo.fmt = (enum trc_export_format)o.fmt;
	xo.root = o.root;
	xo.filter = o.filter;
	xo.nfilter = o.nfilter;
	xo.exclude = o.exclude;
	xo.nexclude = o.nexclude;
	if (trc_export_write(f, a, &xo, &err) < 0) {
		trc_fail("%s: %s", o.trace, err.msg);
		goto out;
	}
	if (fflush(f) != 0 || ferror(f)) {
		trc_fail("cannot write '%s': %s", o.out ? o.out : "stdout", strerror(errno));
		goto out;
	}
	status = trc_cmd_print_problems(a) > 0 ? LC_EXIT_ERROR : LC_EXIT_CLEAN;
out:
	if (f != NULL && f != stdout)
		fclose(f);
	trc_profile_free(a);
	return status;
}
