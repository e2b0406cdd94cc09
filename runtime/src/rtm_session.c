/*
 * runtime/src/rtm_session.c - a session's trace file: creation, the header,
 * the clock calibration, and the clean stop.
 */
#define _GNU_SOURCE
#include "rtm.h"

#include "rtm_hist.h"

#include <latch/annotate.h>

#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

RTM_NOTRACE uint64_t rtm_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

RTM_NOTRACE static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* One (ticks, ns) pair: the best of RTM_CAL_SAMPLES (mono, ticks, mono)
 * readings, the one with the smallest bracket, so that a pre-emption or an
 * interrupt inside one reading does not move the slope. */
#define RTM_CAL_SAMPLES 16u

RTM_NOTRACE static void calibrate_pair(enum rtm_clock c, uint64_t *ticks, uint64_t *ns)
{
	uint64_t best = UINT64_MAX;
	unsigned i;

	LATCH_LOOP_BOUND(RTM_CAL_SAMPLES);
	for (i = 0; i < RTM_CAL_SAMPLES; i++) {
		uint64_t a = rtm_mono_ns();
		uint64_t t = rtm_ticks_of(c);
		uint64_t b = rtm_mono_ns();

		if (b - a < best) {
			best = b - a;
			*ticks = t;
			*ns = a + (b - a) / 2u;
		}
	}
}

RTM_NOTRACE static void put_calibration(struct rtm_state *st, uint64_t t1, uint64_t n1)
{
	uint64_t dt = t1 - st->tick_ref, dn = n1 - st->ns_ref;
	uint64_t mult, hz;

	if (st->clock == RTM_CLOCK_MONO_RAW || dt == 0 || dn == 0) {
		mult = 1ull << 32;
		hz = 1000000000u;
	} else {
		mult = (uint64_t)(((unsigned __int128)dn << 32) / dt);
		hz = (uint64_t)(((unsigned __int128)dt * 1000000000u) / dn);
	}
	rtm_put64(st->map + RTM_H_TICK_HZ, hz);
	rtm_put64(st->map + RTM_H_NS_MULT, mult);
	rtm_put64(st->map + RTM_H_TICK_REF, st->tick_ref);
	rtm_put64(st->map + RTM_H_NS_REF, st->ns_ref);
}

RTM_NOTRACE void rtm_calibrate_update(struct rtm_state *st)
{
	uint64_t t1, n1;

	if (st->map == NULL)
		return;
	calibrate_pair(st->clock, &t1, &n1);
	if (n1 - st->ns_ref < 100000000u)
		return;
	put_calibration(st, t1, n1);
}

RTM_NOTRACE uint64_t rtm_hook_cost(enum rtm_clock c)
{
	uint64_t buf[(RTM_CHUNK_HDR + 64 * RTM_REC_SIZE) / 8];
	struct rtm_thread t;
	uint64_t best = UINT64_MAX;
	unsigned trial, i;

	memset(&t, 0, sizeof(t));
	t.recs = (uint8_t *)buf + RTM_CHUNK_HDR;
	/* The same work as the two hooks' fast path, in a scratch buffer. */
	for (trial = 0; trial < 64; trial++) {
		uint64_t t0 = rtm_ticks_of(c), t1;

		t.n = 0;
		for (i = 0; i < 32; i++) {
			uint64_t sp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
			uint32_t d = rtm_stack_units(sp + 256, sp);

			rtm_rec_put(&t, rtm_ticks_of(c), ((uint64_t)d << RTM_STACK_SHIFT) | i);
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
			rtm_rec_put(&t, rtm_ticks_of(c),
			            ((uint64_t)d << RTM_STACK_SHIFT) |
			                    ((uint64_t)RTM_K_EXIT << RTM_KIND_SHIFT) | i);
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
		}
		t1 = rtm_ticks_of(c);
		if ((t1 - t0) / 32u < best)
			best = (t1 - t0) / 32u;
	}
	return best;
}

/* ---- steal time: /proc/stat at start and at the clean stop ---- */

/* The steal time of the "cpu" line (its 8th number, in USER_HZ ticks), in
 * ns. 0 or -1. */
RTM_NOTRACE static int steal_read(int fd, uint64_t *out)
{
	char buf[256];
	ssize_t n;
	size_t i = 3, field;
	uint64_t v = 0;
	long hz;

	// latch: allow(blocking-call) -- procfs never blocks; at start and stop only
	n = pread(fd, buf, sizeof(buf), 0);
	if (n < 5 || memcmp(buf, "cpu ", 4) != 0)
		return -1;
	LATCH_LOOP_BOUND(8);
	for (field = 0; field < 8; field++) {
		size_t digits = 0;

		LATCH_LOOP_BOUND(256);
		while (i < (size_t)n && buf[i] == ' ')
			i++;
		v = 0;
		LATCH_LOOP_BOUND(256);
		while (i < (size_t)n && buf[i] >= '0' && buf[i] <= '9' && digits < 20) {
			v = v * 10u + (uint64_t)(buf[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0 || i >= (size_t)n || (buf[i] != ' ' && buf[i] != '\n'))
			return -1;
	}
	// latch: allow(unknown-callee) -- at start and stop only
	hz = sysconf(_SC_CLK_TCK);
	if (hz <= 0)
		return -1;
	*out = v * (1000000000u / (uint64_t)hz);
	return 0;
}

/* Opens /proc/stat and records the start's steal time (RTM_F_STEAL); when
 * it cannot be read the flag stays clear and nothing else changes. */
RTM_NOTRACE static void steal_start(struct rtm_state *st)
{
	uint64_t ns;
	long ncpu;
	// latch: allow(blocking-call) -- procfs never blocks; start-up only
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (steal_read(fd, &ns) < 0) {
		close(fd);
		return;
	}
	// latch: allow(unknown-callee) -- start-up only
	ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	st->stat_fd = fd + 1;
	rtm_put64(st->map + RTM_H_STEAL0, ns);
	rtm_put32(st->map + RTM_H_NCPUS, ncpu > 0 ? (uint32_t)ncpu : 0u);
	__atomic_fetch_or(RTM_A32(st->map + RTM_H_FLAGS), RTM_F_STEAL, __ATOMIC_RELAXED);
}

/* The stop's steal time (RTM_F_STEAL_END); closes /proc/stat. */
RTM_NOTRACE static void steal_stop(struct rtm_state *st)
{
	uint64_t ns;

	if (st->stat_fd == 0)
		return;
	if (steal_read(st->stat_fd - 1, &ns) == 0) {
		rtm_put64(st->map + RTM_H_STEAL1, ns);
		__atomic_fetch_or(RTM_A32(st->map + RTM_H_FLAGS), RTM_F_STEAL_END,
		                  __ATOMIC_RELAXED);
	}
	close(st->stat_fd - 1);
	st->stat_fd = 0;
}

/* The fixed part of the header, built in a page of memory and written with
 * write(2) before anything else: from then on, whatever kills the program,
 * the file says what it is, which version, and (STARTING) that start-up did
 * not complete. write(2) reports a full filesystem as an error; a store into
 * a mapped page that has no block behind it would be a SIGBUS. */
RTM_NOTRACE static void header_fill(uint8_t *h, const struct rtm_state *st, uint64_t module_off,
                                    uint64_t thread_off, uint64_t summary_off, uint64_t chunk_off,
                                    uint64_t size)
{
	ssize_t n;

	memset(h, 0, RTM_HDR_SIZE);
	memcpy(h + RTM_H_MAGIC, RTM_MAGIC, 8);
	rtm_put32(h + RTM_H_VERSION, RTM_VERSION);
	rtm_put32(h + RTM_H_ENDIAN, RTM_ENDIAN_MARK);
	rtm_put32(h + RTM_H_HEADER_SIZE, RTM_HDR_SIZE);
	rtm_put32(h + RTM_H_FLAGS, RTM_F_STARTING);
	rtm_put32(h + RTM_H_CLOCK, (uint32_t)st->clock);
	rtm_put32(h + RTM_H_MODE, (uint32_t)st->mode);
	rtm_put64(h + RTM_H_NS_MULT, 1ull << 32); /* until calibrated */
	rtm_put64(h + RTM_H_TICK_HZ, 1000000000u);
	rtm_put64(h + RTM_H_START_REALTIME, realtime_ns());
	rtm_put32(h + RTM_H_PID, (uint32_t)getpid());
	rtm_put32(h + RTM_H_PPID, (uint32_t)getppid());
	rtm_put32(h + RTM_H_CHUNK_SIZE, st->chunk_size);
	rtm_put32(h + RTM_H_CHUNK_COUNT, st->chunk_count);
	rtm_put64(h + RTM_H_MODULE_OFF, module_off);
	rtm_put32(h + RTM_H_MODULE_CAP, RTM_MODULE_CAP);
	rtm_put32(h + RTM_H_MODULE_ESIZE, RTM_MOD_ESIZE);
	rtm_put64(h + RTM_H_THREAD_OFF, thread_off);
	rtm_put32(h + RTM_H_THREAD_CAP, RTM_THREAD_CAP);
	rtm_put32(h + RTM_H_THREAD_ESIZE, RTM_THR_ESIZE);
	rtm_put64(h + RTM_H_SUMMARY_OFF, summary_off);
	rtm_put32(h + RTM_H_SUMMARY_CAP, st->summary_cap);
	rtm_put32(h + RTM_H_SUMMARY_ESIZE, st->summary_esize);
	rtm_put32(h + RTM_H_HIST_BUCKETS, summary_off ? RTM_SUM_BUCKETS : 0);
	rtm_put32(h + RTM_H_HIST_SUB_BITS, RTM_HIST_SUB_BITS);
	rtm_put64(h + RTM_H_CHUNK_OFF, chunk_off);
	rtm_put64(h + RTM_H_FILE_SIZE, size);
	n = readlink("/proc/self/exe", (char *)h + RTM_H_EXE_PATH, RTM_EXE_PATH_MAX - 1);
	if (n < 0)
		h[RTM_H_EXE_PATH] = '\0';
}

/* Writes the whole header page; 0 or -errno. */
RTM_NOTRACE static int header_write(int fd, const uint8_t *h)
{
	size_t done = 0;
	int rc = 0;

	LATCH_LOOP_BOUND(RTM_HDR_SIZE); /* each turn writes at least one byte */
	while (done < RTM_HDR_SIZE) {
		ssize_t n = pwrite(fd, h + done, RTM_HDR_SIZE - done, (off_t)done);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			break;
		}
		done += (size_t)n;
	}
	return rc;
}

RTM_NOTRACE int rtm_session_open(struct rtm_state *st, const struct rtm_config *cfg, uint32_t gen)
{
	uint64_t module_off, thread_off, summary_off = 0, chunk_off = 0, size, first;
	uint32_t chunk_count = 0, esize = 0;
	uint8_t *map = MAP_FAILED;
	uint8_t hdr[RTM_HDR_SIZE];
	int fd = -1, rc = 0, created = 0;
	uint64_t t0, n0;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	st->cfg = *cfg;
	module_off = RTM_HDR_SIZE;
	thread_off = module_off + (uint64_t)RTM_MODULE_CAP * RTM_MOD_ESIZE;
	size = thread_off + (uint64_t)RTM_THREAD_CAP * RTM_THR_ESIZE;
	if (cfg->mode == RTM_MODE_SUMMARY) {
		esize = RTM_S_HIST + RTM_SUM_BUCKETS * 8u;
		summary_off = size;
		size += ((uint64_t)cfg->summary_cap * esize + 4095u) & ~4095ull;
	} else {
		chunk_count = (uint32_t)(cfg->buf_bytes / cfg->chunk_size);
		chunk_off = size;
		size += (uint64_t)chunk_count * cfg->chunk_size;
	}
	st->mode = cfg->mode;
	st->clock = cfg->clock;
	st->chunk_size = cfg->chunk_size;
	st->chunk_count = chunk_count;
	st->chunk_recs = (cfg->chunk_size - RTM_CHUNK_HDR) / RTM_REC_SIZE;
	st->summary_cap = summary_off ? cfg->summary_cap : 0;
	st->summary_esize = esize;
	st->heapguard = cfg->heapguard;
	st->fork_follow = cfg->fork_follow;
	header_fill(hdr, st, module_off, thread_off, summary_off, chunk_off, size);

	fd = open(cfg->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	created = 1;
	rc = header_write(fd, hdr);
	if (rc < 0)
		goto out;
	/* The writer's lock: `latch-trace repair` refuses a file still held. */
	// latch: allow(blocking-call) -- start-up only; LOCK_NB never waits
	(void)flock(fd, LOCK_EX | LOCK_NB);
	/* Every block the run may write, reserved now: a full filesystem is an
	 * error here, never a SIGBUS in the middle of a control step. */
	rc = -posix_fallocate(fd, 0, (off_t)size);
	if (rc < 0)
		goto out;
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	st->map = map;
	st->map_size = size;
	st->fd = fd;
	st->pid = getpid();
	st->modules = map + module_off;
	st->threads = map + thread_off;
	st->chunks = chunk_off ? map + chunk_off : NULL;
	st->summary = summary_off ? map + summary_off : NULL;
	/* What the run reaches first: the tables and the first window of
	 * chunks (all of them with LATCH_PREFAULT=all). */
	st->pf_ahead = st->chunk_size ? RTM_PF_AHEAD_BYTES / st->chunk_size : 0;
	if (st->pf_ahead < RTM_PF_AHEAD_MIN)
		st->pf_ahead = RTM_PF_AHEAD_MIN;
	if (st->pf_ahead > chunk_count)
		st->pf_ahead = chunk_count;
	st->pf_done = st->chunk_size ? RTM_PF_FIRST_BYTES / st->chunk_size : 0;
	if (st->pf_done < RTM_PF_AHEAD_MIN)
		st->pf_done = RTM_PF_AHEAD_MIN;
	if (st->pf_done > chunk_count || cfg->prefault == RTM_PF_ALL)
		st->pf_done = chunk_count;
	first = chunk_off ? chunk_off + (uint64_t)st->pf_done * st->chunk_size : size;
	if (cfg->prefault != RTM_PF_NONE)
		rtm_prefault_range(st, 0, first);

	/* Calibration: a 10 ms window now, refined over the run at stop/flush. */
	calibrate_pair(st->clock, &t0, &n0);
	st->tick_ref = t0;
	st->ns_ref = n0;
	{
		struct timespec d = {0, 10000000};
		uint64_t t1, n1;

		nanosleep(&d, NULL);
		calibrate_pair(st->clock, &t1, &n1);
		put_calibration(st, t1, n1);
	}
	rtm_put64(map + RTM_H_HOOK_COST, rtm_hook_cost(st->clock));
	rtm_modules_refresh(st);
	if (st->heapguard && cfg->roots[0] != '\0')
		rtm_roots_resolve(st, cfg->roots);
	steal_start(st);
	rtm_put64(map + RTM_H_START_TICKS, rtm_ticks_of(st->clock));
	st->gen = gen;
	map = MAP_FAILED;
	fd = -1;
out:
	if (map != MAP_FAILED) {
		munmap(map, size);
		st->map = NULL;
	}
	if (fd >= 0) {
		/* Nothing is left behind that could pass for a trace. */
		if (created)
			unlink(cfg->path);
		close(fd);
	}
	st->fd = st->map != NULL ? st->fd : -1;
	return rc;
}

RTM_NOTRACE void rtm_session_started(struct rtm_state *st)
{
	if (st->map != NULL)
		__atomic_fetch_and(RTM_A32(st->map + RTM_H_FLAGS), ~RTM_F_STARTING,
		                   __ATOMIC_RELEASE);
}

RTM_NOTRACE uint32_t rtm_chunks_used(const struct rtm_state *st)
{
	uint64_t c = __atomic_load_n(RTM_A64(st->map + RTM_H_CHUNK_CLAIMS), __ATOMIC_ACQUIRE) &
	             ~RTM_CLAIMS_CLOSED;

	return c < st->chunk_count ? (uint32_t)c : st->chunk_count;
}

RTM_NOTRACE void rtm_session_finish(struct rtm_state *st)
{
	uint64_t t1, n1;

	if (st->map == NULL)
		return;
	calibrate_pair(st->clock, &t1, &n1);
	if (n1 - st->ns_ref >= 100000000u)
		put_calibration(st, t1, n1);
	rtm_put64(st->map + RTM_H_STOP_TICKS, t1);
	steal_stop(st);
	if (st->summary != NULL)
		__atomic_fetch_add(RTM_A32(st->map + RTM_H_SUMMARY_FLUSHES), 1, __ATOMIC_RELAXED);
	rtm_prefault_stop(st);
	if (st->chunks != NULL && st->fd >= 0) {
		/* Closed claims: a thread that claims from now on finds the file
		 * full (and counts its loss), so nothing is written past the cut. */
		uint64_t c = __atomic_fetch_or(RTM_A64(st->map + RTM_H_CHUNK_CLAIMS),
		                               RTM_CLAIMS_CLOSED, __ATOMIC_ACQ_REL);
		uint32_t used = (c & ~RTM_CLAIMS_CLOSED) < st->chunk_count
		                        ? (uint32_t)(c & ~RTM_CLAIMS_CLOSED)
		                        : st->chunk_count;
		uint64_t size = (uint64_t)(st->chunks - st->map) + (uint64_t)used * st->chunk_size;

		if (used < st->chunk_count) {
			rtm_put32(st->map + RTM_H_CHUNKS_KEPT, used);
			rtm_put64(st->map + RTM_H_FILE_SIZE, size);
			__atomic_fetch_or(RTM_A32(st->map + RTM_H_FLAGS), RTM_F_TRIMMED,
			                  __ATOMIC_RELEASE);
			if (ftruncate(st->fd, (off_t)size) < 0) {
				/* The file keeps its size; the header says how much counts. */
				rtm_put64(st->map + RTM_H_FILE_SIZE, st->map_size);
			}
		}
	}
	__atomic_fetch_or(RTM_A32(st->map + RTM_H_FLAGS), RTM_F_FINISHED, __ATOMIC_RELEASE);
}

RTM_NOTRACE void rtm_session_close(struct rtm_state *st)
{
	st->gen = 0;
	rtm_prefault_stop(st);
	if (st->stat_fd != 0)
		close(st->stat_fd - 1);
	st->stat_fd = 0;
	if (st->map != NULL)
		munmap(st->map, st->map_size);
	if (st->fd >= 0)
		close(st->fd);
	st->map = NULL;
	st->fd = -1;
}
