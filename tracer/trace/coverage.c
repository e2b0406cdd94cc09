/*
 * tracer/trace/coverage.c - functions reachable from each root that the
 * trace never executed (see coverage.h).
 *
 * The call graph is turned into adjacency lists once (counting sort of the
 * edges by caller); each root is then one breadth-first walk, so the cost
 * is roots x (functions + edges).
 */
#include "trace/coverage.h"

#include <stdlib.h>
#include <string.h>

#include "binary/callgraph.h"
#include "trace/profile.h"

struct adj {
	size_t *start; /* nfuncs + 1 offsets into to[] */
	size_t *to;
};

static int adj_build(struct adj *g, const struct trc_cg *cg)
{
	size_t i, *fill;

	g->start = calloc(cg->nfuncs + 1, sizeof(*g->start));
	g->to = malloc((cg->nedges ? cg->nedges : 1) * sizeof(*g->to));
	fill = calloc(cg->nfuncs + 1, sizeof(*fill));
	if (g->start == NULL || g->to == NULL || fill == NULL) {
		free(fill);
		return LC_ENOMEM;
	}
	for (i = 0; i < cg->nedges; i++)
		g->start[cg->edges[i].caller + 1]++;
	for (i = 0; i < cg->nfuncs; i++)
		g->start[i + 1] += g->start[i];
	memcpy(fill, g->start, (cg->nfuncs + 1) * sizeof(*fill));
	for (i = 0; i < cg->nedges; i++)
		g->to[fill[cg->edges[i].caller]++] = cg->edges[i].callee;
	free(fill);
	return 0;
}

/* Sort context: qsort has none, so the names travel with the indexes. */
struct named {
	const char *name;
	size_t idx;
};

static int by_name(const void *pa, const void *pb)
{
	const struct named *a = pa, *b = pb;

	return strcmp(a->name, b->name);
}

/* One walk from root r; seen[] and queue[] are scratch of nfuncs each. */
static int walk(struct trc_cov_root *out, const struct trc_cg *cg, const struct adj *g,
                const unsigned char *ran, unsigned char *seen, size_t *queue, size_t r)
{
	struct named *miss = NULL;
	size_t head = 0, tail = 0, k, m = 0;

	memset(seen, 0, cg->nfuncs);
	out->root = r;
	seen[r] = 1;
	queue[tail++] = r;
	while (head < tail) {
		size_t f = queue[head++];

		for (k = g->start[f]; k < g->start[f + 1]; k++)
			if (!seen[g->to[k]]) {
				seen[g->to[k]] = 1;
				queue[tail++] = g->to[k];
			}
	}
	miss = calloc(tail ? tail : 1, sizeof(*miss));
	if (miss == NULL)
		return LC_ENOMEM;
	for (k = 0; k < tail; k++) {
		size_t f = queue[k];

		if (!cg->funcs[f].defined)
			continue; /* library or assembler: nothing to trace */
		out->reachable++;
		if (ran[f])
			out->executed++;
		else
			miss[m++] = (struct named){cg->funcs[f].name, f};
	}
	qsort(miss, m, sizeof(*miss), by_name);
	out->missing = malloc((m ? m : 1) * sizeof(*out->missing));
	if (out->missing == NULL) {
		free(miss);
		return LC_ENOMEM;
	}
	for (k = 0; k < m; k++)
		out->missing[k] = miss[k].idx;
	out->nmissing = m;
	free(miss);
	return 0;
}

int trc_cov_compute(struct trc_cov **out, const struct trc_cg *cg, const struct trc_profile *a,
                    const char *const *roots, size_t nroots, struct lc_err *err)
{
	struct trc_cov *c = calloc(1, sizeof(*c));
	struct adj g = {NULL, NULL};
	unsigned char *ran = NULL, *seen = NULL;
	size_t *queue = NULL, i, n = cg->nfuncs ? cg->nfuncs : 1;
	int rc = LC_ENOMEM;

	ran = calloc(n, 1);
	seen = calloc(n, 1);
	queue = calloc(n, sizeof(*queue));
	if (c == NULL || ran == NULL || seen == NULL || queue == NULL || adj_build(&g, cg) < 0)
		goto fail;
	c->roots = calloc(nroots > 0 ? nroots : n, sizeof(*c->roots));
	if (c->roots == NULL)
		goto fail;
	for (i = 0; i < a->nfns; i++) {
		/* Every function of the profile was entered or exited at least once. */
		size_t f = trc_cg_find(cg, a->fns[i].label);

		if (f != (size_t)-1)
			ran[f] = 1;
	}
	for (i = 0; i < (nroots > 0 ? nroots : cg->nfuncs); i++) {
		size_t r = i;

		if (nroots > 0) {
			r = trc_cg_find(cg, roots[i]);
			if (r == (size_t)-1) {
				rc = lc_err_set(err, LC_ENOTFOUND,
				                "root '%s' is not in the call graph", roots[i]);
				goto fail;
			}
		} else if (!cg->funcs[i].root) {
			continue;
		}
		if (walk(&c->roots[c->nroots], cg, &g, ran, seen, queue, r) < 0)
			goto fail;
		c->nroots++;
	}
	rc = 0;
	*out = c;
	c = NULL;
fail:
	if (rc == LC_ENOMEM)
		lc_err_set(err, LC_ENOMEM, "out of memory");
	trc_cov_free(c);
	free(g.start);
	free(g.to);
	free(ran);
	free(seen);
	free(queue);
	return rc;
}

void trc_cov_free(struct trc_cov *c)
{
	size_t i;

	if (c == NULL)
		return;
	for (i = 0; i < c->nroots; i++)
		free(c->roots[i].missing);
	free(c->roots);
	free(c);
}
