/* tests/common/test_path.c - paths shown relative to the working directory. */
#include "path.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void test_path_under_strips_directory(void **state)
{
	(void)state;
	assert_string_equal(lc_path_under("/work/main/samples/tvac/pid.c", "/work/main"),
			    "samples/tvac/pid.c");
	assert_string_equal(lc_path_under("/etc/passwd", "/"), "etc/passwd");
}

static void test_path_under_keeps_other_paths(void **state)
{
	(void)state;
	/* a sibling that shares the prefix is not below the directory */
	assert_string_equal(lc_path_under("/work/mainline/x.c", "/work/main"), "/work/mainline/x.c");
	assert_string_equal(lc_path_under("/work/main", "/work/main"), "/work/main");
	assert_string_equal(lc_path_under("/work/main/", "/work/main"), "/work/main/");
	assert_string_equal(lc_path_under("rel/x.c", "/work/main"), "rel/x.c");
	assert_string_equal(lc_path_under("/a/b.c", ""), "/a/b.c");
	assert_string_equal(lc_path_under("/a/b.c", NULL), "/a/b.c");
	assert_null(lc_path_under(NULL, "/a"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_path_under_strips_directory),
		cmocka_unit_test(test_path_under_keeps_other_paths),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
