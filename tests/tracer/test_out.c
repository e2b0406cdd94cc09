/* tests/tracer/test_out.c - one report document rendered to every format:
 * JSON parsed back with jansson, CSV quoting (RFC 4180), Markdown pipes,
 * JUnit test cases and aligned text (the option parser: test_opt.c). */
#define _GNU_SOURCE
#include "report/out.h"

#include <jansson.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/budget.h"

static void lib_free(void *p)
{
	free(p);
}

#include <cmocka.h>

struct fixture {
	struct trc_doc *d;
	struct trc_budget_results *r;
	struct trc_budgets *b;
};

static int setup(void **state)
{
	static struct fixture fx;
	static const char yaml[] = "budgets:\n  functions:\n    fast: { max_us: 1 }\n    'slow*': { p99_us: 2.5 }\n";
	struct trc_table *t = NULL;
	int c0, c1, c2;

	memset(&fx, 0, sizeof(fx));
	assert_int_equal(trc_doc_new(&fx.d, "report", NULL), 0);
	assert_int_equal(trc_doc_meta_str(fx.d, "trace", "trace", "t.trace"), 0);
	assert_int_equal(trc_doc_meta_u64(fx.d, "lost_events", "lost events", 3, "3 (dropped)"), 0);
	assert_int_equal(trc_doc_add_table(&t, fx.d, "functions", "functions"), 0);
	c0 = trc_table_col(t, "function", "function", TRC_ALIGN_LEFT);
	c1 = trc_table_col(t, "max_ns", "max", TRC_ALIGN_RIGHT);
	c2 = trc_table_col(t, "note", "note", TRC_ALIGN_LEFT);
	assert_true(c0 == 0 && c1 == 1 && c2 == 2);
	assert_int_equal(trc_table_row(t), 0);
	assert_int_equal(trc_table_str(t, c0, "fast"), 0);
	assert_int_equal(trc_table_u64(t, c1, 812, "812 ns"), 0);
	assert_int_equal(trc_table_str(t, c2, "has \"quotes\", commas | pipes"), 0);
	assert_int_equal(trc_table_row(t), 1);
	assert_int_equal(trc_table_str(t, c0, "slow_path"), 0);
	assert_int_equal(trc_table_u64(t, c1, 12345678, "12.3 ms"), 0);
	/* columns cannot be added once rows exist */
	assert_int_equal(trc_table_col(t, "late", "late", TRC_ALIGN_LEFT), LC_EUSAGE);
	assert_int_equal(trc_table_str(t, 7, "x"), LC_EUSAGE);
	assert_int_equal(trc_doc_block(fx.d, "bars", "  a |##|\n"), 0);
	assert_int_equal(trc_doc_note(fx.d, "hook cost %d ns subtracted", 20), 0);
	assert_int_equal(trc_budgets_load_mem(&fx.b, "b.yaml", yaml, strlen(yaml), NULL), 0);
	assert_int_equal(trc_budget_results_new(&fx.r, NULL), 0);
	assert_int_equal(trc_budget_results_add(fx.r, trc_budgets_at(fx.b, 0), "fast", TRC_VERDICT_PASS, 1, 0.812,
						"src/f.c", 10, "'fast' took 812 ns at max, budget is 1.00 us"),
			 0);
	assert_int_equal(trc_budget_results_add(fx.r, trc_budgets_at(fx.b, 1), "slow_path", TRC_VERDICT_FAIL, 1,
						12345.678, "src/s.c", 42, "'slow_path' took <12.3 ms> & more"),
			 0);
	trc_doc_set_budgets(fx.d, fx.r);
	*state = &fx;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *fx = *state;

	trc_doc_free(fx->d);
	trc_budget_results_free(fx->r);
	trc_budgets_free(fx->b);
	return 0;
}

static char *render(const struct fixture *fx, enum trc_fmt fmt, int color)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	assert_non_null(f);
	assert_int_equal(trc_doc_write(fx->d, fmt, f, color, NULL), 0);
	assert_int_equal(fclose(f), 0);
	return buf;
}

static void test_out_json_parses_back_with_raw_values(void **state)
{
	char *s = render(*state, TRC_FMT_JSON, 1);
	json_error_t e;
	json_t *root = json_loads(s, 0, &e), *rows, *b;

	if (root == NULL)
		fail_msg("JSON does not parse: %s at line %d: %s", e.text, e.line, s);
	assert_string_equal(json_string_value(json_object_get(root, "tool")), "latch-trace");
	assert_string_equal(json_string_value(json_object_get(root, "command")), "report");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(root, "meta"), "lost_events")), 3);
	rows = json_object_get(json_object_get(root, "tables"), "functions");
	assert_int_equal(json_array_size(rows), 2);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(rows, 0), "max_ns")), 812);
	assert_string_equal(json_string_value(json_object_get(json_array_get(rows, 0), "note")),
			    "has \"quotes\", commas | pipes");
	assert_true(json_is_null(json_object_get(json_array_get(rows, 1), "note")));
	b = json_object_get(root, "budgets");
	assert_int_equal(json_integer_value(json_object_get(b, "fail")), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(b, "results"), 1), "verdict")),
			    "FAIL");
	assert_string_equal(json_string_value(json_object_get(json_array_get(json_object_get(b, "results"), 1), "pattern")),
			    "slow*");
	/* no colour escapes in machine output */
	assert_null(strchr(s, '\033'));
	json_decref(root);
	lib_free(s);
}

static void test_out_csv_quotes_per_rfc4180(void **state)
{
	char *s = render(*state, TRC_FMT_CSV, 0);

	assert_string_equal(s, "function,max_ns,note\r\n"
			       "fast,812,\"has \"\"quotes\"\", commas | pipes\"\r\n"
			       "slow_path,12345678,\r\n");
	lib_free(s);
}

static void test_out_markdown_escapes_pipes_and_lists_budgets(void **state)
{
	char *s = render(*state, TRC_FMT_MD, 0);

	assert_non_null(strstr(s, "| function | max | note |\n| --- | ---: | --- |\n"));
	assert_non_null(strstr(s, "| fast | 812 ns | has \"quotes\", commas \\| pipes |\n"));
	assert_non_null(strstr(s, "```\n  a |##|\n```\n"));
	assert_non_null(strstr(s, "### Budgets: 1 pass, 1 fail, 0 error"));
	assert_non_null(strstr(s, "| **FAIL** | slow_path | p99_us | 2.5 us | 12345.7 us |"));
	lib_free(s);
}

static void test_out_junit_has_one_testcase_per_budget(void **state)
{
	char *s = render(*state, TRC_FMT_JUNIT, 0);

	assert_non_null(strstr(s, "<testsuite name=\"latch-trace report budgets\" tests=\"2\" failures=\"1\" errors=\"0\""));
	assert_non_null(strstr(s, "<testcase classname=\"latch-trace.report.max_us\" name=\"fast max_us &lt;= 1 us\"/>"));
	/* the message is escaped by libxml2, not by hand */
	assert_non_null(strstr(s, "message=\"'slow_path' took &lt;12.3 ms&gt; &amp; more\""));
	lib_free(s);
}

static void test_out_text_aligns_columns_and_prints_diagnostics(void **state)
{
	char *s = render(*state, TRC_FMT_TEXT, 0);

	assert_non_null(strstr(s, "trace:       t.trace\nlost events: 3 (dropped)\n"));
	assert_non_null(strstr(s, "  function       max  note\n"
				  "  fast        812 ns  has \"quotes\", commas | pipes\n"
				  "  slow_path  12.3 ms  -\n"));
	assert_non_null(strstr(s, "hook cost 20 ns subtracted\n"));
	assert_non_null(strstr(s, "budgets: 1 pass, 1 fail, 0 error\n"));
	assert_non_null(strstr(s, "src/s.c:42:1: warning: 'slow_path' took <12.3 ms> & more [budget]\n"));
	assert_null(strchr(s, '\033'));
	lib_free(s);
	s = render(*state, TRC_FMT_TEXT, 1);
	assert_non_null(strchr(s, '\033'));
	lib_free(s);
}

/* A table added with its column list renders exactly as one whose columns
 * are added one by one, the list's order giving the indices. */
static void test_out_table_cols_equal_col_by_col(void **state)
{
	static const struct trc_col_spec cols[] = {{"function", "function", TRC_ALIGN_LEFT},
						   {"max_ns", "max", TRC_ALIGN_RIGHT}};
	struct trc_doc *d[2] = {NULL, NULL};
	struct trc_table *t = NULL;
	struct lc_err err = {0, ""};
	char *s[2][2];
	int i, j;

	(void)state;
	for (i = 0; i < 2; i++) {
		assert_int_equal(trc_doc_new(&d[i], "stack", NULL), 0);
		if (i == 0) {
			assert_int_equal(trc_doc_add_table(&t, d[i], "roots", "Roots"), 0);
			assert_int_equal(trc_table_col(t, "function", "function", TRC_ALIGN_LEFT), 0);
			assert_int_equal(trc_table_col(t, "max_ns", "max", TRC_ALIGN_RIGHT), 1);
		} else {
			assert_int_equal(trc_doc_add_table_cols(&t, d[i], "roots", "Roots", cols, 2), 0);
		}
		trc_table_row(t);
		trc_table_str(t, 0, "main");
		trc_table_u64(t, 1, 4096, "4 KiB");
		assert_int_equal(trc_doc_check(d[i], &err), 0);
		for (j = 0; j < 2; j++) {
			size_t len = 0;
			FILE *f = open_memstream(&s[i][j], &len);

			assert_non_null(f);
			assert_int_equal(trc_doc_write(d[i], j ? TRC_FMT_JSON : TRC_FMT_TEXT, f, 0, NULL), 0);
			assert_int_equal(fclose(f), 0);
		}
	}
	assert_non_null(strstr(s[1][0], "main"));
	assert_non_null(strstr(s[1][1], "\"max_ns\": 4096"));
	assert_string_equal(s[0][0], s[1][0]);
	assert_string_equal(s[0][1], s[1][1]);
	for (i = 0; i < 2; i++) {
		lib_free(s[i][0]);
		lib_free(s[i][1]);
		trc_doc_free(d[i]);
	}
	assert_int_equal(err.code, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_out_json_parses_back_with_raw_values, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_csv_quotes_per_rfc4180, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_markdown_escapes_pipes_and_lists_budgets, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_junit_has_one_testcase_per_budget, setup, teardown),
		cmocka_unit_test_setup_teardown(test_out_text_aligns_columns_and_prints_diagnostics, setup, teardown),
		cmocka_unit_test(test_out_table_cols_equal_col_by_col),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
