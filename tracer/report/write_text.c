/*
 * tracer/report/write_text.c - the text writer: meta lines, aligned tables, blocks, notes and budget
 * verdicts; ANSI colour only when the caller allows it (see doc.h).
 */
#define _GNU_SOURCE
#include "report/doc_impl.h"

#include <stdlib.h>
#include <string.h>

#include "report/budget.h"
#include "report/units.h"

static const char *style_on(enum trc_style s)
{
	switch (s) {
	case TRC_STYLE_GOOD:
		return "\033[32m";
	case TRC_STYLE_BAD:
		return "\033[1;31m";
	case TRC_STYLE_WARN:
		return "\033[33m";
	case TRC_STYLE_DIM:
		return "\033[2m";
	case TRC_STYLE_NONE:
		break;
	}
	return "";
}

static void pad(FILE *f, size_t n)
{
	while (n-- > 0)
		fputc(' ', f);
}

static void put_cell(FILE *f, const char *s, size_t width, enum trc_align align, enum trc_style st,
                     int color, int last)
{
	size_t w = trc_units_width(s);
	size_t gap = width > w ? width - w : 0;

	if (align == TRC_ALIGN_RIGHT)
		pad(f, gap);
	if (color && st != TRC_STYLE_NONE && s[0] != '\0')
		fprintf(f, "%s%s\033[0m", style_on(st), s);
	else
		fputs(s, f);
	if (align == TRC_ALIGN_LEFT && !last)
		pad(f, gap);
}

/* The end of s that fits in width code points, after an ellipsis. */
static const char *clip_end(const char *s, size_t width, char *buf, size_t n)
{
	size_t w = trc_units_width(s);

	if (w <= width || width < 2)
		return s;
	while (w > width - 1) { /* skip one UTF-8 code point */
		s++;
		while ((*s & 0xC0) == 0x80)
			s++;
		w--;
	}
	snprintf(buf, n, "\xe2\x80\xa6%s", s);
	return buf;
}

/*
 * Fits the table into `width` columns (0: no limit): leaves out droppable
 * columns, highest drop first, into hide[], then narrows the clip column.
 * Returns how many columns were left out.
 */
static size_t fit(const struct trc_table *t, size_t *w, int *hide, unsigned width)
{
	size_t c, total = 0, dropped = 0;

	for (c = 0; c < t->ncols; c++)
		if (!t->cols[c].machine_only)
			total += 2 + w[c];
	while (width > 0 && total > width) {
		size_t best = t->ncols;

		for (c = 0; c < t->ncols; c++)
			if (!hide[c] && !t->cols[c].machine_only && t->cols[c].drop > 0 &&
			    (best == t->ncols || t->cols[c].drop > t->cols[best].drop))
				best = c;
		if (best == t->ncols)
			break;
		hide[best] = 1;
		total -= 2 + w[best];
		dropped++;
	}
	for (c = 0; width > 0 && total > width && c < t->ncols; c++)
		if (t->cols[c].clip && !hide[c] && !t->cols[c].machine_only) {
			size_t over = total - width, min = 12;

			if (w[c] > min) {
				size_t cut = w[c] - min < over ? w[c] - min : over;

				w[c] -= cut;
				total -= cut;
			}
		}
	return dropped;
}

/* Writes s and a newline, broken at spaces into lines of at most width
 * code points (0: one line); a word longer than a line stays whole. */
static void put_wrapped(FILE *f, const char *s, unsigned width)
{
	while (width > 0 && trc_units_width(s) > width) {
		const char *p = s, *brk = NULL;
		size_t w = 0;

		for (; *p && w <= width; p++) {
			if (*p == ' ')
				brk = p;
			if ((*p & 0xC0) != 0x80)
				w++;
		}
		if (brk == NULL || brk == s)
			break;
		fprintf(f, "%.*s\n", (int)(brk - s), s);
		s = brk + 1;
	}
	fprintf(f, "%s\n", s);
}

static void text_table(const struct trc_table *t, FILE *f, int color, unsigned width,
                       const char *hint)
{
	size_t *w = calloc(t->ncols ? t->ncols : 1, sizeof(*w));
	int *hide = calloc(t->ncols ? t->ncols : 1, sizeof(*hide));
	char buf[64], cbuf[1024];
	size_t r, c, last = 0, dropped;

	if (w == NULL || hide == NULL) {
		free(w);
		free(hide);
		return;
	}
	for (c = 0; c < t->ncols; c++)
		w[c] = trc_units_width(t->cols[c].header);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t cw = trc_units_width(
			        trc__cell_human(&t->cells[r * t->ncols + c], buf, sizeof(buf)));

			if (cw > w[c])
				w[c] = cw;
		}
	dropped = fit(t, w, hide, width);
	for (c = 0; c < t->ncols; c++)
		if (!t->cols[c].machine_only && !hide[c])
			last = c;
	if (t->title != NULL)
		fprintf(f, "%s%s%s\n", color ? "\033[1m" : "", t->title, color ? "\033[0m" : "");
	for (c = 0; c < t->ncols; c++) {
		if (t->cols[c].machine_only || hide[c])
			continue;
		fputs("  ", f);
		put_cell(f, t->cols[c].header, w[c], t->cols[c].align,
		         color ? TRC_STYLE_DIM : TRC_STYLE_NONE, color, c == last);
	}
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const struct cell *ce = &t->cells[r * t->ncols + c];

			if (t->cols[c].machine_only || hide[c])
				continue;
			fputs("  ", f);
			put_cell(f,
			         clip_end(trc__cell_human(ce, buf, sizeof(buf)), w[c], cbuf,
			                  sizeof(cbuf)),
			         w[c], t->cols[c].align, ce->style, color, c == last);
		}
		fputc('\n', f);
	}
	if (dropped > 0) {
		fputs("  (left out to fit ", f);
		fprintf(f, "%u columns:", width);
		for (c = 0; c < t->ncols; c++)
			if (hide[c])
				fprintf(f, " %s", t->cols[c].header);
		fprintf(f, "%s%s)\n", hint ? "; " : "", hint ? hint : "");
	}
	free(w);
	free(hide);
}

static void text_budgets(const struct trc_budget_results *r, FILE *f, int color)
{
	size_t i, n = trc_budget_results_count(r), pass = 0, fail = 0, error = 0;
	size_t wsub = 7, wkind = 6;
	char lim[48], act[48];
	const char *cmp;

	trc_budget_results_tally(r, &pass, &fail, &error);
	for (i = 0; i < n; i++) {
		const struct trc_budget_result *b = trc_budget_results_at(r, i);
		size_t ws = trc_units_width(b->subject), wk = strlen(trc_budget_kind_name(b->kind));

		wsub = ws > wsub ? ws : wsub;
		wkind = wk > wkind ? wk : wkind;
	}
	fprintf(f, "%sbudgets%s: %zu pass, %zu fail, %zu error\n", color ? "\033[1m" : "",
	        color ? "\033[0m" : "", pass, fail, error);
	for (i = 0; i < n; i++) {
		const struct trc_budget_result *b = trc_budget_results_at(r, i);
		enum trc_style st = b->verdict == TRC_VERDICT_PASS ? TRC_STYLE_GOOD : TRC_STYLE_BAD;

		snprintf(lim, sizeof(lim), "%g %s", b->limit, b->unit);
		if (b->has_actual)
			snprintf(act, sizeof(act), "%.6g %s", b->actual, b->unit);
		else
			snprintf(act, sizeof(act), "-");
		fputs("  ", f);
		put_cell(f, trc_verdict_name(b->verdict), 5, TRC_ALIGN_LEFT, st, color, 0);
		fputs("  ", f);
		put_cell(f, b->subject, wsub, TRC_ALIGN_LEFT, TRC_STYLE_NONE, 0, 0);
		fputs("  ", f);
		put_cell(f, trc_budget_kind_name(b->kind), wkind, TRC_ALIGN_LEFT, TRC_STYLE_NONE, 0,
		         0);
		/* coverage_min is a minimum: the comparison reads the other way */
		cmp = b->verdict == TRC_VERDICT_PASS ? "<=" : b->has_actual ? ">" : "?";
		if (b->kind == TRC_BUDGET_COVERAGE && cmp[0] != '?')
			cmp = b->verdict == TRC_VERDICT_PASS ? ">=" : "<";
		fprintf(f, "  %12s %s %s\n", act, cmp, lim);
	}
	/* Broken budgets again as compiler-style diagnostics (STYLE 17), which
	 * editors and CI annotations pick up. */
	for (i = 0; i < n; i++) {
		const struct trc_budget_result *b = trc_budget_results_at(r, i);

		if (b->verdict == TRC_VERDICT_PASS)
			continue;
		if (b->src_file != NULL && b->src_line > 0)
			fprintf(f, "%s:%u:1: ", b->src_file, b->src_line);
		else if (b->budget_file != NULL)
			fprintf(f, "%s:%u:1: ", b->budget_file, b->budget_line);
		fprintf(f, "%s: %s [%s]\n",
		        b->verdict == TRC_VERDICT_FAIL && b->kind != TRC_BUDGET_HEAP_ALLOC
		                ? "warning"
		                : "error",
		        b->message, trc_budget_rule_id(b->kind));
	}
}

int trc__write_text(const struct trc_doc *d, FILE *f, int color)
{
	char buf[64];
	size_t i, wl = 0;

	for (i = 0; i < d->nmeta; i++) {
		size_t w = d->meta[i].label ? trc_units_width(d->meta[i].label) : 0;

		wl = w > wl ? w : wl;
	}
	for (i = 0; i < d->nmeta; i++) {
		if (d->meta[i].label == NULL)
			continue; /* machine formats only */
		fprintf(f, "%s:", d->meta[i].label);
		pad(f, wl - trc_units_width(d->meta[i].label) + 1);
		fprintf(f, "%s\n", trc__cell_human(&d->meta[i].c, buf, sizeof(buf)));
	}
	for (i = 0; i < d->nitems; i++) {
		const struct item *it = &d->items[i];

		if ((it->kind == ITEM_TABLE && it->table->machine_only) || it->kind == ITEM_FIGURE)
			continue;
		if (i > 0 || d->nmeta > 0)
			fputc('\n', f);
		if (it->kind == ITEM_TABLE) {
			text_table(it->table, f, color, d->width, d->width_hint);
		} else {
			if (it->title != NULL)
				fprintf(f, "%s%s%s\n", color ? "\033[1m" : "", it->title,
				        color ? "\033[0m" : "");
			fputs(it->text, f);
			if (it->text[0] != '\0' && it->text[strlen(it->text) - 1] != '\n')
				fputc('\n', f);
		}
	}
	if (d->nnotes > 0) {
		fputc('\n', f);
		for (i = 0; i < d->nnotes; i++)
			put_wrapped(f, d->notes[i], d->width);
	}
	if (d->budgets != NULL) {
		fputc('\n', f);
		text_budgets(d->budgets, f, color);
	}
	return 0;
}
