/*
 * analyzer/out_sarif.c - SARIF 2.1.0: one run, one rule descriptor per rule
 * id, one result per finding. The path from the interlock root is a codeFlow
 * (one threadFlow location per function, at the call that enters it), and a
 * suppressed finding carries a suppression with its reason: inSource for a
 * comment, external for an item of the rules file's `suppressions:`.
 */
#define _POSIX_C_SOURCE 200809L
#include "out.h"

#include <jansson.h>
#include <stdlib.h>
#include <string.h>

static const char *const rule_text[AN_RULE__COUNT] = {
        "Heap allocation (allocator call, alloca or VLA) reachable from an interlock root",
        "Loop without a provable bound reachable from an interlock root",
        "Recursion reachable from an interlock root",
        "Call through a function pointer without declared targets",
        "Call that may block (sleep, stdio, locks, blocking syscalls)",
        "Call to a function with no body in the program that is not on the allowlist",
};

static json_t *phys(const char *file, unsigned line, unsigned col, const char *cwd)
{
	char *d = an_diag_display(file, cwd);
	json_t *r;

	r = json_pack("{s:{s:{s:s, s:s}, s:{s:i, s:i}}}", "physicalLocation", "artifactLocation",
	              "uri", d ? d : file, "uriBaseId", "SRCROOT", "region", "startLine", (int)line,
	              "startColumn", (int)(col ? col : 1));
	free(d);
	return r;
}

static json_t *code_flow(const struct an_finding *f, const struct an_graph *g, const char *cwd)
{
	json_t *locs = json_array();
	size_t i;
	char msg[512];

	for (i = 0; i < f->npath; i++) {
		const struct an_fn *fn = &g->fns[f->path[i]];
		json_t *loc;
		if (i == 0) {
			snprintf(msg, sizeof(msg), "interlock root '%s'", fn->name);
			loc = phys(fn->file, fn->line, fn->col, cwd);
		} else {
			const struct an_edge *e = &g->edges[fn->parent];
			snprintf(msg, sizeof(msg), "calls '%s'", fn->name);
			loc = phys(e->file, e->line, e->col, cwd);
		}
		json_object_set_new(loc, "message", json_pack("{s:s}", "text", msg));
		json_array_append_new(
		        locs, json_pack("{s:o, s:i}", "location", loc, "nestingLevel", (int)i));
	}
	{
		json_t *loc = phys(f->file, f->line, f->col, cwd);
		json_object_set_new(loc, "message", json_pack("{s:s}", "text", f->msg));
		json_array_append_new(locs, json_pack("{s:o, s:i}", "location", loc, "nestingLevel",
		                                      (int)f->npath));
	}
	return json_pack("[{s:[{s:o}]}]", "threadFlows", "locations", locs);
}

/* Writes doc (released here; NULL when it could not be built) to out. */
static int dump(FILE *out, json_t *doc)
{
	int rc = 0;

	if (!doc)
		return LC_ENOMEM;
	if (json_dumpf(doc, out, JSON_INDENT(2)) != 0)
		rc = LC_EIO;
	fputc('\n', out);
	json_decref(doc);
	return rc;
}

int an_out_sarif(FILE *out, const struct an_findings *fs, const struct an_graph *g,
                 const char *tool_version, const char *cwd)
{
	json_t *rules = json_array(), *results = json_array(), *doc = NULL;
	size_t i;
	int r;
	char root_uri[4200];

	for (r = 0; r < AN_RULE__COUNT; r++) {
		json_array_append_new(rules, json_pack("{s:s, s:s, s:{s:s}, s:{s:s}}", "id",
		                                       an_rule_id((enum an_rule)r), "name",
		                                       an_rule_id((enum an_rule)r),
		                                       "shortDescription", "text", rule_text[r],
		                                       "defaultConfiguration", "level", "error"));
	}
	for (i = 0; i < fs->n; i++) {
		const struct an_finding *f = &fs->v[i];
		json_t *res =
		        json_pack("{s:s, s:i, s:s, s:{s:s}, s:[o]}", "ruleId", an_rule_id(f->rule),
		                  "ruleIndex", (int)f->rule, "level",
		                  f->sev == AN_SEV_ERROR ? "error" : "warning", "message", "text",
		                  f->msg, "locations", phys(f->file, f->line, f->col, cwd));
		if (f->npath)
			json_object_set_new(res, "codeFlows", code_flow(f, g, cwd));
		if (f->supp)
			json_object_set_new(
			        res, "suppressions",
			        json_pack("[{s:s, s:s, s:s}]", "kind",
			                  strcmp(f->supp->file, f->file) == 0 ? "inSource"
			                                                      : "external",
			                  "status", "accepted", "justification", f->supp->reason));
		else
			json_object_set_new(res, "suppressions", json_array());
		json_array_append_new(results, res);
	}
	snprintf(root_uri, sizeof(root_uri), "file://%s/", cwd);
	doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:o}}, s:{s:{s:s}}, s:o, s:s}]}", "$schema",
	                "https://json.schemastore.org/sarif-2.1.0.json", "version", "2.1.0", "runs",
	                "tool", "driver", "name", "latch-check", "version", tool_version, "rules",
	                rules, "originalUriBaseIds", "SRCROOT", "uri", root_uri, "results", results,
	                "columnKind", "utf16CodeUnits");
	return dump(out, doc);
}

int an_out_sarif_failure(FILE *out, const char *tool_version, const char *cwd,
                         const char *const *errors, size_t nerrors, const char *final)
{
	json_t *notes = json_array(), *doc = NULL;
	size_t i;
	char root_uri[4200];

	for (i = 0; i < nerrors; i++)
		json_array_append_new(notes, json_pack("{s:s, s:{s:s}}", "level", "error",
		                                       "message", "text", errors[i]));
	if (final)
		json_array_append_new(notes, json_pack("{s:s, s:{s:s}}", "level", "error",
		                                       "message", "text", final));
	snprintf(root_uri, sizeof(root_uri), "file://%s/", cwd);
	doc = json_pack("{s:s, s:s, s:[{s:{s:{s:s, s:s, s:[]}}, s:{s:{s:s}}, s:[{s:b, s:i, s:o}], "
	                "s:[], s:s}]}",
	                "$schema", "https://json.schemastore.org/sarif-2.1.0.json", "version",
	                "2.1.0", "runs", "tool", "driver", "name", "latch-check", "version",
	                tool_version, "rules", "originalUriBaseIds", "SRCROOT", "uri", root_uri,
	                "invocations", "executionSuccessful", 0, "exitCode", 2,
	                "toolExecutionNotifications", notes, "results", "columnKind",
	                "utf16CodeUnits");
	return dump(out, doc);
}
