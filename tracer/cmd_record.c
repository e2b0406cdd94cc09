/*
 * tracer/cmd_record.c - `latch-trace record [-o FILE] -- PROG ARGS...`:
 * runs an instrumented program with tracing on (LATCH_TRACE=FILE and the
 * other LATCH_* variables of docs/trace-format.md), then opens the trace it
 * wrote and says where it went, how many events it holds and how many were
 * lost.
 *
 * Exit status: 0 a trace was recorded (whatever the program's own status,
 * which is printed when not 0); 2 usage error, the program could not be run,
 * or it wrote no readable trace (not linked with latch_rt?).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cmd.h"
#include "trace.h"
#include "report/units.h"

#define DEFAULT_TRACE "latch.trace"

static void print_help(FILE *f)
{
	fprintf(f, "usage: latch-trace record [options] -- PROG [ARGS...]\n\n"
	           "Runs PROG (built with -finstrument-functions and linked with latch_rt)\n"
	           "with tracing on, then prints where the trace went, how many events it\n"
	           "holds and how many were lost.\n\n"
	           "options:\n"
	           "  -o FILE         the trace file (default " DEFAULT_TRACE ")\n"
	           "  --buf-mb N      size of the trace buffer in MiB (LATCH_BUF_MB)\n"
	           "  --chunk-kb N    chunk size in KiB (LATCH_CHUNK_KB)\n"
	           "  --mode MODE     stop (keep the first events), ring (keep the last) or\n"
	           "                  summary (per-function tables only) (LATCH_MODE)\n");
}

static int run(char **argv, int *status)
{
	pid_t pid = fork();

	if (pid < 0) {
		trc_fail("cannot start '%s': %s", argv[0], strerror(errno));
		return -1;
	}
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "latch-trace: error: cannot run '%s': %s\n", argv[0],
		        strerror(errno));
		_exit(127);
	}
	while (waitpid(pid, status, 0) < 0) {
		if (errno != EINTR) {
			trc_fail("waiting for '%s': %s", argv[0], strerror(errno));
			return -1;
		}
	}
	if (WIFEXITED(*status) && WEXITSTATUS(*status) == 127)
		return -1; /* the child printed why */
	return 0;
}

int trc_cmd_record(int argc, char **argv, const struct trc_opts *opts)
{
	const char *path = DEFAULT_TRACE;
	struct lc_trace *t = NULL;
	struct lc_err err = {0};
	uint64_t records = 0;
	size_t i, nthreads, nproblems;
	int a, status = 0, rc = 2;

	(void)opts;
	/* Options come in pairs (name, value), so the index steps by two. */
	for (a = 1; a < argc; a += 2) {
		const char *v = a + 1 < argc ? argv[a + 1] : NULL;

		if (strcmp(argv[a], "--") == 0) {
			a++;
			break;
		}
		if (strcmp(argv[a], "--help") == 0 || strcmp(argv[a], "-h") == 0) {
			print_help(stdout);
			return 0;
		}
		if (argv[a][0] != '-')
			break; /* the program, without "--" */
		if (v == NULL) {
			trc_fail("option '%s' needs a value (see latch-trace record --help)",
			         argv[a]);
			return 2;
		}
		if (strcmp(argv[a], "-o") == 0 || strcmp(argv[a], "--output") == 0)
			path = v;
		else if (strcmp(argv[a], "--buf-mb") == 0)
			setenv("LATCH_BUF_MB", v, 1);
		else if (strcmp(argv[a], "--chunk-kb") == 0)
			setenv("LATCH_CHUNK_KB", v, 1);
		else if (strcmp(argv[a], "--mode") == 0)
			setenv("LATCH_MODE", v, 1);
		else {
			trc_fail("unknown option '%s' (see latch-trace record --help)", argv[a]);
			return 2;
		}
	}
	if (a >= argc) {
		trc_fail("record needs a program to run: latch-trace record [-o FILE] -- PROG "
		         "ARGS...");
		return 2;
	}
	/* A stale trace from an earlier run must not pass for this one. */
	if (unlink(path) != 0 && errno != ENOENT) {
		trc_fail("cannot replace '%s': %s", path, strerror(errno));
		return 2;
	}
	setenv("LATCH_TRACE", path, 1);
	if (run(argv + a, &status) < 0)
		return 2;
	if (access(path, F_OK) != 0) {
		trc_fail("'%s' wrote no trace to '%s': is it built with -finstrument-functions and "
		         "linked "
		         "with latch_rt?",
		         argv[a], path);
		return 2;
	}
	/* A program that did not stop cleanly (killed, crashed, _exit) left its
	 * file at the full buffer size: cut it to the chunks in use. */
	{
		struct lc_trace_trim_result tr;

		if (lc_trace_trim(&tr, path, 0, &err) < 0) {
			fprintf(stderr, "latch-trace: warning: %s\n", err.msg);
			memset(&err, 0, sizeof(err));
		} else if (!tr.already) {
			printf("trimmed: %s from %" PRIu64 " to %" PRIu64
			       " bytes (the program did not "
			       "stop cleanly)\n",
			       path, tr.size_before, tr.size_after);
		}
	}
	if (lc_trace_open(&t, path, &err) < 0) {
		trc_fail("%s: %s", path, err.msg);
		goto out;
	}
	nthreads = lc_trace_thread_count(t);
	for (i = 0; i < nthreads; i++)
		records += lc_trace_thread(t, i)->records;
	printf("trace: %s\n", path);
	if (lc_trace_header(t)->mode == LC_TRACE_MODE_SUMMARY)
		printf("functions: %zu (summary mode: per-function tables, no events)\n",
		       lc_trace_summary_count(t));
	else
		printf("events: %" PRIu64 " in %zu thread%s\n", records, nthreads,
		       nthreads == 1 ? "" : "s");
	printf("lost events: %" PRIu64 "%s\n", lc_trace_header(t)->lost_total,
	       lc_trace_header(t)->lost_total ? " (buffer full: raise --buf-mb or use --mode ring)"
	                                      : "");
	nproblems = lc_trace_problem_count(t);
	for (i = 0; i < nproblems; i++) {
		const struct lc_trace_problem *p = lc_trace_problem(t, i);

		fprintf(stderr, "latch-trace: warning: %s: offset %" PRIu64 ": %s\n", path,
		        p->offset, p->msg);
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		printf("note: '%s' exited with status %d\n", argv[a], WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("note: '%s' was killed by signal %d (%s); the trace keeps what was "
		       "written\n",
		       argv[a], WTERMSIG(status), strsignal(WTERMSIG(status)));
	rc = 0;
out:
	lc_trace_close(t);
	return rc;
}
