/*
 * tests/tracer/test_callgraph.c - tracer/binary/callgraph.c: latch-check's
 * call-graph JSON (functions, edges, indirect sites) and its errors.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/callgraph.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

static const char good[] =
        "{\"version\":1,\"functions\":["
        "{\"name\":\"tick\",\"usr\":\"c:@F@tick\",\"file\":\"il.c\",\"line\":10,\"defined\":true,"
        "\"root\":true,\"address_taken\":false},"
        "{\"name\":\"vent\",\"usr\":\"c:@F@vent\",\"file\":\"act.c\",\"line\":3,\"defined\":true,"
        "\"root\":false,\"address_taken\":true},"
        "{\"name\":\"memcpy\",\"usr\":\"c:@F@memcpy\",\"file\":null,\"line\":0,\"defined\":false,"
        "\"root\":false,\"address_taken\":false}],"
        "\"edges\":["
        "{\"caller\":\"tick\",\"caller_usr\":\"c:@F@tick\",\"callee\":\"vent\",\"callee_usr\":\"c:@"
        "F@vent\",\"file\":\"il.c\",\"line\":12,\"column\":5,\"kind\":\"direct\"},"
        "{\"caller\":\"tick\",\"callee\":\"vent\",\"file\":\"il.c\",\"line\":12,\"column\":5,"
        "\"kind\":\"direct\"},"
        "{\"caller\":\"tick\",\"callee\":\"memcpy\",\"file\":\"il.c\",\"line\":14,\"column\":3,"
        "\"kind\":\"resolved\"},"
        "{\"caller\":\"tick\",\"callee\":null,\"callee_usr\":null,\"file\":\"il.c\",\"line\":20,"
        "\"column\":7,\"kind\":\"indirect\"},"
        "{\"caller\":\"vent\",\"callee\":null,\"file\":\"act.c\",\"line\":5,\"column\":2,\"kind\":"
        "\"indirect\"}],"
        "\"indirect_sites\":[{\"caller\":\"tick\",\"file\":\"il.c\",\"line\":20,\"column\":7,"
        "\"resolved\":false}],"
        "\"future_member\":{\"ignored\":true}}";

static void test_callgraph_loads_functions_edges_and_sites(void **state)
{
	struct trc_cg cg;
	struct lc_err err = {0, ""};
	size_t tick, vent;

	(void)state;
	trc_cg_init(&cg);
	assert_int_equal(trc_cg_load_json_mem(&cg, "cg.json", good, strlen(good), &err), 0);
	assert_int_equal(cg.nfuncs, 3);
	tick = trc_cg_find(&cg, "tick");
	vent = trc_cg_find(&cg, "vent");
	assert_true(tick != (size_t)-1 && vent != (size_t)-1);
	assert_true(cg.funcs[tick].root);
	assert_true(cg.funcs[tick].defined);
	assert_string_equal(cg.funcs[tick].file, "il.c");
	assert_int_equal(cg.funcs[tick].line, 10);
	assert_false(cg.funcs[trc_cg_find(&cg, "memcpy")].defined);
	assert_null(cg.funcs[trc_cg_find(&cg, "memcpy")].file);
	/* the duplicate tick -> vent at il.c:12:5 is dropped */
	assert_int_equal(cg.nedges, 2);
	assert_int_equal(cg.edges[0].caller, tick);
	assert_int_equal(cg.edges[0].callee, vent);
	assert_int_equal(cg.edges[0].line, 12);
	assert_int_equal(cg.edges[0].col, 5);
	assert_int_equal(cg.edges[1].kind, TRC_CG_RESOLVED);
	assert_string_equal(trc_cg_kind_name(cg.edges[1].kind), "resolved");
	/* an indirect edge without callee is a site; the one at il.c:20:7 is
	 * listed in indirect_sites too and counted once */
	assert_int_equal(cg.nsites, 2);
	assert_int_equal(cg.sites[0].caller, tick);
	assert_false(cg.sites[0].resolved);
	assert_int_equal(cg.sites[0].line, 20);
	assert_int_equal(cg.sites[1].caller, vent);
	assert_string_equal(cg.sites[1].file, "act.c");
	assert_true(trc_cg_find(&cg, "nosuch") == (size_t)-1);
	trc_cg_fini(&cg);
}

static void expect_error(const char *json, int code, const char *msg)
{
	struct trc_cg cg;
	struct lc_err err = {0, ""};

	trc_cg_init(&cg);
	assert_int_equal(trc_cg_load_json_mem(&cg, "cg.json", json, strlen(json), &err), code);
	assert_string_equal(err.msg, msg);
	trc_cg_fini(&cg);
}

static void test_callgraph_rejects_bad_input(void **state)
{
	(void)state;
	expect_error("[1,2]", LC_EFORMAT, "cg.json: not a call graph (expected a JSON object)");
	expect_error("{\"functions\":[]}", LC_EFORMAT,
	             "cg.json: unsupported call graph version (expected \"version\": 1)");
	expect_error("{\"version\":1,\"edges\":{}}", LC_EFORMAT,
	             "cg.json: \"edges\" must be an array");
	expect_error("{\"version\":1,\"edges\":[{\"caller\":\"a\"}]}", LC_EFORMAT,
	             "cg.json: edges[0] needs a caller and a callee");
	expect_error("{\"version\":1,\"edges\":[{\"caller\":\"a\",\"callee\":null,\"kind\":"
	             "\"direct\"}]}",
	             LC_EFORMAT, "cg.json: edges[0] needs a caller and a callee");
	expect_error(
	        "{\"version\":1,\"edges\":[{\"caller\":\"a\",\"callee\":\"b\",\"kind\":\"magic\"}]"
	        "}",
	        LC_EFORMAT,
	        "cg.json: edges[0].kind 'magic' is not direct, indirect, declared or resolved");
	expect_error("{\"version\":1,\"functions\":[{\"name\":\"a\",\"line\":\"ten\"}]}",
	             LC_EFORMAT, "cg.json: functions[0].line must be a non-negative integer");
	expect_error("{\"version\":1,\"functions\":[{\"name\":7}]}", LC_EFORMAT,
	             "cg.json: functions[0].name must be a string");
	expect_error("{\"version\":1,", LC_EFORMAT,
	             "cg.json:1:13: string or '}' expected near end of file");
}

static void test_callgraph_missing_file(void **state)
{
	struct trc_cg cg;
	struct lc_err err = {0, ""};

	(void)state;
	trc_cg_init(&cg);
	assert_int_equal(trc_cg_load_json(&cg, "/nonexistent/cg.json", &err), LC_EIO);
	assert_non_null(strstr(err.msg, "cannot read call graph '/nonexistent/cg.json'"));
	trc_cg_fini(&cg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_callgraph_loads_functions_edges_and_sites),
	        cmocka_unit_test(test_callgraph_rejects_bad_input),
	        cmocka_unit_test(test_callgraph_missing_file),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
