/*
 * tracer/trace/export.c - chrome and folded export (see export.h).
 *
 * Each thread is replayed once (trace/replay.h). chrome writes an event when
 * a call closes; folded adds the call's self time to its stack node, a tree
 * of (parent, function) nodes kept in an open-addressing table.
 */
#include "trace/export.h"

#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "map.h"
#include "trace.h"
#include "trace/profile.h"
#include "trace/replay.h"

/* Folded stacks as a tree of (parent, function) nodes; node 0 is the root. */
struct node {
	uint32_t parent, fn;
	uint64_t self_ticks;
};

struct addr_idx {
	uint64_t addr;
	uint32_t fn;
};

struct exporter {
	const struct trc_profile *a;
	FILE *f;
	int chrome;
	char **jnames; /* chrome: each function's name as a JSON string */
	struct node *nodes;
	size_t nnodes, capnodes;
	struct lc_map node_ids; /* (parent << 32 | fn) -> node */
	int first_event;
	struct addr_idx *by_addr; /* a->fns sorted by address */
	struct trc_replay *r;
};

static int cmp_addr(const void *pa, const void *pb)
{
	const struct addr_idx *x = pa, *y = pb;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The function of an entry address (binary search), or UINT32_MAX. */
static uint32_t fn_index(const struct exporter *e, uint64_t addr)
{
	size_t lo = 0, hi = e->a->nfns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2u;

		if (e->by_addr[mid].addr < addr)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo < e->a->nfns && e->by_addr[lo].addr == addr ? e->by_addr[lo].fn : UINT32_MAX;
}

/* The node of fn below parent, created on first sight. */
static int node_of(struct exporter *e, uint32_t parent, uint32_t fn, uint32_t *out)
{
	int added = 0;
	uint64_t *v = lc_map_put(&e->node_ids, (uint64_t)parent << 32 | fn, &added);

	if (v == NULL)
		return LC_ENOMEM;
	if (added) {
		if (lc_grow(&e->nodes, &e->capnodes, e->nnodes + 1u, sizeof(*e->nodes), 1024u) < 0)
			return LC_ENOMEM;
		e->nodes[e->nnodes].parent = parent;
		e->nodes[e->nnodes].fn = fn;
		e->nodes[e->nnodes].self_ticks = 0;
		*v = e->nnodes++;
	}
	*out = (uint32_t)*v;
	return 0;
}

/*
 * chrome's compensated clock of one thread. Each closed call owes its hook
 * pair to its caller's timeline (report takes it from the caller's
 * inclusive time). The caller pays it from the gaps between records at its
 * own level (after a callee's exit, before the next callee's enter), never
 * from inside another callee, whose time stays exact; the clock never goes
 * back. That compensates an event's end. Its start is then compensated
 * too: it is placed at end - corrected time, but never before the call's
 * own enter nor after its first callee's start. So every callee lies within
 * its caller (the events nest exactly), and an event lasts exactly report's
 * corrected inclusive time unless the caller's gaps are shorter than the
 * hook cost (synthetic traces); then it lasts the shortest nesting time.
 */
struct cclock {
	uint64_t last_raw; /* the previous record's ticks */
	uint64_t last;     /* its compensated ticks since the trace's start */
	uint64_t owed;     /* hook ticks the current frame has not yet taken out */
};

static uint64_t cclock_at(struct cclock *c, uint64_t ticks)
{
	uint64_t gap = ticks > c->last_raw ? ticks - c->last_raw : 0;
	uint64_t pay = gap < c->owed ? gap : c->owed;

	c->owed -= pay;
	c->last += gap - pay;
	c->last_raw = ticks > c->last_raw ? ticks : c->last_raw;
	return c->last;
}

static void put_event(struct exporter *e, uint32_t fn, uint64_t start_ns, uint64_t end_ns,
                      uint32_t tid)
{
	uint64_t dur = end_ns - start_ns;

	fprintf(e->f,
	        "%s\n{\"name\":%s,\"ph\":\"X\",\"ts\":%" PRIu64 ".%03u,\"dur\":%" PRIu64
	        ".%03u,\"pid\":%u,\"tid\":%u}",
	        e->first_event ? "" : ",", e->jnames[fn], start_ns / 1000u,
	        (unsigned)(start_ns % 1000u), dur / 1000u, (unsigned)(dur % 1000u),
	        lc_trace_header(e->a->t)->pid, tid);
	e->first_event = 0;
}

static int on_enter(struct exporter *e, struct trc_replay_frame *fr, struct cclock *clk)
{
	struct trc_replay *r = e->r;

	fr->user = fn_index(e, fr->addr);
	fr->user2 = 0;
	if (e->chrome) {
		fr->user64 = cclock_at(clk, fr->start);
		fr->user64b = UINT64_MAX; /* its first callee's start: none yet */
		if (r->depth > 1u && r->stack[r->depth - 2u].user64b == UINT64_MAX)
			r->stack[r->depth - 2u].user64b = fr->user64;
		/* The caller's debt waits in the callee's frame (saturated: more
		 * than 2^32 ticks unpaid is no longer a hook's cost). */
		fr->user2 = clk->owed > UINT32_MAX ? UINT32_MAX : (uint32_t)clk->owed;
		clk->owed = 0;
		return 0;
	}
	return node_of(e, r->depth > 1u ? r->stack[r->depth - 2u].user2 : 0u, fr->user, &fr->user2);
}

static void on_close(struct exporter *e, const struct trc_replay_call *c, struct cclock *clk,
                     uint32_t tid)
{
	const struct trc_replay_frame *fr = c->frame;
	uint64_t start, end;

	if (!e->chrome) {
		e->nodes[fr->user2].self_ticks += c->excl;
		return;
	}
	end = cclock_at(clk, c->end);
	clk->owed = fr->user2 + e->r->hook_pair;
	start = end > c->corr ? end - c->corr : 0;
	if (start < fr->user64)
		start = fr->user64;
	if (start > fr->user64b)
		start = fr->user64b;
	if (fr->user != UINT32_MAX)
		put_event(e, fr->user, lc_trace_ticks_to_ns(e->a->t, start),
		          lc_trace_ticks_to_ns(e->a->t, end), tid);
}

static int run_thread(struct exporter *e, size_t thread)
{
	const struct lc_trace *t = e->a->t;
	uint32_t tid = lc_trace_thread(t, thread)->tid;
	struct cclock clk = {lc_trace_header(t)->start_ticks, 0, 0};

	/* Every thread's clock starts at the trace's start, so threads line up. */
	const uint8_t *recs;
	uint64_t off;
	size_t k, n, i;
	int gap, rc = 0;

	trc_replay_init(e->r, lc_trace_header(t)->hook_cost_ticks);
	trc_replay_set_residue(e->r, lc_trace_header(t)->hook_residue_ticks);
	for (k = 0; rc == 0 && (n = lc_trace_chunk_records(t, thread, k, &recs, &off, &gap)) > 0;
	     k++) {
		for (i = 0; rc == 0 && i < n;) {
			struct lc_trace_slot s;

			i += lc_trace_slot_decode(&s, recs, i, off, gap);
			switch (trc_replay_step(e->r, &s)) {
			case TRC_REPLAY_ENTERED:
				rc = on_enter(e, &e->r->stack[e->r->depth - 1u], &clk);
				break;
			case TRC_REPLAY_CLOSED:
				on_close(e, &e->r->call, &clk, tid);
				break;
			default:
				break;
			}
		}
	}
	trc_replay_thread_end(e->r);
	return rc;
}

/* Writes node's stack "a;b;c" (root first). */
static void put_stack(const struct exporter *e, uint32_t node)
{
	if (node == 0)
		return;
	if (e->nodes[node].parent != 0) {
		put_stack(e, e->nodes[node].parent);
		fputc(';', e->f);
	}
	if (e->nodes[node].fn != UINT32_MAX)
		fputs(e->a->fns[e->nodes[node].fn].label, e->f);
	else
		fputs("?", e->f);
}

static int setup(struct exporter *e)
{
	const struct trc_profile *a = e->a;
	size_t i;

	e->r = malloc(sizeof(*e->r));
	e->by_addr = calloc(a->nfns ? a->nfns : 1, sizeof(*e->by_addr));
	e->jnames = calloc(a->nfns ? a->nfns : 1, sizeof(*e->jnames));
	if (e->r == NULL || e->by_addr == NULL || e->jnames == NULL ||
	    lc_grow(&e->nodes, &e->capnodes, 1u, sizeof(*e->nodes), 1024u) < 0)
		return LC_ENOMEM;
	memset(&e->nodes[0], 0, sizeof(e->nodes[0]));
	e->nnodes = 1; /* the root */
	for (i = 0; i < a->nfns; i++) {
		e->by_addr[i].addr = a->fns[i].st->addr;
		e->by_addr[i].fn = (uint32_t)i;
	}
	qsort(e->by_addr, a->nfns, sizeof(*e->by_addr), cmp_addr);
	for (i = 0; e->chrome && i < a->nfns; i++) {
		json_t *s = json_string(a->fns[i].label);

		e->jnames[i] = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
		json_decref(s);
		if (e->jnames[i] == NULL)
			return LC_ENOMEM;
	}
	return 0;
}

int trc_export_write(FILE *f, const struct trc_profile *a, enum trc_export_format fmt,
                     struct lc_err *err)
{
	struct exporter e;
	size_t i;
	int rc;

	if (a->summary_mode)
		return lc_err_set(err, LC_EFORMAT, "a summary-mode trace holds no calls to export");
	memset(&e, 0, sizeof(e));
	e.a = a;
	e.f = f;
	e.chrome = fmt == TRC_EXPORT_CHROME;
	e.first_event = 1;
	rc = setup(&e);
	if (rc < 0)
		goto out;
	if (e.chrome)
		fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", f);
	for (i = 0; rc == 0 && i < lc_trace_thread_count(a->t); i++)
		rc = run_thread(&e, i);
	if (rc < 0)
		goto out;
	if (e.chrome)
		fputs("\n]}\n", f);
	for (i = 1; !e.chrome && i < e.nnodes; i++) {
		if (e.nodes[i].self_ticks == 0)
			continue;
		put_stack(&e, (uint32_t)i);
		fprintf(f, " %" PRIu64 "\n", lc_trace_ticks_to_ns(a->t, e.nodes[i].self_ticks));
	}
out:
	if (rc < 0)
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; e.jnames != NULL && i < a->nfns; i++)
		free(e.jnames[i]);
	free(e.jnames);
	free(e.nodes);
	lc_map_fini(&e.node_ids);
	free(e.by_addr);
	free(e.r);
	return rc;
}
