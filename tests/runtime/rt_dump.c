/*
 * tests/runtime/rt_dump.c - prints a trace as line-oriented text for the
 * integration tests (rt_tests.py), through the reader in common/trace.h.
 *
 *   header key=value ...
 *   module <bias> <start> <end> <flags> <path>
 *   thread <index> <tid> <lost> <records> <chunks> <flags> <max_stack>
 *   problem <kind> <offset> <message>
 *   rec <thread> <E|X|M|K|H> <addr|-> <ticks> <ns> <stack> <gap> [extra]
 *   summary <addr> <count> <min_ns> <max_ns> <sum_ticks> <max_stack> <hist_total> <hist_ok>
 *
 * Exit status: 0, or 2 when the trace cannot be opened.
 */
#include "rtm_hist.h"
#include "trace.h"

#include <inttypes.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	const struct lc_trace_header *h;
	size_t i;
	int rc = 2;

	if (argc != 2) {
		fprintf(stderr, "usage: rt_dump TRACE\n");
		goto out;
	}
	if (lc_trace_open(&t, argv[1], &err) < 0) {
		fprintf(stderr, "rt_dump: error: %s\n", err.msg);
		goto out;
	}
	h = lc_trace_header(t);
	printf("header mode=%s clock=%s pid=%u ppid=%u flags=%u lost_total=%" PRIu64 " lost_no_slot=%" PRIu64
	       " hook_cost_ticks=%" PRIu64 " hook_cost_ns=%" PRIu64 " tick_hz=%" PRIu64 " chunk_claims=%" PRIu64
	       " chunk_count=%u chunk_size=%u heap_events=%u build_id_len=%zu chunks_used=%u chunks_kept=%u"
	       " hook_residue_ticks=%" PRIu64 " exe=%s\n",
	       lc_trace_mode_name(h->mode), lc_trace_clock_name(h->clock), h->pid, h->ppid, h->flags, h->lost_total,
	       h->lost_no_slot, h->hook_cost_ticks, h->hook_cost_ns, h->tick_hz, h->chunk_claims, h->chunk_count,
	       h->chunk_size, h->heap_events, h->build_id_len, h->chunks_used, h->chunks_kept,
	       h->hook_residue_ticks, h->exe_path);
	for (i = 0; i < lc_trace_module_count(t); i++) {
		const struct lc_trace_module *m = lc_trace_module(t, i);

		printf("module %#" PRIx64 " %#" PRIx64 " %#" PRIx64 " %u %s\n", m->bias, m->start, m->end, m->flags,
		       m->path[0] ? m->path : "-");
	}
	for (i = 0; i < lc_trace_thread_count(t); i++) {
		const struct lc_trace_thread *th = lc_trace_thread(t, i);

		printf("thread %u %u %" PRIu64 " %" PRIu64 " %u %u %" PRIu64 "\n", th->index, th->tid, th->lost,
		       th->records, th->chunks, th->flags, th->max_stack);
	}
	printf("steal start=%" PRIu64 " stop=%" PRIu64 " ncpus=%u\n", h->steal_start_ns, h->steal_stop_ns,
	       h->ncpus);
	for (i = 0; i < lc_trace_thread_count(t); i++) {
		struct lc_trace_chunk ck;
		size_t k;

		for (k = 0; lc_trace_chunk(&ck, t, i, k) == 0; k++)
			printf("chunk %zu %zu %" PRIu64 " %u %d %" PRIu64 " %zu\n", i, k, ck.seq, ck.sealed,
			       ck.runq_known, ck.runq_ns, ck.nslots);
	}
	for (i = 0; i < lc_trace_problem_count(t); i++) {
		const struct lc_trace_problem *p = lc_trace_problem(t, i);

		printf("problem %d %" PRIu64 " %s\n", (int)p->kind, p->offset, p->msg);
	}
	for (i = 0; i < lc_trace_thread_count(t); i++) {
		struct lc_trace_iter it;
		struct lc_trace_rec r;

		lc_trace_iter_init(&it, t, i);
		while (lc_trace_iter_next(&it, &r)) {
			static const char kinds[] = "EXMK";
			char k = kinds[r.kind & 3];
			struct lc_trace_heap hp;

			if (r.kind == LC_TRACE_EXT && r.ext_type == LC_TRACE_EXT_HEAP)
				k = 'H';
			printf("rec %zu %c %#" PRIx64 " %" PRIu64 " %" PRIu64 " %u %d", i, k, r.addr, r.ticks, r.ns,
			       r.stack_bytes, r.gap);
			if (k == 'K')
				printf(" %.*s", (int)r.payload_len, (const char *)r.payload);
			if (k == 'H' && lc_trace_heap_decode(&hp, &r) == 0) {
				size_t f;

				printf(" %d %" PRIu64 " %#" PRIx64, (int)hp.alloc, hp.size, hp.root);
				for (f = 0; f < hp.nframes; f++)
					printf(" %#" PRIx64, hp.frames[f]);
			}
			printf("\n");
		}
	}
	for (i = 0; i < lc_trace_summary_count(t); i++) {
		const struct lc_trace_summary *s = lc_trace_summary(t, i);
		uint64_t tot = 0;
		int ok = 1;
		size_t b;

		for (b = 0; b < s->nbuckets; b++) {
			tot += s->buckets[b];
			/* Every non-empty bucket lies within [min, max]. */
			if (s->buckets[b] && (rtm_hist_upper((uint32_t)b) < s->min ||
					      (b + 1 < s->nbuckets && rtm_hist_lower((uint32_t)b) > s->max)))
				ok = 0;
		}
		printf("summary %#" PRIx64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64 " %" PRIu64
		       " %d\n",
		       s->addr, s->count, lc_trace_ticks_to_ns(t, s->min), lc_trace_ticks_to_ns(t, s->max), s->sum,
		       s->max_stack, tot, ok);
	}
	rc = 0;
out:
	lc_trace_close(t);
	return rc;
}
