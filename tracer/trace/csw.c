/*
 * tracer/trace/csw.c - involuntary context switches per chunk (see csw.h).
 *
 * The chunks are kept in the reader's order (thread by thread, each in claim
 * order), plus an index sorted by file offset to find the chunk that holds
 * a record. A worst case's chunks are then the run between its enter's and
 * its exit's chunk of the same thread.
 */
#define _GNU_SOURCE /* qsort_r */
#include "trace/csw.h"

#include <stdlib.h>

#include "trace.h"

struct chunk {
	uint64_t off, end; /* [off, end): the chunk header and its records */
	uint32_t thread;
	uint32_t sealed;
	uint32_t niv0, niv1;
	int runq_known;
	uint64_t runq_ns;
};

struct trc_csw {
	struct chunk *c; /* thread-major, claim order inside a thread */
	size_t *by_off;  /* indices into c, sorted by c[].off */
	size_t n;
};

static int cmp_off(const void *a, const void *b, void *arg)
{
	const struct chunk *c = arg;
	uint64_t x = c[*(const size_t *)a].off, y = c[*(const size_t *)b].off;

	return x < y ? -1 : x > y;
}

static size_t count_chunks(const struct lc_trace *t)
{
	struct lc_trace_chunk ck;
	size_t i, k, n = 0;

	for (i = 0; i < lc_trace_thread_count(t); i++)
		for (k = 0; lc_trace_chunk(&ck, t, i, k) == 0; k++)
			n++;
	return n;
}

int trc_csw_new(struct trc_csw **out, const struct lc_trace *t, struct lc_err *err)
{
	struct trc_csw *c = calloc(1, sizeof(*c));
	struct lc_trace_chunk ck;
	size_t i, k, n = count_chunks(t), j = 0;
	uint32_t size = lc_trace_header(t)->chunk_size;
	int rc = 0;

	if (c != NULL) {
		c->c = calloc(n ? n : 1, sizeof(*c->c));
		c->by_off = calloc(n ? n : 1, sizeof(*c->by_off));
	}
	if (c == NULL || c->c == NULL || c->by_off == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < lc_trace_thread_count(t); i++) {
		for (k = 0; j < n && lc_trace_chunk(&ck, t, i, k) == 0; k++, j++) {
			c->c[j].off = ck.offset;
			c->c[j].end = ck.offset + size;
			c->c[j].thread = (uint32_t)i;
			c->c[j].sealed = ck.sealed;
			c->c[j].niv0 = ck.nivcsw0;
			c->c[j].niv1 = ck.nivcsw1;
			c->c[j].runq_known = ck.runq_known;
			c->c[j].runq_ns = ck.runq_ns;
			c->by_off[j] = j;
		}
	}
	c->n = j;
	qsort_r(c->by_off, c->n, sizeof(*c->by_off), cmp_off, c->c);
	*out = c;
	c = NULL;
out:
	trc_csw_free(c);
	return rc;
}

void trc_csw_free(struct trc_csw *c)
{
	if (c == NULL)
		return;
	free(c->c);
	free(c->by_off);
	free(c);
}

/* The index (into c->c) of the chunk holding file offset off, or -1. */
static long chunk_of(const struct trc_csw *c, uint64_t off)
{
	size_t lo = 0, hi = c->n;

	/* The last chunk starting at or before off. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2u;

		if (c->c[c->by_off[mid]].off <= off)
			lo = mid + 1u;
		else
			hi = mid;
	}
	if (lo == 0 || off >= c->c[c->by_off[lo - 1u]].end)
		return -1;
	return (long)c->by_off[lo - 1u];
}

int trc_csw_preempted(const struct trc_csw *c, uint64_t enter_off, uint64_t exit_off)
{
	long a = chunk_of(c, enter_off), b = chunk_of(c, exit_off), i;
	int unknown = 0;

	if (a < 0 || b < 0 || b < a || c->c[a].thread != c->c[b].thread)
		return -1;
	/* Every chunk of the thread claimed between the two, inclusive. */
	for (i = a; i <= b; i++) {
		if (!c->c[i].sealed) {
			unknown = 1;
			continue;
		}
		if (c->c[i].niv1 > c->c[i].niv0)
			return 1;
	}
	return unknown ? -1 : 0;
}

int trc_csw_runq(const struct trc_csw *c, uint64_t enter_off, uint64_t exit_off, uint64_t *ns)
{
	long a = chunk_of(c, enter_off), b = chunk_of(c, exit_off), i;
	uint64_t sum = 0;

	if (a < 0 || b < 0 || b < a || c->c[a].thread != c->c[b].thread)
		return -1;
	for (i = a; i <= b; i++) {
		if (!c->c[i].runq_known)
			return -1;
		sum += c->c[i].runq_ns;
	}
	*ns = sum;
	return 0;
}
