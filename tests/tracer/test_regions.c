/*
 * tests/tracer/test_regions.c - tracer/binary/regions.c: --regions specs, sizes,
 * GNU ld map files, and the use of regions by an ELF file.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/regions.h"

#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void test_regions_parse_size_units(void **state)
{
	struct lc_err err = {0, ""};
	uint64_t v;

	(void)state;
	assert_int_equal(trc_regions_parse_size(&v, "4096", &err), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(trc_regions_parse_size(&v, "0x1000", &err), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(trc_regions_parse_size(&v, "4K", &err), 0);
	assert_int_equal(v, 4096);
	assert_int_equal(trc_regions_parse_size(&v, "512KiB", &err), 0);
	assert_int_equal(v, 512 * 1024);
	assert_int_equal(trc_regions_parse_size(&v, "1M", &err), 0);
	assert_int_equal(v, 1024 * 1024);
	assert_int_equal(trc_regions_parse_size(&v, "2G", &err), 0);
	assert_int_equal(v, 2ULL << 30);
	assert_int_equal(trc_regions_parse_size(&v, "4Q", &err), LC_EUSAGE);
	assert_string_equal(err.msg, "'4Q' is not a size (use 4096, 0x1000, 4K, 512KiB, 1M)");
	assert_int_equal(trc_regions_parse_size(&v, "-1", &err), LC_EUSAGE);
	assert_int_equal(trc_regions_parse_size(&v, "99999999999999999999", &err), LC_EUSAGE);
	assert_int_equal(trc_regions_parse_size(&v, "17179869184G", &err), LC_EUSAGE);
}

static void test_regions_parse_spec(void **state)
{
	struct trc_regions r;
	struct lc_err err = {0, ""};

	(void)state;
	memset(&r, 0, sizeof(r));
	assert_int_equal(trc_regions_parse(&r, "FLASH=0x08000000:512K,RAM=0x20000000:128K", &err),
	                 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.r[0].name, "FLASH");
	assert_int_equal(r.r[0].origin, 0x08000000);
	assert_int_equal(r.r[0].length, 512 * 1024);
	assert_string_equal(r.r[1].name, "RAM");
	assert_int_equal(r.r[1].origin, 0x20000000);
	assert_ptr_equal(trc_regions_find(&r, "ram"), &r.r[1]);
	assert_null(trc_regions_find(&r, "CCM"));

	memset(&r, 0, sizeof(r));
	assert_int_equal(trc_regions_parse(&r, "FLASH=0x08000000", &err), LC_EUSAGE);
	assert_string_equal(err.msg, "--regions: 'FLASH=0x08000000' is not NAME=ORIGIN:LENGTH "
	                             "(e.g. FLASH=0x08000000:512K)");
	memset(&r, 0, sizeof(r));
	assert_int_equal(trc_regions_parse(&r, "RAM=0x2000:lots", &err), LC_EUSAGE);
	assert_string_equal(err.msg, "--regions: 'lots' is not a size");
	memset(&r, 0, sizeof(r));
	assert_int_equal(trc_regions_parse(&r, "=0:1K", &err), LC_EUSAGE);
}

static void test_regions_load_map_reads_memory_configuration(void **state)
{
	char path[] = "/tmp/test_regions_XXXXXX";
	int fd = mkstemp(path);
	FILE *f;
	struct trc_regions r;
	struct lc_err err = {0, ""};

	(void)state;
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs("Archive member included to satisfy reference by file (symbol)\n\n"
	      "Memory Configuration\n\n"
	      "Name             Origin             Length             Attributes\n"
	      "FLASH            0x08000000         0x00080000         xr\n"
	      "RAM              0x20000000         0x00020000         xrw\n"
	      "*default*        0x00000000         0xffffffff\n\n"
	      "Linker script and memory map\n\n"
	      "LOAD /tmp/x.o\n",
	      f);
	fclose(f);
	memset(&r, 0, sizeof(r));
	assert_int_equal(trc_regions_load_map(&r, path, &err), 0);
	assert_int_equal(r.n, 2);
	assert_string_equal(r.r[0].name, "FLASH");
	assert_int_equal(r.r[0].length, 0x80000);
	assert_string_equal(r.r[1].name, "RAM");
	assert_int_equal(r.r[1].origin, 0x20000000);

	f = fopen(path, "w");
	fputs("not a map file\n", f);
	fclose(f);
	memset(&r, 0, sizeof(r));
	assert_int_equal(trc_regions_load_map(&r, path, &err), LC_EFORMAT);
	assert_non_null(strstr(err.msg, "no \"Memory Configuration\" table"));
	remove(path);
	assert_int_equal(trc_regions_load_map(&r, path, &err), LC_EIO);
}

static void test_regions_measure_counts_every_allocated_byte(void **state)
{
	struct trc_elf *e = NULL;
	struct trc_regions r;
	struct lc_err err = {0, ""};
	uint64_t sum = 0, top = 0;
	size_t i;

	(void)state;
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	for (i = 1; i < e->nsections; i++) {
		const struct trc_elf_section *s = &e->sections[i];

		if ((s->flags & SHF_ALLOC) && s->size > 0) {
			sum += s->size;
			if (s->addr + s->size > top)
				top = s->addr + s->size;
		}
	}
	memset(&r, 0, sizeof(r));
	assert_int_equal(trc_regions_parse(&r, "ALL=0:64M,HIGH=0x100000000:1M", &err), 0);
	trc_regions_measure(&r, e);
	/* A host program loads everything where it runs: one placement each. */
	assert_int_equal(r.r[0].sum, sum);
	assert_int_equal(r.r[0].used, top);
	assert_int_equal(r.r[1].used, 0);
	assert_int_equal(r.outside, 0);

	memset(&r, 0, sizeof(r));
	assert_int_equal(trc_regions_parse(&r, "TINY=0:16", &err), 0);
	trc_regions_measure(&r, e);
	assert_int_equal(r.outside, sum);
	trc_elf_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_regions_parse_size_units),
	        cmocka_unit_test(test_regions_parse_spec),
	        cmocka_unit_test(test_regions_load_map_reads_memory_configuration),
	        cmocka_unit_test(test_regions_measure_counts_every_allocated_byte),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
