/* tests/tracer/test_budget.c - the budgets: section of the rules YAML
 * (every kind, positions, strictness) and the verdict list's exit codes. */
#include "report/budget.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

static struct trc_budgets *load(const char *text)
{
	struct trc_budgets *b = NULL;
	struct lc_err err = { 0 };

	if (trc_budgets_load_mem(&b, "rules.yaml", text, strlen(text), &err) != 0)
		fail_msg("load failed: %s", err.msg);
	return b;
}

static void test_budget_loads_every_kind_in_file_order(void **state)
{
	static const char y[] = "extends: none\n"
				"interlock_roots: [interlock_tick]\n"
				"budgets:\n"
				"  lost_events_max: 0\n"
				"  functions:\n"
				"    interlock_tick: { max_us: 50, p99_us: 20, stack_bytes: 2K }\n"
				"    \"pid_*\":        { max_us: 10.5 }\n"
				"  memory:\n"
				"    flash: 64K\n"
				"    ram: 16K\n"
				"    sections: { .text: 48K, .bss: 8K }\n"
				"    symbols:  { \"tlm_*\": 4K }\n"
				"  stack:\n"
				"    interlock_tick: 1024\n";
	static const struct {
		enum trc_budget_kind kind;
		const char *subject;
		double limit;
		const char *unit;
		unsigned line;
	} want[] = {
		{ TRC_BUDGET_LOST_EVENTS, "trace", 0, "events", 4 },
		{ TRC_BUDGET_FUNC_MAX, "interlock_tick", 50, "us", 6 },
		{ TRC_BUDGET_FUNC_P99, "interlock_tick", 20, "us", 6 },
		{ TRC_BUDGET_FUNC_STACK, "interlock_tick", 2048, "bytes", 6 },
		{ TRC_BUDGET_FUNC_MAX, "pid_*", 10.5, "us", 7 },
		{ TRC_BUDGET_MEM_REGION, "flash", 65536, "bytes", 9 },
		{ TRC_BUDGET_MEM_REGION, "ram", 16384, "bytes", 10 },
		{ TRC_BUDGET_MEM_SECTION, ".text", 49152, "bytes", 11 },
		{ TRC_BUDGET_MEM_SECTION, ".bss", 8192, "bytes", 11 },
		{ TRC_BUDGET_MEM_SYMBOL, "tlm_*", 4096, "bytes", 12 },
		{ TRC_BUDGET_STACK_ROOT, "interlock_tick", 1024, "bytes", 14 },
	};
	struct trc_budgets *b = load(y);
	size_t i;

	(void)state;
	assert_int_equal(trc_budgets_count(b), sizeof(want) / sizeof(want[0]));
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		const struct trc_budget *e = trc_budgets_at(b, i);

		assert_int_equal(e->kind, want[i].kind);
		assert_string_equal(e->subject, want[i].subject);
		assert_true(e->limit == want[i].limit);
		assert_string_equal(e->unit, want[i].unit);
		assert_int_equal(e->line, want[i].line);
		assert_string_equal(e->file, "rules.yaml");
	}
	assert_int_equal(trc_budgets_at(b, 2)->col, 43); /* the "20" of p99_us */
	assert_null(trc_budgets_at(b, 99));
	assert_true(trc_budget_is_glob("pid_*"));
	assert_false(trc_budget_is_glob("pid_step"));
	assert_true(trc_budget_matches("pid_*", "pid_step"));
	assert_false(trc_budget_matches("pid_*", "interlock_tick"));
	trc_budgets_free(b);
}

static void test_budget_file_without_budgets_is_empty(void **state)
{
	struct trc_budgets *b = load("interlock_roots: [a]\n");

	(void)state;
	assert_int_equal(trc_budgets_count(b), 0);
	trc_budgets_free(b);
	b = load("budgets:\n");
	assert_int_equal(trc_budgets_count(b), 0);
	trc_budgets_free(b);
}

static void expect_error(const char *text, const char *msg)
{
	struct trc_budgets *b = NULL;
	struct lc_err err = { 0 };

	assert_int_equal(trc_budgets_load_mem(&b, "rules.yaml", text, strlen(text), &err), LC_EFORMAT);
	assert_null(b);
	assert_string_equal(err.msg, msg);
}

static void test_budget_rejects_typos_with_position(void **state)
{
	(void)state;
	expect_error("budgets:\n  functions:\n    f: { max_ms: 5 }\n",
		     "rules.yaml:3:10: unknown function budget 'max_ms'; did you mean 'max_us'?");
	expect_error("budgets:\n  functions:\n    f: { worst: 5 }\n",
		     "rules.yaml:3:10: unknown function budget 'worst' (expected max_us, p99_us, stack_bytes or coverage_min)");
	expect_error("budgets:\n  function:\n    f: { max_us: 5 }\n",
		     "rules.yaml:2:3: unknown key 'budgets.function'; did you mean 'budgets.functions'?");
	expect_error("budget:\n  functions:\n    f: { max_us: 5 }\n",
		     "rules.yaml:1:1: unknown key 'budget'; did you mean 'budgets'?");
	expect_error("budgets:\n  functions:\n    f: { max_us: -1 }\n", "rules.yaml:3:18: expected a non-negative number");
	expect_error("budgets:\n  functions:\n    f: 5\n",
		     "rules.yaml:3:8: expected limits such as { max_us: 50, p99_us: 20, stack_bytes: 2048 }");
	expect_error("budgets: [1, 2]\n", "rules.yaml:1:10: expected 'budgets' to be a mapping");
}

static void test_budget_results_exit_codes(void **state)
{
	struct trc_budgets *b = load("budgets:\n  functions:\n    f: { max_us: 50 }\n");
	const struct trc_budget *e = trc_budgets_at(b, 0);
	struct trc_budget_results *r = NULL;
	size_t pass, fail, error;

	(void)state;
	assert_int_equal(trc_budget_results_new(&r, NULL), 0);
	assert_int_equal(trc_budget_results_exit(r), 0);
	assert_int_equal(trc_budget_judge(e, 50.0), TRC_VERDICT_PASS);
	assert_int_equal(trc_budget_judge(e, 50.001), TRC_VERDICT_FAIL);
	assert_int_equal(trc_budget_results_add(r, e, "f", TRC_VERDICT_PASS, 1, 12.0, NULL, 0, "ok"), 0);
	assert_int_equal(trc_budget_results_exit(r), 0);
	assert_int_equal(trc_budget_results_add(r, e, "f", TRC_VERDICT_FAIL, 1, 60.0, "f.c", 3, "'%s' took %d us", "f", 60), 0);
	assert_int_equal(trc_budget_results_exit(r), 1);
	assert_int_equal(trc_budget_results_add(r, e, NULL, TRC_VERDICT_ERROR, 0, 0, NULL, 0, "no function"), 0);
	assert_int_equal(trc_budget_results_exit(r), 2);
	trc_budget_results_tally(r, &pass, &fail, &error);
	assert_int_equal(pass, 1);
	assert_int_equal(fail, 1);
	assert_int_equal(error, 1);
	assert_string_equal(trc_budget_results_at(r, 1)->message, "'f' took 60 us");
	assert_string_equal(trc_budget_results_at(r, 1)->src_file, "f.c");
	assert_int_equal(trc_budget_results_at(r, 1)->budget_line, 3);
	assert_string_equal(trc_budget_results_at(r, 2)->subject, "f");
	assert_string_equal(trc_verdict_name(TRC_VERDICT_ERROR), "ERROR");
	trc_budget_results_free(r);
	trc_budgets_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_budget_loads_every_kind_in_file_order),
		cmocka_unit_test(test_budget_file_without_budgets_is_empty),
		cmocka_unit_test(test_budget_rejects_typos_with_position),
		cmocka_unit_test(test_budget_results_exit_codes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
