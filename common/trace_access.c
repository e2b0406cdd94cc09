/*
 * common/trace_access.c - the reader's accessors and iterators (see
 * trace.h): everything after lc_trace_open() has validated the file. They
 * walk only ranges proven valid at open, and read the mapping through the
 * window below, so the reader's resident memory stays bounded.
 */
#define _GNU_SOURCE
#include "trace_impl.h"

#include "rtm_format.h"

#include <stdint.h>
#include <string.h>
#include <sys/mman.h>

/* Maps [off, off + len) of a file trace in one call instead of a page fault
 * per few pages (Linux 5.14+; elsewhere, or on error, the faults happen as
 * before). */
static void populate(const struct lc_trace *t, uint64_t off, uint64_t len)
{
#ifdef MADV_POPULATE_READ
	uint64_t lo = off & ~(uint64_t)4095, hi = off + len;

	if (t->win == NULL || len < (64u << 10) || hi > t->len)
		return;
	madvise((void *)(uintptr_t)(t->buf + lo), (size_t)(hi - lo), MADV_POPULATE_READ);
#else
	(void)t;
	(void)off;
	(void)len;
#endif
}

/* Notes that [off, off + len) of the file is being read, releasing what was
 * read before once the window is full. */
void lc__trace_win_touch(const struct lc_trace *t, uint64_t off, uint64_t len)
{
	struct lc__win *w = t->win;

	if (w == NULL)
		return;
	populate(t, off, len);
	if (w->bytes + len > LC__WINDOW && w->hi > w->lo) {
		uint64_t lo = w->lo & ~(uint64_t)4095, hi = (w->hi + 4095) & ~(uint64_t)4095;

		if (hi > t->len)
			hi = t->len;
		if (hi > lo)
			madvise((void *)(uintptr_t)(t->buf + lo), (size_t)(hi - lo), MADV_DONTNEED);
		w->lo = off;
		w->hi = off + len;
		w->bytes = len;
		return;
	}
	if (w->hi <= w->lo) {
		w->lo = off;
		w->hi = off + len;
	} else {
		if (off < w->lo)
			w->lo = off;
		if (off + len > w->hi)
			w->hi = off + len;
	}
	w->bytes += len;
}

const struct lc_trace_header *lc_trace_header(const struct lc_trace *t)
{
	return &t->hdr;
}

size_t lc_trace_module_count(const struct lc_trace *t)
{
	return t->nmods;
}

const struct lc_trace_module *lc_trace_module(const struct lc_trace *t, size_t i)
{
	return i < t->nmods ? &t->mods[i] : NULL;
}

const struct lc_trace_module *lc_trace_module_of(const struct lc_trace *t, uint64_t addr)
{
	size_t i;

	for (i = 0; i < t->nmods; i++)
		if (addr >= t->mods[i].start && addr < t->mods[i].end)
			return &t->mods[i];
	return NULL;
}

size_t lc_trace_thread_count(const struct lc_trace *t)
{
	return t->nthreads;
}

const struct lc_trace_thread *lc_trace_thread(const struct lc_trace *t, size_t i)
{
	return i < t->nthreads ? &t->threads[i] : NULL;
}

size_t lc_trace_problem_count(const struct lc_trace *t)
{
	return t->nprobs;
}

const struct lc_trace_problem *lc_trace_problem(const struct lc_trace *t, size_t i)
{
	return i < t->nprobs ? &t->probs[i] : NULL;
}

void lc_trace_iter_init(struct lc_trace_iter *it, const struct lc_trace *t, size_t thread)
{
	memset(it, 0, sizeof(*it));
	it->t = t;
	it->thread = thread;
	if (thread < t->nthreads)
		it->chunk = t->first_chunk[thread];
	else
		it->chunk = t->nchunks;
}

size_t lc_trace_chunk_records(const struct lc_trace *t, size_t thread, size_t k,
                              const uint8_t **recs, uint64_t *off, int *gap)
{
	size_t first, c;

	if (thread >= t->nthreads)
		return 0;
	first = t->first_chunk[thread];
	c = first + k;
	if (c >= t->first_chunk[thread + 1])
		return 0;
	/* The same rule as lc_trace_iter_next(): a gap when the chunk's recorded
	 * predecessor is not the chunk read before it. */
	*gap = k == 0 ? t->chunks[c].prev_seq != 0 : t->chunks[c].prev_seq != t->chunks[c - 1].seq;
	*off = t->chunks[c].off + RTM_CHUNK_HDR;
	*recs = t->buf + *off;
	lc__trace_win_touch(t, t->chunks[c].off,
	                    RTM_CHUNK_HDR + (uint64_t)t->chunks[c].nslots * RTM_REC_SIZE);
	return t->chunks[c].nslots;
}

int lc_trace_iter_next(struct lc_trace_iter *it, struct lc_trace_rec *out)
{
	const struct lc_trace *t = it->t;
	const struct lc__chunk *c;
	uint64_t off, word;
	size_t end;

	if (it->thread >= t->nthreads)
		return 0;
	end = t->first_chunk[it->thread + 1];
	while (it->chunk < end && it->slot >= t->chunks[it->chunk].nslots) {
		it->chunk++;
		it->slot = 0;
	}
	if (it->chunk >= end)
		return 0;
	c = &t->chunks[it->chunk];
	memset(out, 0, sizeof(*out));
	if (it->slot == 0) {
		/* Events are missing before this chunk when its predecessor in the
		 * thread's stream is not the chunk we read before it. */
		if (!it->started)
			out->gap = c->prev_seq != 0;
		else
			out->gap = c->prev_seq != it->last_seq;
		it->last_seq = c->seq;
		lc__trace_win_touch(t, c->off, RTM_CHUNK_HDR + (uint64_t)c->nslots * RTM_REC_SIZE);
	}
	it->started = 1;
	off = c->off + RTM_CHUNK_HDR + (uint64_t)it->slot * RTM_REC_SIZE;
	out->offset = off;
	out->ticks = lc__rd64(t, off);
	word = lc__rd64(t, off + 8);
	out->ns = lc_trace_time_ns(t, out->ticks);
	out->kind = (enum lc_trace_kind)((word >> RTM_KIND_SHIFT) & 3u);
	out->stack_bytes = (uint32_t)(word >> RTM_STACK_SHIFT) * RTM_STACK_UNIT;
	out->stack_saturated = (word >> RTM_STACK_SHIFT) == RTM_STACK_MAX;
	if (out->kind == LC_TRACE_EXT) {
		out->payload_len = (size_t)(word & 0xffffu);
		out->ext_type = (uint32_t)(word >> 16) & 0xffffu;
		out->payload = t->buf + off + RTM_REC_SIZE;
		it->slot += 1u + (uint32_t)((out->payload_len + RTM_REC_SIZE - 1u) / RTM_REC_SIZE);
	} else {
		out->addr = word & RTM_ADDR_MASK;
		it->slot++;
	}
	return 1;
}

/* The index of chunk k of thread i in t->chunks, or t->nchunks. */
static size_t chunk_index(const struct lc_trace *t, size_t thread, size_t k)
{
	size_t first;

	if (thread >= t->nthreads)
		return t->nchunks;
	first = t->first_chunk[thread];
	if (k >= t->first_chunk[thread + 1] - first)
		return t->nchunks;
	return first + k;
}

int lc_trace_chunk(struct lc_trace_chunk *out, const struct lc_trace *t, size_t thread, size_t k)
{
	size_t i = chunk_index(t, thread, k);
	const struct lc__chunk *c;

	memset(out, 0, sizeof(*out));
	if (i >= t->nchunks)
		return LC_ENOTFOUND;
	c = &t->chunks[i];
	out->seq = c->seq;
	out->offset = c->off;
	out->sealed = c->sealed;
	out->nvcsw0 = c->nvcsw0;
	out->nivcsw0 = c->nivcsw0;
	out->nvcsw1 = c->nvcsw1;
	out->nivcsw1 = c->nivcsw1;
	out->nslots = c->nslots;
	out->runq_known = c->runq_known;
	out->runq_ns = c->runq_ns;
	return 0;
}

const uint8_t *lc_trace_slot_payload(const struct lc_trace *t, const struct lc_trace_slot *s)
{
	uint64_t at = s->offset + LC_TRACE_SLOT_SIZE;

	if (s->kind != LC_TRACE_EXT || s->offset > t->len || at + s->ext_len > t->len)
		return NULL;
	return t->buf + at;
}

int lc_trace_slot_at(const struct lc_trace *t, uint64_t off, struct lc_trace_slot *out)
{
	if (off > t->len || t->len - off < LC_TRACE_SLOT_SIZE)
		return -1;
	lc_trace_slot_decode(out, t->buf + off, 0, off, 0);
	return 0;
}

int lc_trace_heap_decode(struct lc_trace_heap *out, const struct lc_trace_rec *rec)
{
	const uint8_t *p = rec->payload;
	uint32_t alloc, n, i;
	uint64_t v;

	memset(out, 0, sizeof(*out));
	if (rec->kind != LC_TRACE_EXT || rec->ext_type != LC_TRACE_EXT_HEAP || p == NULL ||
	    rec->payload_len < RTM_HEAP_HDR)
		return LC_EFORMAT;
	memcpy(&alloc, p, 4);
	memcpy(&n, p + 4, 4);
	if (alloc < LC_TRACE_ALLOC_MALLOC || alloc > LC_TRACE_ALLOC_VALLOC ||
	    n > LC_TRACE_HEAP_FRAMES_MAX || RTM_HEAP_HDR + 8u * (size_t)n > rec->payload_len)
		return LC_EFORMAT;
	out->alloc = (enum lc_trace_alloc)alloc;
	memcpy(&out->size, p + 8, 8);
	memcpy(&out->root, p + 16, 8);
	for (i = 0; i < n; i++) {
		memcpy(&v, p + RTM_HEAP_HDR + 8u * i, 8);
		out->frames[i] = v;
	}
	out->nframes = n;
	return 0;
}

uint64_t lc_trace_ticks_to_ns(const struct lc_trace *t, uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * t->hdr.ns_mult) >> 32);
}

uint64_t lc_trace_time_ns(const struct lc_trace *t, uint64_t ticks)
{
	if (ticks >= t->hdr.tick_ref)
		return t->hdr.ns_ref + lc_trace_ticks_to_ns(t, ticks - t->hdr.tick_ref);
	return t->hdr.ns_ref - lc_trace_ticks_to_ns(t, t->hdr.tick_ref - ticks);
}

size_t lc_trace_summary_count(const struct lc_trace *t)
{
	return t->nsums;
}

const struct lc_trace_summary *lc_trace_summary(const struct lc_trace *t, size_t i)
{
	return i < t->nsums ? &t->sums[i] : NULL;
}

size_t lc_trace_hist_buckets(const struct lc_trace *t)
{
	return t->hist_buckets;
}

const char *lc_trace_clock_name(enum lc_trace_clock c)
{
	switch (c) {
	case LC_TRACE_CLOCK_TSC:
		return "tsc";
	case LC_TRACE_CLOCK_CNTVCT:
		return "cntvct";
	case LC_TRACE_CLOCK_MONOTONIC_RAW:
		return "monotonic-raw";
	case LC_TRACE_CLOCK_CM_DWT:
		return "dwt-cyccnt";
	case LC_TRACE_CLOCK_CM_TIMER:
		return "board-timer";
	}
	return "?";
}

const char *lc_trace_mode_name(enum lc_trace_mode m)
{
	switch (m) {
	case LC_TRACE_MODE_STOP:
		return "stop";
	case LC_TRACE_MODE_RING:
		return "ring";
	case LC_TRACE_MODE_SUMMARY:
		return "summary";
	}
	return "?";
}
