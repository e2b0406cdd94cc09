/*
 * tracer/report/doc_priv.h - the inside of a report document, for the
 * writers (out.c, write_html.c). Commands never include it: they build a
 * document through out.h only.
 */
#ifndef TRC_DOC_PRIV_H
#define TRC_DOC_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "report/out.h"

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
};

struct trc_table {
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
	char *command;
	struct meta *meta;
	size_t nmeta;
	struct item *items;
	size_t nitems;
	char **notes;
	size_t nnotes;
	const struct trc_table *primary;
	const struct trc_budget_results *budgets;
};

/* The human text of a cell (text, Markdown, HTML): its text, or the number
 * printed plainly; buf (64 bytes) holds a printed number. */
const char *trc__cell_human(const struct cell *c, char *buf, size_t n);

/* Writes d as one self-contained HTML page (write_html.c). Returns 0,
 * LC_ENOMEM or LC_EIO. */
int trc__write_html(const struct trc_doc *d, FILE *f);

/* Writes d as a section of a combined page: its verdict rows into
 * e->verdicts and the section into e->body (write_html.c). */
int trc__write_html_embed(const struct trc_doc *d, struct trc_html_embed *e);

#endif /* TRC_DOC_PRIV_H */
