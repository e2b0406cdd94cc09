/*
 * tracer/report/write_sarif.c - SARIF 2.1.0 of a document's verdicts: one
 * result per broken budget or finding, so that latch-trace's dynamic
 * findings (the heap guard's `heap-alloc`) land on the same code-scanning
 * dashboard as latch-check's static ones, under the same rule id. Passed
 * budgets are not results; a check that could not be done (ERROR) is one
 * at level error. JSON through jansson (all escaping is its).
 */
#include "report/doc_impl.h"

#include <string.h>

#include "report/budget.h"

static json_t *location(const struct trc_budget_result *b)
{
	const char *file = b->src_file && b->src_line ? b->src_file : b->budget_file;
	unsigned line = b->src_file && b->src_line ? b->src_line : b->budget_line;

	if (file == NULL || line == 0)
		return NULL;
	return json_pack("{s:{s:{s:s}, s:{s:i}}}", "physicalLocation", "artifactLocation", "uri",
	                 file, "region", "startLine", (int)line);
}

int trc__write_sarif(const struct trc_doc *d, FILE *f)
{
	size_t i, n = d->budgets ? trc_budget_results_count(d->budgets) : 0;
	json_t *doc = NULL, *results = json_array();
	int rc = LC_ENOMEM;

	if (results == NULL)
		goto out;
	for (i = 0; i < n; i++) {
		const struct trc_budget_result *b = trc_budget_results_at(d->budgets, i);
		json_t *r, *loc;
		const char *level;

		if (b->verdict == TRC_VERDICT_PASS)
			continue;
		level = b->verdict == TRC_VERDICT_ERROR || b->kind == TRC_BUDGET_HEAP_ALLOC
		                ? "error"
		                : "warning";
		r = json_pack("{s:s, s:s, s:{s:s}, s:o}", "ruleId", trc_budget_rule_id(b->kind),
		              "level", level, "message", "text", b->message, "locations",
		              json_array());
		if (r == NULL)
			goto out;
		if ((loc = location(b)) != NULL)
			json_array_append_new(json_object_get(r, "locations"), loc);
		json_array_append_new(results, r);
	}
	doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:[{s:s, s:{s:s}}, {s:s, s:{s:s}}]}}, s:o}]}",
	                "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version",
	                "2.1.0", "runs", "tool", "driver", "name", "latch-trace", "rules", "id",
	                "heap-alloc", "shortDescription", "text",
	                "heap allocation while an interlock root is on the stack", "id", "budget",
	                "shortDescription", "text", "a budget of the rules file is broken",
	                "results", results);
	results = NULL;
	if (doc == NULL)
		goto out;
	rc = json_dumpf(doc, f, JSON_INDENT(2)) == 0 && fputc('\n', f) != EOF ? 0 : LC_EIO;
out:
	json_decref(results);
	json_decref(doc);
	return rc;
}
