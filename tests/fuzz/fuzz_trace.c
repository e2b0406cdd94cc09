/*
 * tests/fuzz/fuzz_trace.c - libFuzzer target for the trace reader
 * (common/trace.c). Any input must open or fail cleanly, and everything the
 * reader hands out must be readable: the iterator walks every thread, the
 * heap decoder runs on every extended record, every summary bucket is read.
 * Built only with -DLATCH_FUZZ=ON and clang; seeds in corpus/trace/.
 */
#include "trace.h"

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	volatile uint64_t sink = 0;
	uint8_t *copy;
	size_t i, b;

	/* A private copy: the reader keeps pointers into its buffer. */
	copy = malloc(size ? size : 1);
	if (copy == NULL)
		return 0;
	memcpy(copy, data, size);
	if (lc_trace_open_mem(&t, copy, size, "fuzz", &err) == 0) {
		const struct lc_trace_header *h = lc_trace_header(t);

		sink += h->lost_total + strlen(h->exe_path);
		for (i = 0; i < lc_trace_module_count(t); i++)
			sink += strlen(lc_trace_module(t, i)->path);
		for (i = 0; i < lc_trace_problem_count(t); i++)
			sink += strlen(lc_trace_problem(t, i)->msg);
		for (i = 0; i < lc_trace_thread_count(t) + 1; i++) {
			struct lc_trace_iter it;
			struct lc_trace_rec r;
			struct lc_trace_heap hp;

			struct lc_trace_chunk ck;
			const uint8_t *recs;
			uint64_t off;
			size_t k, n;
			int gap;

			for (k = 0; (n = lc_trace_chunk_records(t, i, k, &recs, &off, &gap)) > 0; k++) {
				sink += recs[n * 16u - 1u] + (uint64_t)gap;
				sink += lc_trace_chunk(&ck, t, i, k) == 0 ? ck.nslots : 0;
			}
			lc_trace_iter_init(&it, t, i);
			while (lc_trace_iter_next(&it, &r)) {
				sink += r.ns + r.addr;
				if (r.payload_len > 0)
					sink += r.payload[r.payload_len - 1];
				if (lc_trace_heap_decode(&hp, &r) == 0 && hp.nframes > 0)
					sink += hp.frames[hp.nframes - 1];
				sink += lc_trace_module_of(t, r.addr) != NULL;
			}
		}
		for (i = 0; i < lc_trace_summary_count(t); i++) {
			const struct lc_trace_summary *s = lc_trace_summary(t, i);

			for (b = 0; b < s->nbuckets; b++)
				sink += s->buckets[b];
		}
	}
	lc_trace_close(t);
	free(copy);
	(void)sink;
	return 0;
}
