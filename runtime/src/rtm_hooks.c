/*
 * runtime/src/rtm_hooks.c - the hooks, the one global state block, and the
 * public API of latch/rt.h.
 *
 * Hot path (both hooks, tracing on, room in the chunk): one load of the
 * session id, three compares folded into one branch, one timestamp, two
 * 8-byte stores, a count increment and its release store (a plain store on
 * x86-64 and arm64's stlr). No call, no lock, no syscall, errno untouched.
 * Everything else (first event of a thread, a full chunk, summary mode,
 * heap-guard roots, a re-entered hook) goes to rtm_event_slow(), which saves
 * and restores errno.
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

/* The runtime's one state block (STYLE rule 11: the hooks take no context). */
struct rtm_state rtm__g;

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
	if (st->gen == 0 || t->gen != st->gen)
		return;
	t->busy = 1;
	rtm_thread_seal(st, t, 1);
	t->busy = 0;
}

__attribute__((noinline, cold)) RTM_NOTRACE static void slow(uint64_t addr, uint32_t kind,
                                                             uint64_t ticks, uint64_t sp)
{
	struct rtm_thread *t = &rtm_tls;
	struct rtm_state *st = &rtm__g;
	int saved = errno;
	uint32_t gen = t->gen;

	if (t->busy) {
		/* A signal handler interrupted a hook: drop the nested event. */
		if (gen == st->gen)
			rtm_lost(st, t, 1);
		goto out;
	}
	t->busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	rtm_event_slow(st, t, addr, kind, ticks, sp);
	if (gen != t->gen && rtm_key_ok)
		// latch: allow(unknown-callee) -- once per thread: its exit seals its chunk
		pthread_setspecific(rtm_key, t);
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t->busy = 0;
out:
	errno = saved;
}

RTM_NOTRACE static inline void hook(uint64_t addr, uint32_t kind)
{
	uint32_t gen = __atomic_load_n(&rtm__g.gen, __ATOMIC_RELAXED);
	struct rtm_thread *t;
	uint64_t ticks, sp;

	if (__builtin_expect(gen == 0, 1))
		return;
	t = &rtm_tls;
	ticks = rtm_ticks_hw();
	sp = rtm_sp();
	if (__builtin_expect((t->gen ^ gen) | t->busy | (t->n >= t->cap), 0)) {
		if (rtm__g.clock != RTM_CLOCK_HW)
			ticks = rtm_ticks_of(rtm__g.clock);
		slow(addr, kind, ticks, sp);
		return;
	}
	t->busy = 1;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	{
		uint32_t d = rtm_stack_units(t->stack_base, sp);

		if (d > t->max_stack)
			t->max_stack = d;
		rtm_rec_put(t, ticks,
		            (addr & RTM_ADDR_MASK) | ((uint64_t)kind << RTM_KIND_SHIFT) |
		                    ((uint64_t)d << RTM_STACK_SHIFT));
	}
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t->busy = 0;
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

	if (__atomic_load_n(&st->gen, __ATOMIC_RELAXED) == 0 || name == NULL || t->busy)
		return;
	len = strnlen(name, RTM_MARK_NAME_MAX);
	t->busy = 1;
	rtm_event_ext(st, t, RTM_EXT_MARK, name, (uint32_t)len,
	              (uint64_t)(uintptr_t)__builtin_frame_address(0));
	t->busy = 0;
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
	if (t->busy) {
		/* The runtime's own allocation (pthread_getattr_np, libunwind). */
		return;
	}
	saved = errno;
	t->busy = 1;
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
	t->busy = 0;
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
#define RTM_HT_TRIALS 64u

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

/* Times the live session's hooks on the calling thread, with its records
 * going to a scratch buffer on the stack, and stores the minima: hook_cost,
 * what one traced callee adds to its caller (traced call minus plain call),
 * and hook_residue, what an empty function's own enter-to-exit stamps show
 * (the report subtracts it once per call, so that a leaf keeps ~0 self time).
 * The thread is marked dead meanwhile: an event that does not fit (a traced
 * signal handler) is counted lost instead of claiming a chunk. Other clocks
 * take the slow path on every event and keep the estimate of rtm_hook_cost. */
RTM_NOTRACE static void hook_time(struct rtm_state *st)
{
	struct rtm_thread *t = &rtm_tls;
	uint8_t buf[(2u * RTM_HT_CALLS + 64u) * RTM_REC_SIZE];
	uint32_t cnt = 0;
	uint64_t pair = UINT64_MAX, plain = UINT64_MAX, resid = UINT64_MAX;
	unsigned trial, i;

	if (st->clock != RTM_CLOCK_HW || st->mode == RTM_MODE_SUMMARY || t->busy)
		return;
	t->gen = st->gen;
	t->dead = 1;
	t->recs = buf;
	t->countp = &cnt;
	t->cap = 2u * RTM_HT_CALLS + 64u;
	t->stack_base = rtm_sp();
	LATCH_LOOP_BOUND(RTM_HT_TRIALS);
	for (trial = 0; trial < RTM_HT_TRIALS; trial++) {
		uint64_t t0, t1, t2;

		t->n = 0;
		t0 = rtm_ticks_hw();
		LATCH_LOOP_BOUND(RTM_HT_CALLS);
		for (i = 0; i < RTM_HT_CALLS; i++)
			ht_leaf();
		t1 = rtm_ticks_hw();
		LATCH_LOOP_BOUND(RTM_HT_CALLS);
		for (i = 0; i < RTM_HT_CALLS; i++)
			ht_plain();
		t2 = rtm_ticks_hw();
		if ((t1 - t0) / RTM_HT_CALLS < pair)
			pair = (t1 - t0) / RTM_HT_CALLS;
		if ((t2 - t1) / RTM_HT_CALLS < plain)
			plain = (t2 - t1) / RTM_HT_CALLS;
		LATCH_LOOP_BOUND(RTM_HT_CALLS + 32u);
		for (i = 0; i + 1u < t->n; i++) {
			const uint8_t *a = buf + (size_t)i * RTM_REC_SIZE, *b = a + RTM_REC_SIZE;
			uint64_t wa = rtm_get64(a + 8), wb = rtm_get64(b + 8);

			if ((wa >> RTM_KIND_SHIFT & 3u) == RTM_K_ENTER &&
			    (wb >> RTM_KIND_SHIFT & 3u) == RTM_K_EXIT &&
			    ((wa ^ wb) & RTM_ADDR_MASK) == 0 && rtm_get64(b) - rtm_get64(a) < resid)
				resid = rtm_get64(b) - rtm_get64(a);
		}
	}
	t->gen = 0; /* the thread's next event registers it */
	t->dead = 0;
	t->recs = NULL;
	t->countp = NULL;
	t->cap = 0;
	t->n = 0;
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
	if (gen == 0)
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
	if (t->gen == st->gen) {
		t->busy = 1;
		rtm_thread_seal(st, t, 0);
		t->busy = 0;
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
