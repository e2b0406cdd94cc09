/*
 * tracer/cmd.h - the subcommands of latch-trace.
 *
 * Each subcommand lives in its own file, tracer/cmd_<name>.c, and exports
 * one entry point with this signature. argv[0] is the subcommand's name;
 * the return value is the process exit status: 0 no error-level finding,
 * 1 a budget broken or an error-level finding, 2 usage error or tool failure.
 */
#ifndef TRC_CMD_H
#define TRC_CMD_H

#include <stdio.h>

/* Global options, parsed by main.c before the subcommand name. */
struct trc_opts {
	const char *progname; /* "latch-trace", for messages */
	int color;            /* 1 when stdout is a TTY and colour is wanted */
};

struct trc_cmd {
	const char *name;
	int (*fn)(int argc, char **argv, const struct trc_opts *opts);
	const char *summary; /* one line for latch-trace --help */
};

int trc_cmd_record(int argc, char **argv, const struct trc_opts *opts);
int trc_cmd_report(int argc, char **argv, const struct trc_opts *opts);
int trc_cmd_hist(int argc, char **argv, const struct trc_opts *opts);
int trc_cmd_memmap(int argc, char **argv, const struct trc_opts *opts);
int trc_cmd_stack(int argc, char **argv, const struct trc_opts *opts);
int trc_cmd_export(int argc, char **argv, const struct trc_opts *opts);
int trc_cmd_repair(int argc, char **argv, const struct trc_opts *opts);

/* Prints "latch-trace: error: <msg>" to stderr. */
void trc_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif /* TRC_CMD_H */
