/*
 * tracer/report/out.c - renders a report document to text, JSON, CSV, Markdown and
 * JUnit XML (see out.h for the contract of each format).
 *
 * JSON goes through jansson and JUnit through libxml2's xmlTextWriter, so no
 * escaping is written by hand for either; CSV quoting (RFC 4180) and the
 * Markdown pipe escape are the only escapes done here.
 */
#define _GNU_SOURCE
#include "report/out.h"

#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <libxml/xmlwriter.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "report/budget.h"
#include "report/doc_priv.h"
#include "cmd.h"
#include "report/units.h"

static const char *const fmt_names[] = {"text", "json", "csv", "md", "junit", "html"};

int trc_fmt_parse(enum trc_fmt *out, const char *name, struct lc_err *err)
{
	size_t i;

	if (strcmp(name, "markdown") == 0) {
		*out = TRC_FMT_MD;
		return 0;
	}
	for (i = 0; i < sizeof(fmt_names) / sizeof(fmt_names[0]); i++) {
		if (strcmp(name, fmt_names[i]) == 0) {
			*out = (enum trc_fmt)i;
			return 0;
		}
	}
	return lc_err_set(err, LC_EUSAGE,
	                  "unknown format '%s' (expected text, json, csv, md, junit or html)",
	                  name);
}

const char *trc_fmt_name(enum trc_fmt fmt)
{
	if ((size_t)fmt < sizeof(fmt_names) / sizeof(fmt_names[0]))
		return fmt_names[fmt];
	return "?";
}

/* Declared in cmd.h: every subcommand reports usage errors through it. */
void trc_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("latch-trace: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

enum trc_arg trc_arg_next(struct trc_out_opts *o, const char *cmd, int argc, char **argv, int *i,
                          const char **val)
{
	struct lc_err err = {0, ""};
	const char *arg = argv[*i];
	int rc;

	*val = NULL;
	rc = trc_out_take_arg(o, argc, argv, i, &err);
	if (rc < 0) {
		trc_fail("%s: %s", cmd, err.msg);
		return TRC_ARG_FAIL;
	}
	if (rc > 0)
		return TRC_ARG_TAKEN;
	if (strcmp(arg, "--help") == 0 || strcmp(arg, "-h") == 0)
		return TRC_ARG_HELP;
	if (arg[0] != '-' || arg[1] == '\0')
		return TRC_ARG_OPERAND;
	if (*i + 1 >= argc) {
		trc_fail("%s: option '%s' needs a value (see latch-trace %s --help)", cmd, arg,
		         cmd);
		return TRC_ARG_FAIL;
	}
	*val = argv[++*i];
	return TRC_ARG_OPTION;
}

int trc_out_take_arg(struct trc_out_opts *o, int argc, char **argv, int *i, struct lc_err *err)
{
	const char *a = argv[*i];
	const char *val = NULL;
	int is_fmt;

	if (strcmp(a, "--format") == 0 || strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
		if (*i + 1 >= argc)
			return lc_err_set(err, LC_EUSAGE, "option '%s' needs a value", a);
		is_fmt = strcmp(a, "--format") == 0;
		val = argv[++*i];
	} else if (strncmp(a, "--format=", 9) == 0) {
		is_fmt = 1;
		val = a + 9;
	} else if (strncmp(a, "--output=", 9) == 0) {
		is_fmt = 0;
		val = a + 9;
	} else if (strncmp(a, "-o", 2) == 0 && a[2] != '\0') {
		is_fmt = 0;
		val = a + 2;
	} else {
		return 0;
	}
	if (is_fmt) {
		int rc = trc_fmt_parse(&o->fmt, val, err);

		if (rc < 0)
			return rc;
	} else {
		o->path = val;
	}
	return 1;
}

/* ---------------------------------------------------------------- building */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

int trc_doc_new(struct trc_doc **out, const char *command, struct lc_err *err)
{
	struct trc_doc *d = calloc(1, sizeof(*d));

	if (d == NULL || (d->command = strdup(command)) == NULL) {
		free(d);
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	}
	*out = d;
	return 0;
}

static void cell_fini(struct cell *c)
{
	free(c->text);
	c->text = NULL;
}

static void table_free(struct trc_table *t)
{
	size_t i;

	if (t == NULL)
		return;
	for (i = 0; i < t->nrows * t->ncols; i++)
		cell_fini(&t->cells[i]);
	for (i = 0; i < t->ncols; i++) {
		free(t->cols[i].key);
		free(t->cols[i].header);
	}
	free(t->cells);
	free(t->cols);
	free(t->key);
	free(t->title);
	free(t);
}

void trc_doc_free(struct trc_doc *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->nmeta; i++) {
		free(d->meta[i].key);
		free(d->meta[i].label);
		cell_fini(&d->meta[i].c);
	}
	for (i = 0; i < d->nitems; i++) {
		table_free(d->items[i].table);
		free(d->items[i].title);
		free(d->items[i].text);
		free(d->items[i].key);
	}
	for (i = 0; i < d->nnotes; i++)
		free(d->notes[i]);
	free(d->meta);
	free(d->items);
	free(d->notes);
	free(d->command);
	free(d);
}

static int meta_add(struct trc_doc *d, const char *key, const char *label, const struct cell *c,
                    const char *text)
{
	struct meta *m = realloc(d->meta, (d->nmeta + 1) * sizeof(*m));

	if (m == NULL)
		return LC_ENOMEM;
	d->meta = m;
	m = &d->meta[d->nmeta];
	memset(m, 0, sizeof(*m));
	m->c = *c;
	m->key = strdup(key);
	m->label = dup_or_null(label);
	m->c.text = dup_or_null(text);
	if (m->key == NULL || (label != NULL && m->label == NULL) ||
	    (text != NULL && m->c.text == NULL)) {
		free(m->key);
		free(m->label);
		free(m->c.text);
		return LC_ENOMEM;
	}
	d->nmeta++;
	return 0;
}

int trc_doc_meta_str(struct trc_doc *d, const char *key, const char *label, const char *value)
{
	struct cell c = {.type = value ? CELL_STR : CELL_NULL};

	return meta_add(d, key, label, &c, value);
}

int trc_doc_meta_u64(struct trc_doc *d, const char *key, const char *label, uint64_t raw,
                     const char *human)
{
	struct cell c = {.type = CELL_U64, .v.u = raw};

	return meta_add(d, key, label, &c, human);
}

int trc_doc_meta_i64(struct trc_doc *d, const char *key, const char *label, int64_t raw,
                     const char *human)
{
	struct cell c = {.type = CELL_I64, .v.i = raw};

	return meta_add(d, key, label, &c, human);
}

int trc_doc_meta_f64(struct trc_doc *d, const char *key, const char *label, double raw,
                     const char *human)
{
	struct cell c = {.type = CELL_F64, .v.f = raw};

	return meta_add(d, key, label, &c, human);
}

int trc_doc_note(struct trc_doc *d, const char *fmt, ...)
{
	char **n = realloc(d->notes, (d->nnotes + 1) * sizeof(*n));
	va_list ap;
	int rc;

	if (n == NULL)
		return LC_ENOMEM;
	d->notes = n;
	va_start(ap, fmt);
	rc = vasprintf(&d->notes[d->nnotes], fmt, ap);
	va_end(ap);
	if (rc < 0)
		return LC_ENOMEM;
	d->nnotes++;
	return 0;
}

static struct item *item_add(struct trc_doc *d)
{
	struct item *it = realloc(d->items, (d->nitems + 1) * sizeof(*it));

	if (it == NULL)
		return NULL;
	d->items = it;
	it = &d->items[d->nitems];
	memset(it, 0, sizeof(*it));
	return it;
}

int trc_doc_block(struct trc_doc *d, const char *title, const char *text)
{
	struct item *it = item_add(d);

	if (it == NULL)
		return LC_ENOMEM;
	it->kind = ITEM_BLOCK;
	it->title = dup_or_null(title);
	it->text = strdup(text);
	if (it->text == NULL || (title != NULL && it->title == NULL)) {
		free(it->title);
		free(it->text);
		return LC_ENOMEM;
	}
	d->nitems++;
	return 0;
}

int trc_doc_figure(struct trc_doc *d, const char *key, const char *title, const char *svg)
{
	struct item *it = item_add(d);

	if (it == NULL)
		return LC_ENOMEM;
	it->kind = ITEM_FIGURE;
	it->key = strdup(key);
	it->title = dup_or_null(title);
	it->text = strdup(svg);
	if (it->key == NULL || it->text == NULL || (title != NULL && it->title == NULL)) {
		free(it->key);
		free(it->title);
		free(it->text);
		return LC_ENOMEM;
	}
	d->nitems++;
	return 0;
}

int trc_doc_add_table(struct trc_table **out, struct trc_doc *d, const char *key, const char *title)
{
	struct item *it = item_add(d);
	struct trc_table *t;

	if (it == NULL)
		return LC_ENOMEM;
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return LC_ENOMEM;
	t->key = strdup(key);
	t->title = dup_or_null(title);
	if (t->key == NULL || (title != NULL && t->title == NULL)) {
		table_free(t);
		return LC_ENOMEM;
	}
	it->kind = ITEM_TABLE;
	it->table = t;
	d->nitems++;
	if (d->primary == NULL)
		d->primary = t;
	*out = t;
	return 0;
}

void trc_table_machine_only(struct trc_table *t)
{
	t->machine_only = 1;
}

void trc_doc_set_primary(struct trc_doc *d, const struct trc_table *t)
{
	d->primary = t;
}

void trc_doc_set_budgets(struct trc_doc *d, const struct trc_budget_results *r)
{
	d->budgets = r;
}

int trc_table_col(struct trc_table *t, const char *key, const char *header, enum trc_align align)
{
	struct col *c;

	if (t->nrows > 0)
		return LC_EUSAGE;
	c = realloc(t->cols, (t->ncols + 1) * sizeof(*c));
	if (c == NULL)
		return LC_ENOMEM;
	t->cols = c;
	c = &t->cols[t->ncols];
	c->key = strdup(key);
	c->header = strdup(header);
	c->align = align;
	c->machine_only = 0;
	c->figure = 0;
	if (c->key == NULL || c->header == NULL) {
		free(c->key);
		free(c->header);
		return LC_ENOMEM;
	}
	return (int)t->ncols++;
}

void trc_table_col_machine_only(struct trc_table *t, int col)
{
	if (col >= 0 && (size_t)col < t->ncols)
		t->cols[col].machine_only = 1;
}

void trc_table_col_figure(struct trc_table *t, int col)
{
	if (col >= 0 && (size_t)col < t->ncols)
		t->cols[col].machine_only = t->cols[col].figure = 1;
}

int trc_table_row(struct trc_table *t)
{
	if (t->nrows == t->caprows) {
		size_t cap = t->caprows ? t->caprows * 2 : 16;
		struct cell *c = realloc(t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof(*c));

		if (c == NULL)
			return LC_ENOMEM;
		t->cells = c;
		t->caprows = cap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(struct cell));
	return (int)t->nrows++;
}

static struct cell *last_cell(struct trc_table *t, int col)
{
	if (t->nrows == 0 || col < 0 || (size_t)col >= t->ncols)
		return NULL;
	return &t->cells[(t->nrows - 1) * t->ncols + (size_t)col];
}

static int cell_set(struct trc_table *t, int col, const struct cell *v, const char *text)
{
	struct cell *c = last_cell(t, col);
	char *dup = NULL;

	if (c == NULL)
		return LC_EUSAGE;
	if (text != NULL && (dup = strdup(text)) == NULL)
		return LC_ENOMEM;
	cell_fini(c);
	*c = *v;
	c->text = dup;
	return 0;
}

int trc_table_str(struct trc_table *t, int col, const char *s)
{
	struct cell c = {.type = s ? CELL_STR : CELL_NULL};

	return cell_set(t, col, &c, s);
}

int trc_table_u64(struct trc_table *t, int col, uint64_t raw, const char *human)
{
	struct cell c = {.type = CELL_U64, .v.u = raw};

	return cell_set(t, col, &c, human);
}

int trc_table_i64(struct trc_table *t, int col, int64_t raw, const char *human)
{
	struct cell c = {.type = CELL_I64, .v.i = raw};

	return cell_set(t, col, &c, human);
}

int trc_table_f64(struct trc_table *t, int col, double raw, const char *human)
{
	struct cell c = {.type = CELL_F64, .v.f = raw};

	return cell_set(t, col, &c, human);
}

int trc_table_bool(struct trc_table *t, int col, int raw, const char *human)
{
	struct cell c = {.type = CELL_BOOL, .v.b = raw != 0};

	return cell_set(t, col, &c, human);
}

int trc_table_null(struct trc_table *t, int col, const char *human)
{
	struct cell c = {.type = CELL_NULL};

	return cell_set(t, col, &c, human);
}

void trc_table_style(struct trc_table *t, int col, enum trc_style style)
{
	struct cell *c = last_cell(t, col);

	if (c != NULL)
		c->style = style;
}

size_t trc_table_rows(const struct trc_table *t)
{
	return t->nrows;
}

/* ---------------------------------------------------------------- values */

/* The machine text of a cell (CSV); buf must hold 40 bytes. */
static const char *cell_raw(const struct cell *c, char *buf, size_t n)
{
	switch (c->type) {
	case CELL_NULL:
		return "";
	case CELL_STR:
		return c->text ? c->text : "";
	case CELL_U64:
		snprintf(buf, n, "%" PRIu64, c->v.u);
		return buf;
	case CELL_I64:
		snprintf(buf, n, "%" PRId64, c->v.i);
		return buf;
	case CELL_F64:
		snprintf(buf, n, "%.10g", c->v.f);
		return buf;
	case CELL_BOOL:
		return c->v.b ? "true" : "false";
	}
	return "";
}

/* The human text of a cell (text, Markdown). */
const char *trc__cell_human(const struct cell *c, char *buf, size_t n)
{
	if (c->type == CELL_NULL)
		return c->text ? c->text : "-";
	if (c->text != NULL)
		return c->text;
	if (c->type == CELL_F64) {
		snprintf(buf, n, "%g", c->v.f);
		return buf;
	}
	return cell_raw(c, buf, n);
}

static json_t *cell_json(const struct cell *c)
{
	switch (c->type) {
	case CELL_NULL:
		return json_null();
	case CELL_STR:
		return json_string(c->text);
	case CELL_U64:
		/* jansson integers are signed 64-bit; counts never reach 2^63. */
		return json_integer((json_int_t)c->v.u);
	case CELL_I64:
		return json_integer((json_int_t)c->v.i);
	case CELL_F64:
		return json_real(c->v.f);
	case CELL_BOOL:
		return json_boolean(c->v.b);
	}
	return json_null();
}

/* ---------------------------------------------------------------- text */

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

static void text_table(const struct trc_table *t, FILE *f, int color)
{
	size_t *w = calloc(t->ncols ? t->ncols : 1, sizeof(*w));
	char buf[64];
	size_t r, c, last = 0;

	if (w == NULL)
		return;
	for (c = 0; c < t->ncols; c++)
		w[c] = trc_units_width(t->cols[c].header);
	for (r = 0; r < t->nrows; r++)
		for (c = 0; c < t->ncols; c++) {
			size_t cw = trc_units_width(
			        trc__cell_human(&t->cells[r * t->ncols + c], buf, sizeof(buf)));

			if (cw > w[c])
				w[c] = cw;
		}
	for (c = 0; c < t->ncols; c++)
		if (!t->cols[c].machine_only)
			last = c;
	if (t->title != NULL)
		fprintf(f, "%s%s%s\n", color ? "\033[1m" : "", t->title, color ? "\033[0m" : "");
	for (c = 0; c < t->ncols; c++) {
		if (t->cols[c].machine_only)
			continue;
		fputs("  ", f);
		put_cell(f, t->cols[c].header, w[c], t->cols[c].align,
		         color ? TRC_STYLE_DIM : TRC_STYLE_NONE, color, c == last);
	}
	fputc('\n', f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			const struct cell *ce = &t->cells[r * t->ncols + c];

			if (t->cols[c].machine_only)
				continue;
			fputs("  ", f);
			put_cell(f, trc__cell_human(ce, buf, sizeof(buf)), w[c], t->cols[c].align,
			         ce->style, color, c == last);
		}
		fputc('\n', f);
	}
	free(w);
}

static void text_budgets(const struct trc_budget_results *r, FILE *f, int color)
{
	size_t i, n = trc_budget_results_count(r), pass = 0, fail = 0, error = 0;
	size_t wsub = 7, wkind = 6;
	char lim[48], act[48];

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
		fprintf(f, "  %12s %s %s\n", act,
		        b->verdict == TRC_VERDICT_PASS ? "<="
		        : b->has_actual                ? ">"
		                                       : "?",
		        lim);
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
		fprintf(f, "%s: %s [budget]\n",
		        b->verdict == TRC_VERDICT_FAIL ? "warning" : "error", b->message);
	}
}

static void write_text(const struct trc_doc *d, FILE *f, int color)
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
			text_table(it->table, f, color);
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
			fprintf(f, "%s\n", d->notes[i]);
	}
	if (d->budgets != NULL) {
		fputc('\n', f);
		text_budgets(d->budgets, f, color);
	}
}

/* ---------------------------------------------------------------- JSON */

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

static int write_json(const struct trc_doc *d, FILE *f)
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
		json_object_set_new(meta, d->meta[i].key, cell_json(&d->meta[i].c));
	for (i = 0; i < d->nitems; i++) {
		const struct trc_table *t = d->items[i].table;
		json_t *rows;

		if (d->items[i].kind != ITEM_TABLE)
			continue;
		rows = json_array();
		for (r = 0; r < t->nrows; r++) {
			json_t *row = json_object();

			for (c = 0; c < t->ncols; c++)
				if (!t->cols[c].figure)
					json_object_set_new(row, t->cols[c].key,
					                    cell_json(&t->cells[r * t->ncols + c]));
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

/* ---------------------------------------------------------------- CSV */

static void csv_field(FILE *f, const char *s)
{
	if (strpbrk(s, ",\"\r\n") == NULL) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

static void write_csv(const struct trc_doc *d, FILE *f)
{
	const struct trc_table *t = d->primary;
	char buf[64];
	size_t r, c;

	if (t == NULL)
		return;
	for (c = 0; c < t->ncols; c++) {
		if (t->cols[c].figure)
			continue;
		if (c)
			fputc(',', f);
		csv_field(f, t->cols[c].key);
	}
	fputs("\r\n", f);
	for (r = 0; r < t->nrows; r++) {
		for (c = 0; c < t->ncols; c++) {
			if (t->cols[c].figure)
				continue;
			if (c)
				fputc(',', f);
			csv_field(f, cell_raw(&t->cells[r * t->ncols + c], buf, sizeof(buf)));
		}
		fputs("\r\n", f);
	}
}

/* ---------------------------------------------------------------- Markdown */

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

static void write_md(const struct trc_doc *d, FILE *f)
{
	char buf[64];
	size_t i, r, c;

	fprintf(f, "## latch-trace %s\n\n", d->command);
	for (i = 0; i < d->nmeta; i++) {
		if (d->meta[i].label == NULL)
			continue;
		fputs("- **", f);
		md_text(f, d->meta[i].label);
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
}

/* ---------------------------------------------------------------- JUnit */

static int write_junit(const struct trc_doc *d, FILE *f)
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
			xmlTextWriterWriteAttribute(w, BAD_CAST "type", BAD_CAST "budget");
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

/* ---------------------------------------------------------------- entry */

int trc_doc_write(const struct trc_doc *d, enum trc_fmt fmt, FILE *f, int color, struct lc_err *err)
{
	int rc = 0;

	switch (fmt) {
	case TRC_FMT_TEXT:
		write_text(d, f, color);
		break;
	case TRC_FMT_JSON:
		rc = write_json(d, f);
		break;
	case TRC_FMT_CSV:
		write_csv(d, f);
		break;
	case TRC_FMT_MD:
		write_md(d, f);
		break;
	case TRC_FMT_JUNIT:
		rc = write_junit(d, f);
		break;
	case TRC_FMT_HTML:
		rc = trc__write_html(d, f);
		break;
	}
	if (rc == 0 && ferror(f))
		rc = LC_EIO;
	if (rc == LC_ENOMEM)
		return lc_err_set(err, rc, "out of memory writing the %s report",
		                  trc_fmt_name(fmt));
	if (rc < 0)
		return lc_err_set(err, rc, "cannot write the %s report", trc_fmt_name(fmt));
	return 0;
}

int trc_doc_emit(const struct trc_doc *d, const struct trc_out_opts *o, int color,
                 struct lc_err *err)
{
	FILE *f = stdout;
	int rc;

	if (o->embed != NULL)
		return trc__write_html_embed(d, o->embed) < 0
		               ? lc_err_set(err, LC_ENOMEM, "out of memory writing the html page")
		               : 0;
	if (o->path != NULL && strcmp(o->path, "-") != 0) {
		f = fopen(o->path, "w");
		if (f == NULL)
			return lc_err_set(err, LC_EIO, "cannot open '%s': %s", o->path,
			                  strerror(errno));
		color = 0;
	}
	rc = trc_doc_write(d, o->fmt, f, color, err);
	if (f != stdout) {
		if (fclose(f) != 0 && rc == 0)
			rc = lc_err_set(err, LC_EIO, "cannot write '%s': %s", o->path,
			                strerror(errno));
	} else if (fflush(f) != 0 && rc == 0) {
		rc = lc_err_set(err, LC_EIO, "cannot write the report: %s", strerror(errno));
	}
	return rc;
}
