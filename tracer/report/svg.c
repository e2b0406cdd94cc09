/*
 * tracer/report/svg.c - inline SVG figures for the HTML report (see svg.h).
 *
 * Coordinates are written as integers (or one decimal) so a figure stays a
 * few kilobytes. Colours come from CSS classes defined by write_html.c, so
 * the page's palette lives in one place.
 */
#define _GNU_SOURCE
#include "report/svg.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "report/units.h"

#define NBARS 64

void trc_svg_esc(FILE *f, const char *s)
{
	for (; s != NULL && *s; s++) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		default:
			fputc(*s, f);
		}
	}
}

/* Closes a memstream into *out, or frees it on failure. */
static int finish(char **out, FILE *f, char **buf)
{
	int bad = ferror(f);

	/* fclose() stores the final buffer into *buf: read it only after. */
	if (fclose(f) != 0 || bad) {
		free(*buf);
		return LC_ENOMEM;
	}
	*out = *buf;
	return 0;
}

struct axis {
	double l0, l1;    /* log10 of the range */
	double x0, width; /* pixels */
};

static double ax_x(const struct axis *a, double v)
{
	double l = log10(v < 1.0 ? 1.0 : v);

	if (a->l1 <= a->l0)
		return a->x0 + a->width / 2;
	return a->x0 + (l - a->l0) / (a->l1 - a->l0) * a->width;
}

/* Ticks at 1, 2, 5 x 10^k inside the axis, labelled in time units. */
static void ticks(FILE *f, const struct axis *a, double y, int ns)
{
	static const double steps[] = {1, 2, 5};
	double dec;
	size_t s;

	for (dec = pow(10.0, floor(a->l0)); dec <= pow(10.0, a->l1) * 1.0001; dec *= 10.0)
		for (s = 0; s < 3; s++) {
			double v = dec * steps[s], x;
			char u[TRC_UNITS_BUF];

			if (log10(v) < a->l0 - 1e-9 || log10(v) > a->l1 + 1e-9)
				continue;
			x = ax_x(a, v);
			if (ns)
				trc_units_ns(u, sizeof(u), v);
			else
				snprintf(u, sizeof(u), "%.0f", v);
			fprintf(f, "<path class=\"tk\" d=\"M%.1f %.0fv4\"/>", x, y);
			if (s == 0 || a->l1 - a->l0 < 1.6)
				fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" class=\"tl\">%s</text>", x,
				        y + 14, u);
		}
}

/* Folds the buckets of h into nb bars along the log axis l0..l1 (each
 * bucket at its midpoint, clamped to clo..chi). Returns the tallest bar. */
static uint64_t rebin(uint64_t *bars, size_t nb, const struct trc_hist *h, double l0, double l1,
                      double clo, double chi)
{
	uint64_t cmax = 0;
	uint32_t b;
	size_t i;

	memset(bars, 0, nb * sizeof(*bars));
	for (b = 0; b < h->nb; b++) {
		double mid, pos;

		if (h->counts[b] == 0)
			continue;
		mid = ((double)trc_hist_lower(b) + (double)trc_hist_upper(b)) / 2.0;
		if (mid < clo)
			mid = clo;
		if (mid > chi)
			mid = chi;
		pos = (log10(mid < 1 ? 1 : mid) - l0) / (l1 - l0);
		bars[pos <= 0 ? 0 : pos >= 1 ? nb - 1 : (size_t)(pos * (double)nb)] += h->counts[b];
	}
	for (i = 0; i < nb; i++)
		cmax = bars[i] > cmax ? bars[i] : cmax;
	return cmax;
}

/* The figure's accessible name, when it has one. */
static void title(FILE *f, const char *caption)
{
	if (caption == NULL)
		return;
	fputs("<title>", f);
	trc_svg_esc(f, caption);
	fputs("</title>", f);
}

int trc_svg_hist(char **out, const struct trc_hist *h, const struct trc_svg_hist_opts *o)
{
	static const char *const qname[] = {"p50", "p90", "p99", "p99.9"};
	const double W = o->compact ? 240 : 660, H = o->compact ? 60 : 190;
	const double top = o->compact ? 4 : 30, base = o->compact ? H - 4 : H - 26;
	uint64_t bars[NBARS], lo, hi, cmax;
	char *buf = NULL;
	size_t len = 0, i, nb = NBARS;
	struct axis a;
	FILE *f;

	*out = NULL;
	if (h->total == 0)
		return 0;
	lo = h->min > 0 ? h->min : 1;
	hi = h->max > lo ? h->max : lo + 1;
	if (o->budget_ns > hi)
		hi = o->budget_ns + o->budget_ns / 20;
	if (o->expect_ns > hi)
		hi = o->expect_ns + o->expect_ns / 20;
	if (o->expect_ns > 0 && o->expect_ns < lo)
		lo = o->expect_ns - o->expect_ns / 20;
	a.l0 = log10((double)lo);
	a.l1 = log10((double)hi);
	if (a.l1 - a.l0 < 0.05) { /* a narrow range: widen it so bars have room */
		a.l0 -= 0.025;
		a.l1 += 0.025;
	}
	a.x0 = o->compact ? 2 : 44;
	a.width = W - a.x0 - (o->compact ? 2 : 16);
	cmax = rebin(bars, nb, h, a.l0, a.l1, (double)h->min, (double)h->max);
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return LC_ENOMEM;
	fprintf(f, "<svg class=\"fig%s\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
	        o->compact ? " sm" : "", W, H);
	title(f, o->caption);
	/* Bars: one path for the normal ones, one for deadline misses. */
	for (int late = 0; late < 2; late++) {
		int any = 0;

		for (i = 0; i < nb; i++) {
			double x = a.x0 + a.width * (double)i / (double)nb;
			double bw = a.width / (double)nb;
			double hh;
			double vlo = pow(10.0, a.l0 + (a.l1 - a.l0) * (double)i / (double)nb);
			int is_late = o->late_ns > 0 && vlo > (double)o->late_ns;

			if (bars[i] == 0 || is_late != late)
				continue;
			hh = (base - top) * log10(1.0 + (double)bars[i]) /
			     log10(1.0 + (double)cmax);
			if (hh < 1.5)
				hh = 1.5;
			if (!any)
				fprintf(f, "<path class=\"%s\" d=\"", late ? "bar miss" : "bar");
			any = 1;
			fprintf(f, "M%.1f %.1fh%.1fV%.0fh-%.1fz", x, base - hh, bw - 0.6, base,
			        bw - 0.6);
		}
		if (any)
			fputs("\"/>", f);
	}
	fprintf(f, "<path class=\"ax\" d=\"M%.0f %.0fH%.0f\"/>", a.x0, base, a.x0 + a.width);
	if (!o->compact) {
		char u[TRC_UNITS_BUF];

		ticks(f, &a, base, 1);
		fprintf(f, "<text x=\"4\" y=\"%.0f\" class=\"tl st\">calls</text>", top - 18);
		fprintf(f, "<text x=\"4\" y=\"%.0f\" class=\"tl st\">%" PRIu64 "</text>", top - 6,
		        cmax);
		for (i = 0; i < 4; i++) {
			double x;

			if (o->q_ns[i] == 0)
				continue;
			x = ax_x(&a, (double)o->q_ns[i]);
			fprintf(f,
			        "<path class=\"q\" d=\"M%.1f %.0fV%.0f\"/><text x=\"%.1f\" "
			        "y=\"%.0f\" class=\"ql\">%s</text>",
			        x, top - (double)(i % 2) * 9, base, x,
			        top - 3 - (double)(i % 2) * 9, qname[i]);
		}
		fprintf(f,
		        "<path class=\"mx\" d=\"M%.1f %.0fV%.0f\"/><text x=\"%.1f\" y=\"%.0f\" "
		        "class=\"ql mx\">max %s</text>",
		        ax_x(&a, (double)h->max), top + 4, base, ax_x(&a, (double)h->max) - 3,
		        top + 14, trc_units_ns(u, sizeof(u), (double)h->max));
		if (o->expect_ns > 0)
			fprintf(f,
			        "<path class=\"ex\" d=\"M%.1f %.0fV%.0f\"/><text x=\"%.1f\" "
			        "y=\"%.0f\" class=\"ql ex\">expected %s</text>",
			        ax_x(&a, (double)o->expect_ns), top + 20, base,
			        ax_x(&a, (double)o->expect_ns) + 3, top + 30,
			        trc_units_ns(u, sizeof(u), (double)o->expect_ns));
	}
	if (o->budget_ns > 0) {
		char u[TRC_UNITS_BUF];
		double x = ax_x(&a, (double)o->budget_ns);

		fprintf(f, "<path class=\"bud\" d=\"M%.1f %.0fV%.0f\"/>", x, top, base);
		if (!o->compact)
			fprintf(f, "<text x=\"%.1f\" y=\"%.0f\" class=\"ql bud\">budget %s</text>",
			        x - 3, base - 6, trc_units_ns(u, sizeof(u), (double)o->budget_ns));
	}
	fputs("</svg>", f);
	return finish(out, f, &buf);
}

/* A sparkline bar's top: log scale, 1 unit for a single call, sh for none. */
static int spark_y(uint64_t c, uint64_t cmax, int sh)
{
	if (c == 0)
		return sh;
	return sh - 1 - (int)((sh - 1) * log10(1.0 + (double)c) / log10(1.0 + (double)cmax));
}

int trc_svg_spark(char **out, const struct trc_hist *h, uint64_t budget_ns)
{
	enum { NS = 30, SH = 10 }; /* one unit per bar; CSS stretches it */
	uint64_t bars[NS], cmax, lo, hi;
	double l0, l1;
	char *buf = NULL;
	size_t len = 0, i;
	FILE *f;

	*out = NULL;
	if (h->total == 0)
		return 0;
	lo = h->min > 0 ? h->min : 1;
	hi = h->max > lo ? h->max : lo + 1;
	if (budget_ns > hi && budget_ns < hi * 4)
		hi = budget_ns + budget_ns / 20;
	l0 = log10((double)lo);
	l1 = log10((double)hi);
	cmax = rebin(bars, NS, h, l0, l1, (double)lo, (double)hi);
	f = open_memstream(&buf, &len);
	if (f == NULL)
		return LC_ENOMEM;
	fprintf(f,
	        "<svg class=\"sp\" viewBox=\"0 0 %d %d\" preserveAspectRatio=\"none\"><path d=\"M0 "
	        "%d",
	        NS, SH, SH);
	/* A step outline; bars of equal height share one horizontal run. */
	for (i = 0; i < NS;) {
		size_t run = 1;
		int y = spark_y(bars[i], cmax, SH);

		while (i + run < NS && spark_y(bars[i + run], cmax, SH) == y)
			run++;
		fprintf(f, "V%dh%zu", y, run);
		i += run;
	}
	fprintf(f, "V%dz\"/>", SH);
	if (budget_ns >= lo && budget_ns <= hi)
		fprintf(f, "<path class=\"bud\" d=\"M%.1f 0V%d\"/>",
		        (log10((double)budget_ns) - l0) / (l1 - l0) * NS, SH);
	fputs("</svg>", f);
	return finish(out, f, &buf);
}

int trc_svg_timeline(char **out, uint64_t duration_ns, const struct trc_svg_col *cols, size_t ncols,
                     uint64_t expect_ns, const struct trc_svg_event *ev, size_t nev,
                     const char *caption)
{
	const double W = 1200, H = 230, x0 = 52, x1 = W - 30, top = 16, base = 168;
	const double miss_y = 186, ev_y = 204;
	uint64_t pmin = UINT64_MAX, pmax = 0;
	double l0, l1, cw, dur = duration_ns > 0 ? (double)duration_ns : 1.0;
	char *buf = NULL, u[TRC_UNITS_BUF];
	size_t len = 0, i, k;
	struct axis a;
	FILE *f = open_memstream(&buf, &len);

	*out = NULL;
	if (f == NULL)
		return LC_ENOMEM;
	for (i = 0; i < ncols; i++)
		if (cols[i].max_ns > 0) {
			pmin = cols[i].min_ns < pmin ? cols[i].min_ns : pmin;
			pmax = cols[i].max_ns > pmax ? cols[i].max_ns : pmax;
		}
	if (pmax == 0)
		pmin = pmax = expect_ns > 0 ? expect_ns : 1;
	if (expect_ns > 0) {
		pmin = expect_ns / 2 < pmin ? expect_ns / 2 : pmin;
		pmax = expect_ns * 2 > pmax ? expect_ns * 2 : pmax;
	}
	l0 = log10(pmin > 0 ? (double)pmin : 1.0);
	l1 = log10((double)pmax);
	if (l1 - l0 < 0.1)
		l1 = l0 + 0.1;
	/* The y axis is a log axis of the period: reuse struct axis sideways. */
	a.l0 = l0;
	a.l1 = l1;
	a.x0 = 0;
	a.width = base - top;
	cw = (x1 - x0) / (double)(ncols ? ncols : 1);
	fprintf(f, "<svg class=\"fig tl\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">", W, H);
	title(f, caption);
	/* Period axis: expected period, half and double. */
	if (expect_ns > 0) {
		static const double mult[] = {0.5, 1.0, 2.0};

		for (k = 0; k < 3; k++) {
			double y = base - ax_x(&a, (double)expect_ns * mult[k]);

			fprintf(f,
			        "<path class=\"%s\" d=\"M%.0f %.1fH%.0f\"/><text x=\"%.0f\" "
			        "y=\"%.1f\" class=\"tl en\">%s</text>",
			        k == 1 ? "ex" : "grid", x0, y, x1, x0 - 4, y + 3,
			        trc_units_ns(u, sizeof(u), (double)expect_ns * mult[k]));
		}
	}
	fprintf(f, "<text x=\"4\" y=\"10\" class=\"tl st\">period</text>");
	/* The band: one path, a bar per column from min to max. */
	fputs("<path class=\"band\" d=\"", f);
	for (i = 0; i < ncols; i++) {
		double y0, y1;

		if (cols[i].max_ns == 0)
			continue;
		y0 = base - ax_x(&a, (double)cols[i].max_ns);
		y1 = base - ax_x(&a, (double)cols[i].min_ns);
		if (y1 - y0 < 1.5)
			y1 = y0 + 1.5;
		if (y0 < top)
			y0 = top;
		fprintf(f, "M%.1f %.1fh%.1fV%.1fh-%.1fz", x0 + cw * (double)i, y0, cw, y1, cw);
	}
	fputs("\"/>", f);
	/* Misses under the column where they happened. */
	fputs("<path class=\"miss\" d=\"", f);
	for (i = 0; i < ncols; i++)
		if (cols[i].late + cols[i].overruns > 0)
			fprintf(f, "M%.1f %.0fh%.1fv10h-%.1fz", x0 + cw * (double)i, miss_y - 10,
			        cw < 2 ? 2 : cw, cw < 2 ? 2 : cw);
	fputs("\"/>", f);
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" class=\"tl en\">misses</text>", x0 - 4, miss_y - 1);
	fprintf(f, "<text x=\"%.0f\" y=\"%.0f\" class=\"tl en\">events</text>", x0 - 4, ev_y + 2);
	for (i = 0; i < nev; i++) {
		double x = x0 + (x1 - x0) * (double)ev[i].t_ns / dur;

		fprintf(f, "<g class=\"%s\"><path d=\"M%.1f %.0fV%.0f\"/><title>",
		        ev[i].kind ? "mk" : "trip", x, top, ev_y + 4);
		trc_svg_esc(f, ev[i].label);
		fprintf(f, " at +%s</title>", trc_units_ns(u, sizeof(u), (double)ev[i].t_ns));
		if (nev <= 24) {
			fprintf(f, "<text x=\"%.1f\" y=\"%.0f\">", x + 2,
			        top + 10 + (double)(i % 4) * 11);
			trc_svg_esc(f, ev[i].label);
			fputs("</text>", f);
		}
		fputs("</g>", f);
	}
	/* Time axis. */
	fprintf(f, "<path class=\"ax\" d=\"M%.0f %.0fH%.0f\"/>", x0, ev_y + 6, x1);
	for (k = 0; k <= 8; k++) {
		double x = x0 + (x1 - x0) * (double)k / 8.0;

		fprintf(f,
		        "<path class=\"tk\" d=\"M%.1f %.0fv4\"/><text x=\"%.1f\" y=\"%.0f\" "
		        "class=\"tl\">+%s</text>",
		        x, ev_y + 6, x, ev_y + 20,
		        trc_units_ns(u, sizeof(u), dur * (double)k / 8.0));
	}
	fputs("</svg>", f);
	return finish(out, f, &buf);
}
