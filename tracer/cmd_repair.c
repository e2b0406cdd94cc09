/*
 * tracer/cmd_repair.c - `latch-trace repair [--force] FILE...`: cuts the
 * trace of a crashed run to its header, tables and the chunks in use, as the
 * runtime does itself at a clean stop (docs/trace-format.md, "Trim").
 *
 * The reader already reads only the claimed chunks of an uncut file; this
 * gives the disk space back. A file whose writer still runs (it holds the
 * file's lock) is refused unless --force: cutting a live trace would kill
 * the program that writes it.
 *
 * Exit status: 0 every file cut or already cut; 2 usage error, or a file
 * that is not a latch trace or could not be cut.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "trace.h"

static void print_help(FILE *f)
{
	fprintf(f, "usage: latch-trace repair [--force] FILE...\n\n"
	           "Cuts the trace of a crashed or killed run to the chunks in use, as a\n"
	           "clean stop does, and marks it trimmed. Reading needs no repair: the\n"
	           "reader reads only the claimed chunks; this gives the space back.\n\n"
	           "options:\n"
	           "  --force   cut even when the file's writer seems alive (its lock is held)\n");
}

int trc_cmd_repair(int argc, char **argv, const struct trc_opts *opts)
{
	int a, force = 0, nfiles = 0, rc = 0;

	(void)opts;
	for (a = 1; a < argc; a++) {
		if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
			print_help(stdout);
			return 0;
		}
		if (strcmp(argv[a], "--force") == 0) {
			force = 1;
		} else if (strcmp(argv[a], "--") == 0) {
			break;
		} else if (argv[a][0] == '-') {
			trc_fail("unknown option '%s' (see latch-trace repair --help)", argv[a]);
			return 2;
		}
	}
	for (a = 1; a < argc; a++) {
		struct lc_trace_trim_result r;
		struct lc_err err = {0};

		if (argv[a][0] == '-' && strcmp(argv[a], "--") != 0)
			continue;
		if (strcmp(argv[a], "--") == 0)
			continue;
		nfiles++;
		if (lc_trace_trim(&r, argv[a], force, &err) < 0) {
			trc_fail("%s", err.msg);
			rc = 2;
			continue;
		}
		if (r.already)
			printf("%s: nothing to cut (%" PRIu64 " bytes)\n", argv[a], r.size_before);
		else
			printf("%s: cut from %" PRIu64 " to %" PRIu64 " bytes (%u of %u chunks in "
			       "use)\n",
			       argv[a], r.size_before, r.size_after, r.chunks_used, r.chunk_count);
	}
	if (nfiles == 0) {
		trc_fail("repair needs a trace file: latch-trace repair [--force] FILE...");
		return 2;
	}
	return rc;
}
