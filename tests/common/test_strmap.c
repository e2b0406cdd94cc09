/*
 * tests/common/test_strmap.c - common/strmap.c: put, get, the empty key,
 * keys copied, growth.
 */
#include "strmap.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <cmocka.h>

static void test_strmap_put_get_and_grow(void **state)
{
	struct lc_strmap m;
	char key[32];
	size_t i, *v;
	int added;

	(void)state;
	lc_strmap_init(&m);
	assert_null(lc_strmap_get(&m, ""));
	v = lc_strmap_put(&m, "", &added);
	assert_non_null(v);
	assert_true(added);
	assert_int_equal(*v, 0);
	*v = 42;
	v = lc_strmap_put(&m, "", &added);
	assert_false(added);
	assert_int_equal(*v, 42);
	for (i = 1; i <= 20000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		v = lc_strmap_put(&m, key, &added);
		assert_non_null(v);
		assert_true(added);
		*v = i;
	}
	/* The map holds its own copy: the buffer is overwritten above. */
	assert_int_equal(m.n, 20001);
	assert_true(m.cap >= 2 * m.n);
	for (i = 1; i <= 20000; i++) {
		snprintf(key, sizeof(key), "k%zu", i);
		assert_int_equal(*lc_strmap_get(&m, key), i);
	}
	assert_int_equal(*lc_strmap_get(&m, ""), 42);
	assert_null(lc_strmap_get(&m, "k0"));
	assert_null(lc_strmap_get(&m, "k20001"));
	lc_strmap_fini(&m);
	assert_null(lc_strmap_get(&m, "k1"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_strmap_put_get_and_grow),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
