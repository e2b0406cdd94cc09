/*
 * analyzer/baseline.c - findings of an earlier run, matched by rule, file
 * and message (see baseline.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "baseline.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strmap.h"
#include "util.h"

struct an_baseline {
	struct lc_strmap keys; /* key -> index into left[] */
	int *left;             /* entries with that key not yet matched */
	size_t n, cap;
};

static char *make_key(const char *rule, const char *file, const char *msg)
{
	size_t n = strlen(rule) + strlen(file) + strlen(msg) + 3;
	char *k = malloc(n);

	if (k)
		snprintf(k, n, "%s\x1f%s\x1f%s", rule, file, msg);
	return k;
}

static int add(struct an_baseline *b, const char *rule, const char *file, const char *msg)
{
	char *k = make_key(rule, file, msg);
	size_t *idx;
	int rc = 0;

	if (!k)
		return LC_ENOMEM;
	idx = lc_strmap_get(&b->keys, k);
	if (idx) {
		b->left[*idx]++;
	} else if (an_util_grow((void **)&b->left, &b->cap, b->n + 1, sizeof(*b->left)) < 0 ||
	           (idx = lc_strmap_put(&b->keys, k, NULL)) == NULL) {
		rc = LC_ENOMEM;
	} else {
		*idx = b->n;
		b->left[b->n++] = 1;
	}
	free(k);
	return rc;
}

/* SARIF: runs[].results[] with ruleId, message.text and the first
 * location's artifactLocation.uri. */
static int from_sarif(struct an_baseline *b, json_t *runs)
{
	size_t i, j;
	json_t *run, *res;
	int rc = 0;

	json_array_foreach(runs, i, run)
	{
		json_array_foreach(json_object_get(run, "results"), j, res)
		{
			const char *rule = json_string_value(json_object_get(res, "ruleId"));
			const char *msg = json_string_value(
			        json_object_get(json_object_get(res, "message"), "text"));
			json_t *loc = json_array_get(json_object_get(res, "locations"), 0);
			const char *uri = json_string_value(json_object_get(
			        json_object_get(json_object_get(loc, "physicalLocation"),
			                        "artifactLocation"),
			        "uri"));
			json_t *sup = json_object_get(res, "suppressions");
			if (json_array_size(sup))
				continue; /* suppressed in the source: not a finding */
			if (!rule || !msg || !uri)
				return LC_EFORMAT;
			rc = add(b, rule, uri, msg);
			if (rc < 0)
				return rc;
		}
	}
	return rc;
}

static int from_json(struct an_baseline *b, json_t *findings)
{
	size_t i;
	json_t *f;
	int rc = 0;

	json_array_foreach(findings, i, f)
	{
		const char *rule = json_string_value(json_object_get(f, "rule"));
		const char *file = json_string_value(json_object_get(f, "file"));
		const char *msg = json_string_value(json_object_get(f, "message"));
		json_t *sup = json_object_get(f, "suppressed");
		if (sup && !json_is_null(sup))
			continue;
		if (!rule || !file || !msg)
			return LC_EFORMAT;
		rc = add(b, rule, file, msg);
		if (rc < 0)
			return rc;
	}
	return rc;
}

int an_baseline_load(struct an_baseline **out, const char *path, struct lc_err *err)
{
	json_error_t je;
	json_t *root;
	struct an_baseline *b = NULL;
	int rc = 0;

	*out = NULL;
	root = json_load_file(path, 0, &je);
	if (!root) {
		if (je.line < 0)
			return lc_err_set(err, LC_EIO, "cannot read baseline '%s': %s", path,
			                  je.text);
		return lc_err_set(err, LC_EFORMAT, "%s:%d:%d: malformed baseline: %s", path,
		                  je.line, je.column, je.text);
	}
	b = calloc(1, sizeof(*b));
	if (!b) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	if (json_is_array(json_object_get(root, "runs")))
		rc = from_sarif(b, json_object_get(root, "runs"));
	else if (json_is_array(json_object_get(root, "findings")))
		rc = from_json(b, json_object_get(root, "findings"));
	else
		rc = LC_EFORMAT;
	if (rc == LC_EFORMAT)
		lc_err_set(err, rc,
		           "%s: malformed baseline: expected the JSON or SARIF output of "
		           "latch-check (--format json or sarif)",
		           path);
	else if (rc < 0)
		lc_err_set(err, rc, "out of memory");
	if (rc < 0)
		goto out;
	*out = b;
	b = NULL;
out:
	an_baseline_free(b);
	json_decref(root);
	return rc;
}

void an_baseline_free(struct an_baseline *b)
{
	if (!b)
		return;
	lc_strmap_fini(&b->keys);
	free(b->left);
	free(b);
}

size_t an_baseline_filter(struct an_findings *fs, struct an_baseline *b, const char *cwd)
{
	size_t i, w = 0, hidden = 0;

	for (i = 0; i < fs->n; i++) {
		struct an_finding *f = &fs->v[i];
		const size_t *idx = NULL;
		if (!f->supp) {
			char *d = an_diag_display(f->file, cwd);
			char *k = make_key(an_rule_id(f->rule), d ? d : f->file, f->msg);
			idx = k ? lc_strmap_get(&b->keys, k) : NULL;
			free(k);
			free(d);
		}
		if (idx && b->left[*idx] > 0) {
			b->left[*idx]--;
			hidden++;
			free(f->msg);
			free(f->path);
		} else {
			fs->v[w++] = *f;
		}
	}
	fs->n = w;
	an_findings_sort(fs);
	return hidden;
}
