/*
 * tracer/report/write_csv.c - the CSV writer: the primary table, RFC 4180 quoting, CRLF line
 * ends (see doc.h).
 */
#define _GNU_SOURCE
#include "report/doc_impl.h"

#include <string.h>

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

int trc__write_csv(const struct trc_doc *d, FILE *f)
{
	const struct trc_table *t = d->primary;
	char buf[64];
	size_t r, c;

	if (t == NULL)
		return 0;
	for (c = 0; c < t->ncols; c++) {
		if (t->cols[c].figure) /* HTML only; never the first column */
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
			csv_field(f, trc__cell_raw(&t->cells[r * t->ncols + c], buf, sizeof(buf)));
		}
		fputs("\r\n", f);
	}
	return 0;
}
