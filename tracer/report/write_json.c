/*
 * tracer/report/write_json.c - the JSON writer (jansson does all escaping; see doc.h and
 * docs/report-json.md).
 */
#define _GNU_SOURCE
#include "report/doc_impl.h"

#include <stdlib.h>
#include <string.h>

#include "report/budget.h"

static json_t *budgets_json(const struct trc_budget_results *r)
{
	json_t *o = json_object(), *arr = json_array();
	size_t i, pass = 0, fail = 0, error = 0;

	trc_budget_results_tally(r, &pass, &fail, &error);
	json_object_set_new(o, "pass", json_integer((json_int_t)pass));
	json_object_set_new(o, "fail", json_integer((json_int_t)fail));
	json_object_set_new(o, "error", json_integer((json_int_t)error));
	for (i = 0; i < trc_budget_results_count(r); i++) {
		const struct trc_budget_result *b = trc_budget_results_at(r, i);
		json_t *e = json_object();

		json_object_set_new(e, "kind", json_string(trc_budget_kind_name(b->kind)));
		json_object_set_new(e, "subject", json_string(b->subject));
		json_object_set_new(e, "pattern", json_string(b->pattern));
		json_object_set_new(e, "limit", json_real(b->limit));
		json_object_set_new(e, "actual",
		                    b->has_actual ? json_real(b->actual) : json_null());
		json_object_set_new(e, "unit", json_string(b->unit));
		json_object_set_new(e, "verdict", json_string(trc_verdict_name(b->verdict)));
		json_object_set_new(e, "message", json_string(b->message));
		json_object_set_new(e, "source_file",
		                    b->src_file ? json_string(b->src_file) : json_null());
		json_object_set_new(e, "source_line",
		                    b->src_line ? json_integer(b->src_line) : json_null());
		json_object_set_new(e, "budget_file",
		                    b->budget_file ? json_string(b->budget_file) : json_null());
		json_object_set_new(e, "budget_line", json_integer(b->budget_line));
		json_array_append_new(arr, e);
	}
	json_object_set_new(o, "results", arr);
	return o;
}

int trc__write_json(const struct trc_doc *d, FILE *f)
{
	json_t *root = json_object(), *meta = json_object(), *tables = json_object(),
	       *notes = json_array();
	size_t i, r, c;
	int rc = 0;

	if (root == NULL || meta == NULL || tables == NULL || notes == NULL) {
		rc = LC_ENOMEM;
		goto out;
	}
	json_object_set_new(root, "tool", json_string("latch-trace"));
	json_object_set_new(root, "command", json_string(d->command));
	json_object_set_new(root, "schema_version", json_integer(1));
	for (i = 0; i < d->nmeta; i++)
		json_object_set_new(meta, d->meta[i].key, trc__cell_json(&d->meta[i].c));
	for (i = 0; i < d->nitems; i++) {
		const struct trc_table *t = d->items[i].table;
		json_t *rows;

		if (d->items[i].kind != ITEM_TABLE)
			continue;
		rows = json_array();
		for (r = 0; r < t->nrows; r++) {
			json_t *row = json_object();

			for (c = 0; c < t->ncols; c++)
				if (!t->cols[c].figure) /* HTML only */
					json_object_set_new(
					        row, t->cols[c].key,
					        trc__cell_json(&t->cells[r * t->ncols + c]));
			json_array_append_new(rows, row);
		}
		json_object_set_new(tables, t->key, rows);
	}
	for (i = 0; i < d->nnotes; i++)
		json_array_append_new(notes, json_string(d->notes[i]));
	json_object_set_new(root, "meta", meta);
	json_object_set_new(root, "tables", tables);
	json_object_set_new(root, "notes", notes);
	meta = tables = notes = NULL;
	if (d->budgets != NULL)
		json_object_set_new(root, "budgets", budgets_json(d->budgets));
	if (json_dumpf(root, f, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		rc = LC_EIO;
	else
		fputc('\n', f);
out:
	json_decref(meta);
	json_decref(tables);
	json_decref(notes);
	json_decref(root);
	return rc;
}
