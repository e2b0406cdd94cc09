/*
 * common/trace.c - reader of latch trace files (see trace.h and
 * docs/trace-format.md; offsets come from runtime/src/rtm_format.h).
 *
 * The whole file is validated once, at open: every offset read from the file
 * is checked against the file's length before it is used, every count is
 * clamped to what the file can hold, and every defect becomes a problem with
 * its offset. After open the iterators only walk ranges already proven
 * valid, so they need no further checks.
 */
#define _GNU_SOURCE
#include "trace_impl.h"

#include "rtm_format.h"
#include "trace_target.h"
#include "rtm_hist.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

__attribute__((format(printf, 4, 5))) static void
problem(struct lc_trace *t, enum lc_trace_problem_kind kind, uint64_t off, const char *fmt, ...)
{
	va_list ap;
	struct lc_trace_problem *p;

	if (t->nprobs == t->cap_probs) {
		size_t ncap = t->cap_probs ? t->cap_probs * 2 : 16;
		struct lc_trace_problem *np;

		/* A hostile file could make a problem of every chunk: keep the
		 * first 4096, which is plenty to diagnose it. */
		if (ncap > 4096) {
			return;
		}
		np = realloc(t->probs, ncap * sizeof(*np));
		if (np == NULL) {
			t->oom = 1;
			return;
		}
		t->probs = np;
		t->cap_probs = ncap;
	}
	p = &t->probs[t->nprobs++];
	p->kind = kind;
	p->offset = off;
	va_start(ap, fmt);
	vsnprintf(p->msg, sizeof(p->msg), fmt, ap);
	va_end(ap);
}

static void copy_str(char *dst, size_t cap, const uint8_t *src, size_t n)
{
	size_t len = strnlen((const char *)src, n < cap ? n : cap - 1);

	memcpy(dst, src, len);
	dst[len] = '\0';
}

/* The target block (runtime/cortexm): decoded and checked by trace_target.c. */
static void read_target(struct lc_trace *t)
{
	struct lc__tprob p[LC__TPROB_MAX];
	size_t i, n = lc__trace_target(&t->hdr, t->buf, p);

	for (i = 0; i < n; i++)
		problem(t, LC_TRACE_P_CORRUPT, p[i].off, "%s", p[i].msg);
}

static int read_header(struct lc_trace *t, struct lc_err *err)
{
	struct lc_trace_header *h = &t->hdr;
	uint32_t v;

	if (t->len < RTM_HDR_SIZE)
		return lc_err_set(err, LC_EFORMAT,
		                  "file is %zu bytes, shorter than the %u-byte trace header",
		                  t->len, RTM_HDR_SIZE);
	if (memcmp(t->buf + RTM_H_MAGIC, RTM_MAGIC, 8) != 0)
		return lc_err_set(err, LC_EFORMAT, "not a latch trace (bad magic)");
	v = lc__rd32(t, RTM_H_ENDIAN);
	if (v != RTM_ENDIAN_MARK)
		return lc_err_set(err, LC_EFORMAT, "unsupported byte order marker 0x%08x", v);
	h->version = lc__rd32(t, RTM_H_VERSION);
	if (h->version != RTM_VERSION)
		return lc_err_set(err, LC_EFORMAT,
		                  "unsupported trace version %u (this reader reads %u)", h->version,
		                  RTM_VERSION);
	if (lc__rd32(t, RTM_H_HEADER_SIZE) != RTM_HDR_SIZE)
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_HEADER_SIZE, "header size %u is not %u",
		        lc__rd32(t, RTM_H_HEADER_SIZE), RTM_HDR_SIZE);
	h->flags = lc__rd32(t, RTM_H_FLAGS);
	h->clock = (enum lc_trace_clock)lc__rd32(t, RTM_H_CLOCK);
	if ((h->clock < LC_TRACE_CLOCK_TSC || h->clock > LC_TRACE_CLOCK_MONOTONIC_RAW) &&
	    h->clock != LC_TRACE_CLOCK_CM_DWT && h->clock != LC_TRACE_CLOCK_CM_TIMER)
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_CLOCK, "unknown clock source %u",
		        (unsigned)h->clock);
	h->mode = (enum lc_trace_mode)lc__rd32(t, RTM_H_MODE);
	if (h->mode < LC_TRACE_MODE_STOP || h->mode > LC_TRACE_MODE_SUMMARY)
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_MODE, "unknown mode %u", (unsigned)h->mode);
	h->tick_hz = lc__rd64(t, RTM_H_TICK_HZ);
	h->ns_mult = lc__rd64(t, RTM_H_NS_MULT);
	h->tick_ref = lc__rd64(t, RTM_H_TICK_REF);
	h->ns_ref = lc__rd64(t, RTM_H_NS_REF);
	if (h->ns_mult == 0)
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_NS_MULT, "clock calibration is zero");
	h->hook_cost_ticks = lc__rd64(t, RTM_H_HOOK_COST);
	h->start_realtime_ns = lc__rd64(t, RTM_H_START_REALTIME);
	h->pid = lc__rd32(t, RTM_H_PID);
	h->ppid = lc__rd32(t, RTM_H_PPID);
	h->start_ticks = lc__rd64(t, RTM_H_START_TICKS);
	h->stop_ticks = lc__rd64(t, RTM_H_STOP_TICKS);
	h->chunk_size = lc__rd32(t, RTM_H_CHUNK_SIZE);
	h->chunk_count = lc__rd32(t, RTM_H_CHUNK_COUNT);
	h->chunk_claims = lc__rd64(t, RTM_H_CHUNK_CLAIMS) & ~RTM_CLAIMS_CLOSED;
	h->chunks_kept = lc__rd32(t, RTM_H_CHUNKS_KEPT);
	h->hook_residue_ticks = lc__rd64(t, RTM_H_HOOK_RESIDUE);
	h->lost_total = lc__rd64(t, RTM_H_LOST_TOTAL);
	h->lost_no_slot = lc__rd64(t, RTM_H_LOST_NO_SLOT);
	h->heap_events = lc__rd32(t, RTM_H_HEAP_EVENTS);
	h->heapguard_lost = lc__rd64(t, RTM_H_HEAPGUARD_LOST);
	h->summary_flushes = lc__rd32(t, RTM_H_SUMMARY_FLUSHES);
	if (h->flags & LC_TRACE_F_STEAL) {
		h->steal_start_ns = lc__rd64(t, RTM_H_STEAL0);
		h->ncpus = lc__rd32(t, RTM_H_NCPUS);
	}
	if (h->flags & LC_TRACE_F_STEAL_END)
		h->steal_stop_ns = lc__rd64(t, RTM_H_STEAL1);
	if ((h->flags & (LC_TRACE_F_STEAL | LC_TRACE_F_STEAL_END)) ==
	            (LC_TRACE_F_STEAL | LC_TRACE_F_STEAL_END) &&
	    h->steal_stop_ns < h->steal_start_ns) {
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_STEAL1,
		        "steal time at stop (%llu ns) is below the start's (%llu ns)",
		        (unsigned long long)h->steal_stop_ns,
		        (unsigned long long)h->steal_start_ns);
		h->flags &= ~LC_TRACE_F_STEAL_END;
	}
	h->module_gen = lc__rd32(t, RTM_H_MODULE_GEN);
	copy_str(h->exe_path, sizeof(h->exe_path), t->buf + RTM_H_EXE_PATH, RTM_EXE_PATH_MAX);
	h->build_id_len = lc__rd32(t, RTM_H_BUILD_ID_LEN);
	if (h->build_id_len > RTM_BUILD_ID_MAX) {
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_BUILD_ID_LEN, "build-id length %zu is over %u",
		        h->build_id_len, RTM_BUILD_ID_MAX);
		h->build_id_len = 0;
	}
	memcpy(h->build_id, t->buf + RTM_H_BUILD_ID, h->build_id_len);
	h->hook_cost_ns = lc_trace_ticks_to_ns(t, h->hook_cost_ticks);
	read_target(t);
	h->hook_residue_ns = lc_trace_ticks_to_ns(t, h->hook_residue_ticks);
	if (h->flags & LC_TRACE_F_STARTING)
		problem(t, LC_TRACE_P_INCOMPLETE, RTM_H_FLAGS,
		        "tracing start-up never completed: the program ended while its trace file "
		        "was being reserved, prefaulted or calibrated, before any event");
	return 0;
}

/* Validates a table region; returns the number of whole entries usable. */
static uint64_t table_entries(struct lc_trace *t, const char *what, uint32_t off_field,
                              uint32_t cap_field, uint32_t count_field, uint32_t esize_field,
                              uint32_t esize)
{
	uint64_t off = lc__rd64(t, off_field);
	uint64_t cap = lc__rd32(t, cap_field);
	uint64_t count = lc__rd32(t, count_field);
	uint64_t avail;

	if (lc__rd32(t, esize_field) != esize) {
		problem(t, LC_TRACE_P_CORRUPT, esize_field, "%s entry size %u is not %u", what,
		        lc__rd32(t, esize_field), esize);
		return 0;
	}
	if (count > cap)
		count = cap;
	if (count == 0)
		return 0;
	if (off < RTM_HDR_SIZE || off > t->len) {
		problem(t, LC_TRACE_P_CORRUPT, off_field,
		        "%s table offset %llu is outside the file", what, (unsigned long long)off);
		return 0;
	}
	avail = (t->len - off) / esize;
	if (count > avail) {
		problem(t, LC_TRACE_P_TRUNCATED, off + avail * esize,
		        "%s table truncated after %llu of %llu entries", what,
		        (unsigned long long)avail, (unsigned long long)count);
		count = avail;
	}
	return count;
}

static int read_modules(struct lc_trace *t)
{
	uint64_t off = lc__rd64(t, RTM_H_MODULE_OFF), n, i;

	n = table_entries(t, "module", RTM_H_MODULE_OFF, RTM_H_MODULE_CAP, RTM_H_MODULE_COUNT,
	                  RTM_H_MODULE_ESIZE, RTM_MOD_ESIZE);
	if (t->hdr.module_gen & 1u)
		problem(t, LC_TRACE_P_INCOMPLETE, RTM_H_MODULE_GEN,
		        "module map was being refreshed when the trace ended (generation %u)",
		        t->hdr.module_gen);
	if (n == 0)
		return 0;
	t->mods = calloc((size_t)n, sizeof(*t->mods));
	if (t->mods == NULL)
		return LC_ENOMEM;
	for (i = 0; i < n; i++) {
		uint64_t e = off + i * RTM_MOD_ESIZE;
		struct lc_trace_module *m = &t->mods[t->nmods];

		m->bias = lc__rd64(t, e + RTM_M_BIAS);
		m->start = lc__rd64(t, e + RTM_M_START);
		m->end = lc__rd64(t, e + RTM_M_END);
		m->flags = lc__rd32(t, e + RTM_M_FLAGS);
		m->build_id_len = lc__rd32(t, e + RTM_M_BUILD_ID_LEN);
		if (m->build_id_len > RTM_BUILD_ID_MAX || m->end < m->start) {
			problem(t, LC_TRACE_P_CORRUPT, e, "module entry %llu is malformed",
			        (unsigned long long)i);
			continue;
		}
		memcpy(m->build_id, t->buf + e + RTM_M_BUILD_ID, m->build_id_len);
		copy_str(m->path, sizeof(m->path), t->buf + e + RTM_M_PATH, RTM_MOD_PATH_MAX);
		t->nmods++;
	}
	return 0;
}

static int read_threads(struct lc_trace *t)
{
	uint64_t off = lc__rd64(t, RTM_H_THREAD_OFF), n, i;

	n = table_entries(t, "thread", RTM_H_THREAD_OFF, RTM_H_THREAD_CAP, RTM_H_THREAD_COUNT,
	                  RTM_H_THREAD_ESIZE, RTM_THR_ESIZE);
	if (n == 0)
		return 0;
	t->threads = calloc((size_t)n, sizeof(*t->threads));
	if (t->threads == NULL)
		return LC_ENOMEM;
	for (i = 0; i < n; i++) {
		uint64_t e = off + i * RTM_THR_ESIZE;
		struct lc_trace_thread *th = &t->threads[i];

		th->index = (uint32_t)i;
		th->tid = lc__rd32(t, e + RTM_T_TID);
		th->flags = lc__rd32(t, e + RTM_T_FLAGS);
		th->lost = lc__rd64(t, e + RTM_T_LOST);
		th->stack_base = lc__rd64(t, e + RTM_T_STACK_BASE);
		th->stack_size = lc__rd64(t, e + RTM_T_STACK_SIZE);
		th->max_stack = lc__rd32(t, e + RTM_T_MAX_STACK);
	}
	t->nthreads = (size_t)n;
	return 0;
}

static int chunk_cmp(const void *a, const void *b)
{
	const struct lc__chunk *x = a, *y = b;

	if (x->thread != y->thread)
		return x->thread < y->thread ? -1 : 1;
	if (x->seq != y->seq)
		return x->seq < y->seq ? -1 : 1;
	return x->off < y->off ? -1 : (x->off > y->off);
}

/* Validates the records of one chunk; returns the number of complete,
 * well-formed slots (a prefix of count). */
static uint32_t scan_records(struct lc_trace *t, struct lc_trace_thread *th, uint64_t recs,
                             uint32_t count)
{
	uint32_t i = 0;

	/* The common case in one tight loop: no extended record (kind 3: both
	 * kind bits set) and no 32-bit address check to make. */
	if (t->hdr.addr_bits != 32) {
		const uint8_t *p = t->buf + recs + 8;
		uint64_t both = 0, both2 = 0;

		/* Two records a step into two accumulators: the loop is bound by
		 * its loads, not by one chain of ORs. */
		for (i = 0; i + 2u <= count; i += 2u) {
			uint64_t w = lc_trace_le64(p + (size_t)i * RTM_REC_SIZE),
			         w2 = lc_trace_le64(p + (size_t)(i + 1u) * RTM_REC_SIZE);

			both |= w & (w >> 1);
			both2 |= w2 & (w2 >> 1);
		}
		for (; i < count; i++) {
			uint64_t w = lc_trace_le64(p + (size_t)i * RTM_REC_SIZE);

			both |= w & (w >> 1);
		}
		both |= both2;
		if (!((both >> RTM_KIND_SHIFT) & 1u)) {
			th->records += count;
			return count;
		}
		i = 0;
	}
	while (i < count) {
		uint64_t word = lc__rd64(t, recs + (uint64_t)i * RTM_REC_SIZE + 8);
		uint32_t kind = (uint32_t)(word >> RTM_KIND_SHIFT) & 3u;

		if (kind == RTM_K_EXT) {
			uint32_t len = (uint32_t)(word & 0xffffu);
			uint32_t slots = (len + RTM_REC_SIZE - 1u) / RTM_REC_SIZE;

			if (len > RTM_EXT_PAYLOAD_MAX) {
				problem(t, LC_TRACE_P_CORRUPT, recs + (uint64_t)i * RTM_REC_SIZE,
				        "extended record payload of %u bytes is over %u", len,
				        RTM_EXT_PAYLOAD_MAX);
				break;
			}
			if (slots >= count - i) {
				problem(t, LC_TRACE_P_CORRUPT, recs + (uint64_t)i * RTM_REC_SIZE,
				        "extended record payload runs past the chunk's %u "
				        "published records",
				        count);
				break;
			}
			i += 1u + slots;
		} else {
			if (t->hdr.addr_bits == 32 && kind != RTM_K_MARK &&
			    (word & RTM_ADDR_MASK) > UINT32_MAX) {
				problem(t, LC_TRACE_P_CORRUPT, recs + (uint64_t)i * RTM_REC_SIZE,
				        "address 0x%llx does not fit the target's 32 bits",
				        (unsigned long long)(word & RTM_ADDR_MASK));
				break;
			}
			i++;
		}
		th->records++;
	}
	return i;
}

/* The run-queue delay of each chunk (lc_trace_chunk.runq_ns): the next
 * reading of its thread minus its own, modulo 2^32, when the two readings
 * are known to be less than 2^32 ns apart (their chunks' first records,
 * or the trace's stop for a thread's last chunk, bound the time). Chunks
 * are sorted by (thread, seq). */
static void chunk_runq(struct lc_trace *t)
{
	const uint64_t lim = UINT64_C(1) << 32;
	size_t k;

	if (!(t->hdr.flags & LC_TRACE_F_RUNQ))
		return;
	for (k = 0; k < t->nchunks; k++) {
		struct lc__chunk *c = &t->chunks[k], *nx = k + 1 < t->nchunks ? c + 1 : NULL;
		const struct lc_trace_thread *th = &t->threads[c->thread];
		uint64_t end_ticks = 0;
		uint32_t end;

		if (!(th->flags & LC_TRACE_TF_RUNQ) || !c->sealed || c->nslots == 0)
			continue;
		if (nx != NULL && nx->thread == c->thread) {
			if (nx->prev_seq != c->seq || nx->nslots == 0)
				continue; /* its successor is gone (ring mode) */
			end = nx->runq0;
			end_ticks = nx->first_ticks;
		} else {
			/* The thread's last chunk: the reading of its last seal. */
			uint64_t e =
			        lc__rd64(t, RTM_H_THREAD_OFF) + (uint64_t)c->thread * RTM_THR_ESIZE;

			if (lc__rd64(t, e + RTM_T_RUNQ_SEQ) != c->seq || t->hdr.stop_ticks == 0)
				continue;
			end = (uint32_t)lc__rd64(t, e + RTM_T_RUNQ);
			end_ticks = t->hdr.stop_ticks;
		}
		if (end_ticks < c->first_ticks ||
		    lc_trace_ticks_to_ns(t, end_ticks - c->first_ticks) >= lim)
			continue;
		c->runq_known = 1;
		c->runq_ns = (uint32_t)(end - c->runq0);
	}
}

static int read_chunks(struct lc_trace *t)
{
	const struct lc_trace_header *h = &t->hdr;
	uint64_t off = lc__rd64(t, RTM_H_CHUNK_OFF), avail, count, i;
	uint32_t cap;
	size_t k;

	if (h->mode == LC_TRACE_MODE_SUMMARY || h->chunk_count == 0 || h->chunk_claims == 0)
		return 0; /* no chunk was ever claimed (start-up never completed, or no event) */
	if (h->chunk_size < 4096 || h->chunk_size > (64u << 20) ||
	    (h->chunk_size & (h->chunk_size - 1)) != 0) {
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_CHUNK_SIZE,
		        "chunk size %u is not a power of two in [4 KiB, 64 MiB]", h->chunk_size);
		return 0;
	}
	if (off < RTM_HDR_SIZE || off > t->len) {
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_CHUNK_OFF,
		        "chunk area offset %llu is outside the file", (unsigned long long)off);
		return 0;
	}
	cap = (h->chunk_size - RTM_CHUNK_HDR) / RTM_REC_SIZE;
	/* Chunks are claimed in file order (ring mode wraps around), so only
	 * the first min(claims, chunk_count) can hold records: the rest is
	 * never read, its pages never touched. A trimmed file holds fewer. */
	count = h->chunk_claims < h->chunk_count ? h->chunk_claims : h->chunk_count;
	if ((h->flags & LC_TRACE_F_TRIMMED) && h->chunks_kept < count) {
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_CHUNKS_KEPT,
		        "trimmed to %u chunks, but %llu were claimed", h->chunks_kept,
		        (unsigned long long)count);
		count = h->chunks_kept;
	}
	t->hdr.chunks_used = (uint32_t)count;
	avail = (t->len - off) / h->chunk_size;
	if (count > avail) {
		problem(t, LC_TRACE_P_TRUNCATED, off + avail * h->chunk_size,
		        "file ends after %llu of %llu chunks", (unsigned long long)avail,
		        (unsigned long long)count);
		count = avail;
	}
	if (count == 0)
		return 0;
	t->chunks = calloc((size_t)count, sizeof(*t->chunks));
	if (t->chunks == NULL)
		return LC_ENOMEM;
	for (i = 0; i < count; i++) {
		uint64_t c = off + i * h->chunk_size;
		uint64_t seq = lc__rd64(t, c + RTM_C_SEQ);
		uint32_t thread, n;
		struct lc__chunk *ck;

		if (seq == 0)
			continue; /* never claimed, or being recycled */
		if (lc__rd32(t, c + RTM_C_MAGIC) != RTM_CHUNK_MAGIC) {
			problem(t, LC_TRACE_P_CORRUPT, c, "chunk %llu has a bad magic number",
			        (unsigned long long)i);
			continue;
		}
		thread = lc__rd32(t, c + RTM_C_THREAD);
		if (thread >= t->nthreads) {
			problem(t, LC_TRACE_P_CORRUPT, c + RTM_C_THREAD,
			        "chunk %llu names thread %u of %zu", (unsigned long long)i, thread,
			        t->nthreads);
			continue;
		}
		n = lc__rd32(t, c + RTM_C_COUNT);
		if (lc__rd32(t, c + RTM_C_CAP) != cap)
			problem(t, LC_TRACE_P_CORRUPT, c + RTM_C_CAP,
			        "chunk %llu capacity %u is not %u", (unsigned long long)i,
			        lc__rd32(t, c + RTM_C_CAP), cap);
		if (n > cap) {
			problem(t, LC_TRACE_P_CORRUPT, c + RTM_C_COUNT,
			        "chunk %llu count %u is over its capacity %u",
			        (unsigned long long)i, n, cap);
			n = cap;
		}
		if (lc__rd32(t, c + RTM_C_TID) != t->threads[thread].tid)
			problem(t, LC_TRACE_P_CORRUPT, c + RTM_C_TID,
			        "chunk %llu tid %u differs from thread %u's tid %u",
			        (unsigned long long)i, lc__rd32(t, c + RTM_C_TID), thread,
			        t->threads[thread].tid);
		ck = &t->chunks[t->nchunks++];
		ck->seq = seq;
		ck->prev_seq = lc__rd64(t, c + RTM_C_PREV_SEQ);
		ck->off = c;
		ck->thread = thread;
		lc__trace_win_touch(t, c, RTM_CHUNK_HDR + (uint64_t)n * RTM_REC_SIZE);
		ck->nslots = scan_records(t, &t->threads[thread], c + RTM_CHUNK_HDR, n);
		t->threads[thread].chunks++;
		ck->sealed = lc__rd32(t, c + RTM_C_STATE) == RTM_CS_SEALED;
		ck->nvcsw0 = lc__rd32(t, c + RTM_C_NVCSW0);
		ck->nivcsw0 = lc__rd32(t, c + RTM_C_NIVCSW0);
		ck->nvcsw1 = lc__rd32(t, c + RTM_C_NVCSW1);
		ck->nivcsw1 = lc__rd32(t, c + RTM_C_NIVCSW1);
		ck->runq0 = lc__rd32(t, c + RTM_C_RUNQ);
		ck->first_ticks = ck->nslots > 0 ? lc__rd64(t, c + RTM_CHUNK_HDR) : 0;
		if (ck->sealed) {
			uint32_t v0 = lc__rd32(t, c + RTM_C_NVCSW0),
			         v1 = lc__rd32(t, c + RTM_C_NVCSW1);
			uint32_t i0 = lc__rd32(t, c + RTM_C_NIVCSW0),
			         i1 = lc__rd32(t, c + RTM_C_NIVCSW1);

			t->threads[thread].nvcsw += v1 >= v0 ? v1 - v0 : 0;
			t->threads[thread].nivcsw += i1 >= i0 ? i1 - i0 : 0;
		}
	}
	if (t->nchunks > 1)
		qsort(t->chunks, t->nchunks, sizeof(*t->chunks), chunk_cmp);
	for (k = 1; k < t->nchunks; k++)
		if (t->chunks[k].thread == t->chunks[k - 1].thread &&
		    t->chunks[k].seq == t->chunks[k - 1].seq)
			problem(t, LC_TRACE_P_CORRUPT, t->chunks[k].off + RTM_C_SEQ,
			        "two chunks of thread %u claim sequence number %llu",
			        t->chunks[k].thread, (unsigned long long)t->chunks[k].seq);
	chunk_runq(t);
	return 0;
}

static int read_summary(struct lc_trace *t)
{
	uint64_t off = lc__rd64(t, RTM_H_SUMMARY_OFF), cap = lc__rd32(t, RTM_H_SUMMARY_CAP);
	uint32_t esize = lc__rd32(t, RTM_H_SUMMARY_ESIZE), nb = lc__rd32(t, RTM_H_HIST_BUCKETS), i,
	         k;
	uint64_t avail;
	size_t used;

	if (t->hdr.mode != LC_TRACE_MODE_SUMMARY || cap == 0)
		return 0;
	if (nb == 0 || nb > RTM_HIST_BUCKETS_ALL || esize != RTM_S_HIST + 8u * nb ||
	    lc__rd32(t, RTM_H_HIST_SUB_BITS) != RTM_HIST_SUB_BITS) {
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_SUMMARY_ESIZE,
		        "summary table geometry (%u buckets, %u-byte entries) is not supported", nb,
		        esize);
		return 0;
	}
	if (off < RTM_HDR_SIZE || off > t->len) {
		problem(t, LC_TRACE_P_CORRUPT, RTM_H_SUMMARY_OFF,
		        "summary table offset is outside the file");
		return 0;
	}
	avail = (t->len - off) / esize;
	if (cap > avail) {
		problem(t, LC_TRACE_P_TRUNCATED, off + avail * esize,
		        "summary table truncated after %llu of %llu slots",
		        (unsigned long long)avail, (unsigned long long)cap);
		cap = avail;
	}
	t->hist_buckets = nb;
	if (cap == 0)
		return 0;
	for (i = 0, used = 0; i < cap; i++)
		used += lc__rd64(t, off + (uint64_t)i * esize + RTM_S_ADDR) != 0;
	if (used == 0)
		return 0;
	t->sums = calloc(used, sizeof(*t->sums));
	t->bucket_mem = calloc(used * nb, sizeof(uint64_t));
	if (t->sums == NULL || t->bucket_mem == NULL)
		return LC_ENOMEM;
	for (i = 0; i < cap; i++) {
		uint64_t e = off + (uint64_t)i * esize;
		struct lc_trace_summary *s;

		if (lc__rd64(t, e + RTM_S_ADDR) == 0)
			continue;
		if (lc__rd64(t, e + RTM_S_COUNT) != 0 &&
		    lc__rd64(t, e + RTM_S_MIN) > lc__rd64(t, e + RTM_S_MAX)) {
			problem(t, LC_TRACE_P_CORRUPT, e + RTM_S_MIN,
			        "summary slot %u: its shortest call (%llu ticks) is longer than "
			        "its "
			        "longest (%llu): left out",
			        i, (unsigned long long)lc__rd64(t, e + RTM_S_MIN),
			        (unsigned long long)lc__rd64(t, e + RTM_S_MAX));
			continue;
		}
		s = &t->sums[t->nsums++];
		s->addr = lc__rd64(t, e + RTM_S_ADDR);
		s->count = lc__rd64(t, e + RTM_S_COUNT);
		s->min = lc__rd64(t, e + RTM_S_MIN);
		s->max = lc__rd64(t, e + RTM_S_MAX);
		s->sum = lc__rd64(t, e + RTM_S_SUM);
		s->max_stack = lc__rd64(t, e + RTM_S_MAX_STACK);
		if (s->count == 0)
			s->min = 0;
		/* Copied: a caller's buffer (lc_trace_open_mem) may be unaligned. */
		s->buckets = t->bucket_mem + (size_t)(s - t->sums) * nb;
		for (k = 0; k < nb; k++)
			t->bucket_mem[(size_t)(s - t->sums) * nb + k] =
			        lc__rd64(t, e + RTM_S_HIST + 8u * k);
		s->nbuckets = nb;
	}
	return 0;
}

static int prob_cmp(const void *a, const void *b)
{
	const struct lc_trace_problem *x = a, *y = b;

	return x->offset < y->offset ? -1 : (x->offset > y->offset);
}

static int open_buf(struct lc_trace *t, struct lc_err *err)
{
	int rc;
	size_t i, k;

	rc = read_header(t, err);
	if (rc < 0)
		goto out;
	rc = read_modules(t);
	if (rc == 0)
		rc = read_threads(t);
	if (rc == 0)
		rc = read_chunks(t);
	if (rc == 0)
		rc = read_summary(t);
	if (rc == 0 && t->oom)
		rc = LC_ENOMEM;
	if (rc < 0) {
		lc_err_set(err, rc, "out of memory reading the trace");
		goto out;
	}
	t->first_chunk = calloc(t->nthreads + 1, sizeof(*t->first_chunk));
	if (t->first_chunk == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory reading the trace");
		goto out;
	}
	for (i = 0, k = 0; i <= t->nthreads; i++) {
		while (k < t->nchunks && t->chunks[k].thread < i)
			k++;
		t->first_chunk[i] = k;
	}
	if (t->nprobs > 1)
		qsort(t->probs, t->nprobs, sizeof(*t->probs), prob_cmp);
out:
	return rc;
}

/* lc_trace_open_mem, with the window of a mapped file (owned on success). */
static int open_mapped(struct lc_trace **out, const void *buf, size_t len, struct lc__win *win,
                       const char *name, struct lc_err *err)
{
	struct lc_trace *t = NULL;
	int rc;

	*out = NULL;
	t = calloc(1, sizeof(*t));
	if (t == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	t->buf = buf;
	t->len = len;
	t->win = win;
	if (lc__trace_target_compact(buf, len)) { /* docs/trace-format.md, compact target records */
		t->own = malloc(len);
		if (t->own == NULL) {
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
		memcpy(t->own, buf, len);
		lc__trace_target_widen(t->own, len);
		t->buf = t->own;
		t->win = NULL; /* a heap copy: no mapped pages to release */
	}
	rc = open_buf(t, err);
	if (rc < 0) {
		if (name != NULL && err != NULL) {
			char msg[LC_ERR_MSG_MAX];

			snprintf(msg, sizeof(msg), "%s", err->msg);
			lc_err_set(err, rc, "%s: %s", name, msg);
		}
		goto out;
	}
	if (t->win == NULL)
		free(win); /* owned on success, unused */
	*out = t;
	t = NULL;
out:
	if (t != NULL)
		t->win = NULL; /* still the caller's */
	lc_trace_close(t);
	return rc;
}

int lc_trace_open_mem(struct lc_trace **out, const void *buf, size_t len, const char *name,
                      struct lc_err *err)
{
	return open_mapped(out, buf, len, NULL, name, err);
}

int lc_trace_open(struct lc_trace **out, const char *path, struct lc_err *err)
{
	struct lc_trace *t = NULL;
	struct lc__win *win = NULL;
	void *map = MAP_FAILED;
	struct stat sb;
	size_t len = 0;
	int fd = -1, rc;

	*out = NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size < (off_t)RTM_HDR_SIZE) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: not a latch trace (%lld bytes, no header)",
		                path, (long long)sb.st_size);
		goto out;
	}
	len = (size_t)sb.st_size;
	map = mmap(NULL, len, PROT_READ, MAP_PRIVATE, fd, 0);
	if (map == MAP_FAILED) {
		rc = lc_err_set(err, LC_EIO, "cannot map '%s': %s", path, strerror(errno));
		goto out;
	}
	/* Read once, front to back, chunk by chunk: large readahead, and pages
	 * behind the reader are the first the kernel reclaims. */
	madvise(map, len, MADV_SEQUENTIAL);
	win = calloc(1, sizeof(*win));
	if (win == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	rc = open_mapped(&t, map, len, win, path, err);
	if (rc < 0)
		goto out;
	win = NULL;
	t->map = map;
	t->map_len = len;
	map = MAP_FAILED;
	*out = t;
out:
	free(win);
	if (map != MAP_FAILED)
		munmap(map, len);
	if (fd >= 0)
		close(fd);
	return rc;
}

void lc_trace_close(struct lc_trace *t)
{
	if (t == NULL)
		return;
	if (t->map != NULL)
		munmap(t->map, t->map_len);
	free(t->mods);
	free(t->threads);
	free(t->chunks);
	free(t->first_chunk);
	free(t->probs);
	free(t->sums);
	free(t->bucket_mem);
	free(t->win);
	free(t->own);
	free(t);
}
