#define _POSIX_C_SOURCE 200809L
/* tests/tracer/test_hist.c - log-linear histograms: the bucket scheme,
 * quantiles against a brute-force sort, merging, rows and drawing. */
#include "trace/hist.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Memory that trc_core allocated goes back to libc, not to CMocka's
 * test_free (defined before cmocka.h replaces free). */
static void lib_free(void *p)
{
	free(p);
}

#include <cmocka.h>

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

/* A deterministic generator (xorshift), so failures reproduce. */
static uint64_t next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static uint64_t nearest_rank(const uint64_t *sorted, size_t n, double q)
{
	size_t rank = (size_t)(q * (double)n);

	if ((double)rank < q * (double)n)
		rank++;
	if (rank == 0)
		rank = 1;
	return sorted[rank - 1];
}

static void test_hist_bucket_bounds_contain_value_within_one_percent(void **state)
{
	uint64_t s = 42;
	int i;

	(void)state;
	for (i = 0; i < 100000; i++) {
		uint64_t v = next(&s) >> (next(&s) % 64);
		uint32_t b = trc_hist_bucket(v);

		assert_true(trc_hist_lower(b) <= v);
		assert_true(trc_hist_upper(b) >= v);
		/* width <= lower / 128 (exact below 256) */
		if (v >= 256)
			assert_true((double)(trc_hist_upper(b) - trc_hist_lower(b) + 1) <=
				    (double)trc_hist_lower(b) / 128.0 + 1e-9);
		else
			assert_int_equal(trc_hist_lower(b), v);
	}
	/* consecutive buckets tile the value range */
	for (i = 0; i < 7000; i++)
		assert_int_equal(trc_hist_upper((uint32_t)i) + 1, trc_hist_lower((uint32_t)i + 1));
}

static void check_quantiles_against_sort(uint64_t *v, size_t n)
{
	static const double qs[] = { 0.0, 0.001, 0.25, 0.5, 0.9, 0.99, 0.999, 0.9999, 1.0 };
	struct trc_hist h;
	size_t i;

	trc_hist_init(&h);
	for (i = 0; i < n; i++)
		assert_int_equal(trc_hist_add(&h, v[i]), 0);
	qsort(v, n, sizeof(*v), cmp_u64);
	assert_int_equal(h.total, n);
	assert_int_equal(h.min, v[0]);
	assert_int_equal(h.max, v[n - 1]);
	for (i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		uint64_t exact = qs[i] <= 0.0 ? v[0] : nearest_rank(v, n, qs[i]);
		uint64_t got = trc_hist_quantile(&h, qs[i]);
		double err = exact ? ((double)got - (double)exact) / (double)exact : (double)got;

		if (err < 0)
			err = -err;
		if (err > 0.01)
			fail_msg("q=%g: histogram %llu, sort %llu (error %.3f%%)", qs[i], (unsigned long long)got,
				 (unsigned long long)exact, err * 100);
		/* the bucket scheme promises better than 1 %: half a bucket */
		assert_true(err <= 0.5 / 128.0 + 1e-12);
	}
	trc_hist_fini(&h);
}

static void test_hist_quantiles_match_brute_force_sort(void **state)
{
	size_t n = 200000, i;
	uint64_t *v = malloc(n * sizeof(*v));
	uint64_t s = 7;

	(void)state;
	assert_non_null(v);
	/* a long-tailed latency shape: mostly ~1-3 us, rare ms outliers */
	for (i = 0; i < n; i++) {
		uint64_t r = next(&s);

		v[i] = 1000 + r % 2000 + ((r >> 20) % 1000 == 0 ? (r >> 32) % 5000000 : 0);
	}
	check_quantiles_against_sort(v, n);
	/* small values are exact */
	for (i = 0; i < 1000; i++)
		v[i] = next(&s) % 300;
	check_quantiles_against_sort(v, 1000);
	/* one value */
	v[0] = 123456789;
	check_quantiles_against_sort(v, 1);
	free(v);
}

static void test_hist_merge_equals_adding_everything(void **state)
{
	struct trc_hist a, b, all;
	uint64_t s = 99;
	int i;

	(void)state;
	trc_hist_init(&a);
	trc_hist_init(&b);
	trc_hist_init(&all);
	for (i = 0; i < 5000; i++) {
		uint64_t v = next(&s) % 1000000;

		assert_int_equal(trc_hist_add(i % 2 ? &a : &b, v), 0);
		assert_int_equal(trc_hist_add(&all, v), 0);
	}
	assert_int_equal(trc_hist_add_n(&a, 5, 0), 0);
	assert_int_equal(trc_hist_merge(&a, &b), 0);
	assert_int_equal(a.total, all.total);
	assert_int_equal(a.min, all.min);
	assert_int_equal(a.max, all.max);
	assert_int_equal(trc_hist_quantile(&a, 0.99), trc_hist_quantile(&all, 0.99));
	trc_hist_fini(&a);
	trc_hist_fini(&b);
	trc_hist_fini(&all);
}

static void test_hist_rows_sum_to_total_and_draw_aligned_bars(void **state)
{
	struct trc_hist h;
	struct trc_hist_row *rows = NULL;
	size_t n = 0, i;
	uint64_t sum = 0;
	char *text = NULL, *line, *save = NULL;
	size_t bar_col = 0;

	(void)state;
	trc_hist_init(&h);
	for (i = 0; i < 1000; i++)
		assert_int_equal(trc_hist_add(&h, 1000000 + (i % 100) * 500), 0); /* 1.00 .. 1.05 ms */
	assert_int_equal(trc_hist_add(&h, 3000000), 0);
	assert_int_equal(trc_hist_rows(&rows, &n, &h, 12), 0);
	assert_true(n > 0 && n <= 12);
	for (i = 0; i < n; i++) {
		sum += rows[i].count;
		if (i > 0)
			assert_true(rows[i].lo > rows[i - 1].hi);
	}
	assert_int_equal(sum, 1001);
	assert_int_equal(rows[0].lo, 1000000);
	assert_int_equal(rows[n - 1].hi, 3000000);
	assert_int_equal(trc_hist_draw(&text, rows, n, 20, 1, 2000000, 0), 0);
	/* every line has its bar column at the same place, and the row beyond
	 * the mark carries '!' */
	for (line = strtok_r(text, "\n", &save), i = 0; line != NULL; line = strtok_r(NULL, "\n", &save), i++) {
		size_t col = (size_t)(strchr(line, '|') - line);

		if (i == 0)
			bar_col = col;
		assert_int_equal(col, bar_col);
		if (i + 1 == n)
			assert_non_null(strstr(line, " !"));
	}
	assert_int_equal(i, n);
	/* allocated inside trc_core, outside CMocka's allocator */
	lib_free(text);
	lib_free(rows);
	/* an empty histogram has no rows */
	trc_hist_fini(&h);
	assert_int_equal(trc_hist_rows(&rows, &n, &h, 12), 0);
	assert_int_equal(n, 0);
	assert_int_equal(trc_hist_quantile(&h, 0.5), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hist_bucket_bounds_contain_value_within_one_percent),
		cmocka_unit_test(test_hist_quantiles_match_brute_force_sort),
		cmocka_unit_test(test_hist_merge_equals_adding_everything),
		cmocka_unit_test(test_hist_rows_sum_to_total_and_draw_aligned_bars),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
