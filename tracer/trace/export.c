/*
 * tracer/trace/export.c - chrome and folded export (see export.h).
 *
 * Each thread is replayed once (trace/replay.h). chrome writes an event when
 * a call closes; folded adds the call's self time to its stack node, a tree
 * of (parent, function) nodes kept in an open-addressing table.
 */
#include "trace/export.h"

#include <fnmatch.h>
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

/* Per function: what the export options say of it. */
enum { F_ROOT = 1u, F_FILTER = 2u, F_EXCLUDE = 4u };
#define IN_ROOT    0x80000000u /* frame->user: the frame lies inside a --root call */
#define FN_UNKNOWN 0x7fffffffu /* frame->user: an address report does not name */

struct exporter {
	const struct trc_profile *a;
	const struct trc_export_opts *o;
	FILE *f;
	int chrome;
	uint8_t *fflags; /* F_* per function of a->fns */
	char **jnames;   /* chrome: each function's name as a JSON string */
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
	return lo < e->a->nfns && e->by_addr[lo].addr == addr ? e->by_addr[lo].fn : FN_UNKNOWN;
}

/* Whether a closed call of fn (a->fns index or FN_UNKNOWN) is written. */
static int keep_fn(const struct exporter *e, uint32_t fn)
{
	if (fn == FN_UNKNOWN)
		return e->o->nfilter == 0;
	if (e->fflags[fn] & F_EXCLUDE)
		return 0;
	return e->o->nfilter == 0 || (e->fflags[fn] & F_FILTER);
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
	uint64_t shift;    /* quanta added to every later time (see put_event) */
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

/*
 * Chrome times are microseconds. They are written as exact binary fractions,
 * multiples of 1/1024 us (0.977 ns): a viewer that parses them into doubles
 * and adds a duration to a start (speedscope does, after subtracting the
 * earliest start) then gets exactly the end that was meant, so a callee
 * that ends where its caller ends, or a sibling that starts where the last
 * one ended, still touches it instead of overlapping by one rounding. With
 * decimal nanoseconds (x.yyy) every such pair was a coin toss, and the
 * sample's trace gave speedscope 4,000 nesting warnings. Rounding ns to
 * quanta is monotonic and one-to-one, so what nests in ns nests here.
 */
static uint64_t quanta_of_ns(uint64_t ns)
{
	return ns / 1000u * 1024u + ((ns % 1000u) * 1024u + 500u) / 1000u;
}

/* q/1024 us in decimal, exactly and without trailing zeros. */
static void put_quanta(FILE *f, uint64_t q)
{
	uint64_t frac = (q & 1023u) * 9765625u; /* 1/1024 = 0.0009765625 */
	char digits[11];
	int n = 10;

	fprintf(f, "%" PRIu64, q >> 10);
	if (frac == 0)
		return;
	snprintf(digits, sizeof(digits), "%010" PRIu64, frac);
	while (n > 1 && digits[n - 1] == '0')
		n--;
	fprintf(f, ".%.*s", n, digits);
}

/*
 * A call whose corrected time rounds to nothing still lasts one quantum: its
 * end, and every later time of its thread, moves one quantum on (the
 * thread's clock shift). A viewer sorts the events of one start longest
 * first, so a zero-length call would come after the sibling that starts
 * where it ends and close before it ever opened (speedscope warns, and
 * mis-nests the rest of the thread). Callers still hold their callees: a
 * caller's end comes after the shift, its start is never after its first
 * callee's enter. The time axis runs ahead of the trace's by one quantum
 * per such call, which report's figures do not see.
 */
static void put_event(struct exporter *e, uint32_t fn, uint64_t q0, uint64_t q1, uint32_t tid)
{
	fprintf(e->f, "%s\n{\"name\":%s,\"ph\":\"X\",\"ts\":", e->first_event ? "" : ",",
	        e->jnames[fn]);
	put_quanta(e->f, q0);
	fputs(",\"dur\":", e->f);
	put_quanta(e->f, q1 - q0);
	fprintf(e->f, ",\"pid\":%u,\"tid\":%u}", lc_trace_header(e->a->t)->pid, tid);
	e->first_event = 0;
}

/* An instant event (a mark, a heap-guard allocation): built with jansson,
 * which does the escaping; args is stolen. Returns 0 or LC_ENOMEM. */
static int put_instant(struct exporter *e, const char *name, json_t *args, uint64_t at_q,
                       uint32_t tid)
{
	json_t *ev =
	        json_pack("{s:s, s:s, s:s, s:f, s:i, s:i, s:o}", "name", name, "ph", "i", "s", "t",
	                  "ts", (double)at_q / 1024.0, "pid", (int)lc_trace_header(e->a->t)->pid,
	                  "tid", (int)tid, "args", args ? args : json_object());
	char *js;

	if (ev == NULL)
		return LC_ENOMEM;
	js = json_dumps(ev, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(ev);
	if (js == NULL)
		return LC_ENOMEM;
	fprintf(e->f, "%s\n%s", e->first_event ? "" : ",", js);
	e->first_event = 0;
	free(js);
	return 0;
}

/* A symbolized address for the args of an instant event. */
static json_t *sym_json(const struct exporter *e, uint64_t addr, int ret_addr)
{
	struct trc_symbol sy;
	struct lc_err err = {0};
	char buf[64];

	if (trc_sym_lookup(e->a->sym, addr - (ret_addr ? 1u : 0u), &sy, &err) == 0 &&
	    sy.name != NULL)
		return json_string(sy.name);
	snprintf(buf, sizeof(buf), "0x%" PRIx64, addr);
	return json_string(buf);
}

/* A mark or a heap-guard record of the slot at recs[at]: an instant event. */
static int on_event(struct exporter *e, const struct lc_trace_slot *s, const uint8_t *recs,
                    size_t at, uint64_t at_q, uint32_t tid)
{
	const uint8_t *pl = recs + (at + 1u) * LC_TRACE_SLOT_SIZE;
	char name[96];

	if (s->kind == LC_TRACE_MARK) {
		snprintf(name, sizeof(name), "mark %" PRIu64, s->addr);
		return put_instant(e, name, json_pack("{s:I}", "value", (json_int_t)s->addr), at_q,
		                   tid);
	}
	if (s->ext_type == LC_TRACE_EXT_MARK) {
		snprintf(name, sizeof(name), "mark %.*s", (int)(s->ext_len < 64 ? s->ext_len : 64),
		         (const char *)pl);
		return put_instant(e, name, NULL, at_q, tid);
	}
	if (s->ext_type == LC_TRACE_EXT_HEAP) {
		struct lc_trace_rec rec;
		struct lc_trace_heap h;
		json_t *bt = json_array(), *args;
		size_t k;

		memset(&rec, 0, sizeof(rec));
		rec.kind = LC_TRACE_EXT;
		rec.ext_type = LC_TRACE_EXT_HEAP;
		rec.payload = pl;
		rec.payload_len = s->ext_len;
		if (bt == NULL)
			return LC_ENOMEM;
		if (lc_trace_heap_decode(&h, &rec) < 0) {
			json_decref(bt);
			return 0; /* counted by report (heap guard), not guessed here */
		}
		for (k = 0; k < h.nframes; k++)
			json_array_append_new(bt, sym_json(e, h.frames[k], 1));
		args = json_pack("{s:I, s:o, s:o}", "size", (json_int_t)h.size, "root",
		                 sym_json(e, h.root, 0), "backtrace", bt);
		snprintf(name, sizeof(name), "heap-alloc: %s",
		         h.alloc == LC_TRACE_ALLOC_FREE ? "free" : "allocation");
		return put_instant(e, name, args, at_q, tid);
	}
	return 0;
}

/* A compensated time of this thread, in quanta on its shifted axis. */
static uint64_t q_at(const struct exporter *e, const struct cclock *c, uint64_t ticks)
{
	return quanta_of_ns(lc_trace_ticks_to_ns(e->a->t, ticks)) + c->shift;
}

static int on_enter(struct exporter *e, struct trc_replay_frame *fr, struct cclock *clk)
{
	struct trc_replay *r = e->r;

	uint32_t fn = fn_index(e, fr->addr);
	const struct trc_replay_frame *up = r->depth > 1u ? &r->stack[r->depth - 2u] : NULL;
	int in = e->o->root == NULL || (up != NULL && (up->user & IN_ROOT)) ||
	         (fn != FN_UNKNOWN && (e->fflags[fn] & F_ROOT));

	fr->user = fn | (in ? IN_ROOT : 0u);
	fr->user2 = 0;
	if (e->chrome) {
		fr->user64 = q_at(e, clk, cclock_at(clk, fr->start)); /* quanta from here */
		fr->user64b = UINT64_MAX; /* its first callee's enter: none yet */
		if (r->depth > 1u && r->stack[r->depth - 2u].user64b == UINT64_MAX)
			r->stack[r->depth - 2u].user64b = fr->user64;
		/* The caller's debt waits in the callee's frame (saturated: more
		 * than 2^32 ticks unpaid is no longer a hook's cost). */
		fr->user2 = clk->owed > UINT32_MAX ? UINT32_MAX : (uint32_t)clk->owed;
		clk->owed = 0;
		return 0;
	}
	if (!in)
		return 0; /* outside --root: no stack node */
	/* a --root call starts its stacks at the top (node 0) */
	return node_of(e, up != NULL && (up->user & IN_ROOT) ? up->user2 : 0u, fn, &fr->user2);
}

static void on_close(struct exporter *e, const struct trc_replay_call *c, struct cclock *clk,
                     uint32_t tid)
{
	const struct trc_replay_frame *fr = c->frame;
	uint64_t end, q0, q1;

	uint32_t fn = fr->user & ~IN_ROOT;

	if (!e->chrome) {
		if (fr->user & IN_ROOT)
			e->nodes[fr->user2].self_ticks += c->excl;
		return;
	}
	end = cclock_at(clk, c->end);
	clk->owed = fr->user2 + e->r->hook_pair;
	q1 = q_at(e, clk, end);
	q0 = q_at(e, clk, end > c->corr ? end - c->corr : 0);
	if (q0 < fr->user64)
		q0 = fr->user64;
	if (q0 > fr->user64b)
		q0 = fr->user64b;
	if (q1 <= q0) { /* see put_event */
		clk->shift += q0 + 1u - q1;
		q1 = q0 + 1u;
	}
	if (fn != FN_UNKNOWN && (fr->user & IN_ROOT) && keep_fn(e, fn))
		put_event(e, fn, q0, q1, tid);
}

static int run_thread(struct exporter *e, size_t thread)
{
	const struct lc_trace *t = e->a->t;
	uint32_t tid = lc_trace_thread(t, thread)->tid;
	struct cclock clk = {lc_trace_header(t)->start_ticks, 0, 0, 0};

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
			size_t at = i;

			i += lc_trace_slot_decode(&s, recs, i, off, gap);
			if (e->chrome && (s.kind == LC_TRACE_MARK || s.kind == LC_TRACE_EXT)) {
				uint64_t t_q = q_at(e, &clk, cclock_at(&clk, s.ticks));

				rc = on_event(e, &s, recs, at, t_q, tid);
				continue;
			}
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
	if (e->nodes[node].fn != FN_UNKNOWN)
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
	e->fflags = calloc(a->nfns ? a->nfns : 1, 1);
	if (e->r == NULL || e->by_addr == NULL || e->jnames == NULL || e->fflags == NULL ||
	    lc_grow(&e->nodes, &e->capnodes, 1u, sizeof(*e->nodes), 1024u) < 0)
		return LC_ENOMEM;
	memset(&e->nodes[0], 0, sizeof(e->nodes[0]));
	e->nnodes = 1; /* the root */
	for (i = 0; i < a->nfns; i++) {
		e->by_addr[i].addr = a->fns[i].st->addr;
		e->by_addr[i].fn = (uint32_t)i;
	}
	qsort(e->by_addr, a->nfns, sizeof(*e->by_addr), cmp_addr);
	for (i = 0; i < a->nfns; i++) {
		const char *name = a->fns[i].label;
		size_t k;

		if (e->o->root != NULL && fnmatch(e->o->root, name, 0) == 0)
			e->fflags[i] |= F_ROOT;
		for (k = 0; k < e->o->nfilter; k++)
			if (fnmatch(e->o->filter[k], name, 0) == 0)
				e->fflags[i] |= F_FILTER;
		for (k = 0; k < e->o->nexclude; k++)
			if (fnmatch(e->o->exclude[k], name, 0) == 0)
				e->fflags[i] |= F_EXCLUDE;
	}
	for (i = 0; e->chrome && i < a->nfns; i++) {
		json_t *s = json_string(a->fns[i].label);

		e->jnames[i] = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
		json_decref(s);
		if (e->jnames[i] == NULL)
			return LC_ENOMEM;
	}
	return 0;
}

int trc_export_write(FILE *f, const struct trc_profile *a, const struct trc_export_opts *o,
                     struct lc_err *err)
{
	struct exporter e;
	size_t i;
	int rc;

	if (a->summary_mode)
		return lc_err_set(err, LC_EFORMAT, "a summary-mode trace holds no calls to export");
	memset(&e, 0, sizeof(e));
	e.a = a;
	e.o = o;
	e.f = f;
	e.chrome = o->fmt == TRC_EXPORT_CHROME;
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
		if (e.nodes[i].self_ticks == 0 || !keep_fn(&e, e.nodes[i].fn))
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
	free(e.fflags);
	free(e.nodes);
	lc_map_fini(&e.node_ids);
	free(e.by_addr);
	free(e.r);
	return rc;
}
