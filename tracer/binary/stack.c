/*
 * tracer/binary/stack.c - worst-case stack depth over the call graph (see
 * stack.h for what is counted and what is reported as unknown).
 *
 * The graph is condensed into its strongly connected components with the
 * one iterative Tarjan of common/scc.h. It finishes a component only after
 * every component it calls, so one pass in completion order computes each
 * component's depth from its callees' depths.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/stack.h"
#include "scc.h"

#include <fnmatch.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NONE ((size_t)-1)

struct work {
	size_t n;
	size_t *out_start; /* CSR over edges by caller: n + 1 */
	size_t *out_edge;
	size_t *comp; /* component of each function */
	size_t ncomp;
	size_t *comp_order; /* functions grouped by component, in completion order */
	size_t *comp_start; /* ncomp + 1 */
	int *annotated;     /* a target note covers the function's indirect calls */
	int *has_site;      /* the function has an unresolved indirect call */
};

static void work_free(struct work *w)
{
	free(w->out_start);
	free(w->out_edge);
	free(w->comp);
	free(w->comp_order);
	free(w->comp_start);
	free(w->annotated);
	free(w->has_site);
}

static int add_unknown(struct trc_stack *s, size_t *cap, enum trc_unknown_kind k, size_t func,
                       const char *file, unsigned line, unsigned col, const char *fmt, ...)
        __attribute__((format(printf, 8, 9)));

static int add_unknown(struct trc_stack *s, size_t *cap, enum trc_unknown_kind k, size_t func,
                       const char *file, unsigned line, unsigned col, const char *fmt, ...)
{
	struct trc_stack_unknown *u;
	va_list ap;

	if (s->nunknowns == *cap) {
		size_t ncap = *cap ? *cap * 2 : 32;
		struct trc_stack_unknown *nv = realloc(s->unknowns, ncap * sizeof(*nv));

		if (nv == NULL)
			return LC_ENOMEM;
		s->unknowns = nv;
		*cap = ncap;
	}
	u = &s->unknowns[s->nunknowns++];
	u->kind = k;
	u->func = func;
	u->file = file;
	u->line = line;
	u->col = col;
	va_start(ap, fmt);
	vsnprintf(u->detail, sizeof(u->detail), fmt, ap);
	va_end(ap);
	return 0;
}

static int apply_target_notes(struct trc_cg *cg, const struct trc_stack_config *cfg,
                              int **annotated)
{
	size_t n0 = cg->nfuncs, i, j, k;
	int *ann = calloc(n0 ? n0 : 1, sizeof(*ann));

	*annotated = ann;
	if (ann == NULL)
		return LC_ENOMEM;
	for (i = 0; i < cfg->ntargets; i++) {
		const struct trc_stack_target_note *t = &cfg->targets[i];

		for (j = 0; j < n0; j++) {
			if (fnmatch(t->caller, cg->funcs[j].name, 0) != 0)
				continue;
			ann[j] = 1;
			for (k = 0; k < t->ntargets; k++) {
				size_t callee, m;

				/* A glob names every defined function it matches, as in
				 * latch-check; a plain name may be a library function. */
				if (strpbrk(t->targets[k], "*?[") != NULL) {
					for (m = 0; m < n0; m++)
						if (cg->funcs[m].defined &&
						    fnmatch(t->targets[k], cg->funcs[m].name, 0) ==
						            0 &&
						    trc_cg_add_edge(cg, j, m, NULL, 0, 0,
						                    TRC_CG_DECLARED) < 0)
							return LC_ENOMEM;
					continue;
				}
				if (trc_cg_func(&callee, cg, t->targets[k]) < 0 ||
				    trc_cg_add_edge(cg, j, callee, NULL, 0, 0, TRC_CG_DECLARED) < 0)
					return LC_ENOMEM;
			}
		}
	}
	return 0;
}

static int build_csr(struct work *w, const struct trc_cg *cg)
{
	size_t i, *fill;

	w->out_start = calloc(w->n + 1, sizeof(size_t));
	w->out_edge = calloc(cg->nedges ? cg->nedges : 1, sizeof(size_t));
	fill = calloc(w->n + 1, sizeof(size_t));
	if (w->out_start == NULL || w->out_edge == NULL || fill == NULL) {
		free(fill);
		return LC_ENOMEM;
	}
	for (i = 0; i < cg->nedges; i++)
		w->out_start[cg->edges[i].caller + 1]++;
	for (i = 0; i < w->n; i++)
		w->out_start[i + 1] += w->out_start[i];
	for (i = 0; i < cg->nedges; i++) {
		size_t c = cg->edges[i].caller;

		w->out_edge[w->out_start[c] + fill[c]++] = i;
	}
	free(fill);
	return 0;
}

/* The components of the graph (common/scc.h): comp, comp_order, comp_start. */
static int tarjan(struct work *w, const struct trc_cg *cg)
{
	struct lc_scc scc;
	size_t *succ = malloc((cg->nedges ? cg->nedges : 1) * sizeof(size_t)), e;
	int rc = 0;

	if (succ == NULL)
		return LC_ENOMEM;
	for (e = 0; e < cg->nedges; e++)
		succ[e] = cg->edges[w->out_edge[e]].callee;
	if (lc_scc_compute(&scc, w->n, w->out_start, succ, NULL, 0) < 0) {
		rc = LC_ENOMEM;
		lc_scc_fini(&scc);
	} else {
		/* Every node is visited (no starts given): the arrays move over. */
		w->comp = scc.comp;
		w->comp_order = scc.order;
		w->comp_start = scc.start;
		w->ncomp = scc.ncomp;
	}
	free(succ);
	return rc;
}

static uint64_t bound_of(const struct trc_stack_config *cfg, const char *name)
{
	uint64_t best = 0;
	size_t i;

	for (i = 0; i < cfg->nbounds; i++)
		if (fnmatch(cfg->bounds[i].func, name, 0) == 0 && cfg->bounds[i].depth > best)
			best = cfg->bounds[i].depth;
	return best;
}

static int set_frames(struct trc_stack *s, struct work *w, const struct trc_cg *cg,
                      const struct trc_frames *frames, size_t *ucap)
{
	size_t v;

	for (v = 0; v < w->n; v++) {
		const struct trc_cg_func *f = &cg->funcs[v];
		const struct trc_frame *fr = trc_frames_find(frames, f->name);
		struct trc_stack_func *sf = &s->funcs[v];

		if (fr && fr->known) {
			sf->frame = fr->bytes;
			sf->frame_known = 1;
		} else if (fr) {
			if (add_unknown(s, ucap, TRC_UNK_FRAME, v, fr->file ? fr->file : f->file,
			                fr->file ? fr->line : f->line, fr->file ? fr->col : 0,
			                "frame of '%s' has unknown size: %s", f->name,
			                fr->why ? fr->why : "no frame data") < 0)
				return LC_ENOMEM;
		} else if (f->in_binary) {
			if (add_unknown(
			            s, ucap, TRC_UNK_FRAME, v, f->file, f->line, 0,
			            "'%s' is in the binary but has no frame data (no call frame "
			            "information, .su entry or frames: declaration)",
			            f->name) < 0)
				return LC_ENOMEM;
		} else if (f->defined) {
			sf->frame_known = 1;
			sf->inlined = 1;
		} else if (add_unknown(
		                   s, ucap, TRC_UNK_FRAME, v, f->file, f->line, 0,
		                   "'%s' is not in the binary and has no frame data (an external "
		                   "or library function)",
		                   f->name) < 0) {
			return LC_ENOMEM;
		}
	}
	return 0;
}

static int find_sites(struct trc_stack *s, struct work *w, const struct trc_cg *cg, size_t *ucap)
{
	size_t i;

	w->has_site = calloc(w->n ? w->n : 1, sizeof(int));
	if (w->has_site == NULL)
		return LC_ENOMEM;
	for (i = 0; i < cg->nsites; i++) {
		const struct trc_cg_site *site = &cg->sites[i];

		if (site->resolved || (site->caller < w->n && w->annotated[site->caller]))
			continue;
		/* The source-level graph lists every call through a pointer of a
		 * function it knows; an indirect branch of its machine code is then
		 * a switch's jump table or one of those calls. */
		if (site->binary && cg->funcs[site->caller].src_calls)
			continue;
		w->has_site[site->caller] = 1;
		if (site->binary) {
			if (add_unknown(s, ucap, TRC_UNK_INDIRECT, site->caller, NULL, 0, 0,
			                "%s at 0x%llx in '%s' (machine code) has no known "
			                "target (declare them in indirect_targets or frames:)",
			                site->what, (unsigned long long)site->addr,
			                cg->funcs[site->caller].name) < 0)
				return LC_ENOMEM;
			continue;
		}
		if (add_unknown(s, ucap, TRC_UNK_INDIRECT, site->caller, site->file, site->line,
		                site->col,
		                "indirect call in '%s' with no known targets (declare them in "
		                "indirect_targets)",
		                cg->funcs[site->caller].name) < 0)
			return LC_ENOMEM;
	}
	return 0;
}

/* Writes "a -> b -> a" for a cycle through the members of component c. */
static void describe_cycle(char *buf, size_t len, const struct work *w, const struct trc_cg *cg,
                           size_t c, const struct trc_cg_edge **first)
{
	size_t start = w->comp_order[w->comp_start[c]], v, steps = 0, used = 0, k;

	/* Start at the member listed first in the graph (for a stable text). */
	for (k = w->comp_start[c]; k < w->comp_start[c + 1]; k++)
		if (w->comp_order[k] < start)
			start = w->comp_order[k];
	v = start;
	*first = NULL;
	buf[0] = '\0';
	used += (size_t)snprintf(buf, len, "%s", cg->funcs[v].name);
	/* Follow edges inside the component until back at the start. */
	while (steps++ < 16 && used < len) {
		size_t e, next = NONE;
		const struct trc_cg_edge *via = NULL;

		for (e = w->out_start[v]; e < w->out_start[v + 1]; e++) {
			const struct trc_cg_edge *ed = &cg->edges[w->out_edge[e]];

			if (w->comp[ed->callee] != c)
				continue;
			if (ed->callee == start) {
				next = start;
				via = ed;
				break;
			}
			if (next == NONE) {
				next = ed->callee;
				via = ed;
			}
		}
		if (next == NONE)
			break;
		if (*first == NULL)
			*first = via;
		used += (size_t)snprintf(buf + used, len - used, " -> %s", cg->funcs[next].name);
		if (next == start)
			break;
		v = next;
	}
}

int trc_stack_new(struct trc_stack **out, struct trc_cg *cg, const struct trc_frames *frames,
                  const struct trc_stack_config *cfg, const size_t *roots, size_t nroots,
                  struct lc_err *err)
{
	struct trc_stack *s = NULL;
	struct work w;
	size_t ucap = 0, c, i, v, n0;
	uint64_t *cdepth = NULL;
	int *ccomplete = NULL;
	size_t *cbest_member = NULL, *cbest_target = NULL;
	char *reach = NULL;
	size_t *queue = NULL;
	int rc = 0;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	n0 = cg->nfuncs;
	s = calloc(1, sizeof(*s));
	if (s == NULL || apply_target_notes(cg, cfg, &w.annotated) < 0)
		goto nomem;
	s->cg = cg;
	w.n = cg->nfuncs;
	if (w.n == 0)
		goto done;
	{
		/* annotated[] was sized before the notes added target functions. */
		int *na = realloc(w.annotated, w.n * sizeof(int));

		if (na == NULL)
			goto nomem;
		w.annotated = na;
		for (v = n0; v < w.n; v++)
			w.annotated[v] = 0;
	}
	s->funcs = calloc(w.n, sizeof(*s->funcs));
	if (s->funcs == NULL || build_csr(&w, cg) < 0 || tarjan(&w, cg) < 0)
		goto nomem;
	if (set_frames(s, &w, cg, frames, &ucap) < 0 || find_sites(s, &w, cg, &ucap) < 0)
		goto nomem;

	cdepth = calloc(w.ncomp, sizeof(*cdepth));
	ccomplete = calloc(w.ncomp, sizeof(*ccomplete));
	cbest_member = malloc(w.ncomp * sizeof(size_t));
	cbest_target = malloc(w.ncomp * sizeof(size_t));
	if (!cdepth || !ccomplete || !cbest_member || !cbest_target)
		goto nomem;
	for (c = 0; c < w.ncomp; c++) {
		size_t a = w.comp_start[c], b = w.comp_start[c + 1], k;
		int cyclic = b - a > 1, complete = 1, has_out = 0;
		uint64_t own = 0, best = 0, bound = 0;

		cbest_member[c] = cbest_target[c] = NONE;
		for (k = a; k < b; k++) {
			size_t e;

			v = w.comp_order[k];
			for (e = w.out_start[v]; e < w.out_start[v + 1]; e++)
				if (cg->edges[w.out_edge[e]].callee == v)
					cyclic = 1;
		}
		for (k = a; k < b; k++) {
			uint64_t bd;

			v = w.comp_order[k];
			own += s->funcs[v].frame;
			if (!s->funcs[v].frame_known || w.has_site[v])
				complete = 0;
			bd = cyclic ? bound_of(cfg, cg->funcs[v].name) : 0;
			if (bd > bound)
				bound = bd;
		}
		if (cyclic) {
			if (bound > 0) {
				own *= bound;
			} else {
				char cyc[200];
				const struct trc_cg_edge *first;

				describe_cycle(cyc, sizeof(cyc), &w, cg, c, &first);
				v = w.comp_order[a];
				if (add_unknown(s, &ucap, TRC_UNK_RECURSION,
				                first ? first->caller : v,
				                first ? first->file : cg->funcs[v].file,
				                first ? first->line : cg->funcs[v].line,
				                first ? first->col : 0,
				                "recursion %s has no depth bound (declare one in "
				                "recursion_bounds)",
				                cyc) < 0)
					goto nomem;
				complete = 0;
			}
		}
		for (k = a; k < b; k++) {
			size_t e;

			v = w.comp_order[k];
			for (e = w.out_start[v]; e < w.out_start[v + 1]; e++) {
				size_t t = cg->edges[w.out_edge[e]].callee, tc = w.comp[t];

				has_out = 1;
				if (tc == c)
					continue;
				if (!ccomplete[tc])
					complete = 0;
				if (cbest_target[c] == NONE || cdepth[tc] > best) {
					best = cdepth[tc];
					cbest_member[c] = v;
					cbest_target[c] = t;
				}
			}
		}
		if (!cyclic && !has_out && !w.has_site[w.comp_order[a]] &&
		    s->funcs[w.comp_order[a]].frame_known) {
			s->funcs[w.comp_order[a]].red_zone = cfg->red_zone;
			own += cfg->red_zone;
		}
		cdepth[c] = own + best;
		ccomplete[c] = complete;
		for (k = a; k < b; k++) {
			s->funcs[w.comp_order[k]].depth = cdepth[c];
			s->funcs[w.comp_order[k]].complete = complete;
		}
	}

	s->roots = calloc(nroots ? nroots : 1, sizeof(*s->roots));
	reach = malloc(w.n);
	queue = malloc(w.n * sizeof(size_t));
	if (s->roots == NULL || reach == NULL || queue == NULL)
		goto nomem;
	for (i = 0; i < nroots; i++) {
		struct trc_stack_root *r = &s->roots[s->nroots++];
		size_t qh = 0, qt = 0, k;

		r->func = roots[i];
		c = w.comp[roots[i]];
		r->bytes = cdepth[c];
		r->complete = ccomplete[c];
		r->path = malloc((w.n + 1) * sizeof(size_t));
		if (r->path == NULL)
			goto nomem;
		for (v = roots[i]; v != NONE && r->npath < w.n;) {
			size_t vc = w.comp[v];

			r->path[r->npath++] = v;
			if (cbest_member[vc] != NONE && cbest_member[vc] != v && r->npath < w.n)
				r->path[r->npath++] = cbest_member[vc];
			v = cbest_target[vc];
		}
		memset(reach, 0, w.n);
		reach[roots[i]] = 1;
		queue[qt++] = roots[i];
		while (qh < qt) {
			size_t u = queue[qh++], e;

			for (e = w.out_start[u]; e < w.out_start[u + 1]; e++) {
				size_t t = cg->edges[w.out_edge[e]].callee;

				if (!reach[t]) {
					reach[t] = 1;
					queue[qt++] = t;
				}
			}
		}
		r->unknowns = malloc((s->nunknowns ? s->nunknowns : 1) * sizeof(size_t));
		if (r->unknowns == NULL)
			goto nomem;
		for (k = 0; k < s->nunknowns; k++)
			if (reach[s->unknowns[k].func])
				r->unknowns[r->nunknowns++] = k;
	}
done:
	*out = s;
	s = NULL;
	goto out;
nomem:
	rc = lc_err_set(err, LC_ENOMEM, "out of memory");
out:
	trc_stack_free(s);
	work_free(&w);
	free(cdepth);
	free(ccomplete);
	free(cbest_member);
	free(cbest_target);
	free(reach);
	free(queue);
	return rc;
}

void trc_stack_free(struct trc_stack *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nroots; i++) {
		free(s->roots[i].path);
		free(s->roots[i].unknowns);
	}
	free(s->roots);
	free(s->unknowns);
	free(s->funcs);
	free(s);
}

const char *trc_stack_unknown_name(enum trc_unknown_kind k)
{
	switch (k) {
	case TRC_UNK_RECURSION:
		return "recursion";
	case TRC_UNK_INDIRECT:
		return "indirect-call";
	default:
		return "unknown-frame";
	}
}
