/*
 * tests/tracer/test_elf.c - tracer/binary/elf.c: sections, segments, symbols
 * and the flash/RAM classification, read from this test executable itself
 * (a real host ELF with .text, .rodata, .data and .bss); bad input.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/elf.h"

#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* Data of known size, so the test can find it in its own symbol table. */
unsigned char test_elf_bss_marker[4000];
unsigned char test_elf_data_marker[300] = {1};

static unsigned char *read_self(size_t *len)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	unsigned char *buf = NULL;
	long n;

	assert_non_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static const struct trc_elf_symbol *find_sym(const struct trc_elf *e, const char *name)
{
	size_t i;

	for (i = 0; i < e->nsymbols; i++)
		if (strcmp(e->symbols[i].name, name) == 0)
			return &e->symbols[i];
	return NULL;
}

static void test_elf_classifies_own_sections(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	uint64_t flash = 0, ram = 0;
	size_t i;

	(void)state;
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	assert_int_equal(trc_elf_section_by_name(e, ".text")->mem, TRC_MEM_FLASH);
	assert_int_equal(trc_elf_section_by_name(e, ".rodata")->mem, TRC_MEM_FLASH);
	assert_int_equal(trc_elf_section_by_name(e, ".data")->mem, TRC_MEM_BOTH);
	assert_int_equal(trc_elf_section_by_name(e, ".bss")->mem, TRC_MEM_RAM);
	assert_int_equal(trc_elf_section_by_name(e, ".bss")->flash, 0);
	assert_int_equal(trc_elf_section_by_name(e, ".debug_info")->mem, TRC_MEM_NONE);
	for (i = 1; i < e->nsections; i++) {
		flash += e->sections[i].flash;
		ram += e->sections[i].ram;
		if (e->sections[i].flags & SHF_ALLOC)
			assert_true(e->sections[i].flash == e->sections[i].size ||
			            e->sections[i].ram == e->sections[i].size);
	}
	assert_int_equal(flash, e->flash);
	assert_int_equal(ram, e->ram);
	assert_int_equal(e->ram_reserved, 0);
	assert_true(e->has_debug_info);
	trc_elf_free(e);
}

static void test_elf_reads_symbols_with_sizes(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	const struct trc_elf_symbol *b, *d, *f;

	(void)state;
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	assert_int_equal(e->symtab_source, 2);
	b = find_sym(e, "test_elf_bss_marker");
	d = find_sym(e, "test_elf_data_marker");
	f = find_sym(e, "test_elf_reads_symbols_with_sizes");
	assert_non_null(b);
	assert_non_null(d);
	assert_non_null(f);
	assert_int_equal(b->size, sizeof(test_elf_bss_marker));
	assert_int_equal(b->mem, TRC_MEM_RAM);
	assert_int_equal(b->nm, 'B');
	assert_int_equal(d->size, sizeof(test_elf_data_marker));
	assert_int_equal(d->mem, TRC_MEM_BOTH);
	assert_int_equal(d->nm, 'D');
	assert_int_equal(f->nm, 't');
	assert_ptr_equal(trc_elf_func_at(e, f->addr + f->size / 2), f);
	assert_ptr_equal(trc_elf_section_at(e, b->addr), trc_elf_section_by_name(e, ".bss"));
	trc_elf_free(e);
}

static void test_elf_segments_hold_the_load_image(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	uint64_t filesz = 0, flash = 0;
	size_t i, loads = 0;

	(void)state;
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	for (i = 0; i < e->nsegments; i++) {
		if (e->segments[i].type != PT_LOAD)
			continue;
		loads++;
		filesz += e->segments[i].filesz;
		flash += e->segments[i].flash;
		if (e->segments[i].flags & PF_W)
			assert_int_equal(e->segments[i].ram, e->segments[i].memsz);
		else
			assert_int_equal(e->segments[i].ram, 0);
	}
	assert_true(loads >= 2);
	assert_int_equal(flash, filesz);
	/* The sections' image fits in the segments' (which add headers and padding). */
	assert_true(e->flash <= filesz);
	trc_elf_free(e);
}

static void test_elf_open_rejects_non_elf(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	static const char text[] = "#!/bin/sh\necho not an ELF\n";

	(void)state;
	assert_int_equal(trc_elf_open_mem(&e, "script.sh", text, sizeof(text), &err), LC_EFORMAT);
	assert_null(e);
	assert_string_equal(err.msg, "script.sh: not an ELF file");
}

static void test_elf_open_reports_missing_file(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};

	(void)state;
	assert_int_equal(trc_elf_open(&e, "/nonexistent/fw.elf", &err), LC_EIO);
	assert_string_equal(err.msg,
	                    "cannot open '/nonexistent/fw.elf': No such file or directory");
}

static void test_elf_open_survives_truncation(void **state)
{
	size_t len, cuts[] = {0, 1, 4, 16, 52, 63, 64, 65, 200, 1000, 4096, 0, 0, 0}, i;
	unsigned char *buf = read_self(&len);

	(void)state;
	cuts[11] = len / 3;
	cuts[12] = len / 2;
	cuts[13] = len - 1;
	for (i = 0; i < sizeof(cuts) / sizeof(cuts[0]); i++) {
		struct trc_elf *e = NULL;
		struct lc_err err = {0, ""};
		int rc = trc_elf_open_mem(&e, "cut", buf, cuts[i], &err);

		if (rc < 0) {
			assert_null(e);
			assert_true(err.msg[0] != '\0');
		} else {
			assert_non_null(e);
			trc_elf_free(e);
		}
	}
	free(buf);
}

static void test_elf_open_survives_corrupt_headers(void **state)
{
	size_t len, i;
	unsigned char *buf = read_self(&len), *copy = malloc(len);
	Elf64_Ehdr *eh;

	(void)state;
	assert_non_null(copy);
	/* Section header offset, count and string index pointing nowhere. */
	for (i = 0; i < 4; i++) {
		struct trc_elf *e = NULL;
		struct lc_err err = {0, ""};

		memcpy(copy, buf, len);
		eh = (Elf64_Ehdr *)(void *)copy;
		if (i == 0)
			eh->e_shoff = len - 8;
		else if (i == 1)
			eh->e_shnum = 0xffff;
		else if (i == 2)
			eh->e_shstrndx = 0xfff0;
		else
			eh->e_phoff = len + 100;
		if (trc_elf_open_mem(&e, "corrupt", copy, len, &err) < 0)
			assert_true(strncmp(err.msg, "corrupt: ", 9) == 0);
		trc_elf_free(e);
	}
	free(copy);
	free(buf);
}

static void test_elf_names(void **state)
{
	char buf[16];

	(void)state;
	assert_string_equal(trc_elf_mem_name(TRC_MEM_BOTH), "flash+ram");
	assert_string_equal(trc_elf_sht_name(SHT_NOBITS, buf, sizeof(buf)), "NOBITS");
	assert_string_equal(trc_elf_sht_name(0x12345, buf, sizeof(buf)), "0x12345");
	assert_string_equal(trc_elf_pt_name(PT_LOAD, buf, sizeof(buf)), "LOAD");
	test_elf_data_marker[1] = 2;
	test_elf_bss_marker[1] = 3;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_elf_classifies_own_sections),
	        cmocka_unit_test(test_elf_reads_symbols_with_sizes),
	        cmocka_unit_test(test_elf_segments_hold_the_load_image),
	        cmocka_unit_test(test_elf_open_rejects_non_elf),
	        cmocka_unit_test(test_elf_open_reports_missing_file),
	        cmocka_unit_test(test_elf_open_survives_truncation),
	        cmocka_unit_test(test_elf_open_survives_corrupt_headers),
	        cmocka_unit_test(test_elf_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
