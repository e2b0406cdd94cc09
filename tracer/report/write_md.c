/*
 * tracer/report/write_md.c - the Markdown writer: meta bullets, GitHub pipe tables, blocks in
 * code fences, budgets as a table (see doc.h).
 */
#define _GNU_SOURCE
#include "report/doc_impl.h"

#include <string.h>

#include "report/budget.h"

static void md_text(FILE *f, const char *s)
{
	for (; *s; s++) {
		/* '_' is left alone: GitHub Markdown does not emphasise inside
		 * words, and paths and C names are full of underscores. */
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '`' || *s == '<')
			fputc('\\', f);
		if (*s == '\n')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

int trc__write_md(const struct trc_doc *d, FILE *f)
{
	char buf[64];
	size_t i, r, c;

	fprintf(f, "## latch-trace %s\n\n", d->command);
	for (i = 0; i < d->nmeta; i++) {
		if (d->meta[i].label == NULL)
			continue;
		fputs("- **", f);
		/* Leading spaces (an indented sub-fact) would stop the bold. */
		md_text(f, d->meta[i].label + strspn(d->meta[i].label, " "));
		fputs(":** ", f);
		md_text(f, trc__cell_human(&d->meta[i].c, buf, sizeof(buf)));
		fputc('\n', f);
	}
	for (i = 0; i < d->nitems; i++) {
		const struct item *it = &d->items[i];

		if ((it->kind == ITEM_TABLE && it->table->machine_only) || it->kind == ITEM_FIGURE)
			continue;
		fputc('\n', f);
		if (it->kind == ITEM_BLOCK) {
			if (it->title != NULL) {
				fputs("### ", f);
				md_text(f, it->title);
				fputs("\n\n", f);
			}
			fprintf(f, "```\n%s%s```\n", it->text,
			        it->text[0] && it->text[strlen(it->text) - 1] == '\n' ? "" : "\n");
			continue;
		}
		if (it->table->title != NULL) {
			fputs("### ", f);
			md_text(f, it->table->title);
			fputs("\n\n", f);
		}
		fputc('|', f);
		for (c = 0; c < it->table->ncols; c++) {
			if (it->table->cols[c].machine_only)
				continue;
			fputc(' ', f);
			md_text(f, it->table->cols[c].header);
			fputs(" |", f);
		}
		fputs("\n|", f);
		for (c = 0; c < it->table->ncols; c++)
			if (!it->table->cols[c].machine_only)
				fputs(it->table->cols[c].align == TRC_ALIGN_RIGHT ? " ---: |"
				                                                  : " --- |",
				      f);
		fputc('\n', f);
		for (r = 0; r < it->table->nrows; r++) {
			fputc('|', f);
			for (c = 0; c < it->table->ncols; c++) {
				if (it->table->cols[c].machine_only)
					continue;
				fputc(' ', f);
				md_text(f,
				        trc__cell_human(&it->table->cells[r * it->table->ncols + c],
				                        buf, sizeof(buf)));
				fputs(" |", f);
			}
			fputc('\n', f);
		}
	}
	if (d->nnotes > 0) {
		fputc('\n', f);
		for (i = 0; i < d->nnotes; i++) {
			fputs("> ", f);
			md_text(f, d->notes[i]);
			fputs("\n>\n", f);
		}
	}
	if (d->budgets != NULL) {
		size_t pass = 0, fail = 0, error = 0;

		trc_budget_results_tally(d->budgets, &pass, &fail, &error);
		fprintf(f, "\n### Budgets: %zu pass, %zu fail, %zu error\n\n", pass, fail, error);
		fputs("| Verdict | Subject | Budget | Limit | Actual | Message |\n"
		      "| --- | --- | --- | ---: | ---: | --- |\n",
		      f);
		for (i = 0; i < trc_budget_results_count(d->budgets); i++) {
			const struct trc_budget_result *b = trc_budget_results_at(d->budgets, i);

			fprintf(f, "| %s%s%s | ", b->verdict == TRC_VERDICT_PASS ? "" : "**",
			        trc_verdict_name(b->verdict),
			        b->verdict == TRC_VERDICT_PASS ? "" : "**");
			md_text(f, b->subject);
			fprintf(f, " | %s | %g %s | ", trc_budget_kind_name(b->kind), b->limit,
			        b->unit);
			if (b->has_actual)
				fprintf(f, "%.6g %s", b->actual, b->unit);
			else
				fputs("-", f);
			fputs(" | ", f);
			md_text(f, b->message);
			fputs(" |\n", f);
		}
	}
	return 0;
}
