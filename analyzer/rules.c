/*
 * analyzer/rules.c - the six rules over the reachable part of the graph.
 *
 * Local facts (loops, VLAs, backward goto) come from the summaries; the call
 * rules look at each call site of a reachable function; recursion is a
 * strongly connected component (Tarjan, iterative so a deep graph cannot
 * overflow our own stack) reported once, at the call that closes the
 * shortest cycle through the member nearest a root.
 */
#define _GNU_SOURCE
#include "diag.h"
#include "scc.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void an_findings_fini(struct an_findings *fs)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		free(fs->v[i].msg);
		free(fs->v[i].path);
	}
	free(fs->v);
	memset(fs, 0, sizeof(*fs));
}

struct ctx {
	struct an_findings *fs;
	struct an_graph *g;
	const struct an_config *cfg;
	int *pathbuf;
};

static int add(struct ctx *c, enum an_rule rule, int fn, const char *file, unsigned line,
               unsigned col, const char *fmt, ...) __attribute__((format(printf, 7, 8)));

static int add(struct ctx *c, enum an_rule rule, int fn, const char *file, unsigned line,
               unsigned col, const char *fmt, ...)
{
	struct an_finding *f;
	char msg[1024];
	va_list ap;
	size_t n, i;

	if (c->cfg->sev[rule] == AN_SEV_OFF)
		return 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (an_util_grow((void **)&c->fs->v, &c->fs->cap, c->fs->n + 1, sizeof(*c->fs->v)) < 0)
		return LC_ENOMEM;
	f = &c->fs->v[c->fs->n];
	memset(f, 0, sizeof(*f));
	f->rule = rule;
	f->sev = c->cfg->sev[rule];
	f->file = file;
	f->line = line;
	f->col = col;
	f->fn = fn;
	f->msg = strdup(msg);
	n = an_graph_path(c->g, fn, c->pathbuf, c->g->nfns + 1);
	f->path = malloc((n ? n : 1) * sizeof(*f->path));
	if (!f->msg || !f->path) {
		free(f->msg);
		free(f->path);
		return LC_ENOMEM;
	}
	for (i = 0; i < n; i++)
		f->path[i] = c->pathbuf[i];
	f->npath = n;
	c->fs->n++;
	return 0;
}

static int reachable(const struct an_graph *g, int fn)
{
	return fn >= 0 && g->fns[fn].reach >= 0 && (g->fns[fn].flags & AN_FN_DEFINED);
}

static int check_calls(struct ctx *c, int fn)
{
	const struct an_graph *g = c->g;
	const struct an_fn *f = &g->fns[fn];
	size_t j;
	int rc = 0;

	for (j = f->first; j < f->first + f->nout && rc == 0; j++) {
		const struct an_edge *e = &g->edges[j];
		const struct an_fn *callee = &g->fns[e->callee];
		/* a pointer's target with a body is checked as a reachable
		 * function; one without a body is judged here, like a direct call */
		if (e->kind != AN_EDGE_DIRECT && (callee->flags & AN_FN_DEFINED))
			continue;
		if (an_config_is_allocator(c->cfg, callee->name))
			rc = add(c, AN_RULE_HEAP_ALLOC, fn, e->file, e->line, e->col,
			         "call to allocator '%s' in interlock path", callee->name);
		else if (an_config_is_blocking(c->cfg, callee->name))
			rc = add(c, AN_RULE_BLOCKING_CALL, fn, e->file, e->line, e->col,
			         "call to blocking function '%s' in interlock path", callee->name);
		else if (!(callee->flags & AN_FN_DEFINED) &&
		         !an_config_is_known_safe(c->cfg, callee->name))
			rc = add(c, AN_RULE_UNKNOWN_CALLEE, fn, e->file, e->line, e->col,
			         "call to '%s', which has no body in the program and is not on the "
			         "allowlist",
			         callee->name);
	}
	for (j = 0; j < g->nsites && rc == 0; j++) {
		const struct an_site *st = &g->sites[j];
		if (st->caller != fn || st->resolved)
			continue;
		if (c->cfg->resolve_type && st->unsure) {
			const char *b = strrchr(st->unsure->file, '/');
			rc = add(c, AN_RULE_INDIRECT_CALL, fn, st->file, st->line, st->col,
			         "call through function pointer '%s' may reach a value that is no "
			         "function of the program, converted to '%s' at %s:%u",
			         st->name, st->type, b ? b + 1 : st->unsure->file,
			         st->unsure->line);
		} else if (c->cfg->resolve_type)
			rc = add(c, AN_RULE_INDIRECT_CALL, fn, st->file, st->line, st->col,
			         "call through function pointer '%s' matches no address-taken "
			         "function of type '%s'",
			         st->name, st->type ? st->type : "?");
		else
			rc = add(c, AN_RULE_INDIRECT_CALL, fn, st->file, st->line, st->col,
			         "call through function pointer '%s' with no declared targets",
			         st->name);
	}
	return rc;
}

/* ---- recursion --------------------------------------------------------- */

static int follow(const struct an_graph *g, const struct an_edge *e)
{
	return reachable(g, e->callee);
}

/* Reports the SCC `comp`: BFS from its entry inside the SCC to the first
 * edge that returns to the entry. */
static int report_cycle(struct ctx *c, const struct lc_scc *t, int comp, int *members, size_t nm)
{
	const struct an_graph *g = c->g;
	int entry = members[0], *par = NULL, *queue = NULL, closing = -1;
	size_t i, head = 0, tail = 0, j, n, len;
	char *msg = NULL;
	int rc = 0;

	for (i = 1; i < nm; i++) {
		const struct an_fn *a = &g->fns[members[i]], *b = &g->fns[entry];
		if (a->reach < b->reach || (a->reach == b->reach && strcmp(a->name, b->name) < 0))
			entry = members[i];
	}
	par = malloc(g->nfns * sizeof(*par));
	queue = malloc(g->nfns * sizeof(*queue));
	if (!par || !queue) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (i = 0; i < g->nfns; i++)
		par[i] = -2;
	par[entry] = -1;
	queue[tail++] = entry;
	while (head < tail && closing < 0) {
		int v = queue[head++];
		const struct an_fn *f = &g->fns[v];
		for (j = f->first; j < f->first + f->nout; j++) {
			const struct an_edge *e = &g->edges[j];
			if (!follow(g, e) || t->comp[e->callee] != (size_t)comp)
				continue;
			if (e->callee == entry) {
				closing = (int)j;
				break;
			}
			if (par[e->callee] == -2) {
				par[e->callee] = (int)j;
				queue[tail++] = e->callee;
			}
		}
	}
	if (closing < 0)
		goto out; /* cannot happen for a cyclic SCC */
	/* the cycle, written entry() -> ... -> entry() */
	n = 0;
	{
		int v = g->edges[closing].caller;
		while (v != entry) {
			queue[n++] = v;
			v = g->edges[par[v]].caller;
		}
	}
	len = strlen(g->fns[entry].name) * 2 + 16;
	for (i = 0; i < n; i++)
		len += strlen(g->fns[queue[i]].name) + 8;
	msg = malloc(len);
	if (!msg) {
		rc = LC_ENOMEM;
		goto out;
	}
	snprintf(msg, len, "%s()", g->fns[entry].name);
	for (i = n; i-- > 0;) {
		strcat(msg, " -> ");
		strcat(msg, g->fns[queue[i]].name);
		strcat(msg, "()");
	}
	strcat(msg, " -> ");
	strcat(msg, g->fns[entry].name);
	strcat(msg, "()");
	{
		const struct an_edge *e = &g->edges[closing];
		rc = add(c, AN_RULE_RECURSION, e->caller, e->file, e->line, e->col,
		         "recursive call closes the cycle %s", msg);
	}
out:
	free(msg);
	free(par);
	free(queue);
	return rc;
}

static int check_recursion(struct ctx *c)
{
	const struct an_graph *g = c->g;
	struct lc_scc t;
	size_t i, j, k = 0, n = g->nfns + 1, *first = NULL, *succ = NULL, *starts = NULL;
	int rc = 0, *members = NULL, *cnt = NULL, *selfloop = NULL;

	memset(&t, 0, sizeof(t));
	first = malloc((n + 1) * sizeof(size_t));
	succ = malloc((g->nedges + 1) * sizeof(size_t));
	starts = malloc((g->nroots + 1) * sizeof(size_t));
	members = malloc(n * sizeof(int));
	cnt = calloc(n, sizeof(int));
	selfloop = calloc(n, sizeof(int));
	if (!first || !succ || !starts || !members || !cnt || !selfloop) {
		rc = LC_ENOMEM;
		goto out;
	}
	/* The graph for common/scc.h: an edge to an unreachable callee is not followed. */
	for (i = 0; i < g->nfns; i++) {
		first[i] = k;
		for (j = g->fns[i].first; j < g->fns[i].first + g->fns[i].nout; j++)
			succ[k++] =
			        follow(g, &g->edges[j]) ? (size_t)g->edges[j].callee : LC_SCC_SKIP;
	}
	first[g->nfns] = k;
	/* visit in root order so component numbering is deterministic */
	for (i = 0; i < g->nroots; i++)
		starts[i] = (size_t)g->roots[i];
	if (lc_scc_compute(&t, g->nfns, first, succ, starts, g->nroots) < 0) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (i = 0; i < g->nfns; i++) {
		if (t.comp[i] == LC_SCC_NONE)
			continue;
		cnt[t.comp[i]]++;
		for (j = g->fns[i].first; j < g->fns[i].first + g->fns[i].nout; j++)
			if (g->edges[j].callee == (int)i)
				selfloop[t.comp[i]] = 1;
	}
	for (i = 0; i < t.ncomp && rc == 0; i++) {
		size_t nm = 0;
		if (cnt[i] < 2 && !selfloop[i])
			continue;
		for (j = 0; j < g->nfns; j++)
			if (t.comp[j] == i)
				members[nm++] = (int)j;
		rc = report_cycle(c, &t, (int)i, members, nm);
	}
out:
	lc_scc_fini(&t);
	free(first);
	free(succ);
	free(starts);
	free(members);
	free(cnt);
	free(selfloop);
	return rc;
}

static const struct an_ssupp *find_supp(const struct an_graph *g, const struct an_finding *f)
{
	size_t i;

	for (i = 0; i < g->nsupps; i++) {
		const struct an_ssupp *s = g->supps[i];
		if (s->error || !(s->rules & (1u << f->rule)) || strcmp(s->file, f->file) != 0)
			continue;
		/* a trailing comment covers its own line; a comment alone on
		 * its line covers the line below */
		if ((!s->alone && s->line == f->line) || (s->alone && s->line + 1 == f->line))
			return s;
	}
	return NULL;
}

int an_rules_check(struct an_findings *out, struct an_graph *g, const struct an_config *cfg,
                   struct lc_err *err)
{
	struct ctx c;
	size_t i;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	c.fs = out;
	c.g = g;
	c.cfg = cfg;
	c.pathbuf = malloc((g->nfns + 1) * sizeof(int));
	if (!c.pathbuf) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (i = 0; i < g->nviols && rc == 0; i++) {
		const struct an_gviol *v = &g->viols[i];
		if (reachable(g, v->fn))
			rc = add(&c, v->rule, v->fn, v->file, v->line, v->col, "%s", v->msg);
	}
	for (i = 0; i < g->nfns && rc == 0; i++)
		if (reachable(g, (int)i))
			rc = check_calls(&c, (int)i);
	if (rc == 0)
		rc = check_recursion(&c);
	if (rc < 0)
		goto out;
	for (i = 0; i < out->n; i++) {
		struct an_finding *f = &out->v[i];

		f->supp = find_supp(g, f);
		if (!f->supp) /* suppressions: in the rules file */
			f->supp = an_config_suppression(cfg, f->rule, f->file, f->line,
			                                f->fn >= 0 ? g->fns[f->fn].name : NULL);
	}
	an_findings_sort(out);
out:
	free(c.pathbuf);
	if (rc < 0)
		lc_err_set(err, rc, "out of memory while checking rules");
	return rc;
}
