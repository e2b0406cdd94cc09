/*
 * common/trace.h - reader of latch trace files (format: docs/trace-format.md).
 *
 * The reader maps a trace read-only, validates all of it once at open, and
 * then hands out the decoded header, the module map, the thread table, each
 * thread's records in time order, and the summary-mode tables. A trace is
 * untrusted input: a truncated or corrupt file is never a crash and rarely a
 * failure. Everything readable is still yielded, and every defect found is
 * listed as a problem with its file offset (lc_trace_problem()). Only a file
 * whose header cannot be trusted (bad magic, version or endianness marker,
 * shorter than the header) makes lc_trace_open() fail.
 *
 * Every pointer returned by an accessor is borrowed: it lives as long as the
 * struct lc_trace it came from.
 */
#ifndef LC_TRACE_H
#define LC_TRACE_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

enum lc_trace_clock {
	LC_TRACE_CLOCK_TSC = 1,           /* x86-64 rdtsc */
	LC_TRACE_CLOCK_CNTVCT = 2,        /* arm64 cntvct_el0 */
	LC_TRACE_CLOCK_MONOTONIC_RAW = 3, /* clock_gettime; ticks are ns */
	/* Target traces (runtime/cortexm, docs/trace-format.md "Target traces"). */
	LC_TRACE_CLOCK_CM_DWT = 16,  /* Cortex-M DWT cycle counter, extended to 64 bits */
	LC_TRACE_CLOCK_CM_TIMER = 17 /* a board's 32-bit timer, extended to 64 bits */
};

enum lc_trace_mode {
	LC_TRACE_MODE_STOP = 1,   /* keep the first N events */
	LC_TRACE_MODE_RING = 2,   /* keep the last N events */
	LC_TRACE_MODE_SUMMARY = 3 /* no records; per-function tables only */
};

enum lc_trace_kind {
	LC_TRACE_ENTER = 0,
	LC_TRACE_EXIT = 1,
	LC_TRACE_MARK = 2, /* latch_rt_mark_value(): addr holds the value */
	LC_TRACE_EXT = 3   /* extended: ext_type and payload are set */
};

enum lc_trace_ext_type {
	LC_TRACE_EXT_MARK = 1, /* latch_rt_mark(name): payload = name bytes */
	LC_TRACE_EXT_HEAP = 2  /* heap guard event: lc_trace_heap_decode() */
};

/* Header flags (lc_trace_header.flags). */
#define LC_TRACE_F_FINISHED  0x1u   /* stopped cleanly; absent after a crash */
#define LC_TRACE_F_FORKED    0x2u   /* a child inherited the mapping */
#define LC_TRACE_F_STARTING  0x4u   /* start-up of tracing never completed */
#define LC_TRACE_F_TRIMMED   0x8u   /* the file was cut to the chunks in use */
#define LC_TRACE_F_RUNQ      0x100u /* threads recorded their run-queue delay per chunk */
#define LC_TRACE_F_STEAL     0x200u /* steal_start_ns and ncpus are valid */
#define LC_TRACE_F_STEAL_END 0x400u /* steal_stop_ns is valid */

/* Thread flags (lc_trace_thread.flags). */
#define LC_TRACE_TF_MAIN        0x1u /* the process's main thread */
#define LC_TRACE_TF_STACK_EXACT 0x2u /* stack_base is the real stack top */
#define LC_TRACE_TF_EXITED      0x4u /* the thread exited cleanly */
#define LC_TRACE_TF_RUNQ        0x8u /* its chunks carry run-queue delays */

#define LC_TRACE_PATH_MAX     1024
#define LC_TRACE_BUILD_ID_MAX 32

/* The decoded file header. Times are in ticks of the trace's clock; use
 * lc_trace_ticks_to_ns() / lc_trace_time_ns() to convert. */
struct lc_trace_header {
	uint32_t version;
	uint32_t flags; /* LC_TRACE_F_* */
	enum lc_trace_clock clock;
	enum lc_trace_mode mode;
	uint64_t tick_hz;            /* ticks per second (rounded) */
	uint64_t ns_mult;            /* ns per tick, Q32.32 */
	uint64_t tick_ref, ns_ref;   /* a tick value and its CLOCK_MONOTONIC_RAW ns */
	uint64_t hook_cost_ticks;    /* one enter+exit hook pair (subtract per callee) */
	uint64_t hook_cost_ns;       /* the same, converted */
	uint64_t hook_residue_ticks; /* an empty function's enter-to-exit stamps
	                                (subtract once per call); 0 in older traces */
	uint64_t hook_residue_ns;    /* the same, converted */
	uint64_t start_realtime_ns;
	uint32_t pid, ppid;
	uint64_t start_ticks, stop_ticks; /* stop_ticks is 0 after a crash */
	uint32_t chunk_size, chunk_count;
	uint64_t chunk_claims;   /* claims made (the stop-time closed bit removed) */
	uint32_t chunks_used;    /* chunks that may hold records: the reader reads only these */
	uint32_t chunks_kept;    /* chunks left in the file by a trim (LC_TRACE_F_TRIMMED) */
	uint64_t lost_total;     /* events lost, all reasons, all threads */
	uint64_t lost_no_slot;   /* events of threads beyond the thread table */
	uint32_t heap_events;    /* heap-guard hits counted by the runtime */
	uint64_t heapguard_lost; /* heap-guard hits that could not be stored */
	uint32_t summary_flushes;
	uint32_t module_gen;
	/* The machine's steal time (/proc/stat, all CPUs summed), ns: at start
	 * (LC_TRACE_F_STEAL) and at the clean stop (LC_TRACE_F_STEAL_END). */
	uint64_t steal_start_ns, steal_stop_ns;
	uint32_t ncpus; /* CPUs online at start (LC_TRACE_F_STEAL); 0 when unknown */
	char exe_path[LC_TRACE_PATH_MAX]; /* NUL-terminated */
	uint8_t build_id[LC_TRACE_BUILD_ID_MAX];
	size_t build_id_len;
	/* Target traces only (tgt_arch != 0): the bare-metal runtime's block. */
	uint32_t tgt_arch;  /* LC_TRACE_ARCH_*; 0 for a host trace */
	uint32_t addr_bits; /* 32 on a 32-bit target; 0: the host's 48 */
	uint32_t cpu_hz;    /* the target's core clock */
	uint32_t tgt_flags; /* LC_TRACE_TGT_* */
	uint32_t fault_pc, fault_lr, fault_cfsr, fault_hfsr; /* when LC_TRACE_TGT_FAULT */
	uint32_t buf_addr, buf_size; /* where the trace buffer lives on the target */
	uint32_t tgt_flushes;        /* times the target wrote the buffer out */
	uint32_t hook_cost_cycles;   /* hook pair in core cycles (0: unknown) */
};

#define LC_TRACE_ARCH_ARMV7M 1u   /* Cortex-M3/M4/M7, Thumb */
#define LC_TRACE_TGT_FAULT   0x1u /* the target run ended in a hard fault */

#define LC_TRACE_MOD_MAIN 0x1u /* the main executable */
#define LC_TRACE_MOD_VDSO 0x2u /* the vdso: no file behind it */

struct lc_trace_module {
	uint64_t bias;       /* runtime address = ELF vaddr + bias */
	uint64_t start, end; /* [start, end): its PT_LOAD segments at run time */
	uint32_t flags;      /* LC_TRACE_MOD_* */
	uint8_t build_id[LC_TRACE_BUILD_ID_MAX];
	size_t build_id_len;
	char path[448]; /* NUL-terminated; may be "" for the vdso */
};

struct lc_trace_thread {
	uint32_t index; /* slot in the file's thread table: its identity */
	uint32_t tid;
	uint32_t flags;         /* LC_TRACE_TF_* */
	uint64_t lost;          /* events lost by this thread (runtime's counter) */
	uint64_t stack_base;    /* highest stack address */
	uint64_t stack_size;    /* 0 when unknown */
	uint64_t max_stack;     /* deepest stack at an entry, bytes (runtime's) */
	uint32_t chunks;        /* chunks found in the file for this thread */
	uint64_t records;       /* records found in the file (payload slots excluded) */
	uint64_t nvcsw, nivcsw; /* context switches during its sealed chunks */
};

struct lc_trace_rec {
	uint64_t ticks;
	uint64_t ns;   /* lc_trace_time_ns(ticks) */
	uint64_t addr; /* function (enter/exit), mark value (mark) */
	enum lc_trace_kind kind;
	uint32_t stack_bytes;   /* stack depth at the hook */
	int stack_saturated;    /* 1: depth was at least stack_bytes */
	int gap;                /* 1: events of this thread were lost just before */
	uint64_t offset;        /* file offset of the record */
	uint32_t ext_type;      /* enum lc_trace_ext_type, for LC_TRACE_EXT */
	const uint8_t *payload; /* extended payload (borrowed), else NULL */
	size_t payload_len;
};

#define LC_TRACE_HEAP_FRAMES_MAX 32

enum lc_trace_alloc {
	LC_TRACE_ALLOC_MALLOC = 1,
	LC_TRACE_ALLOC_CALLOC = 2,
	LC_TRACE_ALLOC_REALLOC = 3,
	LC_TRACE_ALLOC_FREE = 4,
	LC_TRACE_ALLOC_ALIGNED_ALLOC = 5,
	LC_TRACE_ALLOC_POSIX_MEMALIGN = 6,
	LC_TRACE_ALLOC_MEMALIGN = 7,
	LC_TRACE_ALLOC_VALLOC = 8
};

/* A decoded heap-guard event. */
struct lc_trace_heap {
	enum lc_trace_alloc alloc;
	uint64_t size;
	uint64_t root; /* innermost interlock root's address */
	size_t nframes;
	uint64_t frames[LC_TRACE_HEAP_FRAMES_MAX]; /* innermost first */
};

enum lc_trace_problem_kind {
	LC_TRACE_P_TRUNCATED = 1, /* the file ends before data the header promises */
	LC_TRACE_P_CORRUPT = 2,   /* a field holds an impossible value */
	LC_TRACE_P_INCOMPLETE = 3 /* the writer died mid-update (module map) */
};

struct lc_trace_problem {
	enum lc_trace_problem_kind kind;
	uint64_t offset; /* file offset of the bad bytes */
	char msg[160];   /* lower case, no final period */
};

/* A function's summary-mode aggregate. Durations are inclusive ticks. */
struct lc_trace_summary {
	uint64_t addr;
	uint64_t count, min, max, sum;
	uint64_t max_stack;      /* bytes */
	const uint64_t *buckets; /* hist_buckets counts, rtm_hist.h scheme (borrowed) */
	size_t nbuckets;
};

struct lc_trace;

/* Opens and validates the trace at path (mapped read-only).
 * Returns 0 and *out (free with lc_trace_close), or LC_EIO when the file
 * cannot be read, LC_EFORMAT when it is not a latch trace of a supported
 * version, LC_ENOMEM. Defects past the header do not fail the open: they are
 * listed by lc_trace_problem(). */
int lc_trace_open(struct lc_trace **out, const char *path, struct lc_err *err);

/* The same on a buffer in memory (the fuzz target uses it). The buffer is
 * borrowed and must outlive the returned trace. name is used in messages. */
int lc_trace_open_mem(struct lc_trace **out, const void *buf, size_t len, const char *name,
                      struct lc_err *err);

/* What lc_trace_trim() did. */
struct lc_trace_trim_result {
	uint64_t size_before, size_after; /* bytes */
	uint32_t chunks_used, chunk_count;
	int already; /* 1: the file was already cut to its chunks in use */
};

/* Cuts the trace at path to its header, tables and the chunks in use (the
 * claimed ones, as the header counts them), and marks it trimmed: what the
 * runtime does at a clean stop, for a file whose writer crashed. Refuses a
 * file whose writer still holds it (its lock) unless force is set: cutting
 * a live trace would kill its writer. Returns 0, LC_EIO (cannot open, lock
 * held, truncate failed), LC_EFORMAT (not a latch trace). */
int lc_trace_trim(struct lc_trace_trim_result *out, const char *path, int force,
                  struct lc_err *err);

/* Releases the trace. lc_trace_close(NULL) does nothing. */
void lc_trace_close(struct lc_trace *t);

const struct lc_trace_header *lc_trace_header(const struct lc_trace *t);

size_t lc_trace_module_count(const struct lc_trace *t);
/* i < lc_trace_module_count(); NULL otherwise. */
const struct lc_trace_module *lc_trace_module(const struct lc_trace *t, size_t i);
/* The module whose [start, end) holds addr, or NULL. */
const struct lc_trace_module *lc_trace_module_of(const struct lc_trace *t, uint64_t addr);

/* Threads that have at least one thread-table entry, in slot order. */
size_t lc_trace_thread_count(const struct lc_trace *t);
const struct lc_trace_thread *lc_trace_thread(const struct lc_trace *t, size_t i);

/* Problems found at open, in file-offset order. */
size_t lc_trace_problem_count(const struct lc_trace *t);
const struct lc_trace_problem *lc_trace_problem(const struct lc_trace *t, size_t i);

/* Iterates one thread's records (thread i as in lc_trace_thread()) in time
 * order across its chunks. Payload slots of extended records are not yielded
 * as records. The iterator holds no resources; its fields are private. */
struct lc_trace_iter {
	const struct lc_trace *t;
	size_t thread, chunk, slot;
	uint64_t last_seq;
	int started;
};
void lc_trace_iter_init(struct lc_trace_iter *it, const struct lc_trace *t, size_t thread);
/* Returns 1 and fills *out, or 0 at the end. */
int lc_trace_iter_next(struct lc_trace_iter *it, struct lc_trace_rec *out);

/* Raw access for streaming readers that must keep up with 10^8 records per
 * second (latch-trace report; added by the report/hist engineer): the k-th
 * chunk, in time order, of thread i (as in lc_trace_thread()). *recs points
 * at its first 16-byte record slot (layout and byte order in
 * docs/trace-format.md; an extended record is followed by its payload
 * slots, which the caller skips), *off is that slot's file offset, and *gap
 * is 1 when events were lost just before the chunk (as lc_trace_rec.gap).
 * Returns the number of complete, validated slots; 0 when there is no such
 * chunk. *recs is borrowed and lives as long as t. */
size_t lc_trace_chunk_records(const struct lc_trace *t, size_t thread, size_t k,
                              const uint8_t **recs, uint64_t *off, int *gap);

/*
 * The one slot decoder. Every consumer that streams records through
 * lc_trace_chunk_records() decodes them with lc_trace_slot_decode(), so the
 * layout and byte order of docs/trace-format.md ("Records") are known here
 * and in common/trace.c only. It is inline because report streams 10^8
 * records per second through it (bench/tracer).
 */
static inline uint64_t lc_trace_le64(const uint8_t *p)
{
	uint64_t v;

	__builtin_memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap64(v);
#endif
	return v;
}

static inline uint32_t lc_trace_le32(const uint8_t *p)
{
	uint32_t v;

	__builtin_memcpy(&v, p, sizeof(v));
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	v = __builtin_bswap32(v);
#endif
	return v;
}

#define LC_TRACE_SLOT_SIZE      16u
#define LC_TRACE_SLOT_ADDR_MASK ((UINT64_C(1) << 48) - 1u)
#define LC_TRACE_SLOT_STACK_MAX 0x3fffu /* saturated stack field */

/* One decoded 16-byte slot: the part of lc_trace_rec a streaming consumer
 * needs. */
struct lc_trace_slot {
	uint64_t ticks;
	uint64_t addr;     /* function (enter/exit), mark value; 0 for LC_TRACE_EXT */
	uint64_t offset;   /* file offset of the record */
	uint32_t stack;    /* stack depth at the hook, bytes (saturated at 0x3fff * 16) */
	uint16_t ext_len;  /* LC_TRACE_EXT: payload bytes, else 0 */
	uint16_t ext_type; /* LC_TRACE_EXT: enum lc_trace_ext_type, else 0 */
	uint8_t kind;      /* enum lc_trace_kind */
	uint8_t gap;       /* 1: events of this thread were lost just before */
};

/* Decodes the record at slot i of a chunk returned by
 * lc_trace_chunk_records() (recs, off, gap as it returned them). Returns the
 * number of slots the record occupies: 1, or 1 + its payload slots for an
 * extended record; the caller advances i by it. The payload, if any, starts
 * at recs + (i + 1) * LC_TRACE_SLOT_SIZE (the reader validated its length). */
static inline size_t lc_trace_slot_decode(struct lc_trace_slot *out, const uint8_t *recs, size_t i,
                                          uint64_t off, int gap)
{
	const uint8_t *p = recs + i * LC_TRACE_SLOT_SIZE;
	uint64_t word = lc_trace_le64(p + 8);

	out->ticks = lc_trace_le64(p);
	out->kind = (uint8_t)((word >> 48) & 3u);
	out->stack = (uint32_t)(word >> 50) * 16u;
	out->offset = off + i * LC_TRACE_SLOT_SIZE;
	out->gap = (uint8_t)(i == 0 && gap);
	if (out->kind == LC_TRACE_EXT) {
		out->addr = 0;
		out->ext_len = (uint16_t)(word & 0xffffu);
		out->ext_type = (uint16_t)((word >> 16) & 0xffffu);
		return 1u + ((size_t)out->ext_len + LC_TRACE_SLOT_SIZE - 1u) / LC_TRACE_SLOT_SIZE;
	}
	out->addr = word & LC_TRACE_SLOT_ADDR_MASK;
	out->ext_len = 0;
	out->ext_type = 0;
	return 1;
}

/* The payload of an extended record decoded by lc_trace_slot_decode() from
 * trace t (s->ext_len bytes at it), or NULL when s is not an extended record
 * or its bytes are not in the file. Borrowed; lives as long as t. For
 * consumers that see a slot without its chunk (marks, fed from the stats
 * pass). */
const uint8_t *lc_trace_slot_payload(const struct lc_trace *t, const struct lc_trace_slot *s);
/* Decodes the slot at file offset off of trace t (gap 0). Returns 0, or -1
 * when the 16 bytes are not in the file. */
int lc_trace_slot_at(const struct lc_trace *t, uint64_t off, struct lc_trace_slot *out);

/* What the header of chunk k of thread i says (numbering as in
 * lc_trace_chunk_records()): the context-switch counts let a report tell
 * when a worst case may include pre-emption. */
struct lc_trace_chunk {
	uint64_t seq;             /* claim sequence number */
	uint64_t offset;          /* file offset of the chunk header */
	uint32_t sealed;          /* 1: full or closed; 0: its thread was still writing */
	uint32_t nvcsw0, nivcsw0; /* the thread's context switches at claim ... */
	uint32_t nvcsw1, nivcsw1; /* ... and at seal (0 when not sealed) */
	size_t nslots;            /* as lc_trace_chunk_records() returns */
	/* The thread's run-queue delay (time runnable but waiting for a CPU,
	 * /proc/thread-self/schedstat) from this chunk's claim to the next
	 * chunk's claim, or to the seal for its last chunk. runq_known is 0 in
	 * traces without LC_TRACE_F_RUNQ, for a thread whose readings failed, a
	 * chunk never sealed, a successor the ring recycled, and when the
	 * readings are over 2^32 ns apart in time (the field keeps 32 bits). */
	int runq_known;
	uint64_t runq_ns;
};
/* Returns 0 and fills *out, or LC_ENOTFOUND past the thread's last chunk. */
int lc_trace_chunk(struct lc_trace_chunk *out, const struct lc_trace *t, size_t thread, size_t k);

/* Decodes a LC_TRACE_EXT_HEAP record. Returns 0, or LC_EFORMAT when the
 * record is not a well-formed heap event. */
int lc_trace_heap_decode(struct lc_trace_heap *out, const struct lc_trace_rec *rec);

/* Converts a tick difference to ns, and an absolute tick value to
 * CLOCK_MONOTONIC_RAW ns. */
uint64_t lc_trace_ticks_to_ns(const struct lc_trace *t, uint64_t ticks);
uint64_t lc_trace_time_ns(const struct lc_trace *t, uint64_t ticks);

/* Summary-mode aggregates: the used slots, in table order (0 in other modes). */
size_t lc_trace_summary_count(const struct lc_trace *t);
const struct lc_trace_summary *lc_trace_summary(const struct lc_trace *t, size_t i);
/* Buckets per summary histogram (the scheme is runtime/src/rtm_hist.h). */
size_t lc_trace_hist_buckets(const struct lc_trace *t);

/* Short names for printing: "tsc", "stop", ... ("?" for unknown values). */
const char *lc_trace_clock_name(enum lc_trace_clock c);
const char *lc_trace_mode_name(enum lc_trace_mode m);

#endif /* LC_TRACE_H */
