/*
 * tracer/cmd.h - the subcommands of latch-trace.
 *
 * Each subcommand lives in its own file, tracer/cmd_<name>.c, and exports
 * one entry point with this signature. argv[0] is the subcommand's name;
 * the return value is the process exit status (lc_exit.h): LC_EXIT_CLEAN no
 * error-level finding, LC_EXIT_FINDINGS a budget broken or an error-level
 * finding, LC_EXIT_ERROR usage error or tool failure. Each describes its
 * command line in a struct trc_cmd_spec (report/opt.h) and parses it with
 * trc_cmd_args().
 */
#ifndef TRC_CMD_H
#define TRC_CMD_H

#include <stdio.h>

#include "lc_exit.h"
#include "report/opt.h"
struct trc_html_embed; /* report/out.h */
struct trc_profile;    /* trace/profile.h */

/* Global options, parsed by main.c before the subcommand name. */
struct trc_opts {
	const char *progname; /* "latch-trace", for messages */
	int color;            /* 1 when stdout is a TTY and colour is wanted */
	/* Set only when `latch-trace html` runs a command to build its page:
	 * the command writes an HTML section there instead of its output, and
	 * report and hist take the trace already loaded (its problems already
	 * printed) instead of reading it again. */
	struct trc_html_embed *embed;
	const struct trc_profile *profile;
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
int trc_cmd_html(int argc, char **argv, const struct trc_opts *opts);

struct trc_profile;

/* Prints each problem of a's trace (lc_trace_problem()) to stderr as
 * "latch-trace: error: FILE: offset N (0xHEX): MESSAGE" and returns how many
 * (cmd.c). The library keeps them; the commands print them. */
size_t trc_cmd_print_problems(const struct trc_profile *a);

/* Prints "latch-trace: error: <msg>" to stderr (cmd.c). */
void trc_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

struct trc_budgets;        /* report/budget.h */
struct trc_budget_results; /* report/budget.h */

/*
 * What a command that writes a report builds (cmd.c): the document and,
 * with --budgets FILE, the budgets it checks and the list their verdicts
 * go to, attached to the document when it is written.
 */
struct trc_cmd_doc {
	struct trc_doc *doc;
	struct trc_budgets *budgets;    /* NULL without --budgets */
	struct trc_budget_results *res; /* the verdicts; NULL without --budgets */
	/* Set with a failure that is about a file: trc_cmd_doc_end() prints it
	 * as "SUBJECT: MESSAGE" (borrowed; NULL: the message alone). */
	const char *subject;
};

/* Creates c->doc for subcommand `command` and, when budgets_path is not
 * NULL, loads the budgets (trc_budgets_load()) and an empty verdict list.
 * Returns 0 or the error (err). trc_cmd_doc_end() releases c in either
 * case, and a zeroed c as well. */
int trc_cmd_doc_init(struct trc_cmd_doc *c, const char *command, const char *budgets_path,
                     struct lc_err *err);

/*
 * How a command ends that built c (cmd.c), from its one exit path: when
 * err holds an error (err->code < 0), prints it (after c->subject, when
 * set) and returns LC_EXIT_ERROR;
 * else writes c->doc, with the verdicts, to the outputs of out, or as a
 * section of opts->embed's page under latch-trace html (out->embed is set
 * from opts), and returns the exit status: LC_EXIT_ERROR after printing
 * why the document could not be written (a builder call ran out of
 * memory, a write failed); else trc_budget_results_exit() of the verdicts
 * (LC_EXIT_CLEAN without budgets), raised to LC_EXIT_FINDINGS when the
 * command counted findings > 0 error-level findings of its own.
 * Releases c in every case.
 */
int trc_cmd_doc_end(struct trc_cmd_doc *c, const struct lc_err *err, struct trc_out_opts *out,
                    const struct trc_opts *opts, size_t findings);

/* Parses argv against spec (trc_opt_parse()). Returns 0 when the command
 * goes on; returns 1 when it must stop with *exit_status: LC_EXIT_CLEAN
 * after printing the help to stdout, LC_EXIT_ERROR after printing the
 * usage error to stderr. */
int trc_cmd_args(const struct trc_cmd_spec *spec, int argc, char **argv, int *exit_status);

#endif /* TRC_CMD_H */
