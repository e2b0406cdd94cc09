/*
 * tracer/report/opt.c - command-line parsing of the subcommands (see opt.h).
 */
#define _GNU_SOURCE
#include "report/opt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"

/* Declared in cmd.h: every subcommand reports usage errors through it. */
void trc_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("latch-trace: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum trc_arg trc_arg_next(struct trc_out_opts *o, const char *cmd, int argc, char **argv, int *i,
                          const char **val)
{
	struct lc_err err = {0, ""};
	const char *arg = argv[*i];
	int rc;

	*val = NULL;
	rc = trc_out_take_arg(o, argc, argv, i, &err);
	if (rc < 0) {
		trc_fail("%s: %s", cmd, err.msg);
		return TRC_ARG_FAIL;
	}
	if (rc > 0)
		return TRC_ARG_TAKEN;
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
		return TRC_ARG_HELP;
	if (arg[0] != '-' || arg[1] == '\0')
		return TRC_ARG_OPERAND;
	if (*i + 1 >= argc) {
		trc_fail("%s: option '%s' needs a value (see latch-trace %s --help)", cmd, arg,
		         cmd);
		return TRC_ARG_FAIL;
	}
	*val = argv[++*i];
	return TRC_ARG_OPTION;
}

int trc_out_take_arg(struct trc_out_opts *o, int argc, char **argv, int *i, struct lc_err *err)
{
	const char *a = argv[*i];
	const char *val = NULL;
	int is_fmt;

	if (strcmp(a, "--format") == 0 || strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
		if (*i + 1 >= argc)
			return lc_err_set(err, LC_EUSAGE, "option '%s' needs a value", a);
		is_fmt = strcmp(a, "--format") == 0;
		val = argv[++*i];
	} else if (strncmp(a, "--format=", 9) == 0) {
		is_fmt = 1;
		val = a + 9;
	} else if (strncmp(a, "--output=", 9) == 0) {
		is_fmt = 0;
		val = a + 9;
	} else if (strncmp(a, "-o", 2) == 0 && a[2] != '\0') {
		is_fmt = 0;
		val = a + 2;
	} else {
		return 0;
	}
	if (is_fmt) {
		int rc = trc_fmt_parse(&o->fmt, val, err);

		if (rc < 0)
			return rc;
	} else {
		o->path = val;
	}
	return 1;
}
