/* tests/common/test_yaml.c - the YAML view: lookups, positions, typed
 * readers and the errors a malformed rules file must produce. */
#include "lc_yaml.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static struct lc_yaml *load(const char *text)
{
	struct lc_yaml *y = NULL;
	struct lc_err err = { 0 };

	assert_int_equal(lc_yaml_load_mem(&y, "t.yaml", text, strlen(text), &err), 0);
	assert_non_null(y);
	return y;
}

static void test_yaml_get_nested_values_with_positions(void **state)
{
	struct lc_yaml *y = load("budgets:\n  functions:\n    interlock_tick: { max_us: 50, p99_us: 20 }\n"
				 "roots:\n  - a\n  - 'b*'\n");
	lc_ynode root = lc_yaml_root(y);
	lc_ynode f = lc_yaml_get(y, lc_yaml_get(y, lc_yaml_get(y, root, "budgets"), "functions"),
				 "interlock_tick");
	lc_ynode roots = lc_yaml_get(y, root, "roots");
	uint64_t v = 0;

	(void)state;
	assert_int_equal(lc_yaml_kind(y, f), LC_Y_MAP);
	assert_int_equal(lc_yaml_to_u64(y, lc_yaml_get(y, f, "max_us"), &v, NULL), 0);
	assert_int_equal(v, 50);
	assert_int_equal(lc_yaml_line(y, lc_yaml_get(y, f, "p99_us")), 3);
	assert_int_equal(lc_yaml_col(y, lc_yaml_get(y, f, "p99_us")), 43);
	assert_int_equal(lc_yaml_kind(y, roots), LC_Y_SEQ);
	assert_int_equal(lc_yaml_len(y, roots), 2);
	assert_string_equal(lc_yaml_scalar(y, lc_yaml_at(y, roots, 1)), "b*");
	assert_int_equal(lc_yaml_at(y, roots, 2), 0);
	assert_int_equal(lc_yaml_get(y, root, "absent"), 0);
	assert_null(lc_yaml_scalar(y, lc_yaml_get(y, roots, "x")));
	lc_yaml_free(y);
}

static void test_yaml_syntax_error_names_line(void **state)
{
	static const char text[] = "a: 1\nb: [1, 2\nc: 3\n";
	struct lc_yaml *y = NULL;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lc_yaml_load_mem(&y, "bad.yaml", text, strlen(text), &err), LC_EFORMAT);
	assert_null(y);
	assert_int_equal(strncmp(err.msg, "bad.yaml:", 9), 0);
	/* libyaml reports the flow sequence error where it notices it: line 3 */
	assert_non_null(strstr(err.msg, "bad.yaml:3:"));
}

static void test_yaml_duplicate_key_rejected(void **state)
{
	static const char text[] = "budgets:\n  max_us: 1\n  max_us: 2\n";
	struct lc_yaml *y = NULL;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lc_yaml_load_mem(&y, "d.yaml", text, strlen(text), &err), LC_EFORMAT);
	assert_string_equal(err.msg, "d.yaml:3:3: duplicate key 'max_us'");
}

static void test_yaml_self_referencing_alias_rejected(void **state)
{
	static const char text[] = "a: 1\nloop: &x [1, *x]\n";
	struct lc_yaml *y = NULL;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lc_yaml_load_mem(&y, "c.yaml", text, strlen(text), &err), LC_EFORMAT);
	assert_null(y);
	assert_string_equal(err.msg, "c.yaml:2:7: an alias makes this node contain itself");
}

static void test_yaml_missing_file_is_eio(void **state)
{
	struct lc_yaml *y = NULL;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lc_yaml_load_file(&y, "/nonexistent/x.yaml", &err), LC_EIO);
	assert_string_equal(err.msg, "cannot open '/nonexistent/x.yaml': No such file or directory");
}

static void test_yaml_typed_readers(void **state)
{
	struct lc_yaml *y = load("n: 0x10\nneg: -3\nd: 2.5\nb: yes\ns1: 4K\ns2: 512KiB\ns3: 1M\n"
				 "s4: 4096\ns5: 0x8000\nbad: 12Q\nbig: 99999999999999999999\n");
	lc_ynode r = lc_yaml_root(y);
	uint64_t u = 0;
	double d = 0;
	int b = 0;
	struct lc_err err = { 0 };

	(void)state;
	assert_int_equal(lc_yaml_to_u64(y, lc_yaml_get(y, r, "n"), &u, &err), 0);
	assert_int_equal(u, 16);
	assert_int_equal(lc_yaml_to_u64(y, lc_yaml_get(y, r, "neg"), &u, &err), LC_EFORMAT);
	assert_string_equal(err.msg, "t.yaml:2:6: expected a non-negative integer, got '-3'");
	assert_int_equal(lc_yaml_to_u64(y, lc_yaml_get(y, r, "big"), &u, &err), LC_EFORMAT);
	assert_int_equal(lc_yaml_to_double(y, lc_yaml_get(y, r, "d"), &d, &err), 0);
	assert_true(d == 2.5);
	assert_int_equal(lc_yaml_to_bool(y, lc_yaml_get(y, r, "b"), &b, &err), 0);
	assert_int_equal(b, 1);
	assert_int_equal(lc_yaml_to_size(y, lc_yaml_get(y, r, "s1"), &u, &err), 0);
	assert_int_equal(u, 4096);
	assert_int_equal(lc_yaml_to_size(y, lc_yaml_get(y, r, "s2"), &u, &err), 0);
	assert_int_equal(u, 512 * 1024);
	assert_int_equal(lc_yaml_to_size(y, lc_yaml_get(y, r, "s3"), &u, &err), 0);
	assert_int_equal(u, 1024 * 1024);
	assert_int_equal(lc_yaml_to_size(y, lc_yaml_get(y, r, "s4"), &u, &err), 0);
	assert_int_equal(u, 4096);
	assert_int_equal(lc_yaml_to_size(y, lc_yaml_get(y, r, "s5"), &u, &err), 0);
	assert_int_equal(u, 0x8000);
	assert_int_equal(lc_yaml_to_size(y, lc_yaml_get(y, r, "bad"), &u, &err), LC_EFORMAT);
	assert_non_null(strstr(err.msg, "t.yaml:10:6: expected a size"));
	assert_int_equal(lc_yaml_to_size(y, lc_yaml_get(y, r, "absent"), &u, &err), LC_EFORMAT);
	assert_string_equal(err.msg, "t.yaml: expected a size such as 4096, 4K, 512KiB, 1M or 0x1000, got nothing");
	lc_yaml_free(y);
}

static void test_yaml_empty_document_has_no_root(void **state)
{
	struct lc_yaml *y = load("");

	(void)state;
	assert_int_equal(lc_yaml_root(y), 0);
	assert_int_equal(lc_yaml_kind(y, lc_yaml_root(y)), LC_Y_NONE);
	lc_yaml_free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_yaml_get_nested_values_with_positions),
		cmocka_unit_test(test_yaml_syntax_error_names_line),
		cmocka_unit_test(test_yaml_duplicate_key_rejected),
		cmocka_unit_test(test_yaml_self_referencing_alias_rejected),
		cmocka_unit_test(test_yaml_missing_file_is_eio),
		cmocka_unit_test(test_yaml_typed_readers),
		cmocka_unit_test(test_yaml_empty_document_has_no_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
