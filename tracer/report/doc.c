/*
 * tracer/report/doc.c - the document model (see doc.h): building a
 * document with a sticky error, the cell values every writer shares, and
 * the dispatch to the writers (report/write_*.c).
 */
#define _GNU_SOURCE
#include "report/doc_impl.h"

#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const fmt_names[] = {"text", "json", "csv", "md", "junit", "sarif", "html"};

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
	return lc_err_set(
	        err, LC_EUSAGE,
	        "unknown format '%s' (expected text, json, csv, md, junit, sarif or html)", name);
}

const char *trc_fmt_name(enum trc_fmt fmt)
{
	if ((size_t)fmt < sizeof(fmt_names) / sizeof(fmt_names[0]))
		return fmt_names[fmt];
	return "?";
}

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

/* Remembers the first allocation failure of a builder call in the document
 * (the sticky error) and returns rc: a command may build a whole document
 * and check trc_doc_status() once, and trc_doc_write() refuses an
 * incomplete document. A misuse (LC_EUSAGE: a bad column, a column after
 * the first row) is only returned: the document stays as it was. */
static int sticky(struct trc_doc *d, int rc)
{
	if (rc == LC_ENOMEM && d != NULL && d->error == 0)
		d->error = rc;
	return rc;
}

int trc_doc_status(const struct trc_doc *d)
{
	return d->error;
}

int trc_doc_check(const struct trc_doc *d, struct lc_err *err)
{
	return d->error < 0 ? lc_err_set(err, d->error, "out of memory") : 0;
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
	free(d->width_hint);
	free(d);
}

/* A new zeroed element at the end of *arr (a T ** holding n elements): the
 * caller counts it in once it is complete. NULL when out of memory. */
static void *append(void *arr, size_t n, size_t elem)
{
	void *p, *q;

	memcpy(&p, arr, sizeof(p));
	q = realloc(p, (n + 1u) * elem);
	if (q == NULL)
		return NULL;
	memcpy(arr, &q, sizeof(q));
	return memset((char *)q + n * elem, 0, elem);
}

static int meta_add(struct trc_doc *d, const char *key, const char *label, const struct cell *c,
                    const char *text)
{
	struct meta *m = append(&d->meta, d->nmeta, sizeof(*d->meta));

	if (m == NULL)
		return LC_ENOMEM;
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

	return sticky(d, meta_add(d, key, label, &c, value));
}

int trc_doc_meta_u64(struct trc_doc *d, const char *key, const char *label, uint64_t raw,
                     const char *human)
{
	struct cell c = {.type = CELL_U64, .v.u = raw};

	return sticky(d, meta_add(d, key, label, &c, human));
}

int trc_doc_meta_i64(struct trc_doc *d, const char *key, const char *label, int64_t raw,
                     const char *human)
{
	struct cell c = {.type = CELL_I64, .v.i = raw};

	return sticky(d, meta_add(d, key, label, &c, human));
}

int trc_doc_meta_f64(struct trc_doc *d, const char *key, const char *label, double raw,
                     const char *human)
{
	struct cell c = {.type = CELL_F64, .v.f = raw};

	return sticky(d, meta_add(d, key, label, &c, human));
}

int trc_doc_note(struct trc_doc *d, const char *fmt, ...)
{
	char **n = realloc(d->notes, (d->nnotes + 1) * sizeof(*n));
	va_list ap;
	int rc;

	if (n == NULL)
		return sticky(d, LC_ENOMEM);
	d->notes = n;
	va_start(ap, fmt);
	rc = vasprintf(&d->notes[d->nnotes], fmt, ap);
	va_end(ap);
	if (rc < 0)
		return sticky(d, LC_ENOMEM);
	d->nnotes++;
	return 0;
}

static struct item *item_add(struct trc_doc *d)
{
	return append(&d->items, d->nitems, sizeof(*d->items));
}

int trc_doc_block(struct trc_doc *d, const char *title, const char *text)
{
	struct item *it = item_add(d);

	if (it == NULL)
		return sticky(d, LC_ENOMEM);
	it->kind = ITEM_BLOCK;
	it->title = dup_or_null(title);
	it->text = strdup(text);
	if (it->text == NULL || (title != NULL && it->title == NULL)) {
		free(it->title);
		free(it->text);
		return sticky(d, LC_ENOMEM);
	}
	d->nitems++;
	return 0;
}

int trc_doc_figure(struct trc_doc *d, const char *key, const char *title, const char *svg)
{
	struct item *it = item_add(d);

	if (it == NULL)
		return sticky(d, LC_ENOMEM);
	it->kind = ITEM_FIGURE;
	it->key = strdup(key);
	it->title = dup_or_null(title);
	it->text = strdup(svg);
	if (it->key == NULL || it->text == NULL || (title != NULL && it->title == NULL)) {
		free(it->key);
		free(it->title);
		free(it->text);
		return sticky(d, LC_ENOMEM);
	}
	d->nitems++;
	return 0;
}

int trc_doc_add_table(struct trc_table **out, struct trc_doc *d, const char *key, const char *title)
{
	struct item *it = item_add(d);
	struct trc_table *t;

	*out = NULL;
	if (it == NULL)
		return sticky(d, LC_ENOMEM);
	t = calloc(1, sizeof(*t));
	if (t == NULL)
		return sticky(d, LC_ENOMEM);
	t->doc = d;
	t->key = strdup(key);
	t->title = dup_or_null(title);
	if (t->key == NULL || (title != NULL && t->title == NULL)) {
		table_free(t);
		return sticky(d, LC_ENOMEM);
	}
	it->kind = ITEM_TABLE;
	it->table = t;
	d->nitems++;
	if (d->primary == NULL)
		d->primary = t;
	*out = t;
	return 0;
}

int trc_doc_add_table_cols(struct trc_table **out, struct trc_doc *d, const char *key,
                           const char *title, const struct trc_col_spec *cols, size_t ncols)
{
	size_t i;
	int rc = trc_doc_add_table(out, d, key, title);

	for (i = 0; rc >= 0 && i < ncols; i++)
		rc = trc_table_col(*out, cols[i].key, cols[i].header, cols[i].align);
	return rc < 0 ? rc : 0;
}

void trc_table_machine_only(struct trc_table *t)
{
	if (t != NULL)
		t->machine_only = 1;
}

void trc_doc_set_primary(struct trc_doc *d, const struct trc_table *t)
{
	d->primary = t;
}

int trc_doc_set_primary_key(struct trc_doc *d, const char *key)
{
	size_t i;

	for (i = 0; i < d->nitems; i++) {
		if (d->items[i].kind == ITEM_TABLE && strcmp(d->items[i].table->key, key) == 0) {
			d->primary = d->items[i].table;
			return 0;
		}
	}
	return LC_ENOTFOUND;
}

char *trc_doc_table_keys(const struct trc_doc *d, char *buf, size_t n)
{
	size_t i, len = 0;

	buf[0] = '\0';
	for (i = 0; i < d->nitems && len < n; i++)
		if (d->items[i].kind == ITEM_TABLE)
			len += (size_t)snprintf(buf + len, n - len, "%s%s", len ? ", " : "",
			                        d->items[i].table->key);
	return buf;
}

void trc_doc_set_budgets(struct trc_doc *d, const struct trc_budget_results *r)
{
	d->budgets = r;
}

int trc_table_col(struct trc_table *t, const char *key, const char *header, enum trc_align align)
{
	struct col *c;

	if (t == NULL)
		return LC_EUSAGE; /* trc_doc_add_table() failed: already sticky */
	if (t->nrows > 0)
		return sticky(t->doc, LC_EUSAGE);
	c = realloc(t->cols, (t->ncols + 1) * sizeof(*c));
	if (c == NULL)
		return sticky(t->doc, LC_ENOMEM);
	t->cols = c;
	c = &t->cols[t->ncols];
	c->key = strdup(key);
	c->header = strdup(header);
	c->align = align;
	c->machine_only = 0;
	c->figure = 0;
	c->drop = 0;
	c->clip = 0;
	if (c->key == NULL || c->header == NULL) {
		free(c->key);
		free(c->header);
		return sticky(t->doc, LC_ENOMEM);
	}
	return (int)t->ncols++;
}

void trc_table_col_machine_only(struct trc_table *t, int col)
{
	if (t != NULL && col >= 0 && (size_t)col < t->ncols)
		t->cols[col].machine_only = 1;
}

void trc_table_col_drop(struct trc_table *t, int col, int drop)
{
	if (t != NULL && col >= 0 && (size_t)col < t->ncols)
		t->cols[col].drop = drop;
}

void trc_table_col_clip(struct trc_table *t, int col)
{
	if (t != NULL && col >= 0 && (size_t)col < t->ncols)
		t->cols[col].clip = 1;
}

int trc_doc_set_width(struct trc_doc *d, unsigned cols, const char *hint)
{
	char *h = dup_or_null(hint);

	if (hint != NULL && h == NULL)
		return sticky(d, LC_ENOMEM);
	free(d->width_hint);
	d->width_hint = h;
	d->width = cols;
	return 0;
}

void trc_table_col_figure(struct trc_table *t, int col)
{
	if (t != NULL && col >= 0 && (size_t)col < t->ncols)
		t->cols[col].machine_only = t->cols[col].figure = 1;
}

int trc_table_row(struct trc_table *t)
{
	if (t == NULL)
		return LC_EUSAGE;
	if (t->nrows == t->caprows) {
		size_t cap = t->caprows ? t->caprows * 2 : 16;
		struct cell *c = realloc(t->cells, cap * (t->ncols ? t->ncols : 1) * sizeof(*c));

		if (c == NULL)
			return sticky(t->doc, LC_ENOMEM);
		t->cells = c;
		t->caprows = cap;
	}
	memset(&t->cells[t->nrows * t->ncols], 0, t->ncols * sizeof(struct cell));
	return (int)t->nrows++;
}

static struct cell *last_cell(struct trc_table *t, int col)
{
	if (t == NULL || t->nrows == 0 || col < 0 || (size_t)col >= t->ncols)
		return NULL;
	return &t->cells[(t->nrows - 1) * t->ncols + (size_t)col];
}

static int cell_set(struct trc_table *t, int col, const struct cell *v, const char *text)
{
	struct cell *c = last_cell(t, col);
	char *dup = NULL;

	if (c == NULL)
		return t == NULL ? LC_EUSAGE : sticky(t->doc, LC_EUSAGE);
	if (text != NULL && (dup = strdup(text)) == NULL)
		return sticky(t->doc, LC_ENOMEM);
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

/* The machine text of a cell (CSV); buf must hold 40 bytes. */
const char *trc__cell_raw(const struct cell *c, char *buf, size_t n)
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
	return trc__cell_raw(c, buf, n);
}

json_t *trc__cell_json(const struct cell *c)
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

int trc_doc_write(const struct trc_doc *d, enum trc_fmt fmt, FILE *f, int color, struct lc_err *err)
{
	int rc = 0;

	if (d->error < 0)
		return lc_err_set(err, d->error, "out of memory building the %s report",
		                  trc_fmt_name(fmt));
	switch (fmt) {
	case TRC_FMT_TEXT:
		rc = trc__write_text(d, f, color);
		break;
	case TRC_FMT_JSON:
		rc = trc__write_json(d, f);
		break;
	case TRC_FMT_CSV:
		rc = trc__write_csv(d, f);
		break;
	case TRC_FMT_MD:
		rc = trc__write_md(d, f);
		break;
	case TRC_FMT_JUNIT:
		rc = trc__write_junit(d, f);
		break;
	case TRC_FMT_SARIF:
		rc = trc__write_sarif(d, f);
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

static int emit_one(const struct trc_doc *d, const struct trc_out_opts *o, int color,
                    struct lc_err *err);

int trc_doc_emit(const struct trc_doc *d, const struct trc_out_opts *o, int color,
                 struct lc_err *err)
{
	struct trc_out_opts one;
	size_t i;
	int rc = emit_one(d, o, color, err);

	for (i = 0; rc == 0 && i < o->nmore; i++) {
		memset(&one, 0, sizeof(one));
		one.fmt = o->more[i].fmt;
		one.path = o->more[i].path;
		rc = emit_one(d, &one, 0, err);
	}
	return rc;
}

static int emit_one(const struct trc_doc *d, const struct trc_out_opts *o, int color,
                    struct lc_err *err)
{
	FILE *f = stdout;
	int rc;

	if (o->embed != NULL) {
		if (d->error < 0)
			return lc_err_set(err, d->error, "out of memory building the html page");
		return trc__write_html_embed(d, o->embed) < 0
		               ? lc_err_set(err, LC_ENOMEM, "out of memory writing the html page")
		               : 0;
	}
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
