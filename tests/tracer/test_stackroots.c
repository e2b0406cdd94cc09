/*
 * tests/tracer/test_stackroots.c - tracer/binary/stackroots.c: the roots of
 * latch-trace stack from --root names and globs over a hand-built call
 * graph and frames read from a .su file, or the graph's own roots.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/stackroots.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

struct fx {
	struct trc_cg cg;
	struct trc_frames fr;
	size_t main, helper;
};

/* Frames: main, helper, isr_a, isr_b. The graph: main (a root), helper.
 * Built inside each test, so that CMocka sees every block the library
 * allocates freed by the test. */
static void fx_init(struct fx *f)
{
	char path[] = "/tmp/test_stackroots_XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	struct lc_err err = {0, ""};

	fputs("s.c:1:1:main\t32\tstatic\ns.c:2:1:helper\t16\tstatic\n"
	      "s.c:3:1:isr_b\t8\tstatic\ns.c:4:1:isr_a\t24\tstatic\n",
	      fp);
	fclose(fp);
	trc_cg_init(&f->cg);
	trc_frames_init(&f->fr);
	assert_int_equal(trc_frames_load_su(&f->fr, path, &err), 0);
	trc_frames_finish(&f->fr);
	remove(path);
	assert_int_equal(trc_cg_func(&f->main, &f->cg, "main"), 0);
	assert_int_equal(trc_cg_func(&f->helper, &f->cg, "helper"), 0);
	f->cg.funcs[f->main].root = 1;
}

static void fx_fini(struct fx *f)
{
	trc_cg_fini(&f->cg);
	trc_frames_fini(&f->fr);
}

static void test_stackroots_default_is_graph_roots(void **state)
{
	struct fx fx, *f = &fx;
	struct lc_err err = {0, ""};
	size_t *roots = NULL, n = 9;

	(void)state;
	fx_init(f);
	assert_int_equal(trc_stack_roots_pick(&roots, &n, &f->cg, &f->fr, NULL, 0, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(roots[0], f->main);
	assert_int_equal(f->cg.nfuncs, 2); /* nothing added */
	free(roots);
	fx_fini(f);
}

static void test_stackroots_none_marked_gives_zero(void **state)
{
	struct fx fx, *f = &fx;
	struct lc_err err = {0, ""};
	size_t *roots = NULL, n = 9;

	(void)state;
	fx_init(f);
	f->cg.funcs[f->main].root = 0;
	assert_int_equal(trc_stack_roots_pick(&roots, &n, &f->cg, &f->fr, NULL, 0, &err), 0);
	assert_int_equal(n, 0);
	free(roots);
	fx_fini(f);
}

/* A glob over the binary's frames adds the functions the graph lacks, in
 * the graph's order after the functions it had. */
static void test_stackroots_glob_adds_binary_functions(void **state)
{
	struct fx fx, *f = &fx;
	const char *globs[] = {"isr_*", "helper"};
	struct lc_err err = {0, ""};
	size_t *roots = NULL, n = 0;

	(void)state;
	fx_init(f);
	assert_int_equal(trc_stack_roots_pick(&roots, &n, &f->cg, &f->fr, globs, 2, &err), 0);
	assert_int_equal(f->cg.nfuncs, 4);
	assert_int_equal(n, 3);
	assert_string_equal(f->cg.funcs[roots[0]].name, "isr_a");
	assert_string_equal(f->cg.funcs[roots[1]].name, "isr_b");
	assert_int_equal(roots[2], f->helper);
	free(roots);
	fx_fini(f);
}

/* A glob that matches only roots already chosen is no error, and no root
 * is listed twice. */
static void test_stackroots_repeated_match_once(void **state)
{
	struct fx fx, *f = &fx;
	const char *globs[] = {"main", "ma*", "m?in"};
	struct lc_err err = {0, ""};
	size_t *roots = NULL, n = 0;

	(void)state;
	fx_init(f);
	assert_int_equal(trc_stack_roots_pick(&roots, &n, &f->cg, &f->fr, globs, 3, &err), 0);
	assert_int_equal(n, 1);
	assert_int_equal(roots[0], f->main);
	free(roots);
	fx_fini(f);
}

static void test_stackroots_unknown_name_is_an_error(void **state)
{
	struct fx fx, *f = &fx;
	const char *globs[] = {"main", "nope*"};
	struct lc_err err = {0, ""};
	size_t *roots = NULL, n = 0;

	(void)state;
	fx_init(f);
	assert_int_equal(trc_stack_roots_pick(&roots, &n, &f->cg, &f->fr, globs, 2, &err),
	                 LC_ENOTFOUND);
	assert_null(roots);
	assert_string_equal(err.msg, "no function 'nope*' in the call graph or the binary");
	fx_fini(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_stackroots_default_is_graph_roots),
	        cmocka_unit_test(test_stackroots_none_marked_gives_zero),
	        cmocka_unit_test(test_stackroots_glob_adds_binary_functions),
	        cmocka_unit_test(test_stackroots_repeated_match_once),
	        cmocka_unit_test(test_stackroots_unknown_name_is_an_error),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
