/* tests/analyzer/test_util.c - analyzer/util.c: paths and hashes (the string map is tests/common/test_strmap.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Memory the library allocated is released with the C library's free,
 * defined before cmocka.h turns free() into its checking test_free(). */
static void lib_free(void *p)
{
	free(p);
}

#include <cmocka.h>

/* Memory the library allocated is released with the C library's free:
 * lib_free(p) bypasses CMocka's test_free macro, which would reject it. */

#include "util.h"

static void check_norm(const char *in, const char *want)
{
	char buf[256];

	strcpy(buf, in);
	an_util_normpath(buf);
	assert_string_equal(buf, want);
}

static void test_util_normpath_folds_dots(void **state)
{
	(void)state;
	check_norm("/a/./b/../c", "/a/c");
	check_norm("/a/b/../../c/", "/c");
	check_norm("/a/..", "/");
	check_norm("/../x", "/x");
	check_norm("a//b/./c", "a/b/c");
}

static void test_util_relpath_only_under_cwd(void **state)
{
	char *r;

	(void)state;
	r = an_util_relpath("/w/main/samples/x.c", "/w/main");
	assert_string_equal(r, "samples/x.c");
	lib_free(r);
	r = an_util_relpath("/w/mainline/x.c", "/w/main");
	assert_string_equal(r, "/w/mainline/x.c");
	lib_free(r);
	r = an_util_abspath("../inc/a.h", "/w/main/build");
	assert_string_equal(r, "/w/main/inc/a.h");
	lib_free(r);
}

static void test_util_hash_separates_fields(void **state)
{
	uint64_t a, b;

	(void)state;
	a = an_hash_str(an_hash_str(AN_HASH_INIT, "ab"), "c");
	b = an_hash_str(an_hash_str(AN_HASH_INIT, "a"), "bc");
	assert_true(a != b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_util_normpath_folds_dots),
	        cmocka_unit_test(test_util_relpath_only_under_cwd),
	        cmocka_unit_test(test_util_hash_separates_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
