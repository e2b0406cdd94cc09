/* tracer/trace/hist.c - log-linear histograms and their terminal drawing (see hist.h). */
#define _GNU_SOURCE
#include "trace/hist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/units.h"

void trc_hist_init(struct trc_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

void trc_hist_fini(struct trc_hist *h)
{
	free(h->counts);
	trc_hist_init(h);
}

/* Grows the bucket array to hold bucket b, in whole octaves (128 buckets) so
 * a slowly rising maximum does not reallocate on every new bucket. */
int trc__hist_grow(struct trc_hist *h, uint32_t b)
{
	uint32_t nb = (b / RTM_HIST_SUB + 1u) * RTM_HIST_SUB;
	uint64_t *c;

	if (nb > RTM_HIST_BUCKETS_ALL)
		nb = RTM_HIST_BUCKETS_ALL;
	c = realloc(h->counts, (size_t)nb * sizeof(*c));
	if (c == NULL)
		return LC_ENOMEM;
	memset(c + h->nb, 0, (size_t)(nb - h->nb) * sizeof(*c));
	h->counts = c;
	h->nb = nb;
	return 0;
}

int trc_hist_add_n(struct trc_hist *h, uint64_t v, uint64_t n)
{
	uint32_t b = trc_hist_bucket(v);

	if (n == 0)
		return 0;
	if (b >= h->nb && trc__hist_grow(h, b) < 0)
		return LC_ENOMEM;
	h->counts[b] += n;
	h->total += n;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	return 0;
}

int trc_hist_merge(struct trc_hist *dst, const struct trc_hist *src)
{
	uint32_t b;

	if (src->total == 0)
		return 0;
	if (src->nb > dst->nb && trc__hist_grow(dst, src->nb - 1u) < 0)
		return LC_ENOMEM;
	for (b = 0; b < src->nb; b++)
		dst->counts[b] += src->counts[b];
	dst->total += src->total;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	return 0;
}

uint64_t trc_hist_lower(uint32_t b)
{
	return rtm_hist_lower(b);
}

uint64_t trc_hist_upper(uint32_t b)
{
	return rtm_hist_upper(b);
}

uint64_t trc_hist_quantile(const struct trc_hist *h, double q)
{
	uint64_t rank, cum = 0, lo, hi, mid;
	uint32_t b;

	if (h->total == 0)
		return 0;
	if (q <= 0.0)
		return h->min;
	if (q >= 1.0)
		return h->max;
	/* Nearest rank: ceil(q * total), at least 1. The small epsilon keeps
	 * 0.99 * 1000 from becoming 991 through binary rounding. */
	rank = (uint64_t)(q * (double)h->total - 1e-9);
	if ((double)rank < q * (double)h->total - 1e-9)
		rank++;
	if (rank == 0)
		rank = 1;
	for (b = 0; b < h->nb; b++) {
		cum += h->counts[b];
		if (cum >= rank)
			break;
	}
	if (b >= h->nb)
		return h->max;
	lo = trc_hist_lower(b);
	hi = trc_hist_upper(b);
	mid = lo + (hi - lo) / 2u;
	if (mid < h->min)
		mid = h->min;
	if (mid > h->max)
		mid = h->max;
	return mid;
}

int trc_hist_rows(struct trc_hist_row **out, size_t *nrows, const struct trc_hist *h,
                  size_t max_rows)
{
	struct trc_hist_row *rows = NULL;
	uint32_t bmin, bmax, span, per, b;
	size_t n = 0;

	*out = NULL;
	*nrows = 0;
	if (h->total == 0 || max_rows == 0)
		return 0;
	bmin = trc_hist_bucket(h->min);
	bmax = trc_hist_bucket(h->max);
	span = bmax - bmin + 1u;
	per = (uint32_t)((span + max_rows - 1u) / max_rows);
	rows = calloc((span + per - 1u) / per, sizeof(*rows));
	if (rows == NULL)
		return LC_ENOMEM;
	for (b = bmin; b <= bmax; b += per) {
		uint32_t last = b + per - 1u > bmax ? bmax : b + per - 1u, k;
		struct trc_hist_row *r = &rows[n++];

		r->lo = trc_hist_lower(b);
		r->hi = trc_hist_upper(last);
		for (k = b; k <= last; k++)
			r->count += h->counts[k];
	}
	/* The extreme rows show the exact extremes, not the bucket edges. */
	rows[0].lo = h->min;
	rows[n - 1].hi = h->max;
	*out = rows;
	*nrows = n;
	return 0;
}

static void label(char *buf, size_t n, uint64_t v, int unit_ns)
{
	if (unit_ns)
		trc_units_ns(buf, n, (double)v);
	else
		snprintf(buf, n, "%llu", (unsigned long long)v);
}

int trc_hist_draw(char **out, const struct trc_hist_row *rows, size_t nrows, unsigned width,
                  int unit_ns, uint64_t mark_above, int color)
{
	static const char *const eighths[] = {"", "▏", "▎", "▍", "▌", "▋", "▊", "▉"};
	char lo[TRC_UNITS_BUF], hi[TRC_UNITS_BUF];
	size_t i, wlo = 0, whi = 0, wcount = 5;
	uint64_t peak = 0, total = 0, cum = 0;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (f == NULL)
		return LC_ENOMEM;
	for (i = 0; i < nrows; i++) {
		char cnt[32];
		size_t w;

		label(lo, sizeof(lo), rows[i].lo, unit_ns);
		label(hi, sizeof(hi), rows[i].hi, unit_ns);
		w = trc_units_width(lo);
		wlo = w > wlo ? w : wlo;
		w = trc_units_width(hi);
		whi = w > whi ? w : whi;
		w = (size_t)snprintf(cnt, sizeof(cnt), "%llu", (unsigned long long)rows[i].count);
		wcount = w > wcount ? w : wcount;
		peak = rows[i].count > peak ? rows[i].count : peak;
		total += rows[i].count;
	}
	for (i = 0; i < nrows; i++) {
		/* Bar length in eighths of a cell, rounded up so a non-empty row
		 * always shows at least a sliver. */
		uint64_t eighth = peak ? (rows[i].count * width * 8u + peak - 1u) / peak : 0;
		unsigned full = (unsigned)(eighth / 8u), part = (unsigned)(eighth % 8u), k;
		size_t cells = full + (part ? 1u : 0u);
		int miss = mark_above != 0 && rows[i].hi > mark_above;

		cum += rows[i].count;
		label(lo, sizeof(lo), rows[i].lo, unit_ns);
		label(hi, sizeof(hi), rows[i].hi, unit_ns);
		fprintf(f, "  %*s%s - %*s%s |", (int)(wlo - trc_units_width(lo)), "", lo,
		        (int)(whi - trc_units_width(hi)), "", hi);
		if (color && miss)
			fputs("\033[31m", f);
		for (k = 0; k < full; k++)
			fputs("█", f);
		fputs(eighths[part], f);
		if (color && miss)
			fputs("\033[0m", f);
		fprintf(f, "%*s| %*llu %6.2f%% %6.2f%%%s\n", (int)(width - cells), "", (int)wcount,
		        (unsigned long long)rows[i].count,
		        total ? 100.0 * (double)rows[i].count / (double)total : 0.0,
		        total ? 100.0 * (double)cum / (double)total : 0.0, miss ? " !" : "");
	}
	if (fclose(f) != 0) {
		free(buf);
		return LC_ENOMEM;
	}
	*out = buf;
	return 0;
}
