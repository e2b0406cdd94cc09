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
#include "trace/qemu.h"

#define DEFAULT_TRACE "latch.trace"

struct record_opts {
	const char *path;
	const char *buf_mb, *chunk_kb, *mode; /* passed on as LATCH_* variables */
	char **prog;                          /* the program and its arguments */
	size_t nprog;
	const char *machine; /* --qemu: a Cortex-M image under qemu-system-arm */
	size_t timeout;      /* --timeout S of a --qemu run (0: the default) */
};

/* The command line: one table, the help generated from it (report/opt.h). */
static int parse_args(struct record_opts *o, int argc, char **argv, int *exit_status)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_STR, "output", 'o', NULL, &o->path, NULL, 0, NULL, 0, NULL, "FILE",
	         "the trace file (default " DEFAULT_TRACE ")"},
	        {TRC_OPT_STR, "buf-mb", 0, NULL, &o->buf_mb, NULL, 0, NULL, 0, NULL, "N",
	         "size of the trace buffer in MiB (LATCH_BUF_MB)"},
	        {TRC_OPT_STR, "chunk-kb", 0, NULL, &o->chunk_kb, NULL, 0, NULL, 0, NULL, "N",
	         "chunk size in KiB (LATCH_CHUNK_KB)"},
	        {TRC_OPT_STR, "mode", 0, NULL, &o->mode, NULL, 0, NULL, 0, NULL, "MODE",
	         "stop (keep the first events), ring (keep the last) or\n"
	         "summary (per-function tables only) (LATCH_MODE)"},
	        {TRC_OPT_STR, "qemu", 0, NULL, &o->machine, NULL, 0, NULL, 0, NULL, "MACHINE",
	         "run PROG, a Cortex-M image, under qemu-system-arm -M MACHINE\n"
	         "with deterministic time (docs/target.md); exits with the\n"
	         "firmware's status"},
	        {TRC_OPT_COUNT, "timeout", 0, NULL, &o->timeout, NULL, 0, NULL, 0, NULL, "S",
	         "wall-clock limit of a --qemu run in seconds (default 300)"},
	        {TRC_OPT_REST, NULL, 0, NULL, &o->prog, &o->nprog, 0, NULL, TRC_OPT_REQUIRED, NULL,
	         "PROG", "a program to run"},
	        TRC_OPT_TABLE_END};
	const struct trc_cmd_spec spec = {
	        "record", "record [options] -- PROG [ARGS...]",
	        "Runs PROG (built with -finstrument-functions and linked with latch_rt)\n"
	        "with tracing on, then prints where the trace went, how many events it\n"
	        "holds and how many were lost.",
	        opts,
	        "exit status: 0 recorded, 2 usage error, PROG could not run or wrote no\n"
	        "trace.\n"};

	return trc_cmd_args(&spec, argc, argv, exit_status);
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
	struct record_opts o = {DEFAULT_TRACE, NULL, NULL, NULL, NULL, 0, NULL, 0};
	const char *path;
	struct lc_trace *t = NULL;
	struct lc_err err = {0};
	uint64_t records = 0;
	size_t i, nthreads, nproblems;
	int status = 0, rc = LC_EXIT_ERROR;

	(void)opts;
	if (parse_args(&o, argc, argv, &rc) != 0)
		return rc;
	path = o.path;
	if (o.buf_mb != NULL)
		setenv("LATCH_BUF_MB", o.buf_mb, 1);
	if (o.chunk_kb != NULL)
		setenv("LATCH_CHUNK_KB", o.chunk_kb, 1);
	if (o.mode != NULL)
		setenv("LATCH_MODE", o.mode, 1);
	if (o.timeout > 0 && o.machine == NULL) {
		trc_fail("record: --timeout applies to --qemu runs only");
		return LC_EXIT_ERROR;
	}
	if (o.machine != NULL) {
		struct trc_qemu_run q = {o.machine, o.prog[0],           o.prog + 1,
		                         path,      (unsigned)o.timeout, NULL};

		if (trc_qemu_record(&q, &status, &err) < 0) {
			trc_fail("%s", err.msg);
			return LC_EXIT_ERROR;
		}
		goto read;
	}
	/* A stale trace from an earlier run must not pass for this one. */
	if (unlink(path) != 0 && errno != ENOENT) {
		trc_fail("cannot replace '%s': %s", path, strerror(errno));
		return LC_EXIT_ERROR;
	}
	setenv("LATCH_TRACE", path, 1);
	if (run(o.prog, &status) < 0)
		return LC_EXIT_ERROR;
	if (access(path, F_OK) != 0) {
		trc_fail("'%s' wrote no trace to '%s': is it built with -finstrument-functions and "
		         "linked "
		         "with latch_rt?",
		         o.prog[0], path);
		return LC_EXIT_ERROR;
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
read:
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
	trc_qemu_describe(stdout, t);
	nproblems = lc_trace_problem_count(t);
	for (i = 0; i < nproblems; i++) {
		const struct lc_trace_problem *p = lc_trace_problem(t, i);

		fprintf(stderr, "latch-trace: warning: %s: offset %" PRIu64 ": %s\n", path,
		        p->offset, p->msg);
	}
	if (o.machine != NULL) {
		if (status != 0)
			printf("note: '%s' exited with status %d\n", o.prog[0], status);
		rc = status; /* the firmware's own status */
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) != 0)
		printf("note: '%s' exited with status %d\n", o.prog[0], WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		printf("note: '%s' was killed by signal %d (%s); the trace keeps what was "
		       "written\n",
		       o.prog[0], WTERMSIG(status), strsignal(WTERMSIG(status)));
	rc = LC_EXIT_CLEAN;
out:
	lc_trace_close(t);
	return rc;
}
