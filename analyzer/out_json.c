/*
 * analyzer/out_json.c - findings as one JSON document:
 *   {"version":1,"findings":[{"rule","severity","file","line","column",
 *    "message","function","root","path":[names],"suppressed":{...}|null}],
 *    "summary":{"errors","warnings","suppressed","reachable","roots","translation_units"}}
 */
#define _POSIX_C_SOURCE 200809L
#include "out.h"

#include <jansson.h>
#include <stdlib.h>

static const char *const sev_names[] = {"off", "warning", "error"};

static json_t *rel(const char *path, const char *cwd)
{
	char *d = an_diag_display(path, cwd);
	json_t *s = json_string(d ? d : path);

	free(d);
	return s;
}

int an_out_json(FILE *out, const struct an_findings *fs, const struct an_graph *g, size_t ntus,
                const char *cwd)
{
	json_t *root = json_object(), *arr = json_array(), *sum;
	size_t i, j, nreach = 0;
	int rc = 0;

	if (!root || !arr) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (i = 0; i < fs->n; i++) {
		const struct an_finding *f = &fs->v[i];
		json_t *o = json_object(), *path = json_array();
		for (j = 0; j < f->npath; j++)
			json_array_append_new(path, json_string(g->fns[f->path[j]].name));
		json_object_set_new(o, "rule", json_string(an_rule_id(f->rule)));
		json_object_set_new(o, "severity", json_string(sev_names[f->sev]));
		json_object_set_new(o, "file", rel(f->file, cwd));
		json_object_set_new(o, "line", json_integer(f->line));
		json_object_set_new(o, "column", json_integer(f->col));
		json_object_set_new(o, "message", json_string(f->msg));
		json_object_set_new(o, "function", json_string(g->fns[f->fn].name));
		json_object_set_new(o, "root",
		                    f->npath ? json_string(g->fns[f->path[0]].name) : json_null());
		json_object_set_new(o, "path", path);
		if (f->supp) {
			json_t *s = json_object();
			json_object_set_new(s, "reason", json_string(f->supp->reason));
			json_object_set_new(s, "file", rel(f->supp->file, cwd));
			json_object_set_new(s, "line", json_integer(f->supp->line));
			if (f->supp->bound >= 0)
				json_object_set_new(s, "bound", json_integer(f->supp->bound));
			json_object_set_new(o, "suppressed", s);
		} else {
			json_object_set_new(o, "suppressed", json_null());
		}
		json_array_append_new(arr, o);
	}
	for (i = 0; i < g->nfns; i++)
		if (g->fns[i].reach >= 0)
			nreach++;
	json_object_set_new(root, "version", json_integer(1));
	json_object_set_new(root, "findings", arr);
	arr = NULL;
	sum = json_object();
	json_object_set_new(sum, "errors", json_integer((json_int_t)fs->nerrors));
	json_object_set_new(sum, "warnings", json_integer((json_int_t)fs->nwarnings));
	json_object_set_new(sum, "suppressed", json_integer((json_int_t)fs->nsuppressed));
	json_object_set_new(sum, "reachable", json_integer((json_int_t)nreach));
	json_object_set_new(sum, "roots", json_integer((json_int_t)g->nroots));
	json_object_set_new(sum, "translation_units", json_integer((json_int_t)ntus));
	json_object_set_new(root, "summary", sum);
	if (json_dumpf(root, out, JSON_INDENT(2)) != 0)
		rc = LC_EIO;
	fputc('\n', out);
out:
	json_decref(arr);
	json_decref(root);
	return rc;
}
