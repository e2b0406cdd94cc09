/*
 * tests/tracer/test_memdiff.c - tracer/binary/memdiff.c: a build compared with
 * itself changes nothing; a copy whose symbol table says one array grew
 * shows exactly that growth, and the reverse shows it shrinking.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/memdiff.h"

#include <gelf.h>
#include <libelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

unsigned char test_memdiff_array[1000];

static unsigned char *read_self(size_t *len)
{
	FILE *f = fopen("/proc/self/exe", "rb");
	unsigned char *buf;
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

/* Adds delta to st_size of symbol name in the ELF64 image buf. */
static void grow_symbol(unsigned char *buf, size_t len, const char *name, uint64_t delta)
{
	Elf *elf;
	Elf_Scn *scn = NULL;
	int done = 0;

	elf_version(EV_CURRENT);
	elf = elf_memory((char *)buf, len);
	assert_non_null(elf);
	while ((scn = elf_nextscn(elf, scn)) != NULL && !done) {
		GElf_Shdr sh;
		size_t i, n;

		gelf_getshdr(scn, &sh);
		if (sh.sh_type != SHT_SYMTAB)
			continue;
		n = sh.sh_size / sizeof(Elf64_Sym);
		for (i = 1; i < n; i++) {
			Elf64_Sym *s =
			        (Elf64_Sym *)(void *)(buf + sh.sh_offset + i * sizeof(Elf64_Sym));
			const char *nm = elf_strptr(elf, sh.sh_link, s->st_name);

			if (nm && strcmp(nm, name) == 0) {
				s->st_size += delta;
				done = 1;
				break;
			}
		}
	}
	elf_end(elf);
	assert_true(done);
}

static void test_memdiff_same_build_changes_nothing(void **state)
{
	struct trc_elf *a = NULL, *b = NULL;
	struct trc_memdiff *d = NULL;
	struct lc_err err = {0, ""};

	(void)state;
	assert_int_equal(trc_elf_open(&a, "/proc/self/exe", &err), 0);
	assert_int_equal(trc_elf_open(&b, "/proc/self/exe", &err), 0);
	assert_int_equal(trc_memdiff_new(&d, a, b, &err), 0);
	assert_int_equal(d->n, 0);
	assert_true(d->unchanged_sections > 5);
	assert_true(d->unchanged_symbols > 10);
	assert_int_equal(d->flash_delta, 0);
	assert_int_equal(d->ram_delta, 0);
	trc_memdiff_free(d);
	trc_elf_free(a);
	trc_elf_free(b);
}

static void test_memdiff_shows_exactly_the_grown_array(void **state)
{
	size_t len;
	unsigned char *base = read_self(&len), *cur = malloc(len);
	struct trc_elf *a = NULL, *b = NULL;
	struct trc_memdiff *d = NULL;
	struct lc_err err = {0, ""};

	(void)state;
	assert_non_null(cur);
	memcpy(cur, base, len);
	grow_symbol(cur, len, "test_memdiff_array", 24);
	assert_int_equal(trc_elf_open_mem(&a, "base", base, len, &err), 0);
	assert_int_equal(trc_elf_open_mem(&b, "cur", cur, len, &err), 0);
	assert_int_equal(trc_memdiff_new(&d, a, b, &err), 0);
	assert_int_equal(d->n, 1);
	assert_string_equal(d->rows[0].name, "test_memdiff_array");
	assert_false(d->rows[0].is_section);
	assert_int_equal(d->rows[0].status, TRC_MEMDIFF_GREW);
	assert_int_equal(d->rows[0].base, sizeof(test_memdiff_array));
	assert_int_equal(d->rows[0].cur, sizeof(test_memdiff_array) + 24);
	assert_int_equal(d->rows[0].delta, 24);
	assert_int_equal(d->rows[0].mem, TRC_MEM_RAM);
	trc_memdiff_free(d);

	assert_int_equal(trc_memdiff_new(&d, b, a, &err), 0);
	assert_int_equal(d->n, 1);
	assert_int_equal(d->rows[0].status, TRC_MEMDIFF_SHRANK);
	assert_int_equal(d->rows[0].delta, -24);
	assert_string_equal(trc_memdiff_status_name(d->rows[0].status), "shrank");
	trc_memdiff_free(d);
	trc_elf_free(a);
	trc_elf_free(b);
	free(cur);
	free(base);
	test_memdiff_array[0] = 1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_memdiff_same_build_changes_nothing),
	        cmocka_unit_test(test_memdiff_shows_exactly_the_grown_array),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
