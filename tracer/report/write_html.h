/*
 * tracer/report/write_html.h - the pieces of the self-contained HTML page
 * that a combined page (cmd_html.c) assembles around the sections the
 * commands write through trc_html_embed (out.h).
 *
 * The page needs nothing outside itself: the style sheet and the script
 * (sorting and filtering tables) are inline, figures are inline SVG, and no
 * src or href names another file or a URL. Every text from the trace, the
 * ELF or a YAML file is escaped.
 */
#ifndef TRC_WRITE_HTML_H
#define TRC_WRITE_HTML_H

#include <stddef.h>
#include <stdio.h>

/* Writes s escaped for HTML text and attribute values. */
void trc_html_esc(FILE *f, const char *s);

/* <!DOCTYPE html> through the page's header: the style sheet, the <h1>
 * (title) and subtitle (may be NULL), both escaped. The caller then writes
 * an optional <nav> and opens <main>. */
void trc_html_page_begin(FILE *f, const char *title, const char *subtitle);

/*
 * The verdict section: a banner (PASS when every budget passed, FAIL or
 * ERROR otherwise, with the counts) and the verdict table, whose rows are
 * `rows` (from trc_html_embed.verdicts, already escaped). `extra` (may be
 * NULL) is a line of other findings shown under the banner, escaped here.
 */
void trc_html_verdict(FILE *f, const char *rows, size_t pass, size_t fail, size_t error,
                      const char *extra);

/* Closes <main>, writes the inline script and closes the page. */
void trc_html_page_end(FILE *f);

#endif /* TRC_WRITE_HTML_H */
