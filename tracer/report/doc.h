/*
 * tracer/report/doc.h - the document model: one report document, rendered to every
 * output format by one writer per format (report/write_*.c).
 *
 * A subcommand builds a struct trc_doc: a few header facts ("meta"), one or
 * more tables, free-text blocks (histogram bars), footnotes and, optionally,
 * the budget results of budget.h. trc_doc_write() then renders the whole
 * document as aligned text, JSON, CSV, Markdown or JUnit XML, so every
 * command gets every format from one description of its data.
 *
 * Every cell carries two things: a raw value for the machine formats (JSON
 * and CSV get numbers, not "12.3 us") and a human text for text and Markdown.
 *
 * Format rules, documented for users in docs/report-json.md:
 *  - text:  meta lines "label: human", each table as aligned columns under a
 *           title, blocks verbatim, notes, then the budget verdicts; colour
 *           (ANSI) only when the caller passes color=1 (a TTY).
 *  - json:  one object {"tool","command","schema_version","meta":{key:raw},
 *           "tables":{key:[{col:raw,...}]},"notes":[...],"budgets":[...]},
 *           written with jansson. Blocks are text-only and omitted.
 *  - csv:   RFC 4180: the primary table only (the first one unless another
 *           is chosen with trc_doc_set_primary), a header row of column keys,
 *           raw values, CRLF line ends.
 *  - md:    meta as a bullet list, tables as GitHub pipe tables, blocks in
 *           code fences, budgets as a table; for a CI job summary.
 *  - junit: one <testsuite> with one <testcase> per budget result; a FAIL is
 *           a <failure>, an ERROR an <error>. Tables are not written.
 *  - html:  one self-contained page (write_html.c): the verdicts first, meta,
 *           tables sortable and filterable by an inline script, figures
 *           (trc_doc_figure, inline SVG) in place of the text drawings,
 *           blocks as preformatted text, notes. No external file or URL.
 *
 * Errors are sticky: the first builder call that runs out of memory is
 * remembered in the document, calls on the NULL table a failed
 * trc_doc_add_table() left do nothing, and trc_doc_write() refuses the
 * incomplete document. A command may therefore build the whole document,
 * ignoring the builders' return values, and check trc_doc_status() once.
 * A misuse (a bad column index, a column added after the first row) is
 * returned as LC_EUSAGE and leaves the document as it was.
 *
 * Ownership: every string passed in is copied; the doc owns its tables.
 * A table's returned pointer is borrowed and lives as long as the doc.
 */
#ifndef TRC_DOC_H
#define TRC_DOC_H

#include <stdint.h>
#include <stdio.h>

#include "err.h"

struct trc_budget_results; /* budget.h */

enum trc_fmt {
	TRC_FMT_TEXT = 0,
	TRC_FMT_JSON,
	TRC_FMT_CSV,
	TRC_FMT_MD,
	TRC_FMT_JUNIT,
	TRC_FMT_SARIF, /* the verdicts only: broken budgets and findings */
	TRC_FMT_HTML
};

/*
 * A combined HTML page being assembled (cmd_html.c): a command whose output
 * options carry one writes its document as a section into `body` and its
 * budget verdicts as table rows into `verdicts` (the broken ones) and
 * `passed`, instead of a whole page.
 */
struct trc_html_embed {
	FILE *body;
	FILE *verdicts;
	FILE *passed;
	const char *id;           /* the next section's anchor: #sec-ID */
	const char *title;        /* and its heading (NULL: from the command) */
	int no_meta;              /* leave out the header facts (shown already) */
	size_t pass, fail, error; /* verdicts written so far */
};

#define TRC_OUT_MORE 7 /* outputs beyond the first: -o A.json -o B.md ... */

/* Where and how a command writes its report: --format and -o. With several
 * -o, each file's format comes from its name (opt.h), and one document is
 * written to all of them: the input is read once. */
struct trc_out_opts {
	enum trc_fmt fmt;             /* TRC_FMT_TEXT unless --format says otherwise */
	const char *path;             /* -o FILE; NULL means stdout. Borrowed from argv. */
	struct trc_html_embed *embed; /* set by the combined page only (borrowed) */
	size_t nmore;                 /* the second and later -o */
	struct {
		enum trc_fmt fmt;
		const char *path;
	} more[TRC_OUT_MORE];
};

/* 1 when any output of o is written in format f. */
int trc_out_has(const struct trc_out_opts *o, enum trc_fmt f);

/* Parses a format name (text, json, csv, md|markdown, junit, sarif, html). Returns 0, or
 * LC_EUSAGE with a message listing the valid names. */
int trc_fmt_parse(enum trc_fmt *out, const char *name, struct lc_err *err);

/* The canonical name of a format ("text", "json", ...). */
const char *trc_fmt_name(enum trc_fmt fmt);

enum trc_align { TRC_ALIGN_LEFT = 0, TRC_ALIGN_RIGHT };

/* Colour hint for a text cell; ignored unless colour is on. */
enum trc_style { TRC_STYLE_NONE = 0, TRC_STYLE_GOOD, TRC_STYLE_BAD, TRC_STYLE_WARN, TRC_STYLE_DIM };

struct trc_doc;
struct trc_table;

/* Creates an empty document for subcommand `command` ("report", "memmap").
 * Returns 0 or LC_ENOMEM. The caller frees it with trc_doc_free(). */
int trc_doc_new(struct trc_doc **out, const char *command, struct lc_err *err);
void trc_doc_free(struct trc_doc *d);

/* 0, or LC_ENOMEM when a builder call ran out of memory (the sticky error). */
int trc_doc_status(const struct trc_doc *d);

/* The same as an lc_err for a command or section to pass up: 0, or
 * LC_ENOMEM with "out of memory" in err. */
int trc_doc_check(const struct trc_doc *d, struct lc_err *err);

/*
 * Header facts. `key` is the JSON key (snake_case), `label` the text shown
 * before the value in text/Markdown. The _u64/_i64/_f64 forms put a number
 * into JSON and `human` into text (NULL human: the number in decimal).
 * A NULL label keeps the fact out of text and Markdown (JSON only).
 * Returns 0 or LC_ENOMEM.
 */
int trc_doc_meta_str(struct trc_doc *d, const char *key, const char *label, const char *value);
int trc_doc_meta_u64(struct trc_doc *d, const char *key, const char *label, uint64_t raw,
                     const char *human);
int trc_doc_meta_i64(struct trc_doc *d, const char *key, const char *label, int64_t raw,
                     const char *human);
int trc_doc_meta_f64(struct trc_doc *d, const char *key, const char *label, double raw,
                     const char *human);

/* A footnote, in text, Markdown and JSON "notes". Returns 0 or LC_ENOMEM. */
int trc_doc_note(struct trc_doc *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A preformatted text block (e.g. histogram bars): written verbatim in text,
 * in a code fence in Markdown, omitted from machine formats, which carry the
 * same data as a table. `text` may hold ANSI colour only when colour is on.
 * Returns 0 or LC_ENOMEM. */
int trc_doc_block(struct trc_doc *d, const char *title, const char *text);

/* A figure: SVG markup from svg.h (trusted: its names are escaped there),
 * shown by the HTML writer only; `title` heads it (escaped by the writer)
 * and `key` names its anchor (#fig-KEY). Returns 0 or LC_ENOMEM. */
int trc_doc_figure(struct trc_doc *d, const char *key, const char *title, const char *svg);

/*
 * Adds a table. `key` names it in JSON ("functions"), `title` heads it in
 * text/Markdown (may be NULL). *out is borrowed from the doc (NULL on
 * failure; the table functions accept that NULL and do nothing).
 * Returns 0 or LC_ENOMEM.
 */
int trc_doc_add_table(struct trc_table **out, struct trc_doc *d, const char *key,
                      const char *title);

/* A column of trc_doc_add_table_cols(): its key, header and alignment as
 * trc_table_col() takes them. */
struct trc_col_spec {
	const char *key;
	const char *header;
	enum trc_align align;
};

/* trc_doc_add_table() and then trc_table_col() for each of the ncols
 * columns of cols, which get the indices 0 to ncols - 1 in that order (a
 * command names them with an enum). Returns 0 or LC_ENOMEM (sticky). */
int trc_doc_add_table_cols(struct trc_table **out, struct trc_doc *d, const char *key,
                           const char *title, const struct trc_col_spec *cols, size_t ncols);

/* Marks a table as data for the machine formats only (JSON, CSV): text and
 * Markdown show a drawing of the same data instead (trc_doc_block). */
void trc_table_machine_only(struct trc_table *t);

/* Chooses the table CSV writes (default: the first table added). */
void trc_doc_set_primary(struct trc_doc *d, const struct trc_table *t);
/* The same by the table's key (`--csv-table KEY`): 0, or LC_ENOTFOUND when
 * the document has no such table. */
int trc_doc_set_primary_key(struct trc_doc *d, const char *key);
/* The keys of the document's tables, ", "-separated, into buf (for the
 * message of an unknown --csv-table). Returns buf. */
char *trc_doc_table_keys(const struct trc_doc *d, char *buf, size_t n);

/* Attaches budget verdicts (borrowed; must outlive trc_doc_write). */
void trc_doc_set_budgets(struct trc_doc *d, const struct trc_budget_results *r);

/* Adds a column; `key` is the JSON/CSV name, `header` the text heading.
 * Columns must all be added before the first row. Returns the column index
 * (>= 0) or LC_ENOMEM / LC_EUSAGE (rows already present). */
int trc_table_col(struct trc_table *t, const char *key, const char *header, enum trc_align align);

/* Hides column col from text and Markdown (machine formats keep it): for
 * raw data such as addresses that would only widen the human table. */
void trc_table_col_machine_only(struct trc_table *t, int col);

/* Makes column col a column of small figures: its string cells hold SVG
 * markup from svg.h (trusted, written as is), shown by the HTML writer only;
 * every other format leaves the column out. */
void trc_table_col_figure(struct trc_table *t, int col);

/* Text only: when a table is wider than the document's width, columns with
 * drop > 0 are left out, the highest first, and then the cells of a clip
 * column are shortened to their end ("…c:114"). Set before any row. */
void trc_table_col_drop(struct trc_table *t, int col, int drop);
void trc_table_col_clip(struct trc_table *t, int col);

/* The width text tables must fit in (0: none, the default) and what to say
 * under a table that had columns left out (e.g. "--wide shows all"). */
int trc_doc_set_width(struct trc_doc *d, unsigned cols, const char *hint);

/* Starts a new row; its cells are null ("-") until set. Returns the row
 * index or LC_ENOMEM. */
int trc_table_row(struct trc_table *t);

/*
 * Sets a cell of the last row. A raw number goes to JSON/CSV and `human` to
 * text/Markdown (NULL: the number printed plainly). A string cell is the same
 * in every format. Returns 0, LC_EUSAGE for a bad column or no row, or
 * LC_ENOMEM.
 */
int trc_table_str(struct trc_table *t, int col, const char *s);
int trc_table_u64(struct trc_table *t, int col, uint64_t raw, const char *human);
int trc_table_i64(struct trc_table *t, int col, int64_t raw, const char *human);
int trc_table_f64(struct trc_table *t, int col, double raw, const char *human);
int trc_table_bool(struct trc_table *t, int col, int raw, const char *human);
/* A null (JSON null, empty CSV field) shown as `human` in text ("-" if NULL). */
int trc_table_null(struct trc_table *t, int col, const char *human);
/* Colour of the last row's cell `col` in text output. */
void trc_table_style(struct trc_table *t, int col, enum trc_style style);

/*
 * Renders the whole document to f. `color` allows ANSI colour in text
 * output only. Returns 0, LC_EIO on a write error, or LC_ENOMEM (also when
 * a builder call ran out of memory: trc_doc_status()).
 */
int trc_doc_write(const struct trc_doc *d, enum trc_fmt fmt, FILE *f, int color,
                  struct lc_err *err);

/*
 * Renders to o->path (or stdout when NULL): opens, writes, closes and
 * reports a failed write or close as LC_EIO naming the file.
 */
int trc_doc_emit(const struct trc_doc *d, const struct trc_out_opts *o, int color,
                 struct lc_err *err);

#endif /* TRC_DOC_H */
