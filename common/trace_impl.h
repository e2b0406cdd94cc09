/*
 * common/trace_impl.h - the reader's private state, shared by its files:
 * trace.c (open and validation), trace_access.c (accessors and iterators)
 * and trace_trim.c (cutting a file to its chunks in use). Not installed, not
 * included by any consumer.
 */
#ifndef LC_TRACE_IMPL_H
#define LC_TRACE_IMPL_H

#include "trace.h"

#include <stdint.h>
#include <string.h>

/* One claimed chunk, validated: records [0, nslots) are complete. */
struct lc__chunk {
	uint64_t seq, prev_seq;
	uint64_t off;    /* file offset of the chunk */
	uint32_t thread; /* index into the thread list */
	uint32_t nslots; /* valid record slots */
	/* The header fields lc_trace_chunk() returns, read once at open so
	 * that walking the chunk headers later touches no page of the file. */
	uint32_t sealed;
	uint32_t nvcsw0, nivcsw0, nvcsw1, nivcsw1;
	uint32_t runq0;       /* run-queue delay at the claim, low 32 bits */
	uint64_t first_ticks; /* its first record's time (0: no record) */
	int runq_known;       /* runq_ns is valid (set after the sort) */
	uint64_t runq_ns;
};

/* The reader's window over a mapped file: the byte range of the chunks
 * handed out since the last release. Past LC__WINDOW bytes the range is
 * released (MADV_DONTNEED): the pages leave the reader's resident set, and a
 * pointer into them stays valid (a later access reads them again). So the
 * resident size stays near LC__WINDOW whatever the trace's size. */
#define LC__WINDOW (16u << 20)
struct lc__win {
	uint64_t lo, hi, bytes;
};

struct lc_trace {
	const uint8_t *buf;
	size_t len;
	void *map;
	size_t map_len;
	struct lc_trace_header hdr;
	struct lc_trace_module *mods;
	size_t nmods;
	struct lc_trace_thread *threads;
	size_t nthreads;
	struct lc__chunk *chunks; /* sorted by (thread, seq) */
	size_t nchunks;
	size_t *first_chunk; /* per thread: index of its first chunk; [nthreads] = nchunks */
	struct lc_trace_problem *probs;
	size_t nprobs, cap_probs;
	struct lc_trace_summary *sums;
	uint64_t *bucket_mem;
	size_t nsums;
	uint32_t hist_buckets;
	int oom;
	struct lc__win *win; /* NULL unless the file is mapped by lc_trace_open */
	uint8_t *own;        /* buf when it is the reader's widened copy (compact target records) */
};

/* Little-endian loads at a file offset: the loads of the slot decoder
 * (trace.h), which compile to one move on little-endian hosts. */
static inline uint32_t lc__rd32(const struct lc_trace *t, uint64_t off)
{
	return lc_trace_le32(t->buf + off);
}

static inline uint64_t lc__rd64(const struct lc_trace *t, uint64_t off)
{
	return lc_trace_le64(t->buf + off);
}

/* Notes that [off, off + len) of the file is being read, releasing what was
 * read before once the window is full (trace_access.c). */
void lc__trace_win_touch(const struct lc_trace *t, uint64_t off, uint64_t len);

#endif /* LC_TRACE_IMPL_H */
