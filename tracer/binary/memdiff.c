/*
 * tracer/binary/memdiff.c - section and symbol size changes between two ELF files
 * (see memdiff.h). Each side is reduced to a name-sorted list with
 * duplicate names summed, and the two lists are merged.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/memdiff.h"

#include <gelf.h>
#include <stdlib.h>
#include <string.h>

struct item {
	const char *name;
	uint64_t size;
	enum trc_mem mem;
};

static int item_cmp(const void *a, const void *b)
{
	return strcmp(((const struct item *)a)->name, ((const struct item *)b)->name);
}

/* Fills *out with the named sizes of e (sections or symbols), sorted by name
 * with duplicates summed. Returns the count, or (size_t)-1 on ENOMEM. */
static size_t collect(struct item **out, const struct trc_elf *e, int sections)
{
	size_t n = sections ? e->nsections : e->nsymbols, k = 0, i, w = 0;
	struct item *v = calloc(n ? n : 1, sizeof(*v));

	*out = v;
	if (v == NULL)
		return (size_t)-1;
	for (i = 0; i < n; i++) {
		if (sections) {
			const struct trc_elf_section *s = &e->sections[i];

			if (i == 0 || !(s->flags & SHF_ALLOC) || s->name[0] == '\0')
				continue;
			v[k].name = s->name;
			v[k].size = s->size;
			v[k].mem = s->mem;
		} else {
			v[k].name = e->symbols[i].name;
			v[k].size = e->symbols[i].size;
			v[k].mem = e->symbols[i].mem;
		}
		k++;
	}
	qsort(v, k, sizeof(*v), item_cmp);
	for (i = 0; i < k; i++) {
		if (w > 0 && strcmp(v[w - 1].name, v[i].name) == 0)
			v[w - 1].size += v[i].size;
		else
			v[w++] = v[i];
	}
	return w;
}

static uint64_t absdelta(int64_t d)
{
	return d < 0 ? (uint64_t)0 - (uint64_t)d : (uint64_t)d;
}

static int row_cmp(const void *a, const void *b)
{
	const struct trc_memdiff_row *x = a, *y = b;
	uint64_t ax = absdelta(x->delta), ay = absdelta(y->delta);

	if (ax != ay)
		return ax > ay ? -1 : 1;
	if (x->is_section != y->is_section)
		return x->is_section ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int merge(struct trc_memdiff *d, const struct item *b, size_t nb, const struct item *c,
                 size_t nc, int sections)
{
	size_t i = 0, j = 0;

	while (i < nb || j < nc) {
		int cmp = i >= nb ? 1 : (j >= nc ? -1 : strcmp(b[i].name, c[j].name));
		struct trc_memdiff_row *r = &d->rows[d->n];

		memset(r, 0, sizeof(*r));
		r->is_section = sections;
		if (cmp < 0) {
			r->name = b[i].name;
			r->base = b[i].size;
			r->mem = b[i].mem;
			r->status = TRC_MEMDIFF_REMOVED;
			i++;
		} else if (cmp > 0) {
			r->name = c[j].name;
			r->cur = c[j].size;
			r->mem = c[j].mem;
			r->status = TRC_MEMDIFF_ADDED;
			j++;
		} else {
			r->name = c[j].name;
			r->base = b[i].size;
			r->cur = c[j].size;
			r->mem = c[j].mem;
			i++;
			j++;
			if (r->base == r->cur) {
				if (sections)
					d->unchanged_sections++;
				else
					d->unchanged_symbols++;
				continue;
			}
			r->status = r->cur > r->base ? TRC_MEMDIFF_GREW : TRC_MEMDIFF_SHRANK;
		}
		r->delta = (int64_t)r->cur - (int64_t)r->base;
		d->n++;
	}
	return 0;
}

int trc_memdiff_new(struct trc_memdiff **out, const struct trc_elf *base, const struct trc_elf *cur,
                    struct lc_err *err)
{
	struct item *bs = NULL, *cs = NULL, *by = NULL, *cy = NULL;
	size_t nbs, ncs, nby, ncy;
	struct trc_memdiff *d = NULL;
	int rc = 0;

	*out = NULL;
	nbs = collect(&bs, base, 1);
	ncs = collect(&cs, cur, 1);
	nby = collect(&by, base, 0);
	ncy = collect(&cy, cur, 0);
	d = calloc(1, sizeof(*d));
	if (nbs == (size_t)-1 || ncs == (size_t)-1 || nby == (size_t)-1 || ncy == (size_t)-1 ||
	    d == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	d->rows = calloc(nbs + ncs + nby + ncy + 1, sizeof(*d->rows));
	if (d->rows == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	merge(d, bs, nbs, cs, ncs, 1);
	merge(d, by, nby, cy, ncy, 0);
	qsort(d->rows, d->n, sizeof(*d->rows), row_cmp);
	d->flash_delta = (int64_t)cur->flash - (int64_t)base->flash;
	d->ram_delta = (int64_t)cur->ram - (int64_t)base->ram;
	*out = d;
	d = NULL;
out:
	trc_memdiff_free(d);
	free(bs);
	free(cs);
	free(by);
	free(cy);
	return rc;
}

void trc_memdiff_free(struct trc_memdiff *d)
{
	if (d == NULL)
		return;
	free(d->rows);
	free(d);
}

const char *trc_memdiff_status_name(enum trc_memdiff_status s)
{
	switch (s) {
	case TRC_MEMDIFF_GREW:
		return "grew";
	case TRC_MEMDIFF_SHRANK:
		return "shrank";
	case TRC_MEMDIFF_ADDED:
		return "added";
	default:
		return "removed";
	}
}
