/*
 * tracer/binary/callgraph.c - the call graph of callgraph.h and the reader of
 * latch-check's call-graph JSON (through jansson).
 *
 * The reader is strict about types (a wrong type is an error naming the
 * member) and lenient about extra members, so a newer analyzer that adds
 * fields still reads.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/callgraph.h"

#include <jansson.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"

void trc_cg_init(struct trc_cg *cg)
{
	memset(cg, 0, sizeof(*cg));
}

void trc_cg_fini(struct trc_cg *cg)
{
	size_t i;

	for (i = 0; i < cg->nfuncs; i++) {
		free(cg->funcs[i].name);
		free(cg->funcs[i].file);
	}
	for (i = 0; i < cg->nedges; i++)
		free(cg->edges[i].file);
	for (i = 0; i < cg->nsites; i++)
		free(cg->sites[i].file);
	free(cg->funcs);
	free(cg->edges);
	free(cg->sites);
	lc_strmap_fini(&cg->byname);
	memset(cg, 0, sizeof(*cg));
}

size_t trc_cg_find(const struct trc_cg *cg, const char *name)
{
	const size_t *v = lc_strmap_get(&cg->byname, name);

	return v != NULL ? *v : (size_t)-1;
}

int trc_cg_func(size_t *out, struct trc_cg *cg, const char *name)
{
	size_t i = trc_cg_find(cg, name), *v;
	struct trc_cg_func *f;

	if (i != (size_t)-1) {
		*out = i;
		return 0;
	}
	f = lc_grow_slot(&cg->funcs, &cg->capfuncs, cg->nfuncs, sizeof(*f), 64);
	if (f == NULL || (f->name = strdup(name)) == NULL)
		return LC_ENOMEM;
	v = lc_strmap_put(&cg->byname, name, NULL);
	if (v == NULL) {
		free(f->name);
		return LC_ENOMEM;
	}
	*v = cg->nfuncs;
	*out = cg->nfuncs++;
	return 0;
}

int trc_cg_add_edge(struct trc_cg *cg, size_t caller, size_t callee, const char *file,
                    unsigned line, unsigned col, enum trc_cg_kind kind)
{
	struct trc_cg_edge *e;
	size_t i;

	/* Linear duplicate check over the caller's edges would need an index;
	 * edges arrive grouped by caller, so looking back a little is enough
	 * to drop the duplicates that two sources of one call produce. */
	for (i = cg->nedges; i > 0 && cg->nedges - i < 64; i--) {
		e = &cg->edges[i - 1];
		if (e->caller == caller && e->callee == callee && e->line == line && e->col == col)
			return 0;
	}
	e = lc_grow_slot(&cg->edges, &cg->capedges, cg->nedges, sizeof(*e), 64);
	if (e == NULL)
		return LC_ENOMEM;
	e->caller = caller;
	e->callee = callee;
	e->line = line;
	e->col = col;
	e->kind = kind;
	if (file && (e->file = strdup(file)) == NULL)
		return LC_ENOMEM;
	cg->nedges++;
	return 0;
}

int trc_cg_add_site(struct trc_cg *cg, size_t caller, const char *file, unsigned line, unsigned col,
                    int resolved)
{
	struct trc_cg_site *s;
	size_t i;

	for (i = 0; i < cg->nsites; i++) {
		s = &cg->sites[i];
		if (s->caller == caller && s->line == line && s->col == col &&
		    ((s->file == NULL && file == NULL) ||
		     (s->file && file && strcmp(s->file, file) == 0))) {
			s->resolved &= resolved;
			return 0;
		}
	}
	s = lc_grow_slot(&cg->sites, &cg->capsites, cg->nsites, sizeof(*s), 64);
	if (s == NULL)
		return LC_ENOMEM;
	s->caller = caller;
	s->line = line;
	s->col = col;
	s->resolved = resolved;
	if (file && (s->file = strdup(file)) == NULL)
		return LC_ENOMEM;
	cg->nsites++;
	return 0;
}

int trc_cg_add_binary_site(struct trc_cg *cg, size_t caller, uint64_t addr, const char *what)
{
	struct trc_cg_site *s;

	/* No duplicate check: the decoder visits each address once. */
	s = lc_grow_slot(&cg->sites, &cg->capsites, cg->nsites, sizeof(*s), 64);
	if (s == NULL)
		return LC_ENOMEM;
	cg->nsites++;
	s->caller = caller;
	s->binary = 1;
	s->addr = addr;
	snprintf(s->what, sizeof(s->what), "%s", what);
	return 0;
}

void trc_cg_drop_binary(struct trc_cg *cg, size_t caller)
{
	size_t i, w = 0;

	for (i = 0; i < cg->nedges; i++) {
		if (cg->edges[i].caller == caller && cg->edges[i].kind == TRC_CG_BINARY) {
			free(cg->edges[i].file);
			continue;
		}
		cg->edges[w++] = cg->edges[i];
	}
	cg->nedges = w;
	for (w = 0, i = 0; i < cg->nsites; i++) {
		if (cg->sites[i].caller == caller && cg->sites[i].binary) {
			free(cg->sites[i].file);
			continue;
		}
		cg->sites[w++] = cg->sites[i];
	}
	cg->nsites = w;
}

const char *trc_cg_kind_name(enum trc_cg_kind k)
{
	static const char *const names[] = {"direct",   "indirect", "declared",
	                                    "resolved", "compiler", "binary"};

	return (unsigned)k < sizeof(names) / sizeof(names[0]) ? names[k] : "?";
}

/* Reads member key of o as a string (NULL when absent or null). */
static int get_str(const char **out, json_t *o, const char *key, const char *where, size_t i,
                   const char *name, struct lc_err *err)
{
	json_t *v = json_object_get(o, key);

	*out = NULL;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_string(v))
		return lc_err_set(err, LC_EFORMAT, "%s: %s[%zu].%s must be a string", name, where,
		                  i, key);
	*out = json_string_value(v);
	return 0;
}

static int get_uint(unsigned *out, json_t *o, const char *key, const char *where, size_t i,
                    const char *name, struct lc_err *err)
{
	json_t *v = json_object_get(o, key);

	*out = 0;
	if (v == NULL || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 || json_integer_value(v) > UINT32_MAX)
		return lc_err_set(err, LC_EFORMAT, "%s: %s[%zu].%s must be a non-negative integer",
		                  name, where, i, key);
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int get_bool(int *out, json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	*out = v != NULL && json_is_true(v);
	return 0;
}

static int load_funcs(struct trc_cg *cg, json_t *arr, const char *name, struct lc_err *err)
{
	size_t i, idx;
	json_t *o;
	int rc = 0;

	json_array_foreach(arr, i, o)
	{
		const char *fname, *file;
		unsigned line;
		int defined, root;
		struct trc_cg_func *f;

		if (!json_is_object(o))
			return lc_err_set(err, LC_EFORMAT, "%s: functions[%zu] must be an object",
			                  name, i);
		if ((rc = get_str(&fname, o, "name", "functions", i, name, err)) < 0 ||
		    (rc = get_str(&file, o, "file", "functions", i, name, err)) < 0 ||
		    (rc = get_uint(&line, o, "line", "functions", i, name, err)) < 0)
			return rc;
		if (fname == NULL || fname[0] == '\0')
			return lc_err_set(err, LC_EFORMAT, "%s: functions[%zu] has no name", name,
			                  i);
		get_bool(&defined, o, "defined");
		get_bool(&root, o, "root");
		if (trc_cg_func(&idx, cg, fname) < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
		f = &cg->funcs[idx];
		f->defined |= defined;
		f->src_calls |= defined;
		f->root |= root;
		if (f->file == NULL && file != NULL) {
			f->file = strdup(file);
			f->line = line;
			if (f->file == NULL)
				return lc_err_set(err, LC_ENOMEM, "out of memory");
		}
	}
	return 0;
}

/* `loop_trips`: absent (no loop facts), a count >= 1, or "unbounded". */
static int get_trips(uint64_t *out, json_t *o, size_t i, const char *name, struct lc_err *err)
{
	json_t *v = json_object_get(o, "loop_trips");

	*out = TRC_CG_TRIPS_NONE;
	if (v == NULL || json_is_null(v))
		return 0;
	if (json_is_string(v) && strcmp(json_string_value(v), "unbounded") == 0) {
		*out = TRC_CG_TRIPS_UNBOUNDED;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return lc_err_set(err, LC_EFORMAT,
		                  "%s: edges[%zu].loop_trips must be a count >= 1 or \"unbounded\"",
		                  name, i);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int load_edges(struct trc_cg *cg, json_t *arr, const char *name, struct lc_err *err)
{
	size_t i, a, b;
	json_t *o;
	int rc = 0;

	json_array_foreach(arr, i, o)
	{
		const char *caller, *callee, *file, *kind;
		unsigned line, col;
		enum trc_cg_kind k = TRC_CG_DIRECT;
		uint64_t trips;
		size_t n;

		if (!json_is_object(o))
			return lc_err_set(err, LC_EFORMAT, "%s: edges[%zu] must be an object", name,
			                  i);
		if ((rc = get_str(&caller, o, "caller", "edges", i, name, err)) < 0 ||
		    (rc = get_str(&callee, o, "callee", "edges", i, name, err)) < 0 ||
		    (rc = get_str(&file, o, "file", "edges", i, name, err)) < 0 ||
		    (rc = get_str(&kind, o, "kind", "edges", i, name, err)) < 0 ||
		    (rc = get_uint(&line, o, "line", "edges", i, name, err)) < 0 ||
		    (rc = get_uint(&col, o, "column", "edges", i, name, err)) < 0)
			return rc;
		if (caller == NULL || !caller[0] || (callee != NULL && !callee[0]) ||
		    (callee == NULL && (kind == NULL || strcmp(kind, "indirect") != 0)))
			return lc_err_set(err, LC_EFORMAT,
			                  "%s: edges[%zu] needs a caller and a callee", name, i);
		if (callee == NULL) {
			/* An indirect call with no known target: an unknown of
			 * its caller, never an edge to nothing. */
			if (trc_cg_func(&a, cg, caller) < 0 ||
			    trc_cg_add_site(cg, a, file, line, col, 0) < 0)
				return lc_err_set(err, LC_ENOMEM, "out of memory");
			continue;
		}
		if (kind == NULL || strcmp(kind, "direct") == 0)
			k = TRC_CG_DIRECT;
		else if (strcmp(kind, "indirect") == 0)
			k = TRC_CG_INDIRECT;
		else if (strcmp(kind, "declared") == 0)
			k = TRC_CG_DECLARED;
		else if (strcmp(kind, "resolved") == 0)
			k = TRC_CG_RESOLVED;
		else
			return lc_err_set(err, LC_EFORMAT,
			                  "%s: edges[%zu].kind '%s' is not direct, indirect, "
			                  "declared or resolved",
			                  name, i, kind);
		if ((rc = get_trips(&trips, o, i, name, err)) < 0)
			return rc;
		n = cg->nedges;
		if (trc_cg_func(&a, cg, caller) < 0 || trc_cg_func(&b, cg, callee) < 0 ||
		    trc_cg_add_edge(cg, a, b, file, line, col, k) < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
		if (cg->nedges > n)
			cg->edges[n].trips = trips;
	}
	return 0;
}

static int load_sites(struct trc_cg *cg, json_t *arr, const char *name, struct lc_err *err)
{
	size_t i, a;
	json_t *o;
	int rc = 0;

	json_array_foreach(arr, i, o)
	{
		const char *caller, *file;
		unsigned line, col;
		int resolved;

		if (!json_is_object(o))
			return lc_err_set(err, LC_EFORMAT,
			                  "%s: indirect_sites[%zu] must be an object", name, i);
		if ((rc = get_str(&caller, o, "caller", "indirect_sites", i, name, err)) < 0 ||
		    (rc = get_str(&file, o, "file", "indirect_sites", i, name, err)) < 0 ||
		    (rc = get_uint(&line, o, "line", "indirect_sites", i, name, err)) < 0 ||
		    (rc = get_uint(&col, o, "column", "indirect_sites", i, name, err)) < 0)
			return rc;
		if (caller == NULL || caller[0] == '\0')
			return lc_err_set(err, LC_EFORMAT, "%s: indirect_sites[%zu] has no caller",
			                  name, i);
		get_bool(&resolved, o, "resolved");
		if (trc_cg_func(&a, cg, caller) < 0 ||
		    trc_cg_add_site(cg, a, file, line, col, resolved) < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
	}
	return 0;
}

static int load_root(struct trc_cg *cg, json_t *root, const char *name, struct lc_err *err)
{
	json_t *v, *a;
	int rc = 0;

	if (!json_is_object(root))
		return lc_err_set(err, LC_EFORMAT, "%s: not a call graph (expected a JSON object)",
		                  name);
	v = json_object_get(root, "version");
	if (!json_is_integer(v) || json_integer_value(v) != 1)
		return lc_err_set(err, LC_EFORMAT,
		                  "%s: unsupported call graph version (expected \"version\": 1)",
		                  name);
	a = json_object_get(root, "functions");
	if (a && !json_is_array(a))
		return lc_err_set(err, LC_EFORMAT, "%s: \"functions\" must be an array", name);
	if (a && (rc = load_funcs(cg, a, name, err)) < 0)
		return rc;
	a = json_object_get(root, "edges");
	if (a && !json_is_array(a))
		return lc_err_set(err, LC_EFORMAT, "%s: \"edges\" must be an array", name);
	if (a && (rc = load_edges(cg, a, name, err)) < 0)
		return rc;
	a = json_object_get(root, "indirect_sites");
	if (a && !json_is_array(a))
		return lc_err_set(err, LC_EFORMAT, "%s: \"indirect_sites\" must be an array", name);
	if (a && (rc = load_sites(cg, a, name, err)) < 0)
		return rc;
	return 0;
}

int trc_cg_load_json(struct trc_cg *cg, const char *path, struct lc_err *err)
{
	json_error_t je;
	json_t *root = json_load_file(path, 0, &je);
	int rc;

	if (root == NULL) {
		if (je.line <= 0)
			return lc_err_set(err, LC_EIO, "cannot read call graph '%s': %s", path,
			                  je.text);
		return lc_err_set(err, LC_EFORMAT, "%s:%d:%d: %s", path, je.line, je.column,
		                  je.text);
	}
	rc = load_root(cg, root, path, err);
	json_decref(root);
	return rc;
}

int trc_cg_load_json_mem(struct trc_cg *cg, const char *name, const char *buf, size_t len,
                         struct lc_err *err)
{
	json_error_t je;
	json_t *root = json_loadb(buf, len, 0, &je);
	int rc;

	if (root == NULL)
		return lc_err_set(err, LC_EFORMAT, "%s:%d:%d: %s", name, je.line, je.column,
		                  je.text);
	rc = load_root(cg, root, name, err);
	json_decref(root);
	return rc;
}
