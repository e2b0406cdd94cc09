/*
 * tests/common/test_scc.c - common/scc.c: components, their completion
 * order, skipped edges, starts, and a deep chain (no recursion).
 */
#include "scc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include <cmocka.h>

/* 0 -> 1 -> 2 -> 1 (cycle {1,2}), 2 -> 3, 3 -> 3 (self loop), 4 -> 0, and
 * 0 -> 4 as a skipped edge (so {0,4} is not a cycle). */
static void test_scc_components_and_order(void **state)
{
	const size_t start[] = {0, 2, 3, 5, 6, 7};
	const size_t succ[] = {1, LC_SCC_SKIP, 2, 1, 3, 3, 0};
	struct lc_scc s;

	(void)state;
	assert_int_equal(lc_scc_compute(&s, 5, start, succ, NULL, 0), 0);
	assert_int_equal(s.ncomp, 4);
	assert_int_equal(s.comp[1], s.comp[2]);
	assert_true(s.comp[0] != s.comp[1] && s.comp[3] != s.comp[1] && s.comp[4] != s.comp[0]);
	/* Callees complete first: 3 before {1,2} before 0 before 4. */
	assert_true(s.comp[3] < s.comp[1] && s.comp[1] < s.comp[0] && s.comp[0] < s.comp[4]);
	assert_int_equal(s.start[s.comp[1] + 1] - s.start[s.comp[1]], 2);
	assert_int_equal(s.start[s.ncomp], 5);
	lc_scc_fini(&s);
}

static void test_scc_starts_leave_the_rest_unvisited(void **state)
{
	const size_t start[] = {0, 1, 1, 2};
	const size_t succ[] = {1, 0};
	const size_t starts[] = {1};
	struct lc_scc s;

	(void)state;
	/* 0 -> 1, 1 (nothing), 2 -> 0: from 1 only 1 is reached. */
	assert_int_equal(lc_scc_compute(&s, 3, start, succ, starts, 1), 0);
	assert_int_equal(s.ncomp, 1);
	assert_int_equal(s.comp[1], 0);
	assert_int_equal(s.comp[0], LC_SCC_NONE);
	assert_int_equal(s.comp[2], LC_SCC_NONE);
	lc_scc_fini(&s);
}

static void test_scc_deep_chain(void **state)
{
	const size_t n = 200000;
	size_t *start = malloc((n + 1) * sizeof(size_t)), *succ = malloc(n * sizeof(size_t)), i;
	struct lc_scc s;

	(void)state;
	assert_non_null(start);
	assert_non_null(succ);
	/* 0 -> 1 -> ... -> n-1 -> 0: one component of n nodes. */
	for (i = 0; i < n; i++) {
		start[i] = i;
		succ[i] = (i + 1) % n;
	}
	start[n] = n;
	assert_int_equal(lc_scc_compute(&s, n, start, succ, NULL, 0), 0);
	assert_int_equal(s.ncomp, 1);
	assert_int_equal(s.start[1], n);
	lc_scc_fini(&s);
	free(start);
	free(succ);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_scc_components_and_order),
	        cmocka_unit_test(test_scc_starts_leave_the_rest_unvisited),
	        cmocka_unit_test(test_scc_deep_chain),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
