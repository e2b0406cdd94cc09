/*
 * tracer/cmd_memmap.c - latch-trace memmap: where the bytes of an ELF file
 * are, in flash and in RAM; what changed against a base build; memory
 * budgets.
 *
 * The report always starts with the totals and, unless --by asks for
 * something else, the section and segment tables; --regions/--map add the
 * region table, --diff the change table, --budgets the verdicts. Totals
 * follow elf.h: .data counts once in flash and once in RAM; stack and heap
 * reservations are RAM but shown apart.
 */
#define _POSIX_C_SOURCE 200809L
#include "cmd.h"
#include "report/budget.h"
#include "binary/dwarf_cu.h"
#include "binary/elf.h"
#include "binary/memdiff.h"
#include "report/membudget.h"
#include "report/out.h"
#include "binary/regions.h"
#include "report/units.h"

#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum by { BY_SECTION, BY_SEGMENT, BY_SYMBOL, BY_CU, BY_FILE };

struct mm_args {
	const char *elf;
	const char *diff;
	const char *budgets;
	const char *regions;
	const char *map;
	int by; /* enum by */
	int by_given;
	size_t top; /* 0: all rows */
	struct trc_out_opts out;
};

static const struct trc_opt_choice by_names[] = {{"section", BY_SECTION},
                                                 {"sections", BY_SECTION},
                                                 {"segment", BY_SEGMENT},
                                                 {"segments", BY_SEGMENT},
                                                 {"symbol", BY_SYMBOL},
                                                 {"symbols", BY_SYMBOL},
                                                 {"cu", BY_CU},
                                                 {"compileunits", BY_CU},
                                                 {"file", BY_FILE},
                                                 {"files", BY_FILE},
                                                 {NULL, 0}};

/* The command line: one table, the help generated from it (report/opt.h).
 * Returns 0 to go on, 1 after printing the help, 2 after a usage error. */
static int parse_args(struct mm_args *a, int argc, char **argv)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_CHOICE, "by", 0, NULL, &a->by, NULL, 0, by_names, 0, &a->by_given, "WHAT",
	         "section (default: sections and segments), segment,\n"
	         "symbol, cu (compile unit, DWARF) or file (source file, DWARF)"},
	        {TRC_OPT_STR, "regions", 0, NULL, &a->regions, NULL, 0, NULL, 0, NULL, "R",
	         "memory regions NAME=ORIGIN:LENGTH[,...], e.g.\n"
	         "FLASH=0x08000000:512K,RAM=0x20000000:128K"},
	        {TRC_OPT_STR, "map", 0, NULL, &a->map, NULL, 0, NULL, 0, NULL, "FILE",
	         "read the regions from a GNU ld map file (-Wl,-Map=FILE)"},
	        {TRC_OPT_STR, "diff", 0, NULL, &a->diff, NULL, 0, NULL, 0, NULL, "BASE",
	         "what grew, shrank, appeared and vanished since BASE.elf"},
	        {TRC_OPT_STR, "budgets", 0, NULL, &a->budgets, NULL, 0, NULL, 0, NULL, "FILE",
	         "check the budgets.memory limits of a rules YAML file"},
	        {TRC_OPT_COUNT, "top", 0, NULL, &a->top, NULL, 0, NULL, 0, NULL, "N",
	         "list only the N largest rows (symbols, cu, file, diff; 0: all)"},
	        TRC_OPT_OUT_SPECS(&a->out),
	        {TRC_OPT_OPERAND, NULL, 0, NULL, &a->elf, NULL, 0, NULL, TRC_OPT_REQUIRED, NULL,
	         "ELF", "an ELF file"},
	        {TRC_OPT_END, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL}};
	const struct trc_cmd_spec spec = {
	        "memmap", "memmap ELF [options]",
	        "Sizes of an ELF file in flash and RAM, as the linker placed them.", opts,
	        "exit status: 0 ok, 1 a budget broken, 2 usage error or unreadable input\n"};
	int status = LC_EXIT_CLEAN;

	memset(a, 0, sizeof(*a));
	if (trc_cmd_args(&spec, argc, argv, &status) == 0)
		return 0;
	return status == LC_EXIT_CLEAN ? 1 : 2;
}

/* A size cell: raw bytes in JSON/CSV, "4.0 KiB" in text. */
static int cell_bytes(struct trc_table *t, int col, uint64_t v)
{
	char buf[TRC_UNITS_BUF];

	return trc_table_u64(t, col, v, trc_units_bytes(buf, sizeof(buf), v));
}

static int cell_addr(struct trc_table *t, int col, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%08llx", (unsigned long long)v);
	return trc_table_u64(t, col, v, buf);
}

static int cell_delta(struct trc_table *t, int col, int64_t v)
{
	char buf[TRC_UNITS_BUF + 1];

	if (v >= 0) {
		buf[0] = '+';
		trc_units_bytes(buf + 1, sizeof(buf) - 1, (uint64_t)v);
	} else {
		buf[0] = '-';
		trc_units_bytes(buf + 1, sizeof(buf) - 1, (uint64_t)0 - (uint64_t)v);
	}
	return trc_table_i64(t, col, v, buf);
}

static int meta_bytes(struct trc_doc *d, const char *key, const char *label, uint64_t v)
{
	char h[TRC_UNITS_BUF + 32];
	char b[TRC_UNITS_BUF];

	snprintf(h, sizeof(h), "%llu bytes (%s)", (unsigned long long)v,
	         trc_units_bytes(b, sizeof(b), v));
	return trc_doc_meta_u64(d, key, label, v, h);
}

static const char *machine_name(uint16_t m)
{
	switch (m) {
	case EM_X86_64:
		return "x86-64";
	case EM_386:
		return "i386";
	case EM_ARM:
		return "ARM";
	case EM_AARCH64:
		return "AArch64";
	case EM_RISCV:
		return "RISC-V";
	default:
		return "other";
	}
}

static int add_sections(struct trc_doc *d, const struct trc_elf *e)
{
	struct trc_table *t = NULL;
	int c_name, c_type, c_vma, c_lma, c_size, c_file, c_flash, c_ram, c_mem, rc;
	size_t i;
	char tb[16];

	rc = trc_doc_add_table(&t, d, "sections", "Sections");
	if (rc < 0)
		return rc;
	c_name = trc_table_col(t, "name", "section", TRC_ALIGN_LEFT);
	c_type = trc_table_col(t, "type", "type", TRC_ALIGN_LEFT);
	c_vma = trc_table_col(t, "vma", "vma", TRC_ALIGN_RIGHT);
	c_lma = trc_table_col(t, "lma", "lma", TRC_ALIGN_RIGHT);
	c_size = trc_table_col(t, "size", "size", TRC_ALIGN_RIGHT);
	c_file = trc_table_col(t, "file_size", "in file", TRC_ALIGN_RIGHT);
	c_flash = trc_table_col(t, "flash", "flash", TRC_ALIGN_RIGHT);
	c_ram = trc_table_col(t, "ram", "ram", TRC_ALIGN_RIGHT);
	c_mem = trc_table_col(t, "class", "class", TRC_ALIGN_LEFT);
	if (c_mem < 0)
		return c_mem;
	for (i = 1; i < e->nsections && rc >= 0; i++) {
		const struct trc_elf_section *s = &e->sections[i];
		const char *cls;

		if (!s->in_size_a)
			continue;
		cls = s->reserved ? "ram (reserved)" : trc_elf_mem_name(s->mem);
		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_str(t, c_name, s->name);
		if (rc >= 0)
			rc = trc_table_str(t, c_type, trc_elf_sht_name(s->type, tb, sizeof(tb)));
		if (rc >= 0)
			rc = cell_addr(t, c_vma, s->addr);
		if (rc >= 0)
			rc = cell_addr(t, c_lma, s->lma);
		if (rc >= 0)
			rc = trc_table_u64(t, c_size, s->size, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_file, s->type == SHT_NOBITS ? 0 : s->size, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_flash, s->flash, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_ram, s->ram, NULL);
		if (rc >= 0)
			rc = trc_table_str(t, c_mem, cls);
		if (s->reserved)
			trc_table_style(t, c_mem, TRC_STYLE_DIM);
	}
	return rc < 0 ? rc : 0;
}

static int add_segments(struct trc_doc *d, const struct trc_elf *e)
{
	struct trc_table *t = NULL;
	int c_idx, c_type, c_flags, c_off, c_vaddr, c_paddr, c_filesz, c_memsz, c_flash, c_ram, rc;
	size_t i;
	char tb[16], fl[4];

	rc = trc_doc_add_table(&t, d, "segments", "Segments (program headers)");
	if (rc < 0)
		return rc;
	c_idx = trc_table_col(t, "index", "#", TRC_ALIGN_RIGHT);
	c_type = trc_table_col(t, "type", "type", TRC_ALIGN_LEFT);
	c_flags = trc_table_col(t, "flags", "flags", TRC_ALIGN_LEFT);
	c_off = trc_table_col(t, "offset", "offset", TRC_ALIGN_RIGHT);
	c_vaddr = trc_table_col(t, "vaddr", "vaddr", TRC_ALIGN_RIGHT);
	c_paddr = trc_table_col(t, "paddr", "paddr", TRC_ALIGN_RIGHT);
	c_filesz = trc_table_col(t, "filesz", "filesz", TRC_ALIGN_RIGHT);
	c_memsz = trc_table_col(t, "memsz", "memsz", TRC_ALIGN_RIGHT);
	c_flash = trc_table_col(t, "flash", "flash", TRC_ALIGN_RIGHT);
	c_ram = trc_table_col(t, "ram", "ram", TRC_ALIGN_RIGHT);
	if (c_ram < 0)
		return c_ram;
	for (i = 0; i < e->nsegments && rc >= 0; i++) {
		const struct trc_elf_segment *s = &e->segments[i];

		fl[0] = (s->flags & PF_R) ? 'R' : '-';
		fl[1] = (s->flags & PF_W) ? 'W' : '-';
		fl[2] = (s->flags & PF_X) ? 'X' : '-';
		fl[3] = '\0';
		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_u64(t, c_idx, s->index, NULL);
		if (rc >= 0)
			rc = trc_table_str(t, c_type, trc_elf_pt_name(s->type, tb, sizeof(tb)));
		if (rc >= 0)
			rc = trc_table_str(t, c_flags, fl);
		if (rc >= 0)
			rc = cell_addr(t, c_off, s->offset);
		if (rc >= 0)
			rc = cell_addr(t, c_vaddr, s->vaddr);
		if (rc >= 0)
			rc = cell_addr(t, c_paddr, s->paddr);
		if (rc >= 0)
			rc = trc_table_u64(t, c_filesz, s->filesz, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_memsz, s->memsz, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_flash, s->flash, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_ram, s->ram, NULL);
	}
	return rc < 0 ? rc : 0;
}

/* The region table. A region filled past its length, or allocated bytes in
 * no region (the regions given are wrong), is an error finding: *errors
 * counts them and the command exits 1. */
static int add_regions(struct trc_doc *d, const char *path, const struct trc_regions *r,
                       size_t *errors)
{
	struct trc_table *t = NULL;
	int c_name, c_origin, c_len, c_used, c_free, c_pct, rc;
	size_t i;

	rc = trc_doc_add_table(&t, d, "regions", "Memory regions");
	if (rc < 0)
		return rc;
	c_name = trc_table_col(t, "name", "region", TRC_ALIGN_LEFT);
	c_origin = trc_table_col(t, "origin", "origin", TRC_ALIGN_RIGHT);
	c_len = trc_table_col(t, "length", "length", TRC_ALIGN_RIGHT);
	c_used = trc_table_col(t, "used", "used", TRC_ALIGN_RIGHT);
	c_free = trc_table_col(t, "free", "headroom", TRC_ALIGN_RIGHT);
	c_pct = trc_table_col(t, "used_pct", "used %", TRC_ALIGN_RIGHT);
	if (c_pct < 0)
		return c_pct;
	for (i = 0; i < r->n && rc >= 0; i++) {
		const struct trc_region *g = &r->r[i];
		double pct = g->length ? 100.0 * (double)g->used / (double)g->length : 0.0;
		char pb[32];

		snprintf(pb, sizeof(pb), "%.2f%%", pct);
		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_str(t, c_name, g->name);
		if (rc >= 0)
			rc = cell_addr(t, c_origin, g->origin);
		if (rc >= 0)
			rc = cell_bytes(t, c_len, g->length);
		if (rc >= 0)
			rc = trc_table_u64(t, c_used, g->used, NULL);
		if (rc >= 0)
			rc = cell_delta(t, c_free, (int64_t)g->length - (int64_t)g->used);
		if (rc >= 0)
			rc = trc_table_f64(t, c_pct, pct, pb);
		if (g->used > g->length) {
			trc_table_style(t, c_free, TRC_STYLE_BAD);
			(*errors)++;
		}
	}
	for (i = 0; i < r->n && rc >= 0; i++)
		if (r->r[i].used > r->r[i].length)
			rc = trc_doc_note(
			        d,
			        "%s: error: region '%s' overflowed: %llu bytes used of %llu "
			        "(%.0f%%) [region]",
			        path, r->r[i].name, (unsigned long long)r->r[i].used,
			        (unsigned long long)r->r[i].length,
			        100.0 * (double)r->r[i].used / (double)r->r[i].length);
	if (rc >= 0 && r->outside > 0) {
		(*errors)++;
		rc = trc_doc_note(d,
		                  "%s: error: %llu allocated bytes lie outside every region: the "
		                  "regions given do not describe this image [region]",
		                  path, (unsigned long long)r->outside);
	}
	return rc < 0 ? rc : 0;
}

/* Largest first, then by name, then by address. */
static int sym_size_cmp(const void *a, const void *b)
{
	const struct trc_elf_symbol *x = *(const struct trc_elf_symbol *const *)a;
	const struct trc_elf_symbol *y = *(const struct trc_elf_symbol *const *)b;
	int c;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	c = strcmp(x->name, y->name);
	if (c != 0)
		return c;
	return x->addr < y->addr ? -1 : (x->addr > y->addr);
}

static int add_symbols(struct trc_doc *d, const struct trc_elf *e, size_t top)
{
	struct trc_table *t = NULL;
	const struct trc_elf_symbol **v = NULL;
	int c_name, c_type, c_addr, c_size, c_mem, c_sec, rc;
	size_t i, n = 0;
	char tb[2] = {0, 0};

	v = calloc(e->nsymbols ? e->nsymbols : 1, sizeof(*v));
	if (v == NULL)
		return LC_ENOMEM;
	for (i = 0; i < e->nsymbols; i++)
		v[n++] = &e->symbols[i];
	qsort(v, n, sizeof(*v), sym_size_cmp);
	rc = trc_doc_add_table(&t, d, "symbols", "Symbols");
	if (rc < 0)
		goto out;
	c_name = trc_table_col(t, "name", "symbol", TRC_ALIGN_LEFT);
	c_type = trc_table_col(t, "nm", "nm", TRC_ALIGN_LEFT);
	c_addr = trc_table_col(t, "address", "address", TRC_ALIGN_RIGHT);
	c_size = trc_table_col(t, "size", "size", TRC_ALIGN_RIGHT);
	c_mem = trc_table_col(t, "class", "class", TRC_ALIGN_LEFT);
	c_sec = trc_table_col(t, "section", "section", TRC_ALIGN_LEFT);
	rc = c_sec;
	if (rc < 0)
		goto out;
	trc_doc_set_primary(d, t);
	for (i = 0; i < n && (top == 0 || i < top) && rc >= 0; i++) {
		tb[0] = v[i]->nm;
		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_str(t, c_name, v[i]->name);
		if (rc >= 0)
			rc = trc_table_str(t, c_type, tb);
		if (rc >= 0)
			rc = cell_addr(t, c_addr, v[i]->addr);
		if (rc >= 0)
			rc = trc_table_u64(t, c_size, v[i]->size, NULL);
		if (rc >= 0)
			rc = trc_table_str(t, c_mem, trc_elf_mem_name(v[i]->mem));
		if (rc >= 0)
			rc = trc_table_str(t, c_sec,
			                   v[i]->shndx ? e->sections[v[i]->shndx].name : "");
	}
	if (rc >= 0 && top && n > top)
		rc = trc_doc_note(d, "%zu smaller symbols not listed (--top %zu)", n - top, top);
out:
	free(v);
	return rc < 0 ? rc : 0;
}

static int add_cu(struct trc_doc *d, const struct trc_elf *e, enum by by, size_t top,
                  struct lc_err *err)
{
	struct trc_dwarf_cu *cu = NULL;
	struct trc_table *t = NULL;
	int c_name, c_flash, c_ram, c_syms, rc;
	size_t i;

	rc = trc_dwarf_cu_new(&cu, e, by == BY_CU ? TRC_DWARF_CU_BY_CU : TRC_DWARF_CU_BY_FILE, err);
	if (rc < 0)
		goto out;
	rc = trc_doc_add_table(&t, d, by == BY_CU ? "compile_units" : "files",
	                       by == BY_CU ? "Compile units (DWARF)" : "Source files (DWARF)");
	if (rc < 0)
		goto nomem;
	c_name = trc_table_col(t, "name", by == BY_CU ? "compile unit" : "file", TRC_ALIGN_LEFT);
	c_flash = trc_table_col(t, "flash", "flash", TRC_ALIGN_RIGHT);
	c_ram = trc_table_col(t, "ram", "ram", TRC_ALIGN_RIGHT);
	c_syms = trc_table_col(t, "symbols", "symbols", TRC_ALIGN_RIGHT);
	rc = c_syms;
	if (rc < 0)
		goto nomem;
	trc_doc_set_primary(d, t);
	for (i = 0; i < cu->n && (top == 0 || i < top) && rc >= 0; i++) {
		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_str(t, c_name, cu->rows[i].name);
		if (rc >= 0)
			rc = trc_table_u64(t, c_flash, cu->rows[i].flash, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_ram, cu->rows[i].ram, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_syms, cu->rows[i].nsymbols, NULL);
	}
	if (rc >= 0)
		rc = trc_doc_meta_u64(d, "compile_units", "compile units", cu->ncus, NULL);
	if (rc >= 0 && top && cu->n > top)
		rc = trc_doc_note(d, "%zu smaller rows not listed (--top %zu)", cu->n - top, top);
	if (rc >= 0)
		rc = trc_doc_note(
		        d, "rows named [SECTION] hold bytes DWARF does not attribute "
		           "(start-up code, padding, linker stubs, symbols without debug info)");
	if (rc < 0)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	rc = lc_err_set(err, LC_ENOMEM, "out of memory");
out:
	trc_dwarf_cu_free(cu);
	return rc;
}

static int add_diff(struct trc_doc *d, const struct trc_elf *base, const struct trc_elf *e,
                    size_t top, struct lc_err *err)
{
	struct trc_memdiff *m = NULL;
	struct trc_table *t = NULL;
	int c_kind, c_name, c_status, c_base, c_cur, c_delta, c_mem, rc;
	size_t i;

	rc = trc_memdiff_new(&m, base, e, err);
	if (rc < 0)
		goto out;
	rc = trc_doc_meta_str(d, "base", "base", base->path);
	if (rc >= 0) {
		char h[64];

		snprintf(h, sizeof(h), "%+lld bytes", (long long)m->flash_delta);
		rc = trc_doc_meta_i64(d, "flash_delta", "flash change", m->flash_delta, h);
		snprintf(h, sizeof(h), "%+lld bytes", (long long)m->ram_delta);
		if (rc >= 0)
			rc = trc_doc_meta_i64(d, "ram_delta", "RAM change", m->ram_delta, h);
	}
	if (rc >= 0)
		rc = trc_doc_add_table(&t, d, "diff", "Changes against the base build");
	if (rc < 0)
		goto nomem;
	c_kind = trc_table_col(t, "kind", "kind", TRC_ALIGN_LEFT);
	c_name = trc_table_col(t, "name", "name", TRC_ALIGN_LEFT);
	c_status = trc_table_col(t, "status", "change", TRC_ALIGN_LEFT);
	c_base = trc_table_col(t, "base", "base", TRC_ALIGN_RIGHT);
	c_cur = trc_table_col(t, "current", "current", TRC_ALIGN_RIGHT);
	c_delta = trc_table_col(t, "delta", "delta", TRC_ALIGN_RIGHT);
	c_mem = trc_table_col(t, "class", "class", TRC_ALIGN_LEFT);
	rc = c_mem;
	if (rc < 0)
		goto nomem;
	trc_doc_set_primary(d, t);
	for (i = 0; i < m->n && (top == 0 || i < top) && rc >= 0; i++) {
		const struct trc_memdiff_row *r = &m->rows[i];

		rc = trc_table_row(t);
		if (rc >= 0)
			rc = trc_table_str(t, c_kind, r->is_section ? "section" : "symbol");
		if (rc >= 0)
			rc = trc_table_str(t, c_name, r->name);
		if (rc >= 0)
			rc = trc_table_str(t, c_status, trc_memdiff_status_name(r->status));
		if (rc >= 0)
			rc = trc_table_u64(t, c_base, r->base, NULL);
		if (rc >= 0)
			rc = trc_table_u64(t, c_cur, r->cur, NULL);
		if (rc >= 0)
			rc = cell_delta(t, c_delta, r->delta);
		if (rc >= 0)
			rc = trc_table_str(t, c_mem, trc_elf_mem_name(r->mem));
		if (rc >= 0)
			trc_table_style(t, c_delta, r->delta > 0 ? TRC_STYLE_BAD : TRC_STYLE_GOOD);
	}
	if (rc >= 0 && m->n == 0)
		rc = trc_doc_note(d, "no section or symbol changed size");
	if (rc >= 0)
		rc = trc_doc_note(d, "%zu sections and %zu symbols unchanged",
		                  m->unchanged_sections, m->unchanged_symbols);
	if (rc < 0)
		goto nomem;
	rc = 0;
	goto out;
nomem:
	rc = lc_err_set(err, LC_ENOMEM, "out of memory");
out:
	trc_memdiff_free(m);
	return rc;
}

int trc_cmd_memmap(int argc, char **argv, const struct trc_opts *opts)
{
	struct mm_args a;
	struct lc_err err = {0, ""};
	struct trc_elf *e = NULL, *base = NULL;
	struct trc_doc *d = NULL;
	struct trc_budgets *bud = NULL;
	struct trc_budget_results *res = NULL;
	struct trc_regions regions;
	size_t region_errors = 0;
	int status = 2, rc;
	char h[64];

	memset(&regions, 0, sizeof(regions));
	rc = parse_args(&a, argc, argv);
	if (rc != 0)
		return rc == 1 ? 0 : rc;
	if (a.regions && trc_regions_parse(&regions, a.regions, &err) < 0)
		goto fail;
	if (a.map && trc_regions_load_map(&regions, a.map, &err) < 0)
		goto fail;
	if (regions.n > 0 && trc_regions_check(&regions, &err) < 0)
		goto fail;
	if (a.budgets && trc_budgets_load(&bud, a.budgets, &err) < 0)
		goto fail;
	if (trc_elf_open(&e, a.elf, &err) < 0)
		goto fail;
	if (a.diff && trc_elf_open(&base, a.diff, &err) < 0)
		goto fail;
	if (trc_doc_new(&d, "memmap", &err) < 0)
		goto fail;

	rc = trc_doc_meta_str(d, "file", "file", e->path);
	snprintf(h, sizeof(h), "%s, ELF%d", machine_name(e->machine), e->is64 ? 64 : 32);
	if (rc >= 0)
		rc = trc_doc_meta_str(d, "machine", "machine", h);
	if (rc >= 0)
		rc = meta_bytes(d, "flash", "flash (load image)", e->flash);
	if (rc >= 0)
		rc = meta_bytes(d, "ram", "RAM (run time)", e->ram);
	if (rc >= 0)
		rc = meta_bytes(d, "ram_reserved", "  of which stack/heap reserved",
		                e->ram_reserved);
	if (rc >= 0)
		rc = meta_bytes(d, "size_a_total", "all sections (size -A Total)", e->size_a_total);
	if (rc >= 0 && e->nsections == 0)
		rc = trc_doc_note(d, "no section headers: flash and RAM come from the program "
		                     "headers (PT_LOAD)");
	if (rc >= 0 && e->symtab_source == 1)
		rc = trc_doc_note(d, "stripped: no .symtab, symbols come from .dynsym");
	else if (rc >= 0 && e->symtab_source == 0)
		rc = trc_doc_note(d, "stripped: no symbol table, no per-symbol sizes");
	if (rc < 0)
		goto nomem;

	if (regions.n > 0) {
		trc_regions_measure(&regions, e);
		if (add_regions(d, e->path, &regions, &region_errors) < 0)
			goto nomem;
	}
	if (a.diff) {
		if (add_diff(d, base, e, a.top, &err) < 0)
			goto fail;
	} else if (!a.by_given || a.by == BY_SECTION) {
		if (add_sections(d, e) < 0 || add_segments(d, e) < 0)
			goto nomem;
	} else if (a.by == BY_SEGMENT) {
		if (add_segments(d, e) < 0)
			goto nomem;
	} else if (a.by == BY_SYMBOL) {
		if (add_symbols(d, e, a.top) < 0)
			goto nomem;
	} else if (add_cu(d, e, a.by, a.top, &err) < 0) {
		goto fail;
	}
	if (bud) {
		if (trc_budget_results_new(&res, &err) < 0 ||
		    trc_membudget_check(res, bud, e, regions.n ? &regions : NULL, &err) < 0)
			goto fail;
		trc_doc_set_budgets(d, res);
	}
	a.out.embed = opts->embed; /* latch-trace html: a section of its page */
	if (trc_doc_emit(d, &a.out, opts->color, &err) < 0)
		goto fail;
	status = res ? trc_budget_results_exit(res) : 0;
	if (region_errors > 0 && status == 0)
		status = 1;
	goto out;
nomem:
	lc_err_set(&err, LC_ENOMEM, "out of memory");
fail:
	trc_fail("%s", err.msg);
	status = 2;
out:
	trc_doc_free(d);
	trc_budget_results_free(res);
	trc_budgets_free(bud);
	trc_elf_free(base);
	trc_elf_free(e);
	return status;
}
