/*
 * analyzer/callgraph.c - the merged call graph for latch-trace stack and for
 * people (schema: docs/callgraph.md). Functions are sorted by name then USR,
 * edges by caller then call site, so the output diffs cleanly.
 */
#define _GNU_SOURCE
#include "out.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const edge_kinds[] = {"direct", "declared", "resolved"};

static int fn_cmp(const void *a, const void *b, void *ctx)
{
	const struct an_graph *g = ctx;
	const struct an_fn *x = &g->fns[*(const int *)a], *y = &g->fns[*(const int *)b];
	int c = strcmp(x->name, y->name);

	return c ? c : strcmp(x->usr, y->usr);
}

static int *sorted_fns(const struct an_graph *g)
{
	int *v = malloc((g->nfns + 1) * sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	for (i = 0; i < g->nfns; i++)
		v[i] = (int)i;
	if (g->nfns)
		qsort_r(v, g->nfns, sizeof(*v), fn_cmp, (void *)g);
	return v;
}

static json_t *rel(const char *path, const char *cwd)
{
	char *d = an_diag_display(path, cwd);
	json_t *s = json_string(d ? d : path);

	free(d);
	return s;
}

/* loop_trips of docs/callgraph.md: a count, or "unbounded". */
static json_t *trips_json(uint64_t trips)
{
	if (trips == AN_TRIPS_UNBOUNDED || trips > (uint64_t)INT64_MAX)
		return json_string("unbounded");
	return json_integer((json_int_t)trips);
}

int an_callgraph_json(FILE *out, const struct an_graph *g, const char *cwd)
{
	json_t *doc = NULL, *fns = json_array(), *edges = json_array(), *sites = json_array();
	int *order = sorted_fns(g), rc = 0;
	size_t i, k;

	if (!order || !fns || !edges || !sites) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (k = 0; k < g->nfns; k++) {
		const struct an_fn *f = &g->fns[order[k]];
		json_array_append_new(fns, json_pack("{s:s, s:s, s:o, s:i, s:b, s:b, s:b}", "name",
		                                     f->name, "usr", f->usr, "file",
		                                     rel(f->file, cwd), "line", (int)f->line,
		                                     "defined", (f->flags & AN_FN_DEFINED) != 0,
		                                     "root", f->root != 0, "address_taken",
		                                     (f->flags & AN_FN_ADDR_TAKEN) != 0));
	}
	/* edges are already sorted by caller index and site; emit callers in
	 * name order */
	for (k = 0; k < g->nfns; k++) {
		const struct an_fn *f = &g->fns[order[k]];
		for (i = f->first; i < f->first + f->nout; i++) {
			const struct an_edge *e = &g->edges[i];
			const struct an_fn *c = &g->fns[e->callee];
			json_array_append_new(
			        edges,
			        json_pack("{s:s, s:s, s:s, s:s, s:o, s:i, s:i, s:s, s:o}", "caller",
			                  f->name, "caller_usr", f->usr, "callee", c->name,
			                  "callee_usr", c->usr, "file", rel(e->file, cwd), "line",
			                  (int)e->line, "column", (int)e->col, "kind",
			                  edge_kinds[e->kind], "loop_trips", trips_json(e->trips)));
		}
		for (i = 0; i < g->nsites; i++) {
			const struct an_site *s = &g->sites[i];
			if (s->caller != order[k])
				continue;
			if (!s->resolved)
				json_array_append_new(
				        edges,
				        json_pack("{s:s, s:s, s:n, s:n, s:o, s:i, s:i, s:s, s:o}",
				                  "caller", f->name, "caller_usr", f->usr, "callee",
				                  "callee_usr", "file", rel(s->file, cwd), "line",
				                  (int)s->line, "column", (int)s->col, "kind",
				                  "indirect", "loop_trips", trips_json(s->trips)));
			json_array_append_new(sites,
			                      json_pack("{s:s, s:s, s:o, s:i, s:i, s:s?, s:b}",
			                                "caller", f->name, "pointer", s->name,
			                                "file", rel(s->file, cwd), "line",
			                                (int)s->line, "column", (int)s->col, "type",
			                                s->type, "resolved", s->resolved != 0));
		}
	}
	doc = json_pack("{s:i, s:o, s:o, s:o}", "version", 1, "functions", fns, "edges", edges,
	                "indirect_sites", sites);
	fns = edges = sites = NULL;
	if (!doc || json_dumpf(doc, out, JSON_INDENT(1)) != 0)
		rc = LC_EIO;
	fputc('\n', out);
out:
	json_decref(fns);
	json_decref(edges);
	json_decref(sites);
	json_decref(doc);
	free(order);
	return rc;
}

/* DOT identifiers are quoted; names are C identifiers, paths may hold
 * anything but a double quote is escaped. */
static void dot_str(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

int an_callgraph_dot(FILE *out, const struct an_graph *g, const char *cwd)
{
	int *order = sorted_fns(g);
	size_t i, k;

	if (!order)
		return LC_ENOMEM;
	fprintf(out, "digraph latch_callgraph {\n  node [shape=box, fontname=\"monospace\"];\n");
	for (k = 0; k < g->nfns; k++) {
		const struct an_fn *f = &g->fns[order[k]];
		fprintf(out, "  n%d [label=", order[k]);
		dot_str(out, f->name);
		if (f->root)
			fprintf(out, ", style=bold, color=red");
		else if (!(f->flags & AN_FN_DEFINED))
			fprintf(out, ", style=dashed");
		fprintf(out, "];\n");
	}
	for (k = 0; k < g->nfns; k++) {
		const struct an_fn *f = &g->fns[order[k]];
		for (i = f->first; i < f->first + f->nout; i++) {
			const struct an_edge *e = &g->edges[i];
			char *d = an_diag_display(e->file, cwd);
			char lbl[4300];
			snprintf(lbl, sizeof(lbl), "%s:%u", d ? d : e->file, e->line);
			free(d);
			fprintf(out, "  n%d -> n%d [label=", order[k], e->callee);
			dot_str(out, lbl);
			if (e->kind != AN_EDGE_DIRECT)
				fprintf(out, ", style=dotted");
			fprintf(out, "];\n");
		}
	}
	fprintf(out, "}\n");
	free(order);
	return 0;
}
