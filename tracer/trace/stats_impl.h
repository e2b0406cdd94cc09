/*
 * tracer/trace/stats_impl.h - what trace/stats.c and trace/stats_loop.c
 * share inside the aggregation: its state and the small helpers of the
 * record loop. Not part of stats.h's contract.
 */
#ifndef TRC_STATS_IMPL_H
#define TRC_STATS_IMPL_H

#include <stddef.h>
#include <stdint.h>

#include "trace/replay.h"
#include "trace/stats.h"

/* The interval state of the thread being fed: a local of the record loop,
 * so that it stays in registers. */
struct trc__stats_iv {
	uint64_t prev;          /* ticks of the thread's previous record */
	int prev_exit;          /* it was an exit */
	uint64_t *c;            /* counts of its thread (struct trc__stats_thr ivc), or NULL */
	uint64_t small;         /* ticks below which an interval cannot move the gap limit */
	uint64_t in, btw;       /* the innermost open frame's maxima per kind */
	uint64_t max[TRC_IV_N]; /* largest interval, from the outermost frames */
	uint64_t min[TRC_IV_N]; /* smallest interval not under `small` */
};

/* One chunk as the pass streamed it. */
struct trc__stats_span {
	uint64_t first, last; /* ticks of its first and last record */
	uint64_t off;         /* file offset of its first record */
};

/* What the pass keeps per thread for interfere.h. */
struct trc__stats_thr {
	struct trc_hist iv[TRC_IV_N]; /* intervals while a traced call is open */
	uint64_t *ivc;                /* TRC_IV_N x RTM_HIST_BUCKETS_ALL counts, during the pass */
	uint64_t ivmax[TRC_IV_N];     /* exact maxima */
	uint64_t ivmin[TRC_IV_N];     /* exact minima of the intervals not under `small` */
	struct trc__stats_span
	        *chunks; /* per chunk of the thread: stream order, by offset after iv_flush() */
	size_t nchunks, capchunks;
};

struct trc_stats {
	uint64_t ns_mult;
	uint64_t hook_ticks;
	/* functions */
	struct trc_fstat *f;
	size_t nf, capf;
	/* addr -> index + 1 (0 = empty slot), open addressing, power of two */
	uint64_t *keys;
	uint32_t *vals;
	uint32_t hbits;
	/* current thread */
	uint32_t thread;
	struct trc__stats_iv iv;     /* interval state of the current thread */
	struct trc__stats_thr *thr;  /* the current thread's, or NULL (none) */
	struct trc__stats_thr *thrs; /* by thread index */
	size_t nthrs;
	struct trc_stats_counts counts; /* filled from the replay's on request */
	int finished;
	int oom;                 /* a thread's intervals could not be kept */
	struct trc_marks *marks; /* fed the mark records, or NULL (borrowed) */
	struct trc_replay r;     /* last: large */
};

static inline size_t trc__stats_slot(uint64_t addr, uint32_t bits)
{
	return (size_t)((addr * 0x9E3779B97F4A7C15ull) >> (64u - bits));
}

/* A frame's interval maxima into the thread's. */
static inline void trc__stats_fold_max(struct trc__stats_iv *v, uint64_t in, uint64_t btw)
{
	if (in > v->max[TRC_IV_INSIDE])
		v->max[TRC_IV_INSIDE] = in;
	if (btw > v->max[TRC_IV_BETWEEN])
		v->max[TRC_IV_BETWEEN] = btw;
}

/*
 * The record loop's common case over slots [i, n) of one chunk
 * (trace/stats_loop.c): returns the index of the first record it did not
 * take (n when it took them all), with its state written back to s and v;
 * that record is then the general path's (feed_one() in stats.c).
 */
size_t trc__stats_run_fast(struct trc_stats *s, struct trc__stats_iv *v, const uint8_t *recs,
                           size_t i, size_t n, uint64_t off);

#endif /* TRC_STATS_IMPL_H */
