/* tests/common/test_size.c - common/size.c: the one size grammar, decimal
 * (010K is 10 KiB, never octal), hex, binary units, overflow. */
#include "size.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "err.h"

static uint64_t ok(const char *s)
{
	uint64_t v = 12345;

	if (lc_size_parse(s, &v) != 0)
		fail_msg("'%s' should parse", s);
	return v;
}

static void bad(const char *s)
{
	uint64_t v = 777;

	assert_int_equal(lc_size_parse(s, &v), LC_EFORMAT);
	assert_int_equal(v, 777); /* untouched */
}

static void test_size_decimal_never_octal(void **state)
{
	(void)state;
	assert_int_equal(ok("010"), 10);
	assert_int_equal(ok("010K"), 10 * 1024);
	assert_int_equal(ok("0"), 0);
	assert_int_equal(ok("4096"), 4096);
	assert_int_equal(ok("1_024"), 1024);
}

static void test_size_units_are_binary(void **state)
{
	(void)state;
	assert_int_equal(ok("4K"), 4096);
	assert_int_equal(ok("4k"), 4096);
	assert_int_equal(ok("4KB"), 4096);
	assert_int_equal(ok("4KiB"), 4096);
	assert_int_equal(ok("512KiB"), 512 * 1024);
	assert_int_equal(ok("1M"), 1048576);
	assert_int_equal(ok("1MB"), 1048576);
	assert_int_equal(ok("1MiB"), 1048576);
	assert_int_equal(ok("2G"), 2147483648ULL);
	assert_int_equal(ok("2GiB"), 2147483648ULL);
	assert_int_equal(ok("100B"), 100);
	assert_int_equal(ok("4 K"), 4096);
}

static void test_size_hex(void **state)
{
	(void)state;
	assert_int_equal(ok("0x1000"), 4096);
	assert_int_equal(ok("0X10"), 16);
	assert_int_equal(ok("0x10K"), 16 * 1024);
	assert_int_equal(ok("0x1B"), 27); /* B is a hex digit here, not "bytes" */
	assert_int_equal(ok("0xffffffffffffffff"), UINT64_MAX);
}

static void test_size_rejects_malformed(void **state)
{
	(void)state;
	bad(NULL);
	bad("");
	bad("K");
	bad("-1");
	bad("4Q");
	bad("4KK");
	bad("0x");
	bad("0xG");
	bad("1.5K");
	bad("_1");
	bad("1_");
	bad("99999999999999999999");
	bad("17179869184G"); /* 2^34 GiB overflows */
	bad("0x10000000000000000");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_size_decimal_never_octal),
	        cmocka_unit_test(test_size_units_are_binary),
	        cmocka_unit_test(test_size_hex),
	        cmocka_unit_test(test_size_rejects_malformed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
