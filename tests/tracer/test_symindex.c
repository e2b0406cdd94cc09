/*
 * tests/tracer/test_symindex.c - tracer/trace/symindex.c: every name the index
 * gives is the one dwfl_module_addrinfo gives, checked at the start, the
 * second byte and the last byte of every symbol of real binaries (latch-trace,
 * with trc_core's static functions; this test executable; libc and libdw,
 * read from their dynamic symbol tables full of aliases); and the index
 * decides most function entries itself (else it would not be faster).
 */
#define _GNU_SOURCE
#include "trace/symindex.h"

#include <link.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static const Dwfl_Callbacks callbacks = {
        .find_elf = dwfl_build_id_find_elf,
        .find_debuginfo = dwfl_standard_find_debuginfo,
        .section_address = dwfl_offline_section_address,
};

struct counts {
	size_t checked, decided, entries, entries_decided;
};

static void check_addr(Dwfl_Module *m, const struct trc_symix *x, uint64_t a, struct counts *c)
{
	GElf_Off off = 1;
	GElf_Sym sym;
	uint64_t xoff = 1;
	const char *want = dwfl_module_addrinfo(m, a, &off, &sym, NULL, NULL, NULL);
	const char *got = trc_symix_find(x, a, &xoff);

	c->checked++;
	if (got == NULL)
		return;
	c->decided++;
	if (want == NULL || strcmp(got, want) != 0 || off != 0 || xoff != 0)
		fail_msg("0x%llx: index says %s+%llu, dwfl %s+%llu", (unsigned long long)a, got,
		         (unsigned long long)xoff, want ? want : "(none)", (unsigned long long)off);
}

static struct counts check_file(const char *path)
{
	Dwfl *d = dwfl_begin(&callbacks);
	Dwfl_Module *m;
	struct trc_symix x = {0};
	struct counts c = {0, 0, 0, 0};
	int n, i;

	assert_non_null(d);
	dwfl_report_begin(d);
	m = dwfl_report_elf(d, path, path, -1, 0x10000000, true);
	dwfl_report_end(d, NULL, NULL);
	assert_non_null(m);
	trc_symix_init(&x, m);
	n = dwfl_module_getsymtab(m);
	assert_true(n > 1);
	assert_int_equal(x.n > 0, 1);
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr v;
		const char *name = dwfl_module_getsym_info(m, i, &sym, &v, NULL, NULL, NULL);
		size_t before;

		if (name == NULL || sym.st_shndx == SHN_UNDEF)
			continue;
		before = c.decided;
		check_addr(m, &x, v, &c);
		if (GELF_ST_TYPE(sym.st_info) == STT_FUNC) {
			c.entries++;
			c.entries_decided += c.decided > before;
		}
		check_addr(m, &x, v + 1, &c);
		if (sym.st_size > 1)
			check_addr(m, &x, v + sym.st_size - 1, &c);
	}
	trc_symix_fini(&x);
	dwfl_end(d);
	return c;
}

static void test_symindex_agrees_on_executables(void **state)
{
	struct counts c = check_file(LATCH_TRACE_EXE), self = check_file("/proc/self/exe");

	print_message("%zu entries, %zu decided; %zu checked, %zu decided\n", c.entries,
	              c.entries_decided, c.checked, c.decided);

	(void)state;
	/* trc_core's functions are in latch-trace, and most entries are unambiguous */
	assert_true(c.entries > 300);
	assert_true(self.entries_decided > 0);
	assert_true(c.entries_decided * 10 > c.entries * 9);
	assert_true(c.decided < c.checked); /* mid-function addresses go to dwfl */
}

static int add_path(struct dl_phdr_info *info, size_t size, void *data)
{
	char (*paths)[2][512] = data;

	(void)size;
	if (strstr(info->dlpi_name, "/libc.so") != NULL)
		snprintf((*paths)[0], sizeof((*paths)[0]), "%s", info->dlpi_name);
	else if (strstr(info->dlpi_name, "/libdw") != NULL)
		snprintf((*paths)[1], sizeof((*paths)[1]), "%s", info->dlpi_name);
	return 0;
}

static void test_symindex_agrees_on_shared_libraries(void **state)
{
	char paths[2][512] = {"", ""};
	size_t i;

	(void)state;
	dl_iterate_phdr(add_path, &paths);
	for (i = 0; i < 2; i++) {
		struct counts c;

		assert_true(paths[i][0] != '\0');
		c = check_file(paths[i]);
		print_message("%s: %zu entries, %zu decided; %zu checked, %zu decided\n", paths[i],
		              c.entries, c.entries_decided, c.checked, c.decided);
		assert_true(c.entries > 100);
		assert_true(c.decided > 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_symindex_agrees_on_executables),
	        cmocka_unit_test(test_symindex_agrees_on_shared_libraries),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
