/*
 * runtime/src/rtm_chunk.c - threads, chunks and the slow path of an event.
 *
 * Runs at a thread's first event, when a thread claims or seals a chunk, and
 * for every event the fast path of rtm_hooks.c cannot take. The caller holds
 * the thread's busy state (key RTM_KEY_BUSY), so nothing here can re-enter
 * the hooks' recording.
 * Invariant: a chunk's count is published after its records.
 */
#define _GNU_SOURCE
#include "rtm.h"

#include <latch/annotate.h>

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

extern void *__libc_stack_end;

RTM_NOTRACE void rtm_lost(struct rtm_state *st, struct rtm_thread *t, uint64_t n)
{
	if (st->map == NULL)
		return;
	if (t->entry != NULL)
		__atomic_fetch_add(RTM_A64(t->entry + RTM_T_LOST), n, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(RTM_A64(st->map + RTM_H_LOST_NO_SLOT), n, __ATOMIC_RELAXED);
	__atomic_fetch_add(RTM_A64(st->map + RTM_H_LOST_TOTAL), n, __ATOMIC_RELAXED);
}

RTM_NOTRACE static void stack_of_thread(struct rtm_thread *t, uint8_t *e, int is_main)
{
	uint64_t base = (uint64_t)(uintptr_t)__builtin_frame_address(0), size = 0;
	uint32_t flags = is_main ? RTM_TF_MAIN : 0;

	if (is_main) {
		struct rlimit rl;

		base = (uint64_t)(uintptr_t)__libc_stack_end;
		flags |= RTM_TF_STACK_EXACT;
		// latch: allow(unknown-callee) -- once per thread, at its first event
		if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			size = rl.rlim_cur;
	} else {
		pthread_attr_t a;
		void *addr = NULL;
		size_t sz = 0;

		/* glibc allocates inside pthread_getattr_np; the busy state is held, so
		 * the heap guard ignores it. Once per thread, at its first event. */
		// latch: allow(unknown-callee) -- once per thread, at its first event
		if (pthread_getattr_np(pthread_self(), &a) == 0) {
			// latch: allow(unknown-callee) -- once per thread, at its first event
			if (pthread_attr_getstack(&a, &addr, &sz) == 0) {
				base = (uint64_t)(uintptr_t)addr + sz;
				size = sz;
				flags |= RTM_TF_STACK_EXACT;
			}
			// latch: allow(unknown-callee) -- once per thread, at its first event
			pthread_attr_destroy(&a);
		}
	}
	t->stack_base = base;
	rtm_put64(e + RTM_T_STACK_BASE, base);
	rtm_put64(e + RTM_T_STACK_SIZE, size);
	rtm_put32(e + RTM_T_FLAGS, flags);
}

/* ---- run-queue delay: /proc/thread-self/schedstat, one pread per chunk change ---- */

/* Parses the second number of "ON_CPU_NS RUNQ_NS SLICES\n". 0 or -1. */
RTM_NOTRACE static int runq_parse(const char *p, size_t n, uint64_t *out)
{
	size_t i = 0, field;
	uint64_t v = 0;

	LATCH_LOOP_BOUND(2);
	for (field = 0; field < 2; field++) {
		size_t digits = 0;

		v = 0;
		LATCH_LOOP_BOUND(96);
		while (i < n && p[i] >= '0' && p[i] <= '9' && digits < 20) {
			v = v * 10u + (uint64_t)(p[i] - '0');
			i++;
			digits++;
		}
		if (digits == 0 || i >= n || (p[i] != ' ' && p[i] != '\n'))
			return -1;
		i++;
	}
	*out = v;
	return 0;
}

/* Closes rq_fd if it is still the file it was opened on (a program that
 * closed it and opened its own file under that number keeps its file). */
RTM_NOTRACE static void runq_close(struct rtm_thread *t)
{
	struct stat sb;
	int fd = (int)t->rq_fd - 1;

	t->rq_fd = 0;
	// latch: allow(unknown-callee) -- at thread exit or re-registration only
	if (fd >= 0 && fstat(fd, &sb) == 0 && (uint64_t)sb.st_dev == t->rq_dev &&
	    (uint64_t)sb.st_ino == t->rq_ino)
		// latch: allow(blocking-call) -- closing a procfs file never blocks; once per thread
		close(fd);
}

/* Reads the thread's run-queue delay into t->rq_ns. On any failure the
 * thread's readings stop for good and its entry loses RTM_TF_RUNQ, so a
 * reader never takes a stale value for a fresh one. Keeps errno. */
RTM_NOTRACE static void runq_read(struct rtm_thread *t)
{
	char buf[96];
	ssize_t n;
	int saved = errno;

	t->rq_fresh = 1;
	if (t->rq_fd == 0)
		return;
	// latch: allow(blocking-call) -- procfs never blocks; one pread per chunk change
	n = pread((int)t->rq_fd - 1, buf, sizeof(buf), 0);
	if (n <= 0 || runq_parse(buf, (size_t)n, &t->rq_ns) < 0) {
		t->rq_fd = 0; /* not closed: it may not be ours any more */
		if (t->entry != NULL)
			__atomic_fetch_and(RTM_A32(t->entry + RTM_T_FLAGS), ~RTM_TF_RUNQ,
			                   __ATOMIC_RELAXED);
	}
	errno = saved;
}

/* Opens the calling thread's schedstat (once per thread; a thread that
 * registers again in a later session keeps its descriptor). */
RTM_NOTRACE static void runq_open(struct rtm_state *st, struct rtm_thread *t, uint8_t *e)
{
	struct stat sb;
	int fd, saved = errno;

	if (!st->cfg.rusage)
		return;
	if (t->rq_fd != 0 && t->rq_tid != t->tid)
		runq_close(t); /* a forked child's copy of its parent's thread */
	if (t->rq_fd == 0) {
		// latch: allow(blocking-call) -- procfs never blocks; once per thread
		fd = open("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
		// latch: allow(unknown-callee) -- once per thread, at its first event
		if (fd >= 0 && fstat(fd, &sb) == 0) {
			t->rq_fd = (uint32_t)fd + 1u;
			t->rq_tid = t->tid;
			t->rq_dev = (uint64_t)sb.st_dev;
			t->rq_ino = (uint64_t)sb.st_ino;
		} else if (fd >= 0) {
			// latch: allow(blocking-call) -- closing a procfs file never blocks
			close(fd);
		}
	}
	errno = saved;
	if (t->rq_fd == 0)
		return;
	__atomic_fetch_or(RTM_A32(e + RTM_T_FLAGS), RTM_TF_RUNQ, __ATOMIC_RELAXED);
	__atomic_fetch_or(RTM_A32(st->map + RTM_H_FLAGS), RTM_F_RUNQ, __ATOMIC_RELAXED);
}

RTM_NOTRACE void rtm_thread_attach(struct rtm_state *st, struct rtm_thread *t)
{
	uint32_t idx;
	uint8_t *e;
	// latch: allow(blocking-call) -- gettid never blocks; once per thread
	pid_t tid = (pid_t)syscall(SYS_gettid);

	t->gen = st->gen;
	t->n = 0;
	t->cap = 0;
	t->recs = NULL;
	t->chunk = NULL;
	t->entry = NULL;
	t->dead = 0;
	t->fast = 0;
	t->xslots = 0;
	t->min_sp = UINT64_MAX;
	t->root_depth = 0;
	t->sdepth = 0;
	t->sover = 0;
	t->tid = (uint32_t)tid;
	t->prev_seq = 0;
	t->ru_fresh = 0;
	t->rq_fresh = 0;
	t->no_rusage = !st->cfg.rusage;
	t->stack_base = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	idx = __atomic_fetch_add(RTM_A32(st->map + RTM_H_THREAD_COUNT), 1, __ATOMIC_RELAXED);
	if (idx >= RTM_THREAD_CAP) {
		t->dead = 1;
		return;
	}
	t->index = idx;
	e = st->threads + (size_t)idx * RTM_THR_ESIZE;
	rtm_put32(e + RTM_T_TID, (uint32_t)tid);
	// latch: allow(unknown-callee) -- once per thread, at its first event
	stack_of_thread(t, e, tid == getpid());
	t->entry = e;
	runq_open(st, t, e);
}

/* Reads the thread's context-switch counts into t->ru. This getrusage is
 * the one system call of a chunk change (about 350 ns on a VM): a change
 * reads it once and uses it both to seal the old chunk and to open the new. */
RTM_NOTRACE static void rusage_read(struct rtm_thread *t)
{
	struct rusage ru;

	if (t->no_rusage) {
		t->ru_fresh = 1;
		return;
	}
	// latch: allow(unknown-callee) -- the one syscall of a chunk change (LATCH_RUSAGE=0 drops it)
	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		t->ru_nvcsw = (uint32_t)ru.ru_nvcsw;
		t->ru_nivcsw = (uint32_t)ru.ru_nivcsw;
	}
	t->ru_fresh = 1;
}

RTM_NOTRACE static void rusage_put(struct rtm_thread *t, uint8_t *p)
{
	if (!t->ru_fresh)
		rusage_read(t);
	rtm_put32(p, t->ru_nvcsw);
	rtm_put32(p + 4, t->ru_nivcsw);
}

RTM_NOTRACE void rtm_thread_seal(struct rtm_state *st, struct rtm_thread *t, int exiting)
{
	(void)st;
	if (t->entry != NULL) {
		uint32_t ms = rtm_get32(t->entry + RTM_T_MAX_STACK);
		uint32_t d =
		        t->min_sp == UINT64_MAX ? 0 : rtm_stack_units(t->stack_base, t->min_sp);

		if (d * RTM_STACK_UNIT > ms)
			rtm_put32(t->entry + RTM_T_MAX_STACK, d * RTM_STACK_UNIT);
		if (exiting)
			__atomic_fetch_or(RTM_A32(t->entry + RTM_T_FLAGS), RTM_TF_EXITED,
			                  __ATOMIC_RELAXED);
	}
	if (t->chunk == NULL) {
		if (exiting && t->rq_fd != 0)
			runq_close(t);
		return;
	}
	rusage_put(t, t->chunk + RTM_C_NVCSW1);
	if (t->rq_fd != 0 && t->entry != NULL) {
		if (!t->rq_fresh)
			runq_read(t);
		rtm_put64(t->entry + RTM_T_RUNQ, t->rq_ns);
		rtm_put64(t->entry + RTM_T_RUNQ_SEQ, rtm_get64(t->chunk + RTM_C_SEQ));
	}
	if (exiting && t->rq_fd != 0)
		runq_close(t);
	rtm_put32(t->chunk + RTM_C_EVENTS, rtm_thread_events(t));
	t->prev_seq = rtm_get64(t->chunk + RTM_C_SEQ);
	if (t->entry != NULL)
		__atomic_fetch_add(RTM_A64(t->entry + RTM_T_RECORDS), rtm_thread_events(t),
		                   __ATOMIC_RELAXED);
	__atomic_store_n(RTM_A32(t->chunk + RTM_C_STATE), RTM_CS_SEALED, __ATOMIC_RELEASE);
	t->chunk = NULL;
	t->recs = NULL;
	t->n = 0;
	t->cap = 0;
	t->xslots = 0;
	t->fast = 0;
}

RTM_NOTRACE int rtm_chunk_claim(struct rtm_state *st, struct rtm_thread *t)
{
	uint64_t *claims = RTM_A64(st->map + RTM_H_CHUNK_CLAIMS);
	uint8_t *c = NULL;
	uint64_t seq = 0;
	uint32_t i;

	if (st->chunk_count == 0)
		return -1;
	LATCH_LOOP_BOUND(1u << 24); /* chunk_count: 64 GiB of 4 KiB chunks at most */
	for (i = 0; i < st->chunk_count; i++) {
		uint32_t state;

		seq = __atomic_add_fetch(claims, 1, __ATOMIC_RELAXED);
		if ((seq & RTM_CLAIMS_CLOSED) != 0)
			return -1; /* stopped: the file may be cut past the chunks in use */
		if (st->mode != RTM_MODE_RING && seq > st->chunk_count)
			return -1;
		c = st->chunks + (size_t)((seq - 1) % st->chunk_count) * st->chunk_size;
		state = __atomic_load_n(RTM_A32(c + RTM_C_STATE), __ATOMIC_ACQUIRE);
		if (state == RTM_CS_OWNED ||
		    !__atomic_compare_exchange_n(RTM_A32(c + RTM_C_STATE), &state, RTM_CS_OWNED, 0,
		                                 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			c = NULL;
			continue;
		}
		if (state == RTM_CS_SEALED) {
			/* Ring mode recycles the oldest chunk: its events are lost. */
			uint32_t victim = rtm_get32(c + RTM_C_THREAD);
			uint32_t ev = rtm_get32(c + RTM_C_EVENTS);

			if (ev > 0 && victim < RTM_THREAD_CAP) {
				__atomic_fetch_add(RTM_A64(st->threads +
				                           (size_t)victim * RTM_THR_ESIZE +
				                           RTM_T_LOST),
				                   (uint64_t)ev, __ATOMIC_RELAXED);
				__atomic_fetch_add(RTM_A64(st->map + RTM_H_LOST_TOTAL),
				                   (uint64_t)ev, __ATOMIC_RELAXED);
			}
		}
		break;
	}
	if (c == NULL)
		return -1;
	__atomic_store_n(RTM_A64(c + RTM_C_SEQ), 0, __ATOMIC_RELAXED);
	__atomic_store_n(RTM_A32(c + RTM_C_COUNT), 0, __ATOMIC_RELEASE);
	rtm_put32(c + RTM_C_MAGIC, RTM_CHUNK_MAGIC);
	rtm_put32(c + RTM_C_TID, t->tid);
	rtm_put32(c + RTM_C_THREAD, t->index);
	rtm_put32(c + RTM_C_CAP, st->chunk_recs);
	rusage_put(t, c + RTM_C_NVCSW0);
	t->ru_fresh = 0;
	if (t->rq_fd != 0 && !t->rq_fresh)
		runq_read(t);
	rtm_put32(c + RTM_C_RUNQ, t->rq_fd != 0 ? (uint32_t)t->rq_ns : 0u);
	t->rq_fresh = 0;
	rtm_put32(c + RTM_C_NVCSW1, 0);
	rtm_put32(c + RTM_C_NIVCSW1, 0);
	rtm_put64(c + RTM_C_PREV_SEQ, t->prev_seq);
	rtm_put32(c + RTM_C_EVENTS, 0);
	__atomic_store_n(RTM_A64(c + RTM_C_SEQ), seq, __ATOMIC_RELEASE);
	__atomic_fetch_add(RTM_A32(t->entry + RTM_T_CHUNKS), 1, __ATOMIC_RELAXED);
	t->chunk = c;
	t->recs = c + RTM_CHUNK_HDR;
	t->n = 0;
	t->xslots = 0;
	/* Heap-guard roots, and a clock other than the one the fast path reads,
	 * need every event on the slow path. */
	t->fast = !((st->heapguard && st->nroots > 0) || st->clock != RTM_CLOCK_HW ||
	            st->mode == RTM_MODE_SUMMARY);
	t->cap = t->fast ? st->chunk_recs : 0;
	return 0;
}

/* Makes room for `slots` record slots in the current chunk. 0 or -1 (lost). */
RTM_NOTRACE static int room(struct rtm_state *st, struct rtm_thread *t, uint32_t slots)
{
	if (t->dead)
		return -1;
	if (t->chunk != NULL && t->n + slots <= st->chunk_recs)
		return 0;
	if (t->chunk != NULL) {
		rusage_read(t);
		runq_read(t); /* one reading closes the old chunk and opens the new */
		rtm_thread_seal(st, t, 0);
	}
	if (slots > st->chunk_recs || rtm_chunk_claim(st, t) < 0) {
		if (slots <= st->chunk_recs)
			t->dead = 1; /* stop mode: the file is full, for good */
		return -1;
	}
	return 0;
}

RTM_NOTRACE static int is_root(const struct rtm_state *st, uint64_t addr)
{
	uint32_t i, n = __atomic_load_n(&st->nroots, __ATOMIC_ACQUIRE);

	LATCH_LOOP_BOUND(RTM_MAX_ROOTS);
	for (i = 0; i < RTM_MAX_ROOTS && i < n; i++)
		if (st->roots[i] == addr)
			return 1;
	return 0;
}

RTM_NOTRACE void rtm_event_slow(struct rtm_state *st, struct rtm_thread *t, uint64_t addr,
                                uint32_t kind, uint64_t ticks, uint64_t sp)
{
	uint32_t d;

	if (t->gen != st->gen)
		rtm_thread_attach(st, t);
	d = rtm_stack_units(t->stack_base, sp);
	if (kind == RTM_K_ENTER && sp < t->min_sp)
		t->min_sp = sp;
	if (st->heapguard && st->nroots > 0) {
		if (kind == RTM_K_ENTER && is_root(st, addr)) {
			if (t->root_depth < RTM_ROOT_STACK)
				t->root_stack[t->root_depth] = addr;
			t->root_depth++;
		} else if (kind == RTM_K_EXIT && t->root_depth > 0 && is_root(st, addr)) {
			t->root_depth--;
		}
	}
	if (st->mode == RTM_MODE_SUMMARY) {
		if (t->dead)
			rtm_lost(st, t, 1);
		else
			rtm_summary_event(st, t, addr, kind, ticks, d);
		return;
	}
	if (room(st, t, 1) < 0) {
		rtm_lost(st, t, 1);
		return;
	}
	rtm_rec_put(t, ticks,
	            (addr & RTM_ADDR_MASK) | ((uint64_t)kind << RTM_KIND_SHIFT) |
	                    ((uint64_t)d << RTM_STACK_SHIFT));
}

RTM_NOTRACE int rtm_event_ext(struct rtm_state *st, struct rtm_thread *t, uint32_t type,
                              const void *payload, uint32_t len, uint64_t sp)
{
	uint32_t slots, d;
	uint8_t *r;
	uint64_t ticks = rtm_ticks_of(st->clock);

	if (t->gen != st->gen)
		rtm_thread_attach(st, t);
	if (st->mode == RTM_MODE_SUMMARY || len > RTM_EXT_PAYLOAD_MAX)
		return -1;
	slots = 1u + (len + RTM_REC_SIZE - 1u) / RTM_REC_SIZE;
	if (room(st, t, slots) < 0) {
		rtm_lost(st, t, 1);
		return -1;
	}
	d = rtm_stack_units(t->stack_base, sp);
	r = t->recs + (size_t)t->n * RTM_REC_SIZE;
	rtm_put64(r, ticks);
	rtm_put64(r + 8, (uint64_t)len | ((uint64_t)type << 16) |
	                         ((uint64_t)RTM_K_EXT << RTM_KIND_SHIFT) |
	                         ((uint64_t)d << RTM_STACK_SHIFT));
	memset(r + RTM_REC_SIZE, 0, (size_t)(slots - 1u) * RTM_REC_SIZE);
	memcpy(r + RTM_REC_SIZE, payload, len);
	t->n += slots;
	t->xslots += slots - 1u;
	__atomic_store_n(RTM_COUNTP(t), t->n, __ATOMIC_RELEASE);
	return 0;
}
