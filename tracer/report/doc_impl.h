/*
 * tracer/report/doc_impl.h - the document model's data, for the writers only
 * (report/write_*.c). Commands build documents through doc.h and never see
 * these structs. A writer reads a finished document: it may not change it.
 *
 * Layout: a doc holds meta facts, items (tables and text blocks) in the
 * order they were added, footnotes and borrowed budget results. A table's
 * cells are row-major, nrows * ncols; a cell holds a raw value for the
 * machine formats and an optional human text.
 */
#ifndef TRC_DOC_IMPL_H
#define TRC_DOC_IMPL_H

#include <jansson.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "report/doc.h"

enum cell_type { CELL_NULL = 0, CELL_STR, CELL_U64, CELL_I64, CELL_F64, CELL_BOOL };

struct cell {
	enum cell_type type;
	union {
		uint64_t u;
		int64_t i;
		double f;
		int b;
	} v;
	char *text; /* the string, or the human text of a number (NULL: plain) */
	enum trc_style style;
};

struct col {
	char *key;
	char *header;
	enum trc_align align;
	int machine_only;
	int figure; /* cells hold SVG markup: HTML only (machine_only is set too) */
	int drop;   /* > 0: text may leave it out to fit the width, highest first */
	int clip;   /* text may shorten its cells to fit, keeping their end */
};

struct trc_table {
	struct trc_doc *doc; /* its document (for the sticky error) */
	char *key;
	char *title;
	struct col *cols;
	size_t ncols;
	struct cell *cells; /* nrows * ncols, row-major */
	int machine_only;
	size_t nrows, caprows;
};

struct meta {
	char *key;
	char *label;
	struct cell c;
};

enum item_kind { ITEM_TABLE, ITEM_BLOCK, ITEM_FIGURE };

struct item {
	enum item_kind kind;
	struct trc_table *table;
	char *title; /* block, figure */
	char *text;  /* block; a figure's SVG */
	char *key;   /* figure */
};

struct trc_doc {
	int error; /* sticky: the first failed builder call's code, else 0 */
	char *command;
	struct meta *meta;
	size_t nmeta;
	struct item *items;
	size_t nitems;
	char **notes;
	size_t nnotes;
	const struct trc_table *primary;
	const struct trc_budget_results *budgets;
	unsigned width;   /* text: columns to fit tables into (0: no limit) */
	char *width_hint; /* text: how to see the columns left out */
};

/* A cell's text for the machine formats (CSV): "" for null; buf (n >= 40
 * bytes) may be used. */
const char *trc__cell_raw(const struct cell *c, char *buf, size_t n);
/* A cell's human text (text, Markdown): its human text, or the raw value. */
const char *trc__cell_human(const struct cell *c, char *buf, size_t n);
/* A cell as a new jansson value (NULL when out of memory). */
json_t *trc__cell_json(const struct cell *c);

/* The writers, one file each. Each writes the whole document to f and
 * returns 0 or a negative LC_E* code; write errors stay in ferror(f). */
int trc__write_text(const struct trc_doc *d, FILE *f, int color); /* write_text.c */
int trc__write_json(const struct trc_doc *d, FILE *f);            /* write_json.c */
int trc__write_csv(const struct trc_doc *d, FILE *f);             /* write_csv.c */
int trc__write_md(const struct trc_doc *d, FILE *f);              /* write_md.c */
int trc__write_junit(const struct trc_doc *d, FILE *f);           /* write_junit.c */
int trc__write_sarif(const struct trc_doc *d, FILE *f);           /* write_sarif.c */
int trc__write_html(const struct trc_doc *d, FILE *f);            /* write_html.c */
/* A section of a combined page: verdict rows and the section go into the
 * streams of e (write_html.c). */
int trc__write_html_embed(const struct trc_doc *d, struct trc_html_embed *e);

#endif /* TRC_DOC_IMPL_H */
