/*
 * analyzer/graph.c - merge, root resolution, indirect edges, reachability.
 */
#define _GNU_SOURCE
#include "graph.h"

#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

/* The index of the function of that USR, or -1. */
static int fn_of_usr(const struct an_graph *g, const char *usr)
{
	const size_t *v = usr ? lc_strmap_get(&g->byusr, usr) : NULL;

	return v ? (int)*v : -1;
}

static int get_fn(struct an_graph *g, const struct an_sfunc *f, int *out)
{
	int idx = fn_of_usr(g, f->usr);
	struct an_fn *n;
	size_t *slot;

	if (idx < 0) {
		if (an_util_grow((void **)&g->fns, &g->capfns, g->nfns + 1, sizeof(*g->fns)) < 0 ||
		    (slot = lc_strmap_put(&g->byusr, f->usr, NULL)) == NULL)
			return LC_ENOMEM;
		*slot = g->nfns;
		idx = (int)g->nfns++;
		n = &g->fns[idx];
		memset(n, 0, sizeof(*n));
		n->name = f->name;
		n->usr = f->usr;
		n->file = f->file;
		n->type = f->type;
		n->line = f->line;
		n->col = f->col;
		n->reach = -1;
		n->parent = -1;
		n->root_of = -1;
	}
	n = &g->fns[idx];
	if ((f->flags & AN_FN_DEFINED) && (n->flags & AN_FN_DEFINED) &&
	    (strcmp(n->file, f->file) != 0 || n->line != f->line)) {
		if (!g->nconflicts++) {
			g->conflict_name = f->name;
			g->conflict_file[0] = n->file;
			g->conflict_line[0] = n->line;
			g->conflict_file[1] = f->file;
			g->conflict_line[1] = f->line;
		}
	}
	if ((f->flags & AN_FN_DEFINED) && !(n->flags & AN_FN_DEFINED)) {
		n->file = f->file;
		n->line = f->line;
		n->col = f->col;
	}
	n->flags |= f->flags;
	*out = idx;
	return 0;
}

static int add_edge(struct an_graph *g, int caller, int callee, enum an_edge_kind kind,
                    const char *file, unsigned line, unsigned col, int site, uint64_t trips)
{
	struct an_edge *e;

	if (an_util_grow((void **)&g->edges, &g->capedges, g->nedges + 1, sizeof(*g->edges)) < 0)
		return LC_ENOMEM;
	e = &g->edges[g->nedges++];
	e->caller = caller;
	e->callee = callee;
	e->kind = kind;
	e->file = file;
	e->line = line;
	e->col = col;
	e->site = site;
	e->trips = trips;
	return 0;
}

/* Deduplication key of a located fact, so a header's inline function seen
 * from many TUs contributes each call once. */
static void loc_key(char *buf, size_t n, const char *a, const char *b, const char *file,
                    unsigned line, unsigned col)
{
	snprintf(buf, n, "%s|%s|%s|%u|%u", a, b ? b : "", file, line, col);
}

/* 1 when key is new to seen (it is now in it); 0 when it was seen before,
 * or with *rc = LC_ENOMEM when out of memory. */
static int first_seen(struct lc_strmap *seen, const char *key, int *rc)
{
	int added = 0;

	if (lc_strmap_put(seen, key, &added) == NULL)
		*rc = LC_ENOMEM;
	return added;
}

/* For a fact first seen under key: the new last element of *arr (a T **
 * with *n elements, capacity *cap), counted. NULL when key was seen before,
 * or with *rc = LC_ENOMEM when out of memory. */
static void *add_once(struct lc_strmap *seen, const char *key, void *arr, size_t *n, size_t *cap,
                      size_t elem, int *rc)
{
	void *p;

	if (!first_seen(seen, key, rc))
		return NULL;
	p = lc_grow_slot(arr, cap, *n, elem, 8);
	if (p == NULL)
		*rc = LC_ENOMEM;
	else
		(*n)++;
	return p;
}

int an_graph_build(struct an_graph *g, struct an_summary *const *sums, size_t nsums,
                   struct lc_err *err)
{
	struct lc_strmap seen = {0};
	size_t i, j;
	int rc = 0, idx, callee;
	char key[8192];

	memset(g, 0, sizeof(*g));
	for (i = 0; i < nsums; i++)
		for (j = 0; j < sums[i]->nfuncs; j++)
			if ((rc = get_fn(g, &sums[i]->funcs[j], &idx)) < 0)
				goto out;
	for (i = 0; i < nsums; i++) {
		const struct an_summary *s = sums[i];
		for (j = 0; j < s->ncalls; j++) {
			const struct an_scall *c = &s->calls[j];
			int caller = fn_of_usr(g, c->caller_usr);
			if (caller < 0)
				continue;
			loc_key(key, sizeof(key), c->caller_usr, c->callee_usr, c->file, c->line,
			        c->col);
			if (!first_seen(&seen, key, &rc)) {
				if (rc < 0)
					goto out;
				continue; /* the same call seen from another TU */
			}
			if (c->kind == AN_CALL_DIRECT) {
				callee = fn_of_usr(g, c->callee_usr);
				if (callee < 0)
					continue;
				rc = add_edge(g, caller, callee, AN_EDGE_DIRECT, c->file, c->line,
				              c->col, -1, c->trips);
			} else {
				struct an_site *st = lc_grow_slot(&g->sites, &g->capsites,
				                                  g->nsites, sizeof(*st), 8);
				if (!st) {
					rc = LC_ENOMEM;
					goto out;
				}
				g->nsites++;
				st->caller = caller;
				st->name = c->callee_name;
				st->file = c->file;
				st->type = c->fptr_type;
				st->line = c->line;
				st->col = c->col;
				st->trips = c->trips;
				st->resolved = 0;
				st->unsure = NULL;
			}
			if (rc < 0)
				goto out;
		}
		for (j = 0; j < s->ncasts; j++) {
			const struct an_scast *sc = &s->casts[j];
			struct an_gcast *gc =
			        lc_grow_slot(&g->casts, &g->capcasts, g->ncasts, sizeof(*gc), 8);
			if (!gc) {
				rc = LC_ENOMEM;
				goto out;
			}
			g->ncasts++;
			gc->fn = sc->usr ? fn_of_usr(g, sc->usr) : -1;
			gc->type = sc->type;
			gc->file = sc->file;
			gc->line = sc->line;
			gc->col = sc->col;
			if (sc->usr && gc->fn < 0)
				g->ncasts--;
		}
		for (j = 0; j < s->nviols; j++) {
			const struct an_sviol *v = &s->viols[j];
			int fn = fn_of_usr(g, v->func_usr);
			struct an_gviol *gv;
			if (fn < 0)
				continue;
			loc_key(key, sizeof(key), "v", v->msg, v->file, v->line, v->col);
			gv = add_once(&seen, key, &g->viols, &g->nviols, &g->capviols, sizeof(*gv),
			              &rc);
			if (!gv) {
				if (rc < 0)
					goto out;
				continue;
			}
			gv->rule = v->rule;
			gv->fn = fn;
			gv->file = v->file;
			gv->msg = v->msg;
			gv->line = v->line;
			gv->col = v->col;
		}
		for (j = 0; j < s->nsupps; j++) {
			const struct an_ssupp *p = &s->supps[j], **gp;
			loc_key(key, sizeof(key), "s", NULL, p->file, p->line, p->col);
			gp = add_once(&seen, key, &g->supps, &g->nsupps, &g->capsupps, sizeof(*gp),
			              &rc);
			if (!gp) {
				if (rc < 0)
					goto out;
				continue;
			}
			*gp = p;
		}
	}
out:
	lc_strmap_fini(&seen);
	if (rc < 0)
		lc_err_set(err, rc, "out of memory while merging summaries");
	return rc;
}

static int is_defined(const struct an_graph *g, int fn)
{
	return fn >= 0 && (g->fns[fn].flags & AN_FN_DEFINED);
}

/* Adds edges caller -> each defined function matching pattern. Returns the
 * number added, or a negative code. */
static int add_named_targets(struct an_graph *g, const struct an_site *st, int site,
                             const char *pat)
{
	size_t i;
	int n = 0;

	for (i = 0; i < g->nfns; i++) {
		if (!is_defined(g, (int)i) || fnmatch(pat, g->fns[i].name, 0) != 0)
			continue;
		if (add_edge(g, st->caller, (int)i, AN_EDGE_DECLARED, st->file, st->line, st->col,
		             site, st->trips) < 0)
			return LC_ENOMEM;
		n++;
	}
	return n;
}

static int edge_cmp(const void *a, const void *b, void *ctx)
{
	const struct an_graph *sort_g = ctx;
	const struct an_edge *x = a, *y = b;
	int c;

	if (x->caller != y->caller)
		return x->caller - y->caller;
	c = an_util_loc_cmp(x->file, x->line, x->col, y->file, y->line, y->col);
	if (c)
		return c;
	c = strcmp(sort_g->fns[x->callee].name, sort_g->fns[y->callee].name);
	if (c)
		return c;
	return strcmp(sort_g->fns[x->callee].usr, sort_g->fns[y->callee].usr);
}

static int fn_name_cmp(const void *a, const void *b, void *ctx)
{
	const struct an_graph *sort_g = ctx;
	const struct an_fn *x = &sort_g->fns[*(const int *)a], *y = &sort_g->fns[*(const int *)b];
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->usr, y->usr);
}

/* Type resolution of one indirect site: every address-taken function of
 * the pointee type, every function converted to it, and every function
 * converted to a non-function type (it may come back through a void *);
 * functions without a body are targets too, so the rules see them. When a
 * value that is no known function is converted to the type, the site
 * keeps its finding (st->unsure). Returns 0 or LC_ENOMEM. */
static int resolve_by_type(struct an_graph *g, struct an_site *st, int site)
{
	size_t j;
	char *hit = calloc(g->nfns + 1, 1);
	int rc = 0, any = 0;

	if (!hit)
		return LC_ENOMEM;
	for (j = 0; j < g->nfns; j++)
		if ((g->fns[j].flags & AN_FN_ADDR_TAKEN) && g->fns[j].type &&
		    strcmp(g->fns[j].type, st->type) == 0)
			hit[j] = 1;
	for (j = 0; j < g->ncasts; j++) {
		const struct an_gcast *gc = &g->casts[j];
		if (gc->fn >= 0 && (!gc->type || strcmp(gc->type, st->type) == 0))
			hit[gc->fn] = 1;
		else if (gc->fn < 0 && gc->type && strcmp(gc->type, st->type) == 0 && !st->unsure)
			st->unsure = gc;
	}
	for (j = 0; j < g->nfns && rc == 0; j++) {
		if (!hit[j])
			continue;
		rc = add_edge(g, st->caller, (int)j, AN_EDGE_RESOLVED, st->file, st->line, st->col,
		              site, st->trips);
		any = 1;
	}
	st->resolved = any && !st->unsure;
	free(hit);
	return rc;
}

int an_graph_resolve(struct an_graph *g, const struct an_config *cfg, int resolve_type,
                     struct lc_err *err)
{
	size_t i, j, head = 0, tail = 0;
	int rc = 0, *queue = NULL;

	/* roots: annotations, then the rules file */
	for (i = 0; i < g->nfns; i++)
		if ((g->fns[i].flags & AN_FN_ROOT) && is_defined(g, (int)i))
			g->fns[i].root = 1;
	for (j = 0; j < cfg->roots.n; j++) {
		int hit = 0;
		for (i = 0; i < g->nfns; i++) {
			if (is_defined(g, (int)i) &&
			    fnmatch(cfg->roots.pat[j], g->fns[i].name, 0) == 0) {
				g->fns[i].root = 1;
				hit = 1;
			}
		}
		if (!hit) {
			rc = lc_err_set(err, LC_ENOTFOUND,
			                "%s: unknown interlock root '%s': no function with a body "
			                "matches it",
			                cfg->roots.origin[j], cfg->roots.pat[j]);
			goto out;
		}
	}
	/* indirect sites: declared targets first, else resolution by type */
	for (i = 0; i < g->nsites; i++) {
		struct an_site *st = &g->sites[i];
		for (j = 0; j < cfg->nind; j++) {
			size_t t;
			if (fnmatch(cfg->ind[j].caller, g->fns[st->caller].name, 0) != 0)
				continue;
			for (t = 0; t < cfg->ind[j].targets.n; t++) {
				int n = add_named_targets(g, st, (int)i,
				                          cfg->ind[j].targets.pat[t]);
				if (n < 0) {
					rc = lc_err_set(err, LC_ENOMEM, "out of memory");
					goto out;
				}
				if (n == 0) {
					rc = lc_err_set(err, LC_ENOTFOUND,
					                "%s: unknown indirect-call target '%s': no "
					                "function with a body matches it",
					                cfg->ind[j].targets.origin[t],
					                cfg->ind[j].targets.pat[t]);
					goto out;
				}
			}
			st->resolved = 1;
		}
		if (st->resolved || !resolve_type || !st->type)
			continue;
		rc = resolve_by_type(g, st, (int)i);
		if (rc < 0) {
			lc_err_set(err, rc, "out of memory");
			goto out;
		}
	}
	/* adjacency: edges sorted by caller, then call site */
	if (g->nedges)
		qsort_r(g->edges, g->nedges, sizeof(*g->edges), edge_cmp, g);
	for (i = 0; i < g->nedges; i++) {
		struct an_fn *f = &g->fns[g->edges[i].caller];
		if (f->nout == 0)
			f->first = i;
		f->nout++;
	}
	g->roots = calloc(g->nfns + 1, sizeof(*g->roots));
	queue = calloc(g->nfns + 1, sizeof(*queue));
	if (!g->roots || !queue) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < g->nfns; i++)
		if (g->fns[i].root)
			g->roots[g->nroots++] = (int)i;
	if (!g->nroots) {
		rc = lc_err_set(
		        err, LC_ENOTFOUND,
		        "no interlock roots: mark one with LATCH_INTERLOCK or list it under "
		        "'interlock_roots:' in .latch.yaml");
		goto out;
	}
	qsort_r(g->roots, g->nroots, sizeof(*g->roots), fn_name_cmp, g);
	for (i = 0; i < g->nroots; i++) {
		struct an_fn *r = &g->fns[g->roots[i]];
		r->reach = 0;
		r->root_of = g->roots[i];
		queue[tail++] = g->roots[i];
	}
	while (head < tail) {
		int f = queue[head++];
		for (j = g->fns[f].first; j < g->fns[f].first + g->fns[f].nout; j++) {
			const struct an_edge *e = &g->edges[j];
			struct an_fn *c = &g->fns[e->callee];
			if (c->reach >= 0 || !is_defined(g, e->callee))
				continue;
			c->reach = g->fns[f].reach + 1;
			c->parent = (int)j;
			c->root_of = g->fns[f].root_of;
			queue[tail++] = e->callee;
		}
	}
out:
	free(queue);
	return rc;
}

size_t an_graph_path(const struct an_graph *g, int fn, int *path, size_t cap)
{
	size_t n = 0, i;
	int f = fn;

	if (fn < 0 || g->fns[fn].reach < 0)
		return 0;
	while (f >= 0 && n < cap) {
		path[n++] = f;
		f = g->fns[f].parent >= 0 ? g->edges[g->fns[f].parent].caller : -1;
	}
	for (i = 0; i < n / 2; i++) {
		int t = path[i];
		path[i] = path[n - 1 - i];
		path[n - 1 - i] = t;
	}
	return n;
}

void an_graph_fini(struct an_graph *g)
{
	free(g->fns);
	free(g->edges);
	free(g->sites);
	free(g->viols);
	free(g->casts);
	free(g->supps);
	free(g->roots);
	lc_strmap_fini(&g->byusr);
	memset(g, 0, sizeof(*g));
}
