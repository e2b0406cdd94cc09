/*
 * tracer/binary/dwarf_cu.c - per compile unit / per source file sizes from DWARF
 * (see dwarf_cu.h for the attribution rules).
 *
 * One pass over the DIEs of every compile unit collects "owner" intervals:
 * concrete subprograms (their ranges) and variables with a static address
 * (DW_OP_addr), each tagged with its row. Only the DIEs that can hold such
 * entities are descended into (compile units, namespaces, subprograms,
 * lexical blocks), which keeps the walk linear and cheap on big binaries.
 * The compile units' own ranges are a second, coarser map. Then the
 * symbols of each allocated section are walked in address order and each
 * byte goes to the owner of its symbol's address.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/dwarf_cu.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "strmap.h"

struct ival {
	uint64_t lo, hi;
	size_t row;
};

struct ctx {
	const struct trc_elf *e;
	uint64_t bad_off; /* 1 + .debug_info offset of the first DIE that does not parse */
	char bad_msg[128];
	enum trc_dwarf_cu_by by;
	struct trc_dwarf_cu_row *rows;
	size_t nrows, caprows;
	struct lc_strmap byname; /* row name -> index into rows */
	struct ival *fine, *coarse;
	size_t nfine, capfine, ncoarse, capcoarse;
	size_t ncus;
	struct lc_err *err;
};

/* Index of the row with that name, created when absent; (size_t)-1 on ENOMEM. */
static size_t intern(struct ctx *c, const char *name, int unattributed)
{
	const size_t *have = lc_strmap_get(&c->byname, name);
	struct trc_dwarf_cu_row *r;
	size_t *v;

	if (have != NULL)
		return *have;
	if (lc_grow(&c->rows, &c->caprows, c->nrows + 1, sizeof(*r), 64) < 0)
		return (size_t)-1;
	r = &c->rows[c->nrows];
	memset(r, 0, sizeof(*r));
	r->name = strdup(name);
	if (r->name == NULL)
		return (size_t)-1;
	r->unattributed = unattributed;
	v = lc_strmap_put(&c->byname, name, NULL);
	if (v == NULL) {
		free(r->name);
		return (size_t)-1;
	}
	*v = c->nrows;
	return c->nrows++;
}

static int push(struct ival **v, size_t *n, size_t *cap, uint64_t lo, uint64_t hi, size_t row)
{
	if (lc_grow(v, cap, *n + 1, sizeof(**v), 1024) < 0)
		return LC_ENOMEM;
	(*v)[*n].lo = lo;
	(*v)[*n].hi = hi;
	(*v)[*n].row = row;
	(*n)++;
	return 0;
}

/* The row of an entity DIE: its CU's row, or the row of its declaring file. */
static size_t entity_row(struct ctx *c, Dwarf_Die *die, size_t curow)
{
	const char *f;

	if (c->by == TRC_DWARF_CU_BY_CU)
		return curow;
	f = dwarf_decl_file(die);
	return f ? intern(c, f, 0) : curow;
}

static int add_ranges(struct ctx *c, Dwarf_Die *die, size_t row, int coarse)
{
	Dwarf_Addr base, lo, hi;
	ptrdiff_t off = 0;
	int rc = 0;

	while ((off = dwarf_ranges(die, off, &base, &lo, &hi)) > 0) {
		if (hi <= lo || lo == 0)
			continue;
		rc = coarse ? push(&c->coarse, &c->ncoarse, &c->capcoarse, lo, hi, row)
		            : push(&c->fine, &c->nfine, &c->capfine, lo, hi, row);
		if (rc < 0)
			break;
	}
	return rc;
}

static int add_variable(struct ctx *c, Dwarf_Die *die, size_t curow)
{
	Dwarf_Attribute attr;
	Dwarf_Op *ops = NULL;
	size_t nops = 0, row;

	if (dwarf_attr(die, DW_AT_location, &attr) == NULL ||
	    dwarf_getlocation(&attr, &ops, &nops) != 0 || nops != 1 || ops[0].atom != DW_OP_addr ||
	    ops[0].number == 0)
		return 0;
	row = entity_row(c, die, curow);
	if (row == (size_t)-1)
		return LC_ENOMEM;
	return push(&c->fine, &c->nfine, &c->capfine, ops[0].number, ops[0].number + 1, row);
}

/* Records where the DWARF stopped parsing (the first place only). */
static int bad_die(struct ctx *c, Dwarf_Die *die)
{
	if (c->bad_off == 0)
		c->bad_off = dwarf_dieoffset(die) + 1;
	snprintf(c->bad_msg, sizeof(c->bad_msg), "%s", dwarf_errmsg(-1));
	return LC_EFORMAT;
}

/* Walks the children of die; depth bounds the recursion on corrupt input. */
static int walk(struct ctx *c, Dwarf_Die *die, size_t curow, int depth)
{
	Dwarf_Die child;
	int rc = 0, r;

	if (depth > 64)
		return 0;
	r = dwarf_child(die, &child);
	if (r < 0)
		return bad_die(c, die);
	if (r > 0)
		return 0;
	do {
		int tag = dwarf_tag(&child);

		if (tag == DW_TAG_invalid)
			return bad_die(c, &child);
		switch (tag) {
		case DW_TAG_subprogram: {
			size_t row = entity_row(c, &child, curow);

			if (row == (size_t)-1)
				return LC_ENOMEM;
			rc = add_ranges(c, &child, row, 0);
			if (rc == 0)
				rc = walk(c, &child, curow, depth + 1);
			break;
		}
		case DW_TAG_variable:
			rc = add_variable(c, &child, curow);
			break;
		case DW_TAG_namespace:
		case DW_TAG_lexical_block:
			rc = walk(c, &child, curow, depth + 1);
			break;
		default:
			break;
		}
		if (rc < 0)
			return rc;
		r = dwarf_siblingof(&child, &child);
	} while (r == 0);
	return r < 0 ? bad_die(c, &child) : 0;
}

static int ival_cmp(const void *a, const void *b)
{
	const struct ival *x = a, *y = b;

	if (x->lo != y->lo)
		return x->lo < y->lo ? -1 : 1;
	return x->hi < y->hi ? 1 : (x->hi > y->hi ? -1 : 0);
}

static int row_cmp(const void *a, const void *b)
{
	const struct trc_dwarf_cu_row *x = a, *y = b;
	uint64_t sx = x->flash + x->ram, sy = y->flash + y->ram;

	if (sx != sy)
		return sx > sy ? -1 : 1;
	return strcmp(x->name, y->name);
}

static void credit(struct trc_dwarf_cu_row *r, const struct trc_elf_section *s, uint64_t bytes)
{
	if (s->flash)
		r->flash += bytes;
	if (s->ram)
		r->ram += bytes;
}

/* The first interval of v (sorted by start) that holds addr or starts
 * after it; NULL when none. The innermost start at or before addr is
 * tried, then a few before it (a variable's 1-byte interval inside nothing
 * else). */
static const struct ival *ival_at_or_after(const struct ival *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n, i;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].lo <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i > 0 && lo - i < 8; i--)
		if (addr < v[i - 1].hi)
			return &v[i - 1];
	return lo < n ? &v[lo] : NULL;
}

/* The row of the interval of v that holds addr, or (size_t)-1. */
static size_t lookup(const struct ival *v, size_t n, uint64_t addr)
{
	const struct ival *iv = ival_at_or_after(v, n, addr);

	return iv != NULL && iv->lo <= addr && addr < iv->hi ? iv->row : (size_t)-1;
}

static int other_row(struct ctx *c, const struct trc_elf_section *s, size_t *other)
{
	char name[300];

	if (*other == (size_t)-1) {
		snprintf(name, sizeof(name), "[%s]", s->name);
		*other = intern(c, name, 1);
		if (*other == (size_t)-1)
			return LC_ENOMEM;
	}
	return 0;
}

/*
 * Gives the bytes [lo, hi) that no sized symbol covers to the compile unit
 * whose DWARF ranges hold them (an assembly function whose symbol has no
 * size, such as newlib's memchr.S, is sized by its CU's DW_AT_low_pc/high_pc),
 * and the rest to "[SECTION]".
 */
static int attribute_gap(struct ctx *c, const struct trc_elf_section *s, uint64_t lo, uint64_t hi,
                         size_t *other)
{
	while (lo < hi) {
		const struct ival *iv = ival_at_or_after(c->coarse, c->ncoarse, lo);
		uint64_t to;

		if (iv != NULL && iv->lo <= lo) {
			to = iv->hi < hi ? iv->hi : hi;
			credit(&c->rows[iv->row], s, to - lo);
		} else {
			to = iv != NULL && iv->lo < hi ? iv->lo : hi;
			if (other_row(c, s, other) < 0)
				return LC_ENOMEM;
			credit(&c->rows[*other], s, to - lo);
		}
		lo = to;
	}
	return 0;
}

/* Gives every byte of section s to a row. */
static int attribute_section(struct ctx *c, const struct trc_elf_section *s, size_t *symi)
{
	const struct trc_elf *e = c->e;
	uint64_t cursor = s->addr, end = s->addr + s->size, symbytes = 0;
	size_t other = (size_t)-1, i;
	char name[300];
	int tls = (s->flags & SHF_TLS) != 0;

	/* Symbols are sorted by address; TLS symbols hold offsets, so for a
	 * TLS section they are matched by section index instead. */
	for (i = tls ? 0 : *symi; i < e->nsymbols; i++) {
		const struct trc_elf_symbol *y = &e->symbols[i];
		uint64_t lo, hi, a;
		size_t row;

		if (tls) {
			if (y->shndx != s->index)
				continue;
			a = s->addr + y->addr;
		} else {
			a = y->addr;
			if (a >= end)
				break;
			if (y->shndx != s->index)
				continue;
		}
		lo = a > cursor ? a : cursor;
		hi = y->size > end - a ? end : a + y->size;
		if (a < s->addr || hi <= lo)
			continue;
		if (!tls && lo > cursor) {
			if (attribute_gap(c, s, cursor, lo, &other) < 0)
				return LC_ENOMEM;
			symbytes += lo - cursor;
		}
		row = lookup(c->fine, c->nfine, a);
		if (row == (size_t)-1)
			row = lookup(c->coarse, c->ncoarse, a);
		if (row == (size_t)-1) {
			if (other == (size_t)-1) {
				snprintf(name, sizeof(name), "[%s]", s->name);
				other = intern(c, name, 1);
				if (other == (size_t)-1)
					return LC_ENOMEM;
			}
			row = other;
		}
		credit(&c->rows[row], s, hi - lo);
		c->rows[row].nsymbols++;
		symbytes += hi - lo;
		if (!tls)
			cursor = hi;
	}
	if (!tls)
		*symi = i;
	if (!tls && cursor < end) {
		if (attribute_gap(c, s, cursor, end, &other) < 0)
			return LC_ENOMEM;
		symbytes += end - cursor;
	}
	if (symbytes < s->size) {
		if (other == (size_t)-1) {
			snprintf(name, sizeof(name), "[%s]", s->name);
			other = intern(c, name, 1);
			if (other == (size_t)-1)
				return LC_ENOMEM;
		}
		credit(&c->rows[other], s, s->size - symbytes);
	}
	return 0;
}

static int sec_order(const void *a, const void *b)
{
	const struct trc_elf_section *x = *(const struct trc_elf_section *const *)a;
	const struct trc_elf_section *y = *(const struct trc_elf_section *const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return x->index < y->index ? -1 : 1;
}

int trc_dwarf_cu_new(struct trc_dwarf_cu **out, const struct trc_elf *e, enum trc_dwarf_cu_by by,
                     struct lc_err *err)
{
	struct ctx c;
	struct trc_dwarf_cu *d = NULL;
	const struct trc_elf_section **secs = NULL;
	Dwarf *dw = NULL;
	Dwarf_Off off = 0, next;
	size_t hsize, nsec = 0, i, symi = 0;
	int rc = 0, r;
	const struct trc_elf_section *info;

	*out = NULL;
	memset(&c, 0, sizeof(c));
	c.e = e;
	c.by = by;
	c.err = err;
	if (!e->has_debug_info) {
		rc = lc_err_set(err, LC_ENOTFOUND,
		                "%s: no DWARF debug info (.debug_info is missing: stripped, or "
		                "built without -g)",
		                e->path);
		goto out;
	}
	dw = dwarf_begin_elf(e->elf, DWARF_C_READ, NULL);
	if (dw == NULL) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: cannot read DWARF: %s", e->path,
		                dwarf_errmsg(-1));
		goto out;
	}
	while ((r = dwarf_nextcu(dw, off, &next, &hsize, NULL, NULL, NULL)) == 0) {
		Dwarf_Die cu;
		const char *name;
		size_t row;

		if (dwarf_offdie(dw, off + hsize, &cu) == NULL) {
			rc = lc_err_set(err, LC_EFORMAT,
			                "%s: corrupt DWARF: the compile unit at .debug_info+0x%llx "
			                "does not parse: %s",
			                e->path, (unsigned long long)off, dwarf_errmsg(-1));
			goto out;
		}
		name = dwarf_diename(&cu);
		row = intern(&c, name ? name : "[unnamed CU]", 0);
		if (row == (size_t)-1) {
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
		c.ncus++;
		if ((rc = add_ranges(&c, &cu, row, 1)) < 0 || (rc = walk(&c, &cu, row, 0)) < 0) {
			if (rc == LC_EFORMAT)
				rc = lc_err_set(
				        err, LC_EFORMAT,
				        "%s: corrupt DWARF: the entry at .debug_info+0x%llx (in "
				        "the compile unit '%s') does not parse: %s",
				        e->path, (unsigned long long)(c.bad_off - 1),
				        name ? name : "?", c.bad_msg);
			else
				rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
		if (next <= off)
			break;
		off = next;
	}
	info = trc_elf_section_by_name(e, ".debug_info");
	if (r < 0 || (info != NULL && r > 0 && off < info->size)) {
		rc = lc_err_set(err, LC_EFORMAT,
		                "%s: corrupt DWARF: .debug_info does not parse from offset 0x%llx "
		                "of %llu bytes: %s",
		                e->path, (unsigned long long)off,
		                (unsigned long long)(info ? info->size : 0),
		                r < 0 ? dwarf_errmsg(-1) : "no further compile unit header");
		goto out;
	}
	if (c.nfine > 1)
		qsort(c.fine, c.nfine, sizeof(*c.fine), ival_cmp);
	if (c.ncoarse > 1)
		qsort(c.coarse, c.ncoarse, sizeof(*c.coarse), ival_cmp);

	secs = calloc(e->nsections ? e->nsections : 1, sizeof(*secs));
	if (secs == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 1; i < e->nsections; i++)
		if ((e->sections[i].flags & SHF_ALLOC) && e->sections[i].size > 0)
			secs[nsec++] = &e->sections[i];
	qsort(secs, nsec, sizeof(*secs), sec_order);
	for (i = 0; i < nsec; i++) {
		/* The symbol cursor only moves forward for sections in address
		 * order; rewind it for a section that starts below it. */
		while (symi > 0 && e->symbols[symi - 1].addr >= secs[i]->addr)
			symi--;
		if (attribute_section(&c, secs[i], &symi) < 0) {
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
	}

	d = calloc(1, sizeof(*d));
	if (d == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	/* Keep rows with bytes: a CU whose code all went elsewhere (or was
	 * discarded by the linker) is not a row of the report. */
	for (i = 0; i < c.nrows; i++) {
		if (c.rows[i].flash == 0 && c.rows[i].ram == 0) {
			free(c.rows[i].name);
			continue;
		}
		d->flash += c.rows[i].flash;
		d->ram += c.rows[i].ram;
		c.rows[d->n++] = c.rows[i];
	}
	d->rows = c.rows;
	c.rows = NULL;
	c.nrows = 0;
	d->ncus = c.ncus;
	if (d->n > 1)
		qsort(d->rows, d->n, sizeof(*d->rows), row_cmp);
	*out = d;
	d = NULL;
out:
	for (i = 0; i < c.nrows; i++)
		free(c.rows[i].name);
	free(c.rows);
	lc_strmap_fini(&c.byname);
	free(c.fine);
	free(c.coarse);
	free(secs);
	if (dw)
		dwarf_end(dw);
	trc_dwarf_cu_free(d);
	return rc;
}

void trc_dwarf_cu_free(struct trc_dwarf_cu *d)
{
	size_t i;

	if (d == NULL)
		return;
	for (i = 0; i < d->n; i++)
		free(d->rows[i].name);
	free(d->rows);
	free(d);
}
