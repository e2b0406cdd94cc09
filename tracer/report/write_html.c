/*
 * tracer/report/write_html.c - the HTML writer: a report document as one
 * self-contained page, or as a section of a combined page (see
 * write_html.h and out.h).
 *
 * Layout of a section: <h2> the command, the header facts as a definition
 * list, then each item in document order - tables (sortable by a click on a
 * column head, filterable by name when they have many rows), figures (inline
 * SVG from svg.c), blocks (<pre>) - then the notes. Budget verdicts go to the
 * verdict section at the top of the page, which an engineer reads first.
 *
 * Size: a table row is written without closing tags (HTML allows it) and the
 * script sorts on the cells' own text (it reads "1.05 ms" and "4.0 KiB"), so
 * a 10,000-function report stays a few megabytes.
 */
#define _GNU_SOURCE
#include "report/write_html.h"

#include <stdlib.h>
#include <string.h>

#include "report/budget.h"
#include "report/doc_impl.h"
#include "report/svg.h"

/* Tables with more rows than this get a filter box. */
#define FILTER_ROWS 8
/* Rows shown before "show all": the others are in the page (the filter and
 * the sort see them) but not laid out, so 10,000 rows open in a blink. */
#define SHOW_ROWS 300

static const char page_css[] =
        ":root{--fg:#1b1f24;--mut:#5b6470;--bg:#fff;--alt:#f5f7fa;--line:#d8dde3;"
        "--good:#1a7f37;--bad:#cf222e;--warn:#9a6700;--acc:#0b5cad}"
        "*{box-sizing:border-box}"
        "body{margin:0;font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif;"
        "color:var(--fg);background:var(--bg)}"
        "header.top{padding:14px 28px;background:#0d1b2a;color:#fff}"
        "header.top h1{margin:0;font-size:20px}header.top p{margin:2px 0 0;color:#b8c4d0}"
        "nav{padding:6px 28px;background:var(--alt);border-bottom:1px solid var(--line);"
        "position:sticky;top:0;z-index:2}nav a{margin-right:16px;color:var(--acc);"
        "text-decoration:none}"
        "main{padding:8px 28px 40px;max-width:1500px}"
        "h2{margin:28px 0 8px;font-size:18px;border-bottom:2px solid var(--line);"
        "padding-bottom:3px}h3{margin:18px 0 6px;font-size:15px}"
        "dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:1px 14px;margin:6px 0}"
        "dl.meta dt{color:var(--mut)}dl.meta dd{margin:0;font-family:ui-monospace,monospace}"
        "table.t{border-collapse:collapse;margin:4px 0 10px;font-size:13px}"
        "table.t th,table.t td{padding:2px 8px;border-bottom:1px solid var(--line);"
        "text-align:left;white-space:nowrap}"
        "table.t td{font-family:ui-monospace,SFMono-Regular,Menlo,monospace}"
        "table.t th{background:var(--alt);cursor:pointer;user-select:none;position:sticky;"
        "top:33px}table.t th.asc::after{content:' \\25B2'}table.t th.desc::after"
        "{content:' \\25BC'}table.t tr:hover td{background:#eef4fb}"
        "table.t .r{text-align:right}table.t td.wrap{white-space:normal}"
        ".good{color:var(--good)}.bad{color:var(--bad);font-weight:600}.warn{color:var(--warn)}"
        ".dim{color:var(--mut)}a.fn{color:var(--acc);cursor:pointer}"
        "table.t.cap tbody tr:nth-child(n+301){display:none}button.all{margin:2px 0 10px;"
        "font:inherit;padding:2px 10px;cursor:pointer}"
        "input.flt{margin:4px 0;padding:4px 8px;width:320px;border:1px solid var(--line);"
        "border-radius:4px;font:inherit}"
        ".banner{display:flex;align-items:center;gap:16px;padding:12px 16px;border-radius:6px;"
        "margin:14px 0 8px;border:1px solid}.banner b{font-size:26px;letter-spacing:1px}"
        ".banner.pass{background:#e6f4ea;border-color:var(--good);color:var(--good)}"
        ".banner.fail{background:#fdecea;border-color:var(--bad);color:var(--bad)}"
        ".banner.none{background:var(--alt);border-color:var(--line);color:var(--mut)}"
        ".banner span{color:var(--fg)}"
        ".v{display:inline-block;min-width:46px;text-align:center;border-radius:3px;"
        "padding:0 4px;color:#fff;font-weight:600;font-family:system-ui,sans-serif}"
        ".v.PASS{background:var(--good)}.v.FAIL{background:var(--bad)}"
        ".v.ERROR{background:#6e40c9}"
        "figure{margin:6px 0 14px;padding:6px 8px;border:1px solid var(--line);"
        "border-radius:6px;background:#fff}figure:target{outline:3px solid var(--acc)}"
        "figure.wide{grid-column:1/-1}figure.wide svg.fig{max-width:1400px}"
        "figcaption{font-family:ui-monospace,monospace;font-size:12px;margin-bottom:2px}"
        ".figs{display:grid;grid-template-columns:repeat(auto-fill,minmax(560px,1fr));gap:0 14px}"
        "svg.fig{width:100%;max-width:900px;height:auto;display:block}"
        "svg .bar{fill:#4a7fb5}svg .miss{fill:var(--bad)}svg .band{fill:#4a7fb5}"
        "svg .ax,svg .tk{stroke:#555;fill:none}svg .grid{stroke:#ccd;stroke-dasharray:3 3}"
        "svg .tl{font-size:10px;fill:var(--mut);text-anchor:middle}svg .tl.st{text-anchor:start}"
        "svg .tl.en{text-anchor:end}"
        "svg .q{stroke:#7a4fd0;stroke-dasharray:4 3}svg "
        ".ql{font-size:10px;fill:#7a4fd0;stroke:none}"
        "svg .mx{stroke:#222}svg text.mx{fill:#222;stroke:none;text-anchor:end}"
        "svg .ex{stroke:var(--good);stroke-dasharray:6 3}svg text.ex{fill:var(--good);stroke:none}"
        "svg .bud{stroke:var(--bad);stroke-width:2}svg text.bud{fill:var(--bad);stroke:none;"
        "text-anchor:end;font-weight:600}"
        "svg .trip path{stroke:var(--bad);stroke-width:1.5;opacity:.55}svg .trip "
        "text{fill:var(--bad);"
        "font-size:10px}svg .mk path{stroke:#9a6700;stroke-dasharray:2 2}svg .mk text"
        "{fill:#9a6700;font-size:10px}"
        "svg.sp{width:120px;height:20px;vertical-align:middle;display:block}svg.sp path"
        "{fill:#4a7fb5}svg.sp path.bud{fill:none;stroke:var(--bad);stroke-width:.6}"
        ".pct{display:inline-block;width:120px;height:10px;background:#e4e8ec;margin-left:8px;"
        "vertical-align:middle}.pct i{display:block;height:100%;background:#4a7fb5}"
        ".pct.warn i{background:#d4a72c}.pct.bad i{background:var(--bad)}"
        "pre{background:var(--alt);padding:8px;border-radius:4px;overflow:auto;font-size:12px}"
        "p.note{color:var(--mut);font-size:13px;margin:4px 0}"
        "@media print{nav{display:none}table.t th{position:static}}";

/* Sorting (a click on a head; numbers with units compare as numbers) and
 * filtering (substring or glob, on the first column). No network access. */
static const char page_js[] =
        "(function(){'use strict';"
        "var U={ns:1,'\\u00b5s':1e3,us:1e3,ms:1e6,s:1e9,B:1,KiB:1024,MiB:1048576,"
        "GiB:1073741824,TiB:1099511627776,'%':1};"
        "function num(t){t=t.trim().replace(/^\\+/,'');if(t===''||t==='-')return null;"
        "var m=/^(-?[0-9.]+(?:e[-+]?[0-9]+)?)\\s*([^\\s0-9]*)$/.exec(t);"
        "if(!m)return NaN;var u=m[2]===''?1:U[m[2]];return u===undefined?NaN:"
        "parseFloat(m[1])*u}"
        "function sortBy(tb,th,col){var b=tb.tBodies[0],rows=Array.prototype.slice.call(b.rows),"
        "asc=th.classList.contains('asc')?false:th.classList.contains('desc')?true:"
        "!th.classList.contains('r');"
        "var keys=rows.map(function(r){var c=r.cells[col];return c?c.textContent:''}),"
        "nums=keys.map(num),isnum=nums.every(function(v){return v===null||!isNaN(v)});"
        "var idx=rows.map(function(r,i){return i});idx.sort(function(a,c){var x,y;"
        "if(isnum){x=nums[a];y=nums[c];if(x===null)x=-Infinity;if(y===null)y=-Infinity;"
        "return (x<y?-1:x>y?1:a-c)*(asc?1:-1)}return keys[a].localeCompare(keys[c])*"
        "(asc?1:-1)||a-c});"
        "Array.prototype.forEach.call(th.parentNode.cells,function(h){h.classList.remove('asc',"
        "'desc')});th.classList.add(asc?'asc':'desc');var fr=document.createDocumentFragment();"
        "idx.forEach(function(i){fr.appendChild(rows[i])});b.appendChild(fr)}"
        "Array.prototype.forEach.call(document.querySelectorAll('table.t'),function(tb){"
        "var hs=tb.tHead?tb.tHead.rows[0].cells:[];Array.prototype.forEach.call(hs,"
        "function(th,i){th.title='sort by '+th.textContent;th.addEventListener('click',"
        "function(){sortBy(tb,th,i)})})});"
        "Array.prototype.forEach.call(document.querySelectorAll('input.flt'),function(inp){"
        "var tb=document.getElementById(inp.getAttribute('data-for'));if(!tb)return;"
        "inp.addEventListener('input',function(){var q=inp.value.trim().toLowerCase(),re=null;"
        "if(q.indexOf('*')>=0||q.indexOf('?')>=0)re=new "
        "RegExp('^'+q.replace(/[.+^${}()|[\\]\\\\]/g,"
        "'\\\\$&').replace(/\\*/g,'.*').replace(/\\?/g,'.')+'$');"
        "Array.prototype.forEach.call(tb.tBodies[0].rows,function(r){var t=r.cells[0]."
        "textContent.toLowerCase();r.style.display=q===''||(re?re.test(t):t.indexOf(q)>=0)?"
        "'':'none'});tb.classList.toggle('cap',q===''&&!tb.hasAttribute('data-all'))})});"
        "Array.prototype.forEach.call(document.querySelectorAll('button.all'),function(b){"
        "b.addEventListener('click',function(){var tb=document.getElementById(b.getAttribute("
        "'data-for'));tb.setAttribute('data-all','');tb.classList.remove('cap');b.remove()})});"
        "Array.prototype.forEach.call(document.querySelectorAll('table.t.fns'),function(tb){"
        "Array.prototype.forEach.call(tb.tBodies[0].rows,function(r){var c=r.cells[0];"
        "if(c&&document.getElementById('fig-'+c.textContent)){c.classList.add('fn');"
        "c.title='show its histogram';c.style.cursor='pointer';c.addEventListener('click',"
        "function(){location.hash='fig-'+c.textContent})}})})"
        "})();";

void trc_html_esc(FILE *f, const char *s)
{
	trc_svg_esc(f, s);
}

static const char *style_class(enum trc_style s)
{
	switch (s) {
	case TRC_STYLE_GOOD:
		return "good";
	case TRC_STYLE_BAD:
		return "bad";
	case TRC_STYLE_WARN:
		return "warn";
	case TRC_STYLE_DIM:
		return "dim";
	case TRC_STYLE_NONE:
		break;
	}
	return NULL;
}

void trc_html_page_begin(FILE *f, const char *title, const char *subtitle)
{
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
	      "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
	      "<meta name=\"generator\" content=\"latch-trace\"><title>",
	      f);
	trc_html_esc(f, title);
	fprintf(f, "</title><style>%s</style></head>\n<body><header class=\"top\"><h1>", page_css);
	trc_html_esc(f, title);
	fputs("</h1>", f);
	if (subtitle != NULL) {
		fputs("<p>", f);
		trc_html_esc(f, subtitle);
		fputs("</p>", f);
	}
	fputs("</header>\n", f);
}

void trc_html_page_end(FILE *f)
{
	fprintf(f, "</main>\n<script>%s</script>\n</body></html>\n", page_js);
}

void trc_html_verdict(FILE *f, const char *rows, size_t pass, size_t fail, size_t error,
                      const char *extra)
{
	const char *cls = pass + fail + error == 0 ? "none" : fail + error > 0 ? "fail" : "pass";
	const char *word = pass + fail + error == 0 ? "NO BUDGETS"
	                   : error > 0              ? "ERROR"
	                   : fail > 0               ? "FAIL"
	                                            : "PASS";

	fprintf(f,
	        "<section id=\"verdict\"><h2>Verdict</h2><div class=\"banner %s\"><b>%s</b>"
	        "<span>%zu budget%s: %zu pass, %zu fail, %zu could not be checked</span></div>\n",
	        cls, word, pass + fail + error, pass + fail + error == 1 ? "" : "s", pass, fail,
	        error);
	if (extra != NULL) {
		fputs("<p class=\"note\">", f);
		trc_html_esc(f, extra);
		fputs("</p>\n", f);
	}
	if (pass + fail + error > 0)
		fprintf(f,
		        "<table class=\"t\" id=\"t-verdicts\"><thead><tr><th>verdict<th>subject"
		        "<th>budget<th class=\"r\">actual<th class=\"r\">limit<th>why<th>where"
		        "</thead><tbody>\n%s</tbody></table>\n",
		        rows != NULL ? rows : "");
	fputs("</section>\n", f);
}

/* One row of the verdict table per budget result: broken ones into bad,
 * passed ones into good, so the page lists what broke first. */
static void verdict_rows(FILE *bad, FILE *good, const char *command,
                         const struct trc_budget_results *r)
{
	size_t i;

	for (i = 0; i < trc_budget_results_count(r); i++) {
		const struct trc_budget_result *b = trc_budget_results_at(r, i);
		const char *v = trc_verdict_name(b->verdict);
		FILE *f = b->verdict == TRC_VERDICT_PASS ? good : bad;

		fprintf(f, "<tr><td><span class=\"v %s\">%s</span><td>", v, v);
		trc_html_esc(f, b->subject);
		fprintf(f, "<td>%s %s<td class=\"r\">", command, trc_budget_kind_name(b->kind));
		if (b->has_actual)
			fprintf(f, "%.6g %s", b->actual, b->unit);
		else
			fputs("-", f);
		fprintf(f, "<td class=\"r\">%g %s<td class=\"wrap\">", b->limit, b->unit);
		trc_html_esc(f, b->message);
		fputs("<td>", f);
		if (b->src_file != NULL && b->src_line > 0) {
			trc_html_esc(f, b->src_file);
			fprintf(f, ":%u", b->src_line);
		}
		if (b->budget_file != NULL) {
			fputs(b->src_file != NULL ? "<br><span class=\"dim\">budget " : "budget ",
			      f);
			trc_html_esc(f, b->budget_file);
			fprintf(f, ":%u%s", b->budget_line, b->src_file != NULL ? "</span>" : "");
		}
		fputc('\n', f);
	}
}

static int is_name_col(const char *key)
{
	static const char *const keys[] = {"function", "symbol", "name", "root",
	                                   "section",  "cu",     "file", "region"};
	size_t i;

	for (i = 0; i < sizeof(keys) / sizeof(keys[0]); i++)
		if (strcmp(key, keys[i]) == 0)
			return 1;
	return 0;
}

static void html_table(FILE *f, const char *sec, const struct trc_table *t, size_t n)
{
	char buf[64];
	size_t r, c, k, first = 0, nright = 0;
	int fns;

	while (first < t->ncols && t->cols[first].machine_only)
		first++;
	fns = first < t->ncols && strcmp(t->cols[first].key, "function") == 0;
	if (t->title != NULL) {
		fputs("<h3>", f);
		trc_html_esc(f, t->title);
		fputs("</h3>\n", f);
	}
	if (t->nrows > FILTER_ROWS && first < t->ncols && is_name_col(t->cols[first].key)) {
		fprintf(f,
		        "<input class=\"flt\" type=\"search\" data-for=\"t-%s-%zu\" placeholder=\"",
		        sec, n);
		fputs("filter by ", f);
		trc_html_esc(f, t->cols[first].header);
		fputs(" (substring or glob)\">\n", f);
	}
	/* Right-aligned columns by one rule per table, not a class per cell:
	 * a 10,000-row table would otherwise carry a megabyte of class="r". */
	fputs("<style>", f);
	for (c = 0, k = 0; c < t->ncols; c++) {
		if (t->cols[c].machine_only && !t->cols[c].figure)
			continue;
		k++;
		if (t->cols[c].align == TRC_ALIGN_RIGHT)
			fprintf(f, "%s#t-%s-%zu td:nth-child(%zu)", nright++ ? "," : "", sec, n, k);
	}
	fprintf(f, "%s</style>\n", nright ? "{text-align:right}" : "");
	fprintf(f, "<table class=\"t%s%s\" id=\"t-%s-%zu\"><thead><tr>", fns ? " fns" : "",
	        t->nrows > SHOW_ROWS ? " cap" : "", sec, n);
	for (c = 0; c < t->ncols; c++) {
		if (t->cols[c].machine_only && !t->cols[c].figure)
			continue;
		fputs(t->cols[c].align == TRC_ALIGN_RIGHT ? "<th class=\"r\">" : "<th>", f);
		trc_html_esc(f, t->cols[c].header);
	}
	fputs("</thead><tbody>\n", f);
	for (r = 0; r < t->nrows; r++) {
		fputs("<tr>", f);
		for (c = 0; c < t->ncols; c++) {
			const struct cell *ce = &t->cells[r * t->ncols + c];
			const char *sc = style_class(ce->style);

			if (t->cols[c].figure) {
				fputs("<td>", f);
				if (ce->type == CELL_STR && ce->text != NULL)
					fputs(ce->text, f);
				continue;
			}
			if (t->cols[c].machine_only)
				continue;
			if (sc != NULL)
				fprintf(f, "<td class=\"%s\">", sc);
			else
				fputs("<td>", f);
			trc_html_esc(f, trc__cell_human(ce, buf, sizeof(buf)));
			if (ce->type == CELL_F64 && strlen(t->cols[c].key) > 4 &&
			    strcmp(t->cols[c].key + strlen(t->cols[c].key) - 4, "_pct") == 0)
				/* A percentage (a region's use) gets a bar. */
				fprintf(f,
				        "<span class=\"pct%s\"><i "
				        "style=\"width:%.1f%%\"></i></span>",
				        ce->v.f > 100  ? " bad"
				        : ce->v.f > 85 ? " warn"
				                       : "",
				        ce->v.f < 0     ? 0.0
				        : ce->v.f > 100 ? 100.0
				                        : ce->v.f);
		}
		fputc('\n', f);
	}
	fputs("</tbody></table>\n", f);
	if (t->nrows > SHOW_ROWS)
		fprintf(f,
		        "<button class=\"all\" data-for=\"t-%s-%zu\">show all %zu rows (the first "
		        "%d "
		        "of this order are shown; the filter searches all)</button>\n",
		        sec, n, t->nrows, SHOW_ROWS);
}

/* The body of a section: meta, items, notes. */
static void section_body(FILE *f, const struct trc_doc *d, const char *sec, int meta)
{
	char buf[64];
	size_t i;
	int in_figs = 0;

	if (meta && d->nmeta > 0) {
		fputs("<dl class=\"meta\">", f);
		for (i = 0; i < d->nmeta; i++) {
			if (d->meta[i].label == NULL)
				continue;
			fputs("<dt>", f);
			trc_html_esc(f, d->meta[i].label);
			fputs("<dd>", f);
			trc_html_esc(f, trc__cell_human(&d->meta[i].c, buf, sizeof(buf)));
		}
		fputs("</dl>\n", f);
	}
	for (i = 0; i < d->nitems; i++) {
		const struct item *it = &d->items[i];

		if (it->kind == ITEM_BLOCK && i + 1 < d->nitems &&
		    d->items[i + 1].kind == ITEM_FIGURE && it->title != NULL &&
		    d->items[i + 1].title != NULL && strcmp(it->title, d->items[i + 1].title) == 0)
			continue; /* the text form of the figure that follows */
		if (it->kind != ITEM_FIGURE && in_figs) {
			fputs("</div>\n", f);
			in_figs = 0;
		}
		if (it->kind == ITEM_TABLE) {
			if (!it->table->machine_only)
				html_table(f, sec, it->table, i);
		} else if (it->kind == ITEM_FIGURE) {
			if (!in_figs)
				fputs("<div class=\"figs\">\n", f);
			in_figs = 1;
			fputs(strcmp(it->key, "run-timeline") == 0
			              ? "<figure class=\"wide\" id=\"fig-"
			              : "<figure id=\"fig-",
			      f);
			trc_html_esc(f, it->key);
			fputs("\">", f);
			if (it->title != NULL) {
				fputs("<figcaption>", f);
				trc_html_esc(f, it->title);
				fputs("</figcaption>", f);
			}
			fputs(it->text, f);
			fputs("</figure>\n", f);
		} else {
			if (it->title != NULL) {
				fputs("<h3>", f);
				trc_html_esc(f, it->title);
				fputs("</h3>", f);
			}
			fputs("<pre>", f);
			trc_html_esc(f, it->text);
			fputs("</pre>\n", f);
		}
	}
	if (in_figs)
		fputs("</div>\n", f);
	for (i = 0; i < d->nnotes; i++) {
		fputs("<p class=\"note\">", f);
		trc_html_esc(f, d->notes[i]);
		fputs("</p>\n", f);
	}
}

static const char *section_title(const char *command)
{
	if (strcmp(command, "report") == 0)
		return "Timing: worst case per function";
	if (strcmp(command, "hist") == 0)
		return "Latency histograms";
	if (strcmp(command, "memmap") == 0)
		return "Memory map";
	if (strcmp(command, "stack") == 0)
		return "Worst-case stack";
	return command;
}

int trc__write_html_embed(const struct trc_doc *d, struct trc_html_embed *e)
{
	if (d->budgets != NULL) {
		size_t pass = 0, fail = 0, error = 0;

		trc_budget_results_tally(d->budgets, &pass, &fail, &error);
		e->pass += pass;
		e->fail += fail;
		e->error += error;
		verdict_rows(e->verdicts, e->passed, d->command, d->budgets);
	}
	fputs("<section id=\"sec-", e->body);
	trc_html_esc(e->body, e->id != NULL ? e->id : d->command);
	fputs("\"><h2>", e->body);
	trc_html_esc(e->body, e->title != NULL ? e->title : section_title(d->command));
	fputs("</h2>\n", e->body);
	section_body(e->body, d, e->id != NULL ? e->id : d->command, !e->no_meta);
	fputs("</section>\n", e->body);
	return ferror(e->body) || ferror(e->verdicts) || ferror(e->passed) ? LC_ENOMEM : 0;
}

int trc__write_html(const struct trc_doc *d, FILE *f)
{
	char *rows = NULL, *good = NULL, title[128];
	size_t len = 0, glen = 0, pass = 0, fail = 0, error = 0;
	FILE *v = NULL, *g = NULL;

	if (d->budgets != NULL) {
		v = open_memstream(&rows, &len);
		g = open_memstream(&good, &glen);
		if (v == NULL || g == NULL) {
			if (v != NULL)
				fclose(v);
			if (g != NULL)
				fclose(g);
			free(rows);
			free(good);
			return LC_ENOMEM;
		}
		trc_budget_results_tally(d->budgets, &pass, &fail, &error);
		verdict_rows(v, g, d->command, d->budgets);
		/* The passed rows after the broken ones; a memstream's buffer is
		 * current only after a flush. */
		if (fflush(g) == 0 && good != NULL)
			fputs(good, v);
		if ((fclose(g) | fclose(v)) != 0) {
			free(rows);
			free(good);
			return LC_ENOMEM;
		}
	}
	snprintf(title, sizeof(title), "latch-trace %s", d->command);
	trc_html_page_begin(f, title, section_title(d->command));
	fputs("<main>\n", f);
	if (d->budgets != NULL)
		trc_html_verdict(f, rows, pass, fail, error, NULL);
	fprintf(f, "<section id=\"sec-%s\"><h2>", d->command);
	trc_html_esc(f, section_title(d->command));
	fputs("</h2>\n", f);
	section_body(f, d, d->command, 1);
	fputs("</section>\n", f);
	trc_html_page_end(f);
	free(rows);
	free(good);
	return 0;
}
