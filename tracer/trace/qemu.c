/*
 * tracer/trace/qemu.c - `record --qemu`: run a Cortex-M image under
 * qemu-system-arm with deterministic time and collect the trace its runtime
 * (runtime/cortexm) writes by semihosting (see qemu.h, docs/target.md).
 *
 * QEMU resolves a semihosting file name against its own working directory,
 * so it runs in a fresh directory next to the output: concurrent runs never
 * meet, and the trace is moved into place with one rename(). The image path
 * is made absolute first, and written into the trace's header, so the
 * report finds the ELF (and checks its build-id) without --exe.
 */
#define _GNU_SOURCE
#include "trace/qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rtm_format.h"

#define SH_TRACE  "latch.trace" /* the runtime's default semihosting file */
#define MAX_ARGS  64
#define OPT_BYTES 8192

/* Appends s to the QEMU option being built in buf, doubling commas (QEMU's
 * escape inside an option value). Returns 0 or -1 when it does not fit. */
static int opt_cat(char *buf, size_t cap, size_t *len, const char *s, int escape)
{
	for (; *s != '\0'; s++) {
		size_t need = escape && *s == ',' ? 2 : 1;

		if (*len + need >= cap)
			return -1;
		buf[(*len)++] = *s;
		if (need == 2)
			buf[(*len)++] = ',';
	}
	buf[*len] = '\0';
	return 0;
}

/* The -semihosting-config value: console on chardev latch0, the image name
 * and args as the command line. */
static int semihosting_opt(char *buf, size_t cap, const char *elf, char *const *args,
                           struct lc_err *err)
{
	size_t len = 0, i;
	int rc = opt_cat(buf, cap, &len, "enable=on,target=native,chardev=latch0,arg=", 0);

	rc |= opt_cat(buf, cap, &len, elf, 1);
	for (i = 0; rc == 0 && args[i] != NULL; i++) {
		if (args[i][0] == '\0' || strpbrk(args[i], " \t\n") != NULL)
			return lc_err_set(err, LC_EUSAGE,
			                  "firmware argument '%s' is empty or holds a space: the "
			                  "semihosting command line is split at spaces",
			                  args[i]);
		rc |= opt_cat(buf, cap, &len, ",arg=", 0);
		rc |= opt_cat(buf, cap, &len, args[i], 1);
	}
	if (rc != 0)
		return lc_err_set(err, LC_EUSAGE, "the firmware's command line is over %zu bytes",
		                  cap);
	return 0;
}

/* Waits for pid at most timeout_s seconds; kills it after that. */
static int wait_limited(pid_t pid, unsigned timeout_s, int *status, struct lc_err *err)
{
	struct timespec start, now, nap = {0, 10 * 1000 * 1000};
	pid_t got;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		got = waitpid(pid, status, WNOHANG);
		if (got == pid)
			return 0;
		if (got < 0 && errno != EINTR)
			return lc_err_set(err, LC_EIO, "waiting for qemu: %s", strerror(errno));
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec >= (time_t)timeout_s) {
			kill(pid, SIGKILL);
			while (waitpid(pid, status, 0) < 0 && errno == EINTR)
				;
			return lc_err_set(
			        err, LC_EIO,
			        "the firmware did not finish within %u s of wall-clock time "
			        "(raise --timeout, or check that it exits by semihosting)",
			        timeout_s);
		}
		nanosleep(&nap, NULL);
	}
}

/* Writes the absolute image path into the header and module entry 0. */
static int put_exe(const char *trace, const char *elf, struct lc_err *err)
{
	char path[RTM_MOD_PATH_MAX];
	uint8_t b[8];
	uint64_t mod_off = 0;
	int fd = open(trace, O_RDWR | O_CLOEXEC), rc = 0, i;

	if (fd < 0)
		return lc_err_set(err, LC_EIO, "cannot open '%s': %s", trace, strerror(errno));
	memset(path, 0, sizeof(path));
	if (strlen(elf) >= sizeof(path)) {
		rc = lc_err_set(err, LC_EUSAGE, "the image's path '%s' is over %zu bytes", elf,
		                sizeof(path) - 1);
		goto out;
	}
	memcpy(path, elf, strlen(elf));
	if (pread(fd, b, 8, RTM_H_MODULE_OFF) != 8) {
		rc = lc_err_set(err, LC_EIO,
		                "%s: the firmware wrote a trace shorter than its header", trace);
		goto out;
	}
	for (i = 7; i >= 0; i--)
		mod_off = mod_off << 8 | b[i];
	if (pwrite(fd, path, sizeof(path), RTM_H_EXE_PATH) != (ssize_t)sizeof(path) ||
	    (mod_off >= RTM_HDR_SIZE && mod_off < (uint64_t)1 << 32 &&
	     pwrite(fd, path, sizeof(path), (off_t)(mod_off + RTM_M_PATH)) !=
	             (ssize_t)sizeof(path)))
		rc = lc_err_set(err, LC_EIO, "cannot write '%s': %s", trace, strerror(errno));
out:
	close(fd);
	return rc;
}

/*
 * The child's side of the fork: runs qemu in dir. When it cannot, it writes
 * why to fd (the write end of a close-on-exec pipe, so the parent reads
 * nothing when exec succeeds) and exits 127: the parent puts the message
 * into its lc_err, and the command prints it (library code prints nothing).
 */
static void exec_qemu(const struct trc_qemu_run *r, const char *dir, const char *elf,
                      const char *shopt, int fd)
{
	char why[PATH_MAX + 256];
	const char *qemu = r->qemu ? r->qemu : getenv("LATCH_QEMU");
	char icount[64];
	const char *argv[] = {NULL,
	                      "-M",
	                      r->machine,
	                      "-nographic",
	                      "-monitor",
	                      "none",
	                      "-serial",
	                      "none",
	                      "-icount",
	                      icount,
	                      "-chardev",
	                      "stdio,id=latch0",
	                      "-semihosting-config",
	                      shopt,
	                      "-kernel",
	                      elf,
	                      NULL};

	if (qemu == NULL || qemu[0] == '\0')
		qemu = "qemu-system-arm";
	argv[0] = qemu;
	snprintf(icount, sizeof(icount), "shift=%d,sleep=off", TRC_QEMU_SHIFT);
	if (chdir(dir) != 0) {
		snprintf(why, sizeof(why), "cannot enter '%s': %s", dir, strerror(errno));
	} else {
		execvp(qemu, (char *const *)argv);
		snprintf(why, sizeof(why),
		         "cannot run '%s': %s (Debian package qemu-system-arm; "
		         "scripts/deps.sh installs it)",
		         qemu, strerror(errno));
	}
	if (write(fd, why, strlen(why)) < 0)
		why[0] = '\0'; /* the parent then says only that qemu could not run */
	_exit(127);
}

/* What the child wrote to fd before exec or exit, into why (n bytes). */
static void read_why(int fd, char *why, size_t n)
{
	size_t k = 0;
	ssize_t got;

	while (k + 1 < n &&
	       ((got = read(fd, why + k, n - 1 - k)) > 0 || (got < 0 && errno == EINTR)))
		k += got > 0 ? (size_t)got : 0;
	why[k] = '\0';
}

int trc_qemu_record(const struct trc_qemu_run *r, int *fw_status, struct lc_err *err)
{
	char elf[PATH_MAX], dir[PATH_MAX], shtrace[PATH_MAX + 16], outcopy[PATH_MAX];
	char why[PATH_MAX + 256];
	int pfd[2] = {-1, -1};
	char *shopt = NULL;
	int have_dir = 0, status = 0, rc;
	unsigned timeout = r->timeout_s ? r->timeout_s : TRC_QEMU_TIMEOUT_S;
	pid_t pid;

	*fw_status = 0;
	if (realpath(r->elf, elf) == NULL) {
		rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", r->elf, strerror(errno));
		goto out;
	}
	shopt = malloc(OPT_BYTES);
	if (shopt == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	rc = semihosting_opt(shopt, OPT_BYTES, elf, r->args, err);
	if (rc < 0)
		goto out;
	snprintf(outcopy, sizeof(outcopy), "%s", r->out);
	if (snprintf(dir, sizeof(dir), "%s/.latch-qemu.XXXXXX", dirname(outcopy)) >=
	            (int)sizeof(dir) ||
	    mkdtemp(dir) == NULL) {
		rc = lc_err_set(err, LC_EIO, "cannot make a directory next to '%s': %s", r->out,
		                strerror(errno));
		goto out;
	}
	have_dir = 1;
	snprintf(shtrace, sizeof(shtrace), "%s/" SH_TRACE, dir);
	/* A stale trace from an earlier run must not pass for this one. */
	if (unlink(r->out) != 0 && errno != ENOENT) {
		rc = lc_err_set(err, LC_EIO, "cannot replace '%s': %s", r->out, strerror(errno));
		goto out;
	}
	fflush(NULL);
	if (pipe2(pfd, O_CLOEXEC) != 0) {
		rc = lc_err_set(err, LC_EIO, "cannot start qemu: %s", strerror(errno));
		goto out;
	}
	pid = fork();
	if (pid < 0) {
		rc = lc_err_set(err, LC_EIO, "cannot start qemu: %s", strerror(errno));
		goto out;
	}
	if (pid == 0) {
		close(pfd[0]);
		exec_qemu(r, dir, elf, shopt, pfd[1]);
	}
	close(pfd[1]);
	pfd[1] = -1;
	read_why(pfd[0], why, sizeof(why)); /* returns at the exec, or the child's exit */
	rc = wait_limited(pid, timeout, &status, err);
	if (rc < 0)
		goto out;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		rc = why[0] != '\0'
		             ? lc_err_set(err, LC_EIO, "%s", why)
		             : lc_err_set(err, LC_EIO, "qemu could not be run (exit status 127)");
		goto out;
	}
	if (WIFSIGNALED(status)) {
		rc = lc_err_set(err, LC_EIO, "qemu was killed by signal %d", WTERMSIG(status));
		goto out;
	}
	*fw_status = WEXITSTATUS(status);
	if (access(shtrace, F_OK) != 0) {
		rc = lc_err_set(
		        err, LC_EIO,
		        "'%s' wrote no trace under qemu -M %s (exit status %d): is it built "
		        "with -finstrument-functions, linked with runtime/cortexm, and does "
		        "it call latch_rt_cm_start() with semihost = 1?",
		        r->elf, r->machine, *fw_status);
		goto out;
	}
	rc = put_exe(shtrace, elf, err);
	if (rc < 0)
		goto out;
	if (rename(shtrace, r->out) != 0) {
		rc = lc_err_set(err, LC_EIO, "cannot move the trace to '%s': %s", r->out,
		                strerror(errno));
		goto out;
	}
out:
	if (pfd[0] >= 0)
		close(pfd[0]);
	if (pfd[1] >= 0)
		close(pfd[1]);
	if (have_dir) {
		unlink(shtrace);
		rmdir(dir); /* left in place when the firmware wrote other files */
	}
	free(shopt);
	return rc;
}

void trc_qemu_describe(FILE *f, const struct lc_trace *t)
{
	const struct lc_trace_header *h = lc_trace_header(t);

	if (h->tgt_arch == 0)
		return;
	fprintf(f, "clock: %s at %" PRIu64 " Hz (core %u Hz), hook pair %" PRIu64 " ticks\n",
	        lc_trace_clock_name(h->clock), h->tick_hz, h->cpu_hz, h->hook_cost_ticks);
	if (h->tgt_flags & LC_TRACE_TGT_FAULT)
		fprintf(f,
		        "hard fault: pc 0x%08x lr 0x%08x cfsr 0x%08x hfsr 0x%08x (the trace ends "
		        "there)\n",
		        h->fault_pc, h->fault_lr, h->fault_cfsr, h->fault_hfsr);
}
