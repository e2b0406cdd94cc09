/*
 * tests/tracer/test_disasm.c - tracer/binary/disasm.c: the machine-code call
 * graph of this test executable (x86-64, decoded with capstone) and of the
 * checked-in Cortex-M4 image data/golden/fw_min.elf (Thumb-2).
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/disasm.h"

#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#if defined(__clang__)
#define TEST_NOCLONE
#else
#define TEST_NOCLONE __attribute__((noclone))
#endif

__attribute__((noinline)) TEST_NOCLONE int test_disasm_leaf(int x);
__attribute__((noinline)) TEST_NOCLONE int test_disasm_caller(int x);
__attribute__((noinline)) TEST_NOCLONE int test_disasm_indirect(int x);
__attribute__((noinline)) TEST_NOCLONE int test_disasm_libc(void);

int test_disasm_leaf(int x)
{
	return x * 3 + 1;
}

int test_disasm_caller(int x)
{
	return test_disasm_leaf(x) + test_disasm_leaf(x + 1);
}

int (*volatile test_disasm_ptr)(int) = test_disasm_leaf;

int test_disasm_indirect(int x)
{
	return test_disasm_ptr(x) + 2;
}

int test_disasm_libc(void)
{
	return (int)getpid() + 1;
}

static int has_edge(const struct trc_cg *cg, const char *from, const char *to)
{
	size_t a = trc_cg_find(cg, from), b = trc_cg_find(cg, to), i;

	for (i = 0; a != (size_t)-1 && b != (size_t)-1 && i < cg->nedges; i++)
		if (cg->edges[i].caller == a && cg->edges[i].callee == b &&
		    cg->edges[i].kind == TRC_CG_BINARY)
			return 1;
	return 0;
}

static size_t binary_sites(const struct trc_cg *cg, const char *fn)
{
	size_t a = trc_cg_find(cg, fn), i, n = 0;

	for (i = 0; a != (size_t)-1 && i < cg->nsites; i++)
		n += cg->sites[i].caller == a && cg->sites[i].binary;
	return n;
}

static void test_disasm_host_calls_indirect_and_plt(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	struct trc_cg cg;
	struct trc_disasm_stats st;

	(void)state;
	assert_int_equal(test_disasm_caller(1) + test_disasm_indirect(1) + (test_disasm_libc() > 0),
	                 (4 + 7) + (4 + 2) + 1);
	trc_cg_init(&cg);
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	if (!trc_disasm_supported(e)) {
		trc_elf_free(e);
		skip();
	}
	assert_int_equal(trc_disasm_calls(&cg, e, &st, &err), 0);
	assert_true(st.funcs > 10 && st.insns > st.funcs && st.edges > 0);
	assert_true(has_edge(&cg, "test_disasm_caller", "test_disasm_leaf"));
	assert_false(has_edge(&cg, "test_disasm_leaf", "test_disasm_caller"));
	assert_int_equal(binary_sites(&cg, "test_disasm_leaf"), 0);
	assert_int_equal(binary_sites(&cg, "test_disasm_indirect"), 1);
	/* A call through the PLT (or the GOT, -fno-plt) is named by its relocation. */
	assert_true(has_edge(&cg, "test_disasm_libc", "getpid"));
	assert_true(cg.funcs[trc_cg_find(&cg, "test_disasm_leaf")].in_binary);
	assert_false(cg.funcs[trc_cg_find(&cg, "getpid")].in_binary);
	/* Decoding again adds nothing twice. */
	{
		size_t n = cg.nedges;

		assert_int_equal(trc_disasm_calls(&cg, e, &st, &err), 0);
		assert_int_equal(cg.nedges, n);
	}
	trc_cg_fini(&cg);
	trc_elf_free(e);
}

static void test_disasm_thumb_firmware(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	struct trc_cg cg;

	(void)state;
	trc_cg_init(&cg);
	assert_int_equal(trc_elf_open(&e, TEST_FW_MIN_ELF, &err), 0);
	assert_int_equal(trc_disasm_calls(&cg, e, NULL, &err), 0);
	/* fw_reset -> fw_main -> fw_step -> hal_gpio_read (objdump -d shows the bl's). */
	assert_true(has_edge(&cg, "fw_reset", "fw_main"));
	assert_true(has_edge(&cg, "fw_main", "fw_step"));
	assert_true(has_edge(&cg, "fw_step", "hal_gpio_read"));
	trc_cg_fini(&cg);
	trc_elf_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_disasm_host_calls_indirect_and_plt),
	        cmocka_unit_test(test_disasm_thumb_firmware),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
