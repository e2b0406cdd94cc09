/*
 * tracer/binary/stackmeasure.c - `stack --trace`: the stack a latch trace
 * measured below each function, for the cross-check against the static
 * bound (stackmeasure.h). The trace is replayed through the one replay of
 * latch-trace (trace/replay.h), so the pairing of records is report's.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/stackmeasure.h"

#include "map.h"
#include "trace.h"
#include "trace/replay.h"
#include "trace/sym.h"

#include <stdlib.h>
#include <string.h>

#define NO_FUNC UINT32_MAX

static void measure(uint64_t *measured, const struct trc_replay_frame *fr)
{
	if (fr->user != NO_FUNC && fr->deep >= fr->entry_stack &&
	    fr->deep - fr->entry_stack > measured[fr->user])
		measured[fr->user] = fr->deep - fr->entry_stack;
}

/* Looks up the cg index of the function at addr, cached in map. */
static int func_of(uint32_t *out, struct lc_map *map, struct trc_sym *sym, const struct trc_cg *cg,
                   uint64_t addr, struct lc_err *err)
{
	uint64_t *v;
	int added, rc = 0;

	v = lc_map_put(map, addr, &added);
	if (v == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	if (added) {
		struct trc_symbol ts;
		size_t idx;

		rc = trc_sym_lookup(sym, addr, &ts, err);
		if (rc < 0)
			return rc;
		idx = ts.name ? trc_cg_find(cg, ts.name) : (size_t)-1;
		*v = idx == (size_t)-1 || idx >= NO_FUNC ? NO_FUNC : idx;
	}
	*out = (uint32_t)*v;
	return 0;
}

int trc_stack_measure(uint64_t *measured, const struct trc_cg *cg, const char *trace_path,
                      const char *elf_path, size_t *nrecords, struct lc_err *err)
{
	struct lc_trace *t = NULL;
	struct trc_sym *sym = NULL;
	struct lc_map map; /* address -> cg index: a trace has few distinct addresses */
	struct trc_replay *r = NULL;
	size_t th;
	int rc = 0;

	*nrecords = 0;
	lc_map_init(&map);
	r = malloc(sizeof(*r));
	if (r == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	trc_replay_init(r, 0);
	rc = lc_trace_open(&t, trace_path, err);
	if (rc < 0)
		goto out;
	rc = trc_sym_new(&sym, t, elf_path, err);
	if (rc < 0)
		goto out;
	for (th = 0; th < lc_trace_thread_count(t); th++) {
		const uint8_t *recs;
		const struct trc_replay_frame *fr;
		uint64_t off;
		size_t k, n, i;
		int gap;

		for (k = 0; (n = lc_trace_chunk_records(t, th, k, &recs, &off, &gap)) > 0; k++)
			for (i = 0; i < n;) {
				struct lc_trace_slot s;
				uint32_t j;

				i += lc_trace_slot_decode(&s, recs, i, off, gap);
				switch (trc_replay_step(r, &s)) {
				case TRC_REPLAY_ENTERED:
					rc = func_of(&r->stack[r->depth - 1].user, &map, sym, cg,
					             s.addr, err);
					if (rc < 0)
						goto out;
					break;
				case TRC_REPLAY_CLOSED:
					/* The call, and the frames its exit abandoned
					 * (skipped exits): what they measured stands. */
					for (j = 0; j <= r->call.unwound; j++)
						measure(measured, r->call.frame + j);
					break;
				default:
					break;
				}
			}
		/* Functions still running when the trace ended (main, a thread's
		 * loop) have measured as much as they ever will. */
		while ((fr = trc_replay_unwind(r)) != NULL)
			measure(measured, fr);
		trc_replay_thread_end(r);
	}
	*nrecords = (size_t)r->counts.records;
out:
	free(r);
	lc_map_fini(&map);
	trc_sym_free(sym);
	lc_trace_close(t);
	return rc;
}
