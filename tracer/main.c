/*
 * tracer/main.c - latch-trace: global options and the subcommand table.
 *
 * All logic lives in trc_core; this file only finds the subcommand and
 * hands it the rest of the command line. A new subcommand is one new file
 * (cmd_<name>.c) plus one row in trc_cmds[].
 */
#include "cmd.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const struct trc_cmd trc_cmds[] = {
        /* rows: { "name", trc_cmd_name, "summary" }, in the order --help lists them */
        {"record", trc_cmd_record, "Run an instrumented program with tracing on"},
        {"report", trc_cmd_report, "Per-function WCET table, checked against budgets"},
        {"hist", trc_cmd_hist, "Latency histograms per function; period and jitter"},
        {"memmap", trc_cmd_memmap, "Flash and RAM per section, symbol and compile unit"},
        {"stack", trc_cmd_stack, "Static worst-case stack depth from each root"},
        {"export", trc_cmd_export, "Chrome trace JSON or folded stacks for other tools"},
        {"repair", trc_cmd_repair, "Cut a crashed run's trace to the chunks in use"},
        {"html", trc_cmd_html, "One self-contained HTML page of timing, memory and stack"},
};

static void print_help(FILE *f)
{
	size_t i;

	fprintf(f, "usage: latch-trace [--color=auto|always|never] <command> [options]\n\n"
	           "Reads latch traces and ELF/DWARF binaries; writes WCET, histogram,\n"
	           "memory-map and stack reports; fails the build when a budget breaks.\n\n"
	           "commands:\n");
	for (i = 0; i < sizeof(trc_cmds) / sizeof(trc_cmds[0]); i++)
		fprintf(f, "  %-8s %s\n", trc_cmds[i].name, trc_cmds[i].summary);
	fprintf(f, "\n'latch-trace <command> --help' describes one command.\n"
	           "exit status: 0 all budgets met, 1 a budget broken, 2 usage error or\n"
	           "the report could not be made (unreadable trace, corrupt ELF, ...).\n");
}

int main(int argc, char **argv)
{
	struct trc_opts opts = {"latch-trace", 0, NULL, NULL};
	const char *color = "auto";
	int i = 1;
	size_t c;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return 0;
		} else if (strcmp(argv[i], "--version") == 0) {
			printf("latch-trace %s\n", LATCH_VERSION);
			return 0;
		} else if (strncmp(argv[i], "--color=", 8) == 0) {
			color = argv[i] + 8;
		} else {
			trc_fail("unknown option '%s' (see latch-trace --help)", argv[i]);
			return 2;
		}
	}
	if (strcmp(color, "always") == 0)
		opts.color = 1;
	else if (strcmp(color, "auto") == 0)
		opts.color = isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	else if (strcmp(color, "never") != 0) {
		trc_fail("--color takes auto, always or never, not '%s'", color);
		return 2;
	}
	if (i >= argc) {
		print_help(stderr);
		return 2;
	}
	for (c = 0; c < sizeof(trc_cmds) / sizeof(trc_cmds[0]); c++)
		if (strcmp(argv[i], trc_cmds[c].name) == 0)
			return trc_cmds[c].fn(argc - i, argv + i, &opts);
	trc_fail("unknown command '%s' (see latch-trace --help)", argv[i]);
	return 2;
}
