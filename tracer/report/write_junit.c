/*
 * tracer/report/write_junit.c - the JUnit XML writer: one <testsuite>, one <testcase> per
 * budget result (libxml2's xmlTextWriter does all escaping; see doc.h).
 */
#define _GNU_SOURCE
#include "report/doc_impl.h"

#include <libxml/xmlwriter.h>
#include <string.h>

#include "report/budget.h"

int trc__write_junit(const struct trc_doc *d, FILE *f)
{
	xmlBufferPtr buf = xmlBufferCreate();
	xmlTextWriterPtr w = NULL;
	size_t i, n = d->budgets ? trc_budget_results_count(d->budgets) : 0;
	size_t pass = 0, fail = 0, error = 0;
	char name[512], tmp[64];
	int rc = LC_ENOMEM;

	if (buf == NULL || (w = xmlNewTextWriterMemory(buf, 0)) == NULL)
		goto out;
	if (d->budgets != NULL)
		trc_budget_results_tally(d->budgets, &pass, &fail, &error);
	snprintf(name, sizeof(name), "latch-trace %s budgets", d->command);
	xmlTextWriterSetIndent(w, 1);
	if (xmlTextWriterStartDocument(w, NULL, "UTF-8", NULL) < 0)
		goto out;
	xmlTextWriterStartElement(w, BAD_CAST "testsuites");
	xmlTextWriterStartElement(w, BAD_CAST "testsuite");
	xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
	snprintf(tmp, sizeof(tmp), "%zu", n);
	xmlTextWriterWriteAttribute(w, BAD_CAST "tests", BAD_CAST tmp);
	snprintf(tmp, sizeof(tmp), "%zu", fail);
	xmlTextWriterWriteAttribute(w, BAD_CAST "failures", BAD_CAST tmp);
	snprintf(tmp, sizeof(tmp), "%zu", error);
	xmlTextWriterWriteAttribute(w, BAD_CAST "errors", BAD_CAST tmp);
	for (i = 0; i < n; i++) {
		const struct trc_budget_result *b = trc_budget_results_at(d->budgets, i);
		char cls[128];

		snprintf(cls, sizeof(cls), "latch-trace.%s.%s", d->command,
		         trc_budget_kind_name(b->kind));
		snprintf(name, sizeof(name), "%s %s <= %g %s", b->subject,
		         trc_budget_kind_name(b->kind), b->limit, b->unit);
		xmlTextWriterStartElement(w, BAD_CAST "testcase");
		xmlTextWriterWriteAttribute(w, BAD_CAST "classname", BAD_CAST cls);
		xmlTextWriterWriteAttribute(w, BAD_CAST "name", BAD_CAST name);
		if (b->verdict != TRC_VERDICT_PASS) {
			xmlTextWriterStartElement(
			        w, BAD_CAST(b->verdict == TRC_VERDICT_FAIL ? "failure" : "error"));
			xmlTextWriterWriteAttribute(w, BAD_CAST "message", BAD_CAST b->message);
			xmlTextWriterWriteAttribute(w, BAD_CAST "type",
			                            BAD_CAST trc_budget_rule_id(b->kind));
			if (b->budget_file != NULL)
				xmlTextWriterWriteFormatString(w, "%s (budget set at %s:%u)",
				                               b->message, b->budget_file,
				                               b->budget_line);
			else
				xmlTextWriterWriteString(w, BAD_CAST b->message);
			xmlTextWriterEndElement(w);
		}
		xmlTextWriterEndElement(w);
	}
	if (xmlTextWriterEndDocument(w) < 0)
		goto out;
	xmlFreeTextWriter(w);
	w = NULL;
	rc = fwrite(xmlBufferContent(buf), 1, (size_t)xmlBufferLength(buf), f) ==
	                     (size_t)xmlBufferLength(buf)
	             ? 0
	             : LC_EIO;
out:
	if (w != NULL)
		xmlFreeTextWriter(w);
	if (buf != NULL)
		xmlBufferFree(buf);
	return rc;
}
