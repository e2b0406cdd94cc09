/*
 * tracer/binary/stackmeasure.c - `stack --trace`: the stack a latch trace
 * measured below each function, for the cross-check against the static
 * bound (stackmeasure.h).
 *
 * This replay is the stack command's own until the one replay module of
 * tracer/trace/ (issue 9) lands; it then becomes a consumer of it.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/stackmeasure.h"

#include "map.h"
#include "trace.h"
#include "trace/sym.h"

#include <stdlib.h>
#include <string.h>

struct shadow {
	size_t func; /* cg index, or (size_t)-1 for a function outside the graph */
	uint64_t addr;
	uint64_t entry;   /* stack depth at its entry hook */
	uint64_t deepest; /* deepest entry seen below it so far */
};

/*
 * Replays every thread of the trace with a shadow call stack and records,
 * per call-graph function, the deepest stack measured below its entry (the
 * depth at the deepest entry hook of any callee, minus its own). That is a
 * lower bound of what the function and its callees use, so it can never
 * exceed a correct static bound.
 */
int trc_stack_measure(uint64_t *measured, const struct trc_cg *cg, const char *trace_path,
                      const char *elf_path, size_t *nrecords, struct lc_err *err)
{
	struct lc_trace *t = NULL;
	struct trc_sym *sym = NULL;
	struct lc_map map; /* address -> cg index: a trace has few distinct addresses */
	struct shadow *stk = NULL;
	size_t th, depth, cap = 4096;
	int rc = 0;

	*nrecords = 0;
	stk = malloc(cap * sizeof(*stk));
	lc_map_init(&map);
	if (stk == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	rc = lc_trace_open(&t, trace_path, err);
	if (rc < 0)
		goto out;
	rc = trc_sym_new(&sym, t, elf_path, err);
	if (rc < 0)
		goto out;
	for (th = 0; th < lc_trace_thread_count(t); th++) {
		struct lc_trace_iter it;
		struct lc_trace_rec rec;

		depth = 0;
		lc_trace_iter_init(&it, t, th);
		while (lc_trace_iter_next(&it, &rec)) {
			(*nrecords)++;
			if (rec.gap)
				depth = 0; /* lost events: the shadow stack is no longer known */
			if (rec.kind == LC_TRACE_ENTER) {
				uint64_t *v;
				int added;

				v = lc_map_put(&map, rec.addr, &added);
				if (v == NULL) {
					rc = lc_err_set(err, LC_ENOMEM, "out of memory");
					goto out;
				}
				if (added) {
					struct trc_symbol ts;

					rc = trc_sym_lookup(sym, rec.addr, &ts, err);
					if (rc < 0)
						goto out;
					*v = ts.name ? trc_cg_find(cg, ts.name) : (size_t)-1;
				}
				if (depth == cap) {
					depth = 0; /* deeper than any sane program: start over */
					continue;
				}
				stk[depth].func = (size_t)*v;
				stk[depth].addr = rec.addr;
				stk[depth].entry = rec.stack_bytes;
				stk[depth].deepest = rec.stack_bytes;
				depth++;
			} else if (rec.kind == LC_TRACE_EXIT) {
				size_t k = depth;

				while (k > 0 && stk[k - 1].addr != rec.addr)
					k--;
				if (k == 0)
					continue; /* an exit whose entry was not seen */
				/* Pop down to the matching frame, passing depths up. */
				while (depth >= k) {
					struct shadow *top = &stk[depth - 1];
					uint64_t used = top->deepest - top->entry;

					if (top->func != (size_t)-1 && top->deepest >= top->entry &&
					    used > measured[top->func])
						measured[top->func] = used;
					if (depth > 1 && top->deepest > stk[depth - 2].deepest)
						stk[depth - 2].deepest = top->deepest;
					depth--;
					if (depth < k)
						break;
				}
			}
		}
		/* Functions still running when the trace ended (main, a thread's
		 * loop) have measured as much as they ever will. */
		for (; depth > 0; depth--) {
			struct shadow *top = &stk[depth - 1];

			if (top->func != (size_t)-1 && top->deepest >= top->entry &&
			    top->deepest - top->entry > measured[top->func])
				measured[top->func] = top->deepest - top->entry;
			if (depth > 1 && top->deepest > stk[depth - 2].deepest)
				stk[depth - 2].deepest = top->deepest;
		}
	}
out:
	free(stk);
	lc_map_fini(&map);
	trc_sym_free(sym);
	lc_trace_close(t);
	return rc;
}
