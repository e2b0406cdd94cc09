/*
 * runtime/src/rtm.h - internals of liblatch_rt shared by its files.
 *
 * struct rtm_state is the runtime's one state block (the single instance is
 * defined in rtm_hooks.c, because __cyg_profile_func_enter takes no context);
 * struct rtm_thread is the per-thread part, kept in initial-exec TLS. Every
 * function declared here takes the state explicitly so that its logic runs
 * in host unit tests on a private instance.
 *
 * Everything in this component is compiled without -finstrument-functions and
 * is additionally marked RTM_NOTRACE.
 */
#ifndef RTM_H
#define RTM_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "rtm_format.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "liblatch_rt writes the trace in native order and supports little-endian targets only"
#endif

#define RTM_NOTRACE __attribute__((no_instrument_function))

#define RTM_MODULE_CAP   128u
#define RTM_THREAD_CAP   1024u
#define RTM_MAX_ROOTS    64u
#define RTM_ROOT_STACK   16u
#define RTM_SHADOW_DEPTH 256u
#define RTM_SUM_PROBES   32u
#define RTM_PATH_MAX     1024u
_Static_assert((RTM_THREAD_CAP * RTM_THR_ESIZE) % 4096u == 0, "thread table pages");
_Static_assert((RTM_MODULE_CAP * RTM_MOD_ESIZE) % 4096u == 0, "module table pages");

/* LATCH_PREFAULT: what is made present before the run writes it. */
enum rtm_prefault {
	RTM_PF_NONE = 0,  /* "0": nothing; the run takes the page faults */
	RTM_PF_AHEAD = 1, /* default: the first window now, the rest ahead of the claims */
	RTM_PF_ALL = 2    /* "all": the whole buffer at start-up */
};

/* RTM_PF_AHEAD: the chunks made present at start-up, and those the prefault
 * thread keeps present ahead of the claims (at least RTM_PF_AHEAD_MIN). */
#define RTM_PF_FIRST_BYTES (256u << 20)
#define RTM_PF_AHEAD_BYTES (64u << 20)
#define RTM_PF_AHEAD_MIN   4u

struct rtm_config {
	char path[RTM_PATH_MAX];
	enum rtm_mode mode;
	uint64_t buf_bytes;
	uint32_t chunk_size;
	uint32_t summary_cap;
	enum rtm_clock clock;
	int heapguard;
	int fork_follow;
	enum rtm_prefault prefault;
	int rusage;
	char roots[512];
};

struct rtm_state {
	uint32_t gen; /* 0: off; else the session id the TLS must match */
	uint32_t next_gen;
	enum rtm_mode mode;
	enum rtm_clock clock;
	uint8_t *map;
	size_t map_size;
	int fd;
	pid_t pid;
	uint8_t *chunks;
	uint32_t chunk_size, chunk_count, chunk_recs;
	uint8_t *threads;
	uint8_t *modules;
	uint8_t *summary;
	uint32_t summary_cap, summary_esize;
	int heapguard;
	int fork_follow;
	uint32_t nroots;
	uint64_t roots[RTM_MAX_ROOTS];
	int module_lock;
	uint64_t tick_ref, ns_ref;
	uint32_t pf_done;  /* chunks made present so far (the prefault thread's) */
	uint32_t pf_ahead; /* chunks it keeps present ahead of the claims */
	uint32_t pf_stop;  /* 1: the prefault thread must end */
	int pf_running;    /* 1: pf_thread was started and not yet joined */
	pthread_t pf_thread;
	pthread_mutex_t pf_mu; /* pf_cv wakes the napping thread at stop */
	pthread_cond_t pf_cv;
	int stat_fd; /* /proc/stat descriptor + 1 (steal time at start and stop); 0: none */
	struct rtm_config cfg;
};

struct rtm_shadow {
	uint64_t fn;
	uint64_t ticks;
	uint32_t slot; /* summary slot + 1, 0 = none */
	uint32_t stack;
};

/* rtm_thread.key: the session id while the fast path may run (registered in
 * that session, a chunk with fast-path records, not dead), RTM_KEY_BUSY while
 * a hook or the runtime works on the thread, 0 otherwise. One compare with
 * the session id decides the fast path; a hook that finds RTM_KEY_BUSY is
 * nested (a signal handler's) and drops its event. Session ids skip it. */
#define RTM_KEY_BUSY UINT32_MAX

/* The hot fields come first: the fast path reads key, n, cap, recs,
 * stack_base and (enter) min_sp, all in the first cache line. */
struct rtm_thread {
	uint32_t key; /* see RTM_KEY_BUSY */
	uint32_t n;   /* record slots used in the current chunk */
	uint32_t cap; /* fast path limit: 0 forces the slow path */
	uint32_t pad0;
	uint8_t *recs;   /* first record slot of the current chunk (its header
	                 * is the RTM_CHUNK_HDR bytes before) */
	uint64_t min_sp; /* lowest stack pointer at an entry (UINT64_MAX: none) */
	uint64_t stack_base;
	uint32_t gen;    /* session this thread registered in */
	uint32_t xslots; /* payload slots of extended records in the current chunk */
	uint8_t *chunk;
	uint8_t *entry;               /* thread table entry, NULL without a slot */
	uint32_t dead;                /* 1: no slot or (stop mode) the file is full */
	uint32_t fast;                /* 1: the current chunk takes fast-path records */
	uint64_t prev_seq;            /* seq of the thread's previous chunk, 0 if none */
	uint32_t ru_nvcsw, ru_nivcsw; /* last getrusage reading ... */
	uint32_t ru_fresh;            /* ... 1 while a chunk change may reuse it */
	uint32_t no_rusage;           /* LATCH_RUSAGE=0 */
	uint32_t rq_fd;               /* /proc/thread-self/schedstat descriptor + 1; 0: none */
	uint32_t rq_fresh;            /* 1 while a chunk change may reuse rq_ns */
	uint32_t rq_tid;              /* the thread rq_fd was opened by */
	uint64_t rq_ns;               /* last run-queue delay read (schedstat field 2), ns */
	uint64_t rq_dev, rq_ino;      /* what rq_fd was opened on: closed only while it still is */
	uint32_t index;
	uint32_t tid;
	uint32_t root_depth;
	uint64_t root_stack[RTM_ROOT_STACK];
	uint32_t sdepth, sover;
	struct rtm_shadow shadow[RTM_SHADOW_DEPTH];
};

/* Little-endian field access into the mapping (native order is checked above). */
RTM_NOTRACE static inline void rtm_put32(uint8_t *p, uint32_t v)
{
	__builtin_memcpy(p, &v, 4);
}
RTM_NOTRACE static inline void rtm_put64(uint8_t *p, uint64_t v)
{
	__builtin_memcpy(p, &v, 8);
}
RTM_NOTRACE static inline uint32_t rtm_get32(const uint8_t *p)
{
	uint32_t v;
	__builtin_memcpy(&v, p, 4);
	return v;
}
RTM_NOTRACE static inline uint64_t rtm_get64(const uint8_t *p)
{
	uint64_t v;
	__builtin_memcpy(&v, p, 8);
	return v;
}
/* Naturally aligned fields that are updated concurrently. */
#define RTM_A32(p) ((uint32_t *)(void *)(p))
#define RTM_A64(p) ((uint64_t *)(void *)(p))

/* The timestamp source. */
RTM_NOTRACE static inline uint64_t rtm_ticks_of(enum rtm_clock c);
uint64_t rtm_mono_ns(void);

#if defined(__x86_64__)
RTM_NOTRACE static inline uint64_t rtm_ticks_hw(void)
{
	uint32_t lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	return ((uint64_t)hi << 32) | lo;
}
#define RTM_CLOCK_HW RTM_CLOCK_TSC
#elif defined(__aarch64__)
RTM_NOTRACE static inline uint64_t rtm_ticks_hw(void)
{
	uint64_t v;
	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
}
#define RTM_CLOCK_HW RTM_CLOCK_CNTVCT
#else
#define rtm_ticks_hw rtm_mono_ns
#define RTM_CLOCK_HW RTM_CLOCK_MONO_RAW
#endif

RTM_NOTRACE static inline uint64_t rtm_ticks_of(enum rtm_clock c)
{
	return c == RTM_CLOCK_MONO_RAW ? rtm_mono_ns() : rtm_ticks_hw();
}

/* Reads the configuration from an environment lookup function (getenv in
 * the runtime, a table in tests). path overrides LATCH_TRACE when not NULL.
 * Returns 0, -EINVAL for a bad value, -ENOENT when no path is set. */
int rtm_config_read(struct rtm_config *out, const char *path, const char *(*get)(const char *));

/* Creates the trace file: writes the header (magic, version, STARTING) with
 * write(2) first, reserves the whole file with posix_fallocate, maps it and
 * makes the first window present (cfg->prefault). A file that cannot be
 * reserved is removed. Returns 0 or -errno (-ENOSPC: the filesystem cannot
 * hold cfg->buf_bytes; tracing stays off and nothing else changes). */
int rtm_session_open(struct rtm_state *st, const struct rtm_config *cfg, uint32_t gen);
/* Clears STARTING: the header is complete (after the hook timing). */
void rtm_session_started(struct rtm_state *st);
/* Records stop time and final calibration, closes the claims, cuts the file
 * to the chunks in use (TRIMMED) and sets FINISHED. Threads still inside a
 * hook keep writing into their claimed chunks, which stay in the file. */
void rtm_session_finish(struct rtm_state *st);
/* Chunks that hold data: claims made so far, at most chunk_count. */
uint32_t rtm_chunks_used(const struct rtm_state *st);

/* Starts the prefault thread (RTM_PF_AHEAD, st must be the live state) /
 * stops and joins it. Start-up and stop only. */
void rtm_prefault_start(struct rtm_state *st);
void rtm_prefault_stop(struct rtm_state *st);
/* Makes [off, off + len) of the mapping present and writable. */
void rtm_prefault_range(struct rtm_state *st, uint64_t off, uint64_t len);
/* Unmaps and closes the session's file (tests; the runtime never unmaps a
 * live session, see latch_rt_stop). */
void rtm_session_close(struct rtm_state *st);
/* Recomputes ns_mult over the run so far (when it is long enough). */
void rtm_calibrate_update(struct rtm_state *st);
/* Estimates the hook pair cost in ticks from the fast path's work alone (the
 * clocks the fast path does not read; rtm_hooks.c times the real hooks). */
uint64_t rtm_hook_cost(enum rtm_clock c);

/* Appends the modules not yet in the table (dl_iterate_phdr). */
void rtm_modules_refresh(struct rtm_state *st);

/* Resolves LATCH_ROOTS patterns against the executable's symbols. Returns
 * the number of roots added. */
uint32_t rtm_roots_resolve(struct rtm_state *st, const char *patterns);

/* Registers the calling thread (first event of a session). */
void rtm_thread_attach(struct rtm_state *st, struct rtm_thread *t);
/* Seals the thread's current chunk (at thread exit, stop). */
void rtm_thread_seal(struct rtm_state *st, struct rtm_thread *t, int exiting);
/* Claims the next chunk. Returns 0, or -1 when none is left (stop mode). */
int rtm_chunk_claim(struct rtm_state *st, struct rtm_thread *t);
/* Counts n lost events of thread t (t may have no slot). */
void rtm_lost(struct rtm_state *st, struct rtm_thread *t, uint64_t n);

/* The slow path of every event: registration, chunk change, summary mode,
 * heap-guard roots, lost counting. ticks was read by the caller. */
void rtm_event_slow(struct rtm_state *st, struct rtm_thread *t, uint64_t addr, uint32_t kind,
                    uint64_t ticks, uint64_t sp);
/* Writes an extended record; returns 0, or -1 when it was lost. */
int rtm_event_ext(struct rtm_state *st, struct rtm_thread *t, uint32_t type, const void *payload,
                  uint32_t len, uint64_t sp);

/* Summary mode: one enter or exit. */
void rtm_summary_event(struct rtm_state *st, struct rtm_thread *t, uint64_t addr, uint32_t kind,
                       uint64_t ticks, uint32_t stack);

/* The stack pointer, without forcing a frame pointer on the hook. */
RTM_NOTRACE static inline uint64_t rtm_sp(void)
{
	uint64_t sp;

#if defined(__x86_64__)
	__asm__ volatile("mov %%rsp, %0" : "=r"(sp));
#elif defined(__aarch64__)
	__asm__ volatile("mov %0, sp" : "=r"(sp));
#else
	sp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
#endif
	return sp;
}

/* Stack depth in RTM_STACK_UNIT, saturating. */
RTM_NOTRACE static inline uint32_t rtm_stack_units(uint64_t base, uint64_t sp)
{
	uint64_t d = base > sp ? (base - sp) / RTM_STACK_UNIT : 0;

	return d > RTM_STACK_MAX ? RTM_STACK_MAX : (uint32_t)d;
}

/* The record count of the thread's current chunk (in its header). */
#define RTM_COUNTP(t) RTM_A32((t)->recs - RTM_CHUNK_HDR + RTM_C_COUNT)

/* Writes one record at slot n of the current chunk and publishes it. */
RTM_NOTRACE static inline void rtm_rec_put(struct rtm_thread *t, uint64_t ticks, uint64_t word)
{
	uint32_t n = t->n;
	uint8_t *r = t->recs + (size_t)n * RTM_REC_SIZE;

	rtm_put64(r, ticks);
	rtm_put64(r + 8, word);
	t->n = n + 1u;
	__atomic_store_n(RTM_COUNTP(t), n + 1u, __ATOMIC_RELEASE);
}

/* Events in the thread's current chunk (an extended record is one event). */
RTM_NOTRACE static inline uint32_t rtm_thread_events(const struct rtm_thread *t)
{
	return t->n - t->xslots;
}

/* Takes the thread's busy state (the caller saw key != RTM_KEY_BUSY). */
RTM_NOTRACE static inline void rtm_busy_take(struct rtm_thread *t)
{
	t->key = RTM_KEY_BUSY;
	__atomic_signal_fence(__ATOMIC_SEQ_CST);
}

/* Leaves the busy state: reopens the fast path when the thread may take it. */
RTM_NOTRACE static inline void rtm_busy_drop(const struct rtm_state *st, struct rtm_thread *t)
{
	uint32_t gen = __atomic_load_n(&st->gen, __ATOMIC_RELAXED);

	__atomic_signal_fence(__ATOMIC_SEQ_CST);
	t->key = (gen != 0 && t->gen == gen && t->fast && !t->dead) ? gen : 0;
}

/* Heap guard (rtm_heapguard.c calls it from the interposed allocators). */
extern struct rtm_state rtm__g;
void rtm__heap_event(uint32_t alloc, uint64_t size);
struct rtm_thread *rtm__self(void);
/* Adds an interlock root; 0 or -ENOSPC. */
int rtm__root_add(struct rtm_state *st, uint64_t addr);
/* Set by the heap-guard library: fills frames, returns their number. */
extern int (*rtm__backtrace)(uint64_t *frames, int max);

#endif /* RTM_H */
