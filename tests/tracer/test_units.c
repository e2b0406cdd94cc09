/* tests/tracer/test_units.c - the unit that reads best, and parsing the
 * durations of --expect. */
#include "report/units.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <cmocka.h>

static void test_units_ns_picks_the_unit_that_reads_best(void **state)
{
	char b[TRC_UNITS_BUF];

	(void)state;
	assert_string_equal(trc_units_ns(b, sizeof(b), 0), "0 ns");
	assert_string_equal(trc_units_ns(b, sizeof(b), 812), "812 ns");
	assert_string_equal(trc_units_ns(b, sizeof(b), 999), "999 ns");
	assert_string_equal(trc_units_ns(b, sizeof(b), 1000), "1.00 µs");
	assert_string_equal(trc_units_ns(b, sizeof(b), 12345), "12.3 µs");
	assert_string_equal(trc_units_ns(b, sizeof(b), 212000), "212 µs");
	assert_string_equal(trc_units_ns(b, sizeof(b), 999600), "1.00 ms");
	assert_string_equal(trc_units_ns(b, sizeof(b), 1050000), "1.05 ms");
	assert_string_equal(trc_units_ns(b, sizeof(b), 2.5e9), "2.50 s");
	assert_string_equal(trc_units_ns(b, sizeof(b), -1500), "-1.50 µs");
	assert_int_equal(trc_units_width("12.3 µs"), 7);
}

static void test_units_bytes_are_binary(void **state)
{
	char b[TRC_UNITS_BUF];

	(void)state;
	assert_string_equal(trc_units_bytes(b, sizeof(b), 512), "512 B");
	assert_string_equal(trc_units_bytes(b, sizeof(b), 4096), "4.00 KiB");
	assert_string_equal(trc_units_bytes(b, sizeof(b), 1310720), "1.25 MiB");
}

static void test_units_parse_durations(void **state)
{
	double v = 0;

	(void)state;
	assert_int_equal(trc_units_parse_ns("1ms", &v), 0);
	assert_true(v == 1e6);
	assert_int_equal(trc_units_parse_ns("250us", &v), 0);
	assert_true(v == 250e3);
	assert_int_equal(trc_units_parse_ns("250µs", &v), 0);
	assert_true(v == 250e3);
	assert_int_equal(trc_units_parse_ns("1.5 ms", &v), 0);
	assert_true(v == 1.5e6);
	assert_int_equal(trc_units_parse_ns("100ns", &v), 0);
	assert_true(v == 100);
	assert_int_equal(trc_units_parse_ns("2s", &v), 0);
	assert_true(v == 2e9);
	assert_int_equal(trc_units_parse_ns("20", &v), 0); /* bare: microseconds */
	assert_true(v == 20e3);
	assert_int_equal(trc_units_parse_ns("1 hour", &v), -1);
	assert_int_equal(trc_units_parse_ns("-1ms", &v), -1);
	assert_int_equal(trc_units_parse_ns("0", &v), -1);
	assert_int_equal(trc_units_parse_ns("", &v), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units_ns_picks_the_unit_that_reads_best),
		cmocka_unit_test(test_units_bytes_are_binary),
		cmocka_unit_test(test_units_parse_durations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
