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

RTM_NOTRACE static void calibrate_pair(enum rtm_clock c, uint64_t *ticks, uint64_t *ns)
{
	uint64_t a = rtm_mono_ns();
	uint64_t t = rtm_ticks_of(c);
	uint64_t b = rtm_mono_ns();

	*ticks = t;
	*ns = a + (b - a) / 2u;
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
	uint8_t buf[64 * RTM_REC_SIZE];
	uint32_t cnt = 0;
	struct rtm_thread t;
	uint64_t best = UINT64_MAX;
	unsigned trial, i;

	memset(&t, 0, sizeof(t));
	t.recs = buf;
	t.countp = &cnt;
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

/* Makes every page of the mapping present and writable now, so that no
 * record write ever takes a page fault (a fault costs microseconds: more than
 * the whole budget of a traced control step). MADV_POPULATE_WRITE (Linux
 * 5.14) also runs the filesystem's page_mkwrite; older kernels get a write
 * of zero to each page, which the fresh file holds anyway. */
RTM_NOTRACE static void prefault(uint8_t *map, size_t size)
{
	size_t off;

#ifdef MADV_POPULATE_WRITE
	if (madvise(map, size, MADV_POPULATE_WRITE) == 0)
		return;
#endif
	LATCH_LOOP_BOUND(1u << 24); /* pages of at most 64 GiB */
	for (off = 0; off < size; off += 4096u)
		*(volatile uint8_t *)(map + off) = 0;
}

RTM_NOTRACE int rtm_session_open(struct rtm_state *st, const struct rtm_config *cfg, uint32_t gen)
{
	uint64_t module_off, thread_off, summary_off = 0, chunk_off = 0, size;
	uint32_t chunk_count = 0, esize = 0;
	uint8_t *map = MAP_FAILED;
	int fd = -1, rc = 0;
	ssize_t n;
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
	fd = open(cfg->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	if (ftruncate(fd, (off_t)size) < 0) {
		rc = -errno;
		goto out;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	if (cfg->prefault)
		prefault(map, size);
	st->map = map;
	st->map_size = size;
	st->fd = fd;
	st->pid = getpid();
	st->mode = cfg->mode;
	st->clock = cfg->clock;
	st->modules = map + module_off;
	st->threads = map + thread_off;
	st->chunks = chunk_off ? map + chunk_off : NULL;
	st->chunk_size = cfg->chunk_size;
	st->chunk_count = chunk_count;
	st->chunk_recs = (cfg->chunk_size - RTM_CHUNK_HDR) / RTM_REC_SIZE;
	st->summary = summary_off ? map + summary_off : NULL;
	st->summary_cap = summary_off ? cfg->summary_cap : 0;
	st->summary_esize = esize;
	st->heapguard = cfg->heapguard;
	st->fork_follow = cfg->fork_follow;

	memcpy(map + RTM_H_MAGIC, RTM_MAGIC, 8);
	rtm_put32(map + RTM_H_VERSION, RTM_VERSION);
	rtm_put32(map + RTM_H_ENDIAN, RTM_ENDIAN_MARK);
	rtm_put32(map + RTM_H_HEADER_SIZE, RTM_HDR_SIZE);
	rtm_put32(map + RTM_H_CLOCK, (uint32_t)st->clock);
	rtm_put32(map + RTM_H_MODE, (uint32_t)st->mode);
	rtm_put64(map + RTM_H_START_REALTIME, realtime_ns());
	rtm_put32(map + RTM_H_PID, (uint32_t)getpid());
	rtm_put32(map + RTM_H_PPID, (uint32_t)getppid());
	rtm_put32(map + RTM_H_CHUNK_SIZE, st->chunk_size);
	rtm_put32(map + RTM_H_CHUNK_COUNT, chunk_count);
	rtm_put64(map + RTM_H_MODULE_OFF, module_off);
	rtm_put32(map + RTM_H_MODULE_CAP, RTM_MODULE_CAP);
	rtm_put32(map + RTM_H_MODULE_ESIZE, RTM_MOD_ESIZE);
	rtm_put64(map + RTM_H_THREAD_OFF, thread_off);
	rtm_put32(map + RTM_H_THREAD_CAP, RTM_THREAD_CAP);
	rtm_put32(map + RTM_H_THREAD_ESIZE, RTM_THR_ESIZE);
	rtm_put64(map + RTM_H_SUMMARY_OFF, summary_off);
	rtm_put32(map + RTM_H_SUMMARY_CAP, st->summary_cap);
	rtm_put32(map + RTM_H_SUMMARY_ESIZE, esize);
	rtm_put32(map + RTM_H_HIST_BUCKETS, summary_off ? RTM_SUM_BUCKETS : 0);
	rtm_put32(map + RTM_H_HIST_SUB_BITS, RTM_HIST_SUB_BITS);
	rtm_put64(map + RTM_H_CHUNK_OFF, chunk_off);
	rtm_put64(map + RTM_H_FILE_SIZE, size);
	n = readlink("/proc/self/exe", (char *)map + RTM_H_EXE_PATH, RTM_EXE_PATH_MAX - 1);
	if (n < 0)
		map[RTM_H_EXE_PATH] = '\0';

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
	rtm_put64(map + RTM_H_START_TICKS, rtm_ticks_of(st->clock));
	st->gen = gen;
	map = MAP_FAILED;
	fd = -1;
out:
	if (map != MAP_FAILED) {
		munmap(map, size);
		st->map = NULL;
	}
	if (fd >= 0)
		close(fd);
	return rc;
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
	if (st->summary != NULL)
		__atomic_fetch_add(RTM_A32(st->map + RTM_H_SUMMARY_FLUSHES), 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(RTM_A32(st->map + RTM_H_FLAGS), RTM_F_FINISHED, __ATOMIC_RELEASE);
}

RTM_NOTRACE void rtm_session_close(struct rtm_state *st)
{
	st->gen = 0;
	if (st->map != NULL)
		munmap(st->map, st->map_size);
	if (st->fd >= 0)
		close(st->fd);
	st->map = NULL;
	st->fd = -1;
}
