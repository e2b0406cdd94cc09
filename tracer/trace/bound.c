/*
 * tracer/trace/bound.c - the per-root timing bound of bound.h.
 *
 * One depth-first walk over the call graph with an explicit stack (a chain
 * of 10,000 calls must not overflow ours), memoised per function: each
 * function is finished once, after all its callees, so the walk is linear in
 * functions plus edges. A callee still on the stack when its caller finishes
 * is a cycle.
 */
#include "trace/bound.h"

#include <stdlib.h>
#include <string.h>

enum { ST_NEW = 0, ST_OPEN, ST_DONE };

struct fres {
	uint64_t ns;
	enum trc_bound_why why;
	size_t why_func;
	const char *why_file;
	unsigned why_line;
};

struct walk {
	const struct trc_cg *cg;
	const uint64_t *self_ns;
	size_t *eoff, *eidx; /* edges of caller i: eidx[eoff[i] .. eoff[i+1]) */
	size_t *soff, *sidx; /* indirect sites of caller i, likewise */
	unsigned char *state;
	struct fres *res;
	size_t *stack, *cursor;
};

/* Groups items by caller, keeping their order: a CSR index. */
static int index_by_caller(size_t **off, size_t **idx, size_t nfuncs, size_t n,
                           size_t (*caller)(const struct trc_cg *, size_t), const struct trc_cg *cg)
{
	size_t i, *fill = NULL;
	int rc = LC_ENOMEM;

	*off = calloc(nfuncs + 1, sizeof(**off));
	*idx = malloc((n ? n : 1) * sizeof(**idx));
	fill = calloc(nfuncs + 1, sizeof(*fill));
	if (*off == NULL || *idx == NULL || fill == NULL)
		goto out;
	for (i = 0; i < n; i++)
		(*off)[caller(cg, i) + 1]++;
	for (i = 0; i < nfuncs; i++)
		(*off)[i + 1] += (*off)[i];
	for (i = 0; i < n; i++) {
		size_t c = caller(cg, i);

		(*idx)[(*off)[c] + fill[c]++] = i;
	}
	rc = 0;
out:
	free(fill);
	return rc;
}

static size_t edge_caller(const struct trc_cg *cg, size_t i)
{
	return cg->edges[i].caller;
}

static size_t site_caller(const struct trc_cg *cg, size_t i)
{
	return cg->sites[i].caller;
}

static void set_why(struct fres *r, enum trc_bound_why why, size_t func, const char *file,
                    unsigned line)
{
	r->why = why;
	r->why_func = func;
	r->why_file = file;
	r->why_line = line;
}

/* Two edges of one caller are targets of the same indirect call site. */
static int same_site(const struct trc_cg_edge *a, const struct trc_cg_edge *b)
{
	if (a->kind == TRC_CG_DIRECT || b->kind == TRC_CG_DIRECT || a->line != b->line ||
	    a->col != b->col)
		return 0;
	if (a->file == NULL || b->file == NULL)
		return a->file == b->file;
	return strcmp(a->file, b->file) == 0;
}

/* Adds trips * v to *sum; 0 on success, -1 on overflow. */
static int add_scaled(uint64_t *sum, uint64_t trips, uint64_t v)
{
	uint64_t p;

	if (v != 0 && trips > (UINT64_MAX - 1) / v)
		return -1;
	p = trips * v;
	if (*sum > UINT64_MAX - 1 - p)
		return -1;
	*sum += p;
	return 0;
}

/* Computes f's result once every callee that is not on the stack is done;
 * f itself is still open, so a call to itself is a cycle. */
static void finish(struct walk *w, size_t f)
{
	const struct trc_cg *cg = w->cg;
	struct fres *r = &w->res[f];
	uint64_t sum = w->self_ns[f], group = 0, trips = 1;
	size_t k, j;
	int in_group = 0;

	for (k = w->soff[f]; k < w->soff[f + 1]; k++) {
		const struct trc_cg_site *s = &cg->sites[w->sidx[k]];

		if (!s->resolved) {
			set_why(r, TRC_BOUND_INDIRECT, f, s->file, s->line);
			return;
		}
	}
	for (k = w->eoff[f]; k < w->eoff[f + 1]; k++) {
		const struct trc_cg_edge *e = &cg->edges[w->eidx[k]];
		const struct fres *c = &w->res[e->callee];

		if (w->state[e->callee] == ST_OPEN) {
			set_why(r, TRC_BOUND_RECURSION, e->callee, e->file, e->line);
			return;
		}
		if (c->why != TRC_BOUND_OK) {
			*r = *c;
			r->ns = 0;
			return;
		}
		if (e->trips == TRC_CG_TRIPS_NONE) {
			set_why(r, TRC_BOUND_NO_LOOPINFO, f, e->file, e->line);
			return;
		}
		if (e->trips == TRC_CG_TRIPS_UNBOUNDED) {
			set_why(r, TRC_BOUND_LOOP, f, e->file, e->line);
			return;
		}
		/* Targets of one indirect site: the call goes to one of them. */
		if (in_group && same_site(&cg->edges[w->eidx[k - 1]], e)) {
			if (c->ns > group)
				group = c->ns;
			if (e->trips > trips)
				trips = e->trips;
		} else {
			if (in_group && add_scaled(&sum, trips, group) < 0)
				goto overflow;
			group = c->ns;
			trips = e->trips;
			in_group = 1;
		}
	}
	if (in_group && add_scaled(&sum, trips, group) < 0)
		goto overflow;
	r->ns = sum;
	return;
overflow:
	j = k < w->eoff[f + 1] ? w->eidx[k] : w->eidx[w->eoff[f + 1] - 1];
	set_why(r, TRC_BOUND_OVERFLOW, f, cg->edges[j].file, cg->edges[j].line);
}

/* Starts f: functions that never ran, or have no body, are finished at once. */
static int open_func(struct walk *w, size_t f)
{
	const struct trc_cg_func *fn = &w->cg->funcs[f];

	if (w->self_ns[f] == TRC_BOUND_UNMEASURED) {
		w->state[f] = ST_DONE;
		if (fn->defined)
			set_why(&w->res[f], TRC_BOUND_UNEXECUTED, f, fn->file, fn->line);
		/* else: not traced, its time is in the caller's self time */
		return 0;
	}
	w->state[f] = ST_OPEN;
	return 1;
}

static void walk_from(struct walk *w, size_t root)
{
	size_t sp = 0;

	if (w->state[root] != ST_NEW || !open_func(w, root))
		return;
	w->stack[sp] = root;
	w->cursor[sp++] = w->eoff[root];
	while (sp > 0) {
		size_t f = w->stack[sp - 1];

		if (w->cursor[sp - 1] < w->eoff[f + 1]) {
			size_t g = w->cg->edges[w->eidx[w->cursor[sp - 1]++]].callee;

			if (w->state[g] == ST_NEW && open_func(w, g)) {
				w->stack[sp] = g;
				w->cursor[sp++] = w->eoff[g];
			}
			continue;
		}
		finish(w, f);
		w->state[f] = ST_DONE;
		sp--;
	}
}

int trc_bound_compute(struct trc_bound **out, const struct trc_cg *cg, const uint64_t *self_ns,
                      struct lc_err *err)
{
	struct walk w;
	struct trc_bound *b = NULL;
	size_t i, n = cg->nfuncs, nroots = 0;
	int rc = LC_ENOMEM;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	w.cg = cg;
	w.self_ns = self_ns;
	if (index_by_caller(&w.eoff, &w.eidx, n, cg->nedges, edge_caller, cg) < 0 ||
	    index_by_caller(&w.soff, &w.sidx, n, cg->nsites, site_caller, cg) < 0)
		goto out;
	w.state = calloc(n ? n : 1, 1);
	w.res = calloc(n ? n : 1, sizeof(*w.res));
	w.stack = malloc((n ? n : 1) * sizeof(*w.stack));
	w.cursor = malloc((n ? n : 1) * sizeof(*w.cursor));
	b = calloc(1, sizeof(*b));
	if (w.state == NULL || w.res == NULL || w.stack == NULL || w.cursor == NULL || b == NULL)
		goto out;
	for (i = 0; i < n; i++)
		nroots += cg->funcs[i].root != 0;
	b->roots = calloc(nroots ? nroots : 1, sizeof(*b->roots));
	if (b->roots == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		struct trc_bound_root *r;

		if (!cg->funcs[i].root)
			continue;
		walk_from(&w, i);
		r = &b->roots[b->nroots++];
		r->func = i;
		r->bound_ns = w.res[i].ns;
		r->why = w.res[i].why;
		r->why_func = w.res[i].why_func;
		r->why_file = w.res[i].why_file;
		r->why_line = w.res[i].why_line;
	}
	*out = b;
	b = NULL;
	rc = 0;
out:
	if (rc < 0)
		lc_err_set(err, rc, "out of memory computing the timing bound");
	trc_bound_free(b);
	free(w.eoff);
	free(w.eidx);
	free(w.soff);
	free(w.sidx);
	free(w.state);
	free(w.res);
	free(w.stack);
	free(w.cursor);
	return rc;
}

void trc_bound_free(struct trc_bound *b)
{
	if (b == NULL)
		return;
	free(b->roots);
	free(b);
}

const char *trc_bound_why_name(enum trc_bound_why why)
{
	static const char *const names[] = {
	        "bounded",
	        "recursion",
	        "unresolved indirect call",
	        "call inside a loop without a bound",
	        "never executed in this run",
	        "the call graph has no loop facts",
	        "the bound overflows 64 bits",
	};

	return (unsigned)why < sizeof(names) / sizeof(names[0]) ? names[why] : "?";
}
