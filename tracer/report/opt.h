/*
 * tracer/report/opt.h - the command line of latch-trace's subcommands: one
 * option-spec table per command and one parser (after libgit2's
 * cli_opt_spec), with the help text generated from the same table.
 *
 * A command describes itself in a struct trc_cmd_spec: its usage line, a
 * paragraph about it, a table of struct trc_opt_spec and a footer (the exit
 * statuses). trc_opt_parse() stores every option where its spec points and
 * trc_opt_help() writes the help. Every command therefore accepts the same
 * spellings:
 *
 *   --name VALUE, --name=VALUE      every long option that takes a value
 *   -x VALUE, -xVALUE               every short one (-o FILE, -oFILE)
 *   an alternative long name        kept from older versions (--rules for
 *                                   --budgets); help shows the preferred one
 *   -h, --help                      help on stdout, exit 0
 *   --                              the rest are operands
 *
 * and the same value grammar:
 *
 *   TRC_OPT_COUNT   a non-negative integer, decimal or 0x-hex (never octal:
 *                   "010" is ten). For --top, 0 means "all" in every command.
 *   TRC_OPT_ID      a non-negative integer (a thread's tid or slot index)
 *   TRC_OPT_NUM     a non-negative decimal number (a percentage)
 *   TRC_OPT_TIME    a duration with a unit: 1ms, 250us, 2.5s, 800ns
 *   TRC_OPT_CHOICE  one of a list of names (synonyms allowed)
 *
 * Usage errors come back as LC_EUSAGE with one message in err, in one form:
 * "CMD: option '--top' needs a value", "CMD: --top takes a non-negative
 * number, not 'x'", "CMD: unknown option '--bogus'". The command prints
 * them (trc_cmd_usage_error(), cmd.h) and exits LC_EXIT_ERROR.
 */
#ifndef TRC_OPT_H
#define TRC_OPT_H

#include <stddef.h>
#include <stdio.h>

#include "err.h"
#include "report/doc.h"

enum trc_opt_type {
	TRC_OPT_END = 0,  /* ends a table */
	TRC_OPT_STR,      /* a value: *(const char **)value (borrowed from argv) */
	TRC_OPT_LIST,     /* repeatable value: appended to (const char **)value, *count
	                    entries, at most max */
	TRC_OPT_COUNT,    /* a non-negative integer: *(size_t *)value */
	TRC_OPT_ID,       /* a non-negative integer: *(long *)value */
	TRC_OPT_NUM,      /* a non-negative decimal: *(double *)value */
	TRC_OPT_TIME,     /* a duration: *(double *)value, in ns */
	TRC_OPT_CHOICE,   /* one of choices: *(int *)value = the choice's value */
	TRC_OPT_FORMAT,   /* --format: ((struct trc_out_opts *)value)->fmt */
	TRC_OPT_OUTPUT,   /* -o FILE: ((struct trc_out_opts *)value)->path; given again
	                     with names ending in a format, the further outputs */
	TRC_OPT_FLAG,     /* no value: *(int *)value = 1 (--wide) */
	TRC_OPT_OPERAND,  /* the first operand: *(const char **)value */
	TRC_OPT_OPERANDS, /* the further operands: like TRC_OPT_LIST; without this
	                     spec a second operand is a usage error */
	TRC_OPT_REST      /* everything from the first operand on (or after "--"),
	                     unparsed: *(char ***)value, *count entries (record's
	                     program and its arguments) */
};

/* A name a TRC_OPT_CHOICE accepts; a table ends with a NULL name. */
struct trc_opt_choice {
	const char *name;
	int value;
};

#define TRC_OPT_REQUIRED 0x1u /* TRC_OPT_OPERAND/REST: the command needs it */
#define TRC_OPT_SEEN     0x2u /* set by the parser in *seen, when given */

struct trc_opt_spec {
	enum trc_opt_type type;
	const char *name; /* long name without "--" ("top"); NULL for operands */
	char alias;       /* short name ('o', 'f') or 0 */
	const char *alt;  /* another long name still accepted, or NULL */
	void *value;      /* where the value goes (see the type) */
	size_t *count;    /* LIST, OPERANDS, REST: entries stored */
	size_t max;       /* LIST, OPERANDS: capacity of value */
	const struct trc_opt_choice *choices; /* CHOICE */
	unsigned flags;                       /* TRC_OPT_REQUIRED */
	int *seen;                            /* set to 1 when the option is given, or NULL */
	const char *value_name;               /* "N", "FILE", "TRACE" in help and messages */
	const char *help;                     /* one line; "\n" continues it under the text */
};

/* One subcommand's command line. */
struct trc_cmd_spec {
	const char *name;                /* "report" */
	const char *usage;               /* after "usage: latch-trace ": "report [options] TRACE" */
	const char *about;               /* the paragraph under the usage line */
	const struct trc_opt_spec *opts; /* ends with a TRC_OPT_END entry */
	const char *footer;              /* after the options: the exit statuses */
};

#define TRC_OPT_HELP_SHOWN 1 /* trc_opt_parse(): -h/--help was given */

/*
 * Parses argv[1..argc) (argv[0] is the subcommand's name) against cmd.
 * Returns 0 when every option and operand was stored; TRC_OPT_HELP_SHOWN
 * when -h or --help was given (nothing else is checked: the caller prints
 * trc_opt_help() and exits 0); LC_EUSAGE with the message in err for an
 * unknown option, a missing or malformed value, a missing required
 * operand, or one operand too many.
 */
int trc_opt_parse(const struct trc_cmd_spec *cmd, int argc, char **argv, struct lc_err *err);

/* Writes cmd's help, generated from its table, to f. */
void trc_opt_help(const struct trc_cmd_spec *cmd, FILE *f);

/* The output options every report command shares, as two table rows:
 * --format FMT (text, json, csv, md, junit, sarif) and -o/--output FILE, both into
 * the struct trc_out_opts at out. */
#define TRC_OPT_OUT_SPECS(out)                                                                     \
	{TRC_OPT_FORMAT,                                                                           \
	 "format",                                                                                 \
	 0,                                                                                        \
	 NULL,                                                                                     \
	 (out),                                                                                    \
	 NULL,                                                                                     \
	 0,                                                                                        \
	 NULL,                                                                                     \
	 0,                                                                                        \
	 NULL,                                                                                     \
	 "FMT",                                                                                    \
	 "text (default), json, csv, md (Markdown), junit, sarif or html"},                        \
	{                                                                                          \
		TRC_OPT_OUTPUT, "output", 'o', NULL, (out), NULL, 0, NULL, 0, NULL, "FILE",        \
		        "write the report to FILE instead of stdout (repeatable, names\n"          \
		        "ending .txt .json .csv .md .xml .html: all from one read)"                \
	}

/* The operand of the commands that read one ELF file (memmap, stack) and
 * of those that read one trace (report, hist, export): a table row each,
 * into the const char * at `to`. */
#define TRC_OPT_ELF_OPERAND(to)                                                                    \
	{                                                                                          \
		TRC_OPT_OPERAND, NULL, 0, NULL, (to), NULL, 0, NULL, TRC_OPT_REQUIRED, NULL,       \
		        "ELF", "an ELF file"                                                       \
	}
#define TRC_OPT_TRACE_OPERAND(to)                                                                  \
	{                                                                                          \
		TRC_OPT_OPERAND, NULL, 0, NULL, (to), NULL, 0, NULL, TRC_OPT_REQUIRED, NULL,       \
		        "TRACE", "a trace file"                                                    \
	}

/* The rows the commands that read a trace share (report, hist, export,
 * html): --thread N, --exe PATH (with the short help; report says more
 * with a row of its own) and the GLOB operands after the trace, into the
 * list and count at list and count (capacity max). An operands row has no
 * help line (trc_opt_help() lists options only). */
#define TRC_OPT_THREAD(to)                                                                         \
	{                                                                                          \
		TRC_OPT_ID, "thread", 0, NULL, (to), NULL, 0, NULL, 0, NULL, "N",                  \
		        "only the thread with tid or slot index N"                                 \
	}
#define TRC_OPT_EXE(to)                                                                            \
	{                                                                                          \
		TRC_OPT_STR, "exe", 0, NULL, (to), NULL, 0, NULL, 0, NULL, "PATH",                 \
		        "the traced executable, when it moved"                                     \
	}
#define TRC_OPT_GLOB_OPERANDS(list, count, max)                                                    \
	{                                                                                          \
		TRC_OPT_OPERANDS, NULL, 0, NULL, (list), (count), (max), NULL, 0, NULL, "GLOB",    \
		        "function name filters"                                                    \
	}

/* The row that ends every table. */
#define TRC_OPT_TABLE_END                                                                          \
	{                                                                                          \
		TRC_OPT_END, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL               \
	}

/* The width a text report fits in: the terminal's when stdout is one wider
 * than 100 columns and no -o FILE is given, else 100. */
unsigned trc_out_width(const struct trc_out_opts *o);

#endif /* TRC_OPT_H */
