/*
 * tracer/report/opt.h - the command line of latch-trace's subcommands: the
 * output options every report command shares (--format, -o) and the usage
 * error path (trc_fail, cmd.h).
 */
#ifndef TRC_OPT_H
#define TRC_OPT_H

#include "report/doc.h"

/*
 * Recognises the output options at argv[*i]: "--format X", "--format=X",
 * "-f" is NOT used (hist uses -f for a function), "-o FILE", "-oFILE",
 * "--output FILE", "--output=FILE". On a match it stores the value, advances
 * *i past the option's value and returns 1; returns 0 when argv[*i] is not
 * an output option; returns LC_EUSAGE (message in err) for a missing value or
 * an unknown format. For subcommands that walk argv themselves.
 */
int trc_out_take_arg(struct trc_out_opts *o, int argc, char **argv, int *i, struct lc_err *err);

/* What trc_arg_next() found at argv[*i]. */
enum trc_arg {
	TRC_ARG_FAIL = -1, /* a usage error, already printed with trc_fail */
	TRC_ARG_TAKEN,     /* an output option (--format, -o), stored in o */
	TRC_ARG_HELP,      /* --help or -h: the caller prints its help */
	TRC_ARG_OPTION,    /* "-x VALUE": *val is the value, *i points at it */
	TRC_ARG_OPERAND    /* not an option: argv[*i] itself */
};

/*
 * The step every subcommand whose options all take a value repeats: output
 * options first, then --help, then "-x VALUE" with a missing value reported
 * as "CMD: option '-x' needs a value". cmd names the subcommand in messages.
 */
enum trc_arg trc_arg_next(struct trc_out_opts *o, const char *cmd, int argc, char **argv, int *i,
                          const char **val);

/* Help text for the output options, to embed in a command's print_help(). */
#define TRC_OUT_HELP                                                                               \
	"  --format FMT   text (default), json, csv, md (Markdown), junit or sarif\n"              \
	"  -o FILE        write the report to FILE instead of stdout\n"

#endif /* TRC_OPT_H */
