/*
 * tests/common/test_map.c - common/map.c: put, get, key 0, growth.
 */
#include "map.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

static void test_map_put_get_and_grow(void **state)
{
	struct lc_map m;
	uint64_t i, *v;
	int added;

	(void)state;
	lc_map_init(&m);
	assert_null(lc_map_get(&m, 0));
	v = lc_map_put(&m, 0, &added);
	assert_non_null(v);
	assert_true(added);
	*v = 42;
	v = lc_map_put(&m, 0, &added);
	assert_false(added);
	assert_int_equal(*v, 42);
	for (i = 1; i <= 100000; i++)
		*lc_map_put(&m, i * 0x10000, NULL) = i;
	assert_int_equal(m.n, 100001);
	assert_true(m.cap >= 2 * m.n);
	for (i = 1; i <= 100000; i++)
		assert_int_equal(*lc_map_get(&m, i * 0x10000), i);
	assert_int_equal(*lc_map_get(&m, 0), 42);
	assert_null(lc_map_get(&m, 0x10001));
	lc_map_fini(&m);
	assert_null(lc_map_get(&m, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_map_put_get_and_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
