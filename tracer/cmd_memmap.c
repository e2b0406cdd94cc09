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
 * Returns 0 to go on, 1 to stop with *exit_status (trc_cmd_args()). */
static int parse_args(struct mm_args *a, int argc, char **argv, int *exit_status)
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
	        TRC_OPT_ELF_OPERAND(&a->elf),
	        TRC_OPT_TABLE_END};
	const struct trc_cmd_spec spec = {
	        "memmap", "memmap ELF [options]",
	        "Sizes of an ELF file in flash and RAM, as the linker placed them.", opts,
	        "exit status: 0 ok, 1 a budget broken, 2 usage error or unreadable input\n"};

	memset(a, 0, sizeof(*a));
	return trc_cmd_args(&spec, argc, argv, exit_status);
}

/*
 * The tables below are built without checking each call: the document
 * remembers the first allocation failure (doc.h, the sticky error) and
 * trc_cmd_doc_end() reports it. Only what can fail for another reason (DWARF,
 * the base build) returns an error.
 */

/* A size cell: raw bytes in JSON/CSV, "4.0 KiB" in text. */
static void cell_bytes(struct trc_table *t, int col, uint64_t v)
{
	char buf[TRC_UNITS_BUF];

	trc_table_u64(t, col, v, trc_units_bytes(buf, sizeof(buf), v));
}

static void cell_addr(struct trc_table *t, int col, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%08llx", (unsigned long long)v);
	trc_table_u64(t, col, v, buf);
}

static void cell_delta(struct trc_table *t, int col, int64_t v)
{
	char buf[TRC_UNITS_BUF + 1];

	if (v >= 0) {
		buf[0] = '+';
		trc_units_bytes(buf + 1, sizeof(buf) - 1, (uint64_t)v);
	} else {
		buf[0] = '-';
		trc_units_bytes(buf + 1, sizeof(buf) - 1, (uint64_t)0 - (uint64_t)v);
	}
	trc_table_i64(t, col, v, buf);
}

static void meta_bytes(struct trc_doc *d, const char *key, const char *label, uint64_t v)
{
	char h[TRC_UNITS_BUF + 32];
	char b[TRC_UNITS_BUF];

	snprintf(h, sizeof(h), "%llu bytes (%s)", (unsigned long long)v,
	         trc_units_bytes(b, sizeof(b), v));
	trc_doc_meta_u64(d, key, label, v, h);
}

/* How many of n rows --top N lets through (0: all). */
static size_t top_rows(size_t n, size_t top)
{
	return top > 0 && top < n ? top : n;
}

/* The note under a table --top cut short; `what` names its rows. */
static void note_top(struct trc_doc *d, size_t n, size_t top, const char *what)
{
	if (top > 0 && n > top)
		trc_doc_note(d, "%zu smaller %s not listed (--top %zu)", n - top, what, top);
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

/* The header facts: the file, its machine, the totals, what is missing. */
static void add_totals(struct trc_doc *d, const struct trc_elf *e)
{
	char h[64];

	trc_doc_meta_str(d, "file", "file", e->path);
	snprintf(h, sizeof(h), "%s, ELF%d", machine_name(e->machine), e->is64 ? 64 : 32);
	trc_doc_meta_str(d, "machine", "machine", h);
	meta_bytes(d, "flash", "flash (load image)", e->flash);
	meta_bytes(d, "ram", "RAM (run time)", e->ram);
	meta_bytes(d, "ram_reserved", "  of which stack/heap reserved", e->ram_reserved);
	meta_bytes(d, "size_a_total", "all sections (size -A Total)", e->size_a_total);
	if (e->nsections == 0)
		trc_doc_note(d, "no section headers: flash and RAM come from the program "
		                "headers (PT_LOAD)");
	if (e->symtab_source == 1)
		trc_doc_note(d, "stripped: no .symtab, symbols come from .dynsym");
	else if (e->symtab_source == 0)
		trc_doc_note(d, "stripped: no symbol table, no per-symbol sizes");
}

enum { SEC_NAME, SEC_TYPE, SEC_VMA, SEC_LMA, SEC_SIZE, SEC_FILE, SEC_FLASH, SEC_RAM, SEC_CLASS };

static void add_sections(struct trc_doc *d, const struct trc_elf *e)
{
	static const struct trc_col_spec cols[] = {
	        {"name", "section", TRC_ALIGN_LEFT}, {"type", "type", TRC_ALIGN_LEFT},
	        {"vma", "vma", TRC_ALIGN_RIGHT},     {"lma", "lma", TRC_ALIGN_RIGHT},
	        {"size", "size", TRC_ALIGN_RIGHT},   {"file_size", "in file", TRC_ALIGN_RIGHT},
	        {"flash", "flash", TRC_ALIGN_RIGHT}, {"ram", "ram", TRC_ALIGN_RIGHT},
	        {"class", "class", TRC_ALIGN_LEFT}};
	struct trc_table *t = NULL;
	size_t i;
	char tb[16];

	trc_doc_add_table_cols(&t, d, "sections", "Sections", cols, sizeof(cols) / sizeof(cols[0]));
	for (i = 1; i < e->nsections; i++) {
		const struct trc_elf_section *s = &e->sections[i];

		if (!s->in_size_a)
			continue;
		trc_table_row(t);
		trc_table_str(t, SEC_NAME, s->name);
		trc_table_str(t, SEC_TYPE, trc_elf_sht_name(s->type, tb, sizeof(tb)));
		cell_addr(t, SEC_VMA, s->addr);
		cell_addr(t, SEC_LMA, s->lma);
		trc_table_u64(t, SEC_SIZE, s->size, NULL);
		trc_table_u64(t, SEC_FILE, s->type == SHT_NOBITS ? 0 : s->size, NULL);
		trc_table_u64(t, SEC_FLASH, s->flash, NULL);
		trc_table_u64(t, SEC_RAM, s->ram, NULL);
		trc_table_str(t, SEC_CLASS,
		              s->reserved ? "ram (reserved)" : trc_elf_mem_name(s->mem));
		if (s->reserved)
			trc_table_style(t, SEC_CLASS, TRC_STYLE_DIM);
	}
}

enum {
	SEG_INDEX,
	SEG_TYPE,
	SEG_FLAGS,
	SEG_OFF,
	SEG_VADDR,
	SEG_PADDR,
	SEG_FILESZ,
	SEG_MEMSZ,
	SEG_FLASH,
	SEG_RAM
};

static void add_segments(struct trc_doc *d, const struct trc_elf *e)
{
	static const struct trc_col_spec cols[] = {
	        {"index", "#", TRC_ALIGN_RIGHT},       {"type", "type", TRC_ALIGN_LEFT},
	        {"flags", "flags", TRC_ALIGN_LEFT},    {"offset", "offset", TRC_ALIGN_RIGHT},
	        {"vaddr", "vaddr", TRC_ALIGN_RIGHT},   {"paddr", "paddr", TRC_ALIGN_RIGHT},
	        {"filesz", "filesz", TRC_ALIGN_RIGHT}, {"memsz", "memsz", TRC_ALIGN_RIGHT},
	        {"flash", "flash", TRC_ALIGN_RIGHT},   {"ram", "ram", TRC_ALIGN_RIGHT}};
	struct trc_table *t = NULL;
	size_t i;
	char tb[16], fl[4];

	trc_doc_add_table_cols(&t, d, "segments", "Segments (program headers)", cols,
	                       sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < e->nsegments; i++) {
		const struct trc_elf_segment *s = &e->segments[i];

		fl[0] = (s->flags & PF_R) ? 'R' : '-';
		fl[1] = (s->flags & PF_W) ? 'W' : '-';
		fl[2] = (s->flags & PF_X) ? 'X' : '-';
		fl[3] = '\0';
		trc_table_row(t);
		trc_table_u64(t, SEG_INDEX, s->index, NULL);
		trc_table_str(t, SEG_TYPE, trc_elf_pt_name(s->type, tb, sizeof(tb)));
		trc_table_str(t, SEG_FLAGS, fl);
		cell_addr(t, SEG_OFF, s->offset);
		cell_addr(t, SEG_VADDR, s->vaddr);
		cell_addr(t, SEG_PADDR, s->paddr);
		trc_table_u64(t, SEG_FILESZ, s->filesz, NULL);
		trc_table_u64(t, SEG_MEMSZ, s->memsz, NULL);
		trc_table_u64(t, SEG_FLASH, s->flash, NULL);
		trc_table_u64(t, SEG_RAM, s->ram, NULL);
	}
}

enum { REG_NAME, REG_ORIGIN, REG_LENGTH, REG_USED, REG_FREE, REG_PCT };

/* The region table. A region filled past its length, or allocated bytes in
 * no region (the regions given are wrong), is an error finding: *errors
 * counts them and the command exits 1. */
static void add_regions(struct trc_doc *d, const char *path, const struct trc_regions *r,
                        size_t *errors)
{
	static const struct trc_col_spec cols[] = {
	        {"name", "region", TRC_ALIGN_LEFT},    {"origin", "origin", TRC_ALIGN_RIGHT},
	        {"length", "length", TRC_ALIGN_RIGHT}, {"used", "used", TRC_ALIGN_RIGHT},
	        {"free", "headroom", TRC_ALIGN_RIGHT}, {"used_pct", "used %", TRC_ALIGN_RIGHT}};
	struct trc_table *t = NULL;
	size_t i;

	trc_doc_add_table_cols(&t, d, "regions", "Memory regions", cols,
	                       sizeof(cols) / sizeof(cols[0]));
	for (i = 0; i < r->n; i++) {
		const struct trc_region *g = &r->r[i];
		double pct = g->length ? 100.0 * (double)g->used / (double)g->length : 0.0;
		char pb[32];

		snprintf(pb, sizeof(pb), "%.2f%%", pct);
		trc_table_row(t);
		trc_table_str(t, REG_NAME, g->name);
		cell_addr(t, REG_ORIGIN, g->origin);
		cell_bytes(t, REG_LENGTH, g->length);
		trc_table_u64(t, REG_USED, g->used, NULL);
		cell_delta(t, REG_FREE, (int64_t)g->length - (int64_t)g->used);
		trc_table_f64(t, REG_PCT, pct, pb);
		if (g->used > g->length) {
			trc_table_style(t, REG_FREE, TRC_STYLE_BAD);
			(*errors)++;
		}
	}
	for (i = 0; i < r->n; i++)
		if (r->r[i].used > r->r[i].length)
			trc_doc_note(d,
			             "%s: error: region '%s' overflowed: %llu bytes used of %llu "
			             "(%.0f%%) [region]",
			             path, r->r[i].name, (unsigned long long)r->r[i].used,
			             (unsigned long long)r->r[i].length,
			             100.0 * (double)r->r[i].used / (double)r->r[i].length);
	if (r->outside > 0) {
		(*errors)++;
		trc_doc_note(d,
		             "%s: error: %llu allocated bytes lie outside every region: the "
		             "regions given do not describe this image [region]",
		             path, (unsigned long long)r->outside);
	}
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

enum { SYM_NAME, SYM_NM, SYM_ADDR, SYM_SIZE, SYM_CLASS, SYM_SECTION };

static int add_symbols(struct trc_doc *d, const struct trc_elf *e, size_t top, struct lc_err *err)
{
	static const struct trc_col_spec cols[] = {
	        {"name", "symbol", TRC_ALIGN_LEFT},      {"nm", "nm", TRC_ALIGN_LEFT},
	        {"address", "address", TRC_ALIGN_RIGHT}, {"size", "size", TRC_ALIGN_RIGHT},
	        {"class", "class", TRC_ALIGN_LEFT},      {"section", "section", TRC_ALIGN_LEFT}};
	struct trc_table *t = NULL;
	const struct trc_elf_symbol **v = NULL;
	size_t i, n = e->nsymbols;
	char tb[2] = {0, 0};

	v = calloc(n ? n : 1, sizeof(*v));
	if (v == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < n; i++)
		v[i] = &e->symbols[i];
	qsort(v, n, sizeof(*v), sym_size_cmp);
	trc_doc_add_table_cols(&t, d, "symbols", "Symbols", cols, sizeof(cols) / sizeof(cols[0]));
	trc_doc_set_primary(d, t);
	for (i = 0; i < top_rows(n, top); i++) {
		tb[0] = v[i]->nm;
		trc_table_row(t);
		trc_table_str(t, SYM_NAME, v[i]->name);
		trc_table_str(t, SYM_NM, tb);
		cell_addr(t, SYM_ADDR, v[i]->addr);
		trc_table_u64(t, SYM_SIZE, v[i]->size, NULL);
		trc_table_str(t, SYM_CLASS, trc_elf_mem_name(v[i]->mem));
		trc_table_str(t, SYM_SECTION, v[i]->shndx ? e->sections[v[i]->shndx].name : "");
	}
	note_top(d, n, top, "symbols");
	free(v);
	return 0;
}

enum { CU_NAME, CU_FLASH, CU_RAM, CU_SYMBOLS };

/* The compile-unit or source-file table (--by cu|file). Returns 0, or the
 * error of reading the DWARF (err). */
static int add_cu(struct trc_doc *d, const struct trc_elf *e, enum by by, size_t top,
                  struct lc_err *err)
{
	const struct trc_col_spec cols[] = {
	        {"name", by == BY_CU ? "compile unit" : "file", TRC_ALIGN_LEFT},
	        {"flash", "flash", TRC_ALIGN_RIGHT},
	        {"ram", "ram", TRC_ALIGN_RIGHT},
	        {"symbols", "symbols", TRC_ALIGN_RIGHT}};
	struct trc_dwarf_cu *cu = NULL;
	struct trc_table *t = NULL;
	size_t i;
	int rc;

	rc = trc_dwarf_cu_new(&cu, e, by == BY_CU ? TRC_DWARF_CU_BY_CU : TRC_DWARF_CU_BY_FILE, err);
	if (rc < 0)
		return rc;
	trc_doc_add_table_cols(&t, d, by == BY_CU ? "compile_units" : "files",
	                       by == BY_CU ? "Compile units (DWARF)" : "Source files (DWARF)", cols,
	                       sizeof(cols) / sizeof(cols[0]));
	trc_doc_set_primary(d, t);
	for (i = 0; i < top_rows(cu->n, top); i++) {
		trc_table_row(t);
		trc_table_str(t, CU_NAME, cu->rows[i].name);
		trc_table_u64(t, CU_FLASH, cu->rows[i].flash, NULL);
		trc_table_u64(t, CU_RAM, cu->rows[i].ram, NULL);
		trc_table_u64(t, CU_SYMBOLS, cu->rows[i].nsymbols, NULL);
	}
	trc_doc_meta_u64(d, "compile_units", "compile units", cu->ncus, NULL);
	note_top(d, cu->n, top, "rows");
	trc_doc_note(d, "rows named [SECTION] hold bytes DWARF does not attribute "
	                "(start-up code, padding, linker stubs, symbols without debug info)");
	trc_dwarf_cu_free(cu);
	return 0;
}

enum { DIFF_KIND, DIFF_NAME, DIFF_STATUS, DIFF_BASE, DIFF_CUR, DIFF_DELTA, DIFF_CLASS };

/* The change table against the base build (--diff). Returns 0, or the
 * error of comparing the two (err). */
static int add_diff(struct trc_doc *d, const struct trc_elf *base, const struct trc_elf *e,
                    size_t top, struct lc_err *err)
{
	static const struct trc_col_spec cols[] = {
	        {"kind", "kind", TRC_ALIGN_LEFT},        {"name", "name", TRC_ALIGN_LEFT},
	        {"status", "change", TRC_ALIGN_LEFT},    {"base", "base", TRC_ALIGN_RIGHT},
	        {"current", "current", TRC_ALIGN_RIGHT}, {"delta", "delta", TRC_ALIGN_RIGHT},
	        {"class", "class", TRC_ALIGN_LEFT}};
	struct trc_memdiff *m = NULL;
	struct trc_table *t = NULL;
	size_t i;
	char h[64];
	int rc;

	rc = trc_memdiff_new(&m, base, e, err);
	if (rc < 0)
		return rc;
	trc_doc_meta_str(d, "base", "base", base->path);
	snprintf(h, sizeof(h), "%+lld bytes", (long long)m->flash_delta);
	trc_doc_meta_i64(d, "flash_delta", "flash change", m->flash_delta, h);
	snprintf(h, sizeof(h), "%+lld bytes", (long long)m->ram_delta);
	trc_doc_meta_i64(d, "ram_delta", "RAM change", m->ram_delta, h);
	trc_doc_add_table_cols(&t, d, "diff", "Changes against the base build", cols,
	                       sizeof(cols) / sizeof(cols[0]));
	trc_doc_set_primary(d, t);
	for (i = 0; i < top_rows(m->n, top); i++) {
		const struct trc_memdiff_row *r = &m->rows[i];

		trc_table_row(t);
		trc_table_str(t, DIFF_KIND, r->is_section ? "section" : "symbol");
		trc_table_str(t, DIFF_NAME, r->name);
		trc_table_str(t, DIFF_STATUS, trc_memdiff_status_name(r->status));
		trc_table_u64(t, DIFF_BASE, r->base, NULL);
		trc_table_u64(t, DIFF_CUR, r->cur, NULL);
		cell_delta(t, DIFF_DELTA, r->delta);
		trc_table_str(t, DIFF_CLASS, trc_elf_mem_name(r->mem));
		trc_table_style(t, DIFF_DELTA, r->delta > 0 ? TRC_STYLE_BAD : TRC_STYLE_GOOD);
	}
	if (m->n == 0)
		trc_doc_note(d, "no section or symbol changed size");
	trc_doc_note(d, "%zu sections and %zu symbols unchanged", m->unchanged_sections,
	             m->unchanged_symbols);
	trc_memdiff_free(m);
	return 0;
}

/* What --diff or --by asks for, after the totals and the regions. */
static int add_body(struct trc_doc *d, const struct mm_args *a, const struct trc_elf *base,
                    const struct trc_elf *e, struct lc_err *err)
{
	if (a->diff)
		return add_diff(d, base, e, a->top, err);
	switch (a->by_given ? a->by : BY_SECTION) {
	case BY_SECTION:
		add_sections(d, e);
		add_segments(d, e);
		return 0;
	case BY_SEGMENT:
		add_segments(d, e);
		return 0;
	case BY_SYMBOL:
		return add_symbols(d, e, a->top, err);
	default:
		return add_cu(d, e, a->by, a->top, err);
	}
}

int trc_cmd_memmap(int argc, char **argv, const struct trc_opts *opts)
{
	struct mm_args a;
	struct lc_err err = {0, ""};
	struct trc_elf *e = NULL, *base = NULL;
	struct trc_cmd_doc r = {NULL, NULL, NULL, NULL};
	struct trc_regions regions;
	size_t region_errors = 0;
	int status = LC_EXIT_ERROR;

	memset(&regions, 0, sizeof(regions));
	if (parse_args(&a, argc, argv, &status) != 0)
		return status;
	if (a.regions && trc_regions_parse(&regions, a.regions, &err) < 0)
		goto out;
	if (a.map && trc_regions_load_map(&regions, a.map, &err) < 0)
		goto out;
	if (regions.n > 0 && trc_regions_check(&regions, &err) < 0)
		goto out;
	if (trc_cmd_doc_init(&r, "memmap", a.budgets, &err) < 0)
		goto out;
	if (trc_elf_open(&e, a.elf, &err) < 0)
		goto out;
	if (a.diff && trc_elf_open(&base, a.diff, &err) < 0)
		goto out;
	add_totals(r.doc, e);
	if (regions.n > 0) {
		trc_regions_measure(&regions, e);
		add_regions(r.doc, e->path, &regions, &region_errors);
	}
	if (add_body(r.doc, &a, base, e, &err) < 0)
		goto out;
	if (r.budgets)
		trc_membudget_check(r.res, r.budgets, e, regions.n ? &regions : NULL, &err);
out:
	status = trc_cmd_doc_end(&r, &err, &a.out, opts, region_errors);
	trc_elf_free(base);
	trc_elf_free(e);
	return status;
}
