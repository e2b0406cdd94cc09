/*
 * runtime/src/rtm_hooks.c - the hooks, the one global state block, and the
 * public API of latch/rt.h.
 *
 * Hot path (both hooks, tracing on, room in the chunk): one load of the
 * session id, one compare of it with the thread's key (registered, fast path
 * allowed, not busy), the busy store, one compare of the slot with the cap,
 * one timestamp, the record's stores, the slot and its release store (a
 * plain store on x86-64 and arm64's stlr), the key restored: 35 + 33
 * instructions on x86-64 for enter + exit (80 added per call with the call
 * sequence, callgrind; the peer of bench/runtime adds 40). No call, no lock,
 * no syscall, no loop, errno untouched. Everything else (first event of a
 * thread, a full chunk, summary mode, heap-guard roots, a non-hardware
 * clock, a hook nested by a signal handler) goes to slow()/slow_held(),
 * which save and restore errno.
 */
#define _GNU_SOURCE
#include "rtm.h"

#include <latch/annotate.h>
#include <latch/rt.h>

#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* The runtime's one state block (STYLE rule 11: the hooks take no context).
 * rtm__gl is the same object under a hidden name: the hooks reach it with
 * one PC-relative load, not through the GOT (the heap-guard library uses
 * rtm__g). */
struct rtm_state rtm__g;
extern struct rtm_state rtm__gl __attribute__((alias("rtm__g"), visibility("hidden")));

static __thread struct rtm_thread rtm_tls __attribute__((tls_model("initial-exec")));
static pthread_key_t rtm_key;
static int rtm_key_ok;
static int rtm_atfork_done;

RTM_NOTRACE struct rtm_thread *rtm__self(void)
{
	return &rtm_tls;
}

RTM_NOTRACE static void thread_exit(void *arg)
{
	struct rtm_thread *t = &rtm_tls;
	struct rtm_state *st = &rtm__g;

	(void)arg;
	if (st->gen == 0 || t->gen != st->gen || t->key == RTM_KEY_BUSY)
		return;
	rtm_busy_take(t);
	rtm_thread_seal(st, t, 1);
	rtm_busy_drop(st, t);
}

/* The slow path with the busy state held: a non-hardware clock, the first
 * event of a thread, a full chunk, summary mode, heap-guard roots. */
__attribute__((noinline, cold)) RTM_NOTRACE static void slow_held(uint64_t addr, uint32_t kind,
                                                                  uint64_t ticks, uint64_t sp)
{
	struct rtm_thread *t = &rtm_tls;
	struct rtm_state *st = &rtm__g;
	int saved = errno;
	uint32_t gen = t->gen;

	if (st->clock != RTM_CLOCK_HW)
		ticks = rtm_ticks_of(st->clock);
	rtm_event_slow(st, t, addr, kind, ticks, sp);
	if (gen != t->gen && rtm_key_ok)
		// latch: allow(unknown-callee) -- once per thread: its exit seals its chunk
		pthread_setspecific(rtm_key, t);
	rtm_busy_drop(st, t);
	errno = saved;
}

/* The fast path refused the event before taking the busy state. */
__attribute__((noinline, cold)) RTM_NOTRACE static void slow(uint64_t addr, uint32_t kind,
                                                             uint64_t ticks, uint64_t sp)
{
	struct rtm_thread *t = &rtm_tls;
	struct rtm_state *st = &rtm__g;

	if (t->key == RTM_KEY_BUSY) {
		/* A signal handler interrupted a hook: drop the nested event. */
		if (t->gen == st->gen) {
			int saved = errno;

			rtm_lost(st, t, 1);
			errno = saved;
		}
		return;
	}
	rtm_busy_take(t);
	slow_held(addr, kind, ticks, sp);
}

/* The record's function address: user-space code addresses on x86-64 are
 * below 2^47 (the kernel maps nothing above that unless a program asks for
 * it with an mmap hint, and the loader never does), so the mask that keeps
 * the kind and depth bits clear costs two instructions for nothing there. */
#if defined(__x86_64__)
#define RTM_HOOK_ADDR(a) (a)
#else
#define RTM_HOOK_ADDR(a) ((a)&RTM_ADDR_MASK)
#endif

/* The fast path, 33-35 instructions a hook (bench/runtime/peer.py counts them).
 * Signal safety: a handler that runs before the busy state is taken
 * completes its own events first; everything the record needs (n, cap,
 * recs) is read after the busy state is taken, so the handler's records
 * and chunk changes are seen; a handler that runs while the state is held
 * drops its events (slow()). The stack depth is kept as the lowest stack
 * pointer at an entry (the thread's maximum is computed when it seals). */
RTM_NOTRACE static inline void hook(uint64_t addr, uint32_t kind)
{
	uint32_t gen = __atomic_load_n(&rtm__gl.gen, __ATOMIC_RELAXED);
	struct rtm_thread *t;
	uint64_t sp, d;
	uint32_t n;
	uint8_t *recs, *r;
#if defined(__x86_64__)
	uint32_t lo, hi;
#define RTM_HOOK_TICKS (((uint64_t)hi << 32) | lo)
#else
	uint64_t ticks;
#define RTM_HOOK_TICKS ticks
#endif

	if (__builtin_expect(gen == 0, 1))
		return;
	t = &rtm_tls;
#if defined(__x86_64__)
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
#else
	ticks = rtm_ticks_hw();
#endif
	sp = rtm_sp();
	if (__builtin_expect(t->key != gen, 0)) {
		slow(addr, kind, RTM_HOOK_TICKS, sp);
		return;
	}
	rtm_busy_take(t);
	n = t->n;
	if (__builtin_expect(n >= t->cap, 0)) {
		slow_held(addr, kind, RTM_HOOK_TICKS, sp);
		return;
	}
	/* Above the base (an alternate signal stack) reads as 0, deeper than
	 * the field holds as its maximum (rtm_stack_units). */
	recs = t->recs;
	d = t->stack_base - sp;
	if (__builtin_expect(d >= (RTM_STACK_MAX + 1u) * RTM_STACK_UNIT, 0))
		d = (int64_t)d < 0 ? 0 : RTM_STACK_MAX * RTM_STACK_UNIT;
	if (kind == RTM_K_ENTER && sp < t->min_sp)
		t->min_sp = sp;
	r = recs + (size_t)n * RTM_REC_SIZE;
#if defined(__x86_64__)
	rtm_put32(r, lo);
	rtm_put32(r + 4, hi);
#else
	rtm_put64(r, ticks);
#endif
	rtm_put64(r + 8, RTM_HOOK_ADDR(addr) | ((uint64_t)kind << RTM_KIND_SHIFT) |
	                         (d / RTM_STACK_UNIT << RTM_STACK_SHIFT));
	t->n = n + 1u;
	__atomic_store_n(RTM_A32(recs - RTM_CHUNK_HDR + RTM_C_COUNT), n + 1u, __ATOMIC_RELEASE);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t->key = gen;
#undef RTM_HOOK_TICKS
}

void __cyg_profile_func_enter(void *fn, void *site) RTM_NOTRACE;
void __cyg_profile_func_exit(void *fn, void *site) RTM_NOTRACE;

void __cyg_profile_func_enter(void *fn, void *site)
{
	(void)site;
	hook((uint64_t)(uintptr_t)fn, RTM_K_ENTER);
}

void __cyg_profile_func_exit(void *fn, void *site)
{
	(void)site;
	hook((uint64_t)(uintptr_t)fn, RTM_K_EXIT);
}

RTM_NOTRACE void latch_rt_mark_value(uint64_t value)
{
	hook(value & RTM_ADDR_MASK, RTM_K_MARK);
}

RTM_NOTRACE void latch_rt_mark(const char *name)
{
	struct rtm_thread *t = &rtm_tls;
	struct rtm_state *st = &rtm__g;
	int saved = errno;
	size_t len;

	if (__atomic_load_n(&st->gen, __ATOMIC_RELAXED) == 0 || name == NULL ||
	    t->key == RTM_KEY_BUSY)
		return;
	len = strnlen(name, RTM_MARK_NAME_MAX);
	rtm_busy_take(t);
	rtm_event_ext(st, t, RTM_EXT_MARK, name, (uint32_t)len,
	              (uint64_t)(uintptr_t)__builtin_frame_address(0));
	rtm_busy_drop(st, t);
	errno = saved;
}

#define RTM_BT_HOOK_FRAMES RTM_HEAP_FRAMES_MAX
/* Set by rtm_heapguard.c when linked: fills frames, returns their number. */
int (*rtm__backtrace)(uint64_t *frames, int max);

RTM_NOTRACE void rtm__heap_event(uint32_t alloc, uint64_t size)
{
	struct rtm_thread *t = &rtm_tls;
	struct rtm_state *st = &rtm__g;
	uint8_t payload[RTM_HEAP_HDR + 8u * RTM_HEAP_FRAMES_MAX];
	uint64_t frames[RTM_HEAP_FRAMES_MAX];
	int saved, nf = 0, i;

	if (__atomic_load_n(&st->gen, __ATOMIC_RELAXED) == 0 || !st->heapguard ||
	    t->gen != st->gen || t->root_depth == 0)
		return;
	if (t->key == RTM_KEY_BUSY) {
		/* The runtime's own allocation (pthread_getattr_np, libunwind). */
		return;
	}
	saved = errno;
	rtm_busy_take(t);
	__atomic_fetch_add(RTM_A32(st->map + RTM_H_HEAP_EVENTS), 1, __ATOMIC_RELAXED);
	if (rtm__backtrace != NULL)
		nf = rtm__backtrace(frames, (int)RTM_HEAP_FRAMES_MAX);
	if (nf < 0)
		nf = 0;
	rtm_put32(payload, alloc);
	rtm_put32(payload + 4, (uint32_t)nf);
	rtm_put64(payload + 8, size);
	rtm_put64(payload + 16,
	          t->root_stack[(t->root_depth <= RTM_ROOT_STACK ? t->root_depth : RTM_ROOT_STACK) -
	                        1u]);
	LATCH_LOOP_BOUND(RTM_HEAP_FRAMES_MAX);
	for (i = 0; i < nf; i++)
		rtm_put64(payload + RTM_HEAP_HDR + 8u * (unsigned)i, frames[i]);
	if (rtm_event_ext(st, t, RTM_EXT_HEAP, payload, RTM_HEAP_HDR + 8u * (uint32_t)nf,
	                  (uint64_t)(uintptr_t)__builtin_frame_address(0)) < 0)
		__atomic_fetch_add(RTM_A64(st->map + RTM_H_HEAPGUARD_LOST), 1, __ATOMIC_RELAXED);
	rtm_busy_drop(st, t);
	errno = saved;
}

RTM_NOTRACE int latch_rt_heapguard_root(const void *fn)
{
	return rtm__root_add(&rtm__g, (uint64_t)(uintptr_t)fn);
}

RTM_NOTRACE int latch_rt_is_on(void)
{
	return __atomic_load_n(&rtm__g.gen, __ATOMIC_RELAXED) != 0;
}

RTM_NOTRACE uint64_t latch_rt_lost(void)
{
	if (!latch_rt_is_on())
		return 0;
	return __atomic_load_n(RTM_A64(rtm__g.map + RTM_H_LOST_TOTAL), __ATOMIC_RELAXED);
}

/* ---- timing the real hooks at start-up ---- */

#define RTM_HT_CALLS  16u
#define RTM_HT_TRIALS 128u
#define RTM_HT_RECS   (2u * RTM_HT_CALLS * RTM_HT_TRIALS)
#define RTM_HT_HIST   512u /* residue histogram: ticks 0 .. RTM_HT_HIST - 1 */

/* An empty function as -finstrument-functions compiles it: the real hook
 * entry points (PLT, TLS lookup, guard, timestamp, stores) around nothing. */
__attribute__((noinline)) RTM_NOTRACE static void ht_leaf(void)
{
	__cyg_profile_func_enter((void *)(uintptr_t)ht_leaf, __builtin_return_address(0));
	__asm__ volatile("" ::: "memory");
	__cyg_profile_func_exit((void *)(uintptr_t)ht_leaf, __builtin_return_address(0));
}

/* The same function untraced: the call and return a traced call also has. */
__attribute__((noinline)) RTM_NOTRACE static void ht_plain(void)
{
	__asm__ volatile("" ::: "memory");
}

/* Times the live session's hooks on the calling thread and stores
 * hook_cost, what one traced callee adds to its caller (the least mean of
 * RTM_HT_CALLS traced calls minus plain calls over the trials), and
 * hook_residue, what an empty function's own enter-to-exit stamps show (the
 * report subtracts it once per call, so that a leaf keeps ~0 self time).
 *
 * The records go where a run's records go: into the trace's chunk area,
 * written front to back without reuse (RTM_HT_RECS slots, 64 KiB), so that
 * each store meets memory as the run's do (a cache line not yet written;
 * an in-cache scratch buffer made the hooks look ~5 ns cheaper than a run
 * finds them). No chunk is claimed (the claims counter stays 0, so a reader
 * ignores the area), and the bytes are zeroed again afterwards. The residue
 * is the median of the enter-to-exit differences, not their least: a
 * virtual TSC advances in steps (26 ticks on the reference VM), and the
 * least then shows one step less than almost every call does.
 *
 * The thread is marked dead meanwhile: an event that does not fit (a traced
 * signal handler) is counted lost instead of claiming a chunk. Other clocks
 * take the slow path on every event and keep the estimate of rtm_hook_cost. */
RTM_NOTRACE static void hook_time(struct rtm_state *st)
{
	struct rtm_thread *t = &rtm_tls;
	uint32_t hist[RTM_HT_HIST];
	uint8_t *area = st->chunks;
	uint64_t bytes = RTM_CHUNK_HDR + (uint64_t)RTM_HT_RECS * RTM_REC_SIZE;
	uint64_t pair = UINT64_MAX, plain = UINT64_MAX, resid = UINT64_MAX, samples = 0, acc;
	unsigned trial, i;

	if (st->clock != RTM_CLOCK_HW || st->mode == RTM_MODE_SUMMARY || area == NULL ||
	    t->key == RTM_KEY_BUSY || (uint64_t)(st->map + st->map_size - area) < bytes)
		return;
	memset(hist, 0, sizeof(hist));
	t->gen = st->gen;
	t->dead = 1;
	t->fast = 0;
	t->recs = area + RTM_CHUNK_HDR;
	t->cap = RTM_HT_RECS;
	t->n = 0;
	t->stack_base = rtm_sp();
	t->key = st->gen;
	LATCH_LOOP_BOUND(RTM_HT_TRIALS);
	for (trial = 0; trial < RTM_HT_TRIALS; trial++) {
		uint32_t first = t->n;
		uint64_t t0, t1, t2;

		t0 = rtm_ticks_hw();
		LATCH_LOOP_BOUND(RTM_HT_CALLS);
		for (i = 0; i < RTM_HT_CALLS; i++)
			ht_leaf();
		t1 = rtm_ticks_hw();
		LATCH_LOOP_BOUND(RTM_HT_CALLS);
		for (i = 0; i < RTM_HT_CALLS; i++)
			ht_plain();
		t2 = rtm_ticks_hw();
		if (t->key != st->gen || t->n != first + 2u * RTM_HT_CALLS)
			break; /* a signal handler's events took slots: stop here */
		if ((t1 - t0) / RTM_HT_CALLS < pair)
			pair = (t1 - t0) / RTM_HT_CALLS;
		if ((t2 - t1) / RTM_HT_CALLS < plain)
			plain = (t2 - t1) / RTM_HT_CALLS;
		LATCH_LOOP_BOUND(RTM_HT_CALLS);
		for (i = first; i + 1u < t->n; i += 2u) {
			const uint8_t *a = t->recs + (size_t)i * RTM_REC_SIZE,
			              *b = a + RTM_REC_SIZE;
			uint64_t dt = rtm_get64(b) - rtm_get64(a);

			hist[dt < RTM_HT_HIST ? dt : RTM_HT_HIST - 1u]++;
			samples++;
		}
	}
	t->key = 0;
	t->gen = 0; /* the thread's next event registers it */
	t->dead = 0;
	t->recs = NULL;
	t->cap = 0;
	t->n = 0;
	memset(area, 0, (size_t)bytes);
	acc = 0;
	LATCH_LOOP_BOUND(RTM_HT_HIST);
	for (i = 0; i < RTM_HT_HIST && samples > 0; i++) {
		acc += hist[i];
		if (2u * acc >= samples) {
			resid = i;
			break;
		}
	}
	if (pair == UINT64_MAX || resid == UINT64_MAX)
		return;
	pair = pair > plain ? pair - plain : pair;
	rtm_put64(st->map + RTM_H_HOOK_COST, pair);
	rtm_put64(st->map + RTM_H_HOOK_RESIDUE, resid < pair ? resid : pair);
}

RTM_NOTRACE static const char *env_get(const char *name)
{
	return getenv(name);
}

RTM_NOTRACE static void at_fork_child(void);

RTM_NOTRACE static int start_cfg(const struct rtm_config *cfg)
{
	struct rtm_state tmp;
	uint32_t gen;
	int rc;

	if (__atomic_load_n(&rtm__g.gen, __ATOMIC_RELAXED) != 0)
		return -EALREADY;
	if (!rtm_key_ok && pthread_key_create(&rtm_key, thread_exit) == 0)
		rtm_key_ok = 1;
	if (!rtm_atfork_done && pthread_atfork(NULL, NULL, at_fork_child) == 0)
		rtm_atfork_done = 1;
	gen = rtm__g.next_gen + 1u;
	if (gen == 0 || gen == RTM_KEY_BUSY)
		gen = 1;
	/* Roots declared before start survive into the new session. */
	rc = rtm_session_open(&tmp, cfg, gen);
	if (rc < 0)
		return rc;
	{
		uint32_t i;
		LATCH_LOOP_BOUND(RTM_MAX_ROOTS);
		for (i = 0; i < rtm__g.nroots; i++)
			rtm__root_add(&tmp, rtm__g.roots[i]);
	}
	tmp.next_gen = gen;
	tmp.gen = 0;
	rtm__g = tmp;
	__atomic_store_n(&rtm__g.gen, gen, __ATOMIC_RELEASE);
	hook_time(&rtm__g);
	rtm_session_started(&rtm__g);
	rtm_prefault_start(&rtm__g);
	return 0;
}

RTM_NOTRACE int latch_rt_start(const char *path)
{
	struct rtm_config cfg;
	int rc, saved = errno;

	rc = rtm_config_read(&cfg, path, env_get);
	if (rc == 0)
		rc = start_cfg(&cfg);
	errno = saved;
	return rc;
}

RTM_NOTRACE void latch_rt_stop(void)
{
	struct rtm_thread *t = &rtm_tls;
	struct rtm_state *st = &rtm__g;
	int saved = errno;

	if (__atomic_load_n(&st->gen, __ATOMIC_RELAXED) == 0)
		return;
	if (t->gen == st->gen && t->key != RTM_KEY_BUSY) {
		rtm_busy_take(t);
		rtm_thread_seal(st, t, 0);
		rtm_busy_drop(st, t);
	}
	__atomic_store_n(&st->gen, 0, __ATOMIC_RELEASE);
	rtm_session_finish(st);
	if (st->fd >= 0) {
		close(st->fd);
		st->fd = -1;
	}
	errno = saved;
}

RTM_NOTRACE int latch_rt_flush(void)
{
	struct rtm_state *st = &rtm__g;
	int saved = errno, rc = 0;

	if (__atomic_load_n(&st->gen, __ATOMIC_RELAXED) == 0)
		return 0;
	rtm_modules_refresh(st);
	rtm_calibrate_update(st);
	if (st->summary != NULL)
		__atomic_fetch_add(RTM_A32(st->map + RTM_H_SUMMARY_FLUSHES), 1, __ATOMIC_RELAXED);
	if (msync(st->map, st->map_size, MS_SYNC) < 0)
		rc = -errno;
	errno = saved;
	return rc;
}

/* The child shares the parent's MAP_SHARED mapping: it must never write
 * into it. It stops at once, and with LATCH_FORK=follow starts its own file. */
RTM_NOTRACE static void at_fork_child(void)
{
	struct rtm_state *st = &rtm__g;
	struct rtm_config cfg;

	if (__atomic_load_n(&st->gen, __ATOMIC_RELAXED) == 0)
		return;
	__atomic_store_n(&st->gen, 0, __ATOMIC_RELEASE);
	__atomic_fetch_or(RTM_A32(st->map + RTM_H_FLAGS), RTM_F_FORKED, __ATOMIC_RELAXED);
	st->pf_running = 0; /* the prefault thread stayed in the parent */
	munmap(st->map, st->map_size);
	if (st->fd >= 0)
		close(st->fd);
	st->map = NULL;
	st->fd = -1;
	if (st->fork_follow) {
		cfg = st->cfg;
		snprintf(cfg.path + strlen(cfg.path), sizeof(cfg.path) - strlen(cfg.path), ".%ld",
		         (long)getpid());
		start_cfg(&cfg);
	}
}

/* dlopen adds modules: refresh the module map after it. */
RTM_NOTRACE void *dlopen(const char *file, int mode)
{
	static void *(*real)(const char *, int);
	void *h;

	if (real == NULL)
		*(void **)&real = dlsym(RTLD_NEXT, "dlopen");
	if (real == NULL)
		return NULL;
	h = real(file, mode);
	if (h != NULL && __atomic_load_n(&rtm__g.gen, __ATOMIC_RELAXED) != 0) {
		int saved = errno;

		rtm_modules_refresh(&rtm__g);
		errno = saved;
	}
	return h;
}

__attribute__((constructor(102))) RTM_NOTRACE static void rtm_ctor(void)
{
	const char *p = getenv("LATCH_TRACE");

	if (p != NULL && *p != '\0') {
		int rc = latch_rt_start(NULL);

		if (rc < 0) {
			/* Never silent: the user asked for a trace and gets none. */
			char msg[RTM_PATH_MAX + 96];
			int full = rc == -ENOSPC || rc == -EDQUOT || rc == -EFBIG;
			int n = snprintf(msg, sizeof(msg),
			                 "liblatch_rt: error: cannot trace to '%s': %s%s\n", p,
			                 strerror(-rc),
			                 full ? " (the LATCH_BUF_MB buffer does not fit); tracing "
			                        "is off"
			                      : "");

			if (n > 0 &&
			    write(2, msg, (size_t)n < sizeof(msg) ? (size_t)n : sizeof(msg) - 1) <
			            0)
				rc = 0;
		}
	}
}

__attribute__((destructor(101))) RTM_NOTRACE static void rtm_dtor(void)
{
	if (rtm__g.gen != 0 && rtm__g.pid == getpid())
		latch_rt_stop();
}
