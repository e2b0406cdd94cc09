/*
 * tests/tracer/test_dwarf_cu.c - tracer/binary/dwarf_cu.c: flash and RAM per
 * compile unit and per source file, read from this test executable's own
 * DWARF: the rows add up to the ELF's totals and this file's CU holds this
 * file's data.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/dwarf_cu.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

/* 5000 bytes of RAM and 700 of flash+RAM that only this file owns. */
unsigned char test_dwarf_cu_bss[5000];
unsigned char test_dwarf_cu_data[700] = {9};

static const struct trc_dwarf_cu_row *row_ending(const struct trc_dwarf_cu *d, const char *suffix)
{
	size_t i, k = strlen(suffix);

	for (i = 0; i < d->n; i++) {
		size_t n = strlen(d->rows[i].name);

		if (n >= k && strcmp(d->rows[i].name + n - k, suffix) == 0)
			return &d->rows[i];
	}
	return NULL;
}

static void check_by(enum trc_dwarf_cu_by by)
{
	struct trc_elf *e = NULL;
	struct trc_dwarf_cu *d = NULL;
	struct lc_err err = {0, ""};
	const struct trc_dwarf_cu_row *me;
	uint64_t flash = 0, ram = 0;
	size_t i;

	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	assert_int_equal(trc_dwarf_cu_new(&d, e, by, &err), 0);
	assert_true(d->ncus >= 1);
	for (i = 0; i < d->n; i++) {
		flash += d->rows[i].flash;
		ram += d->rows[i].ram;
		if (i > 0)
			assert_true(d->rows[i - 1].flash + d->rows[i - 1].ram >=
			            d->rows[i].flash + d->rows[i].ram);
	}
	assert_int_equal(flash, e->flash);
	assert_int_equal(ram, e->ram);
	assert_int_equal(d->flash, e->flash);
	assert_int_equal(d->ram, e->ram);
	me = row_ending(d, "test_dwarf_cu.c");
	assert_non_null(me);
	assert_false(me->unattributed);
	assert_true(me->ram >= sizeof(test_dwarf_cu_bss) + sizeof(test_dwarf_cu_data));
	assert_true(me->flash >= sizeof(test_dwarf_cu_data));
	assert_true(me->nsymbols >= 4);
	trc_dwarf_cu_free(d);
	trc_elf_free(e);
}

static void test_dwarf_cu_rows_add_up_by_cu(void **state)
{
	(void)state;
	check_by(TRC_DWARF_CU_BY_CU);
}

static void test_dwarf_cu_rows_add_up_by_file(void **state)
{
	(void)state;
	check_by(TRC_DWARF_CU_BY_FILE);
	test_dwarf_cu_bss[1] = test_dwarf_cu_data[0];
}

static void test_dwarf_cu_says_when_dwarf_is_missing(void **state)
{
	struct trc_elf *e = NULL;
	struct trc_dwarf_cu *d = NULL;
	struct lc_err err = {0, ""};

	(void)state;
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	e->has_debug_info = 0; /* as a stripped file reads */
	assert_int_equal(trc_dwarf_cu_new(&d, e, TRC_DWARF_CU_BY_CU, &err), LC_ENOTFOUND);
	assert_null(d);
	assert_non_null(strstr(err.msg, "no DWARF debug info (.debug_info is missing"));
	trc_elf_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_dwarf_cu_rows_add_up_by_cu),
	        cmocka_unit_test(test_dwarf_cu_rows_add_up_by_file),
	        cmocka_unit_test(test_dwarf_cu_says_when_dwarf_is_missing),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
