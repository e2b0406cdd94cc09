/* tests/analyzer/test_util.c - analyzer/util.c: paths and the string map. */
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

static void test_util_map_keeps_first_value(void **state)
{
	struct an_map m = {0};
	char key[32];
	int i, old;

	(void)state;
	for (i = 0; i < 1000; i++) {
		snprintf(key, sizeof(key), "k%d", i);
		assert_int_equal(an_map_put(&m, key, i, &old), 0);
		assert_int_equal(old, i);
	}
	assert_int_equal(an_map_put(&m, "k7", 99, &old), 0);
	assert_int_equal(old, 7);
	assert_int_equal(an_map_get(&m, "k999"), 999);
	assert_int_equal(an_map_get(&m, "nope"), -1);
	assert_int_equal((int)m.len, 1000);
	an_map_fini(&m);
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
	        cmocka_unit_test(test_util_map_keeps_first_value),
	        cmocka_unit_test(test_util_hash_separates_fields),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
