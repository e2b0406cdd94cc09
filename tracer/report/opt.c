/*
 * tracer/report/opt.c - command-line parsing of the subcommands (see opt.h).
 */
#define _GNU_SOURCE
#include "report/opt.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

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

/* The format a file name ends in, for several -o. */
static int fmt_of_name(enum trc_fmt *out, const char *path, struct lc_err *err)
{
	static const struct {
		const char *ext;
		enum trc_fmt fmt;
	} exts[] = {{".txt", TRC_FMT_TEXT}, {".json", TRC_FMT_JSON}, {".csv", TRC_FMT_CSV},
	            {".md", TRC_FMT_MD},    {".xml", TRC_FMT_JUNIT}, {".junit", TRC_FMT_JUNIT},
	            {".html", TRC_FMT_HTML}};
	size_t i, n = strlen(path);

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i].ext);

		if (n > e && strcmp(path + n - e, exts[i].ext) == 0) {
			*out = exts[i].fmt;
			return 0;
		}
	}
	return lc_err_set(err, LC_EUSAGE,
	                  "several -o: cannot tell the format of '%s' from its name (.txt, "
	                  ".json, .csv, .md, .xml, .html)",
	                  path);
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
		o->fmt_given = 1;
	} else if (o->path == NULL) {
		o->path = val;
	} else if (fmt_of_name(&o->more[o->nmore < TRC_OUT_MORE ? o->nmore : 0].fmt, val, err) <
	                   0 ||
	           fmt_of_name(&o->fmt, o->path, err) < 0) {
		/* Names without a format's ending: the last -o wins, as with one. */
		o->path = val;
		o->nmore = 0;
		err->code = 0;
		err->msg[0] = '\0';
	} else {
		if (o->nmore == TRC_OUT_MORE)
			return lc_err_set(err, LC_EUSAGE, "at most %d outputs (-o)",
			                  TRC_OUT_MORE + 1);
		o->more[o->nmore++].path = val;
	}
	if (o->nmore > 0 && o->fmt_given)
		return lc_err_set(err, LC_EUSAGE,
		                  "several -o take their formats from their names: leave out "
		                  "--format");
	return 1;
}

int trc_out_has(const struct trc_out_opts *o, enum trc_fmt f)
{
	size_t i;

	if (o->fmt == f)
		return 1;
	for (i = 0; i < o->nmore; i++)
		if (o->more[i].fmt == f)
			return 1;
	return 0;
}

unsigned trc_out_width(const struct trc_out_opts *o)
{
	struct winsize ws;

	if ((o->path == NULL || strcmp(o->path, "-") == 0) && isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 100)
		return ws.ws_col;
	return 100;
}
