/* tests/tracer/test_bound.c - the per-root timing bound (trace/bound.h) on
 * call graphs whose exact bound, or reason for having none, is known. */
#include "trace/bound.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

struct fx {
	struct trc_cg cg;
	uint64_t *self;
};

static void load(struct fx *fx, const char *json)
{
	struct lc_err err = {0};
	size_t i;

	trc_cg_init(&fx->cg);
	if (trc_cg_load_json_mem(&fx->cg, "cg.json", json, strlen(json), &err) != 0)
		fail_msg("load failed: %s", err.msg);
	fx->self = malloc(fx->cg.nfuncs * sizeof(*fx->self));
	assert_non_null(fx->self);
	for (i = 0; i < fx->cg.nfuncs; i++)
		fx->self[i] = TRC_BOUND_UNMEASURED;
}

static void self_ns(struct fx *fx, const char *name, uint64_t ns)
{
	size_t i = trc_cg_find(&fx->cg, name);

	assert_true(i != (size_t)-1);
	fx->self[i] = ns;
}

static const struct trc_bound_root *root(struct fx *fx, struct trc_bound **b, const char *name)
{
	struct lc_err err = {0};
	size_t i;

	assert_int_equal(trc_bound_compute(b, &fx->cg, fx->self, &err), 0);
	for (i = 0; i < (*b)->nroots; i++)
		if (strcmp(fx->cg.funcs[(*b)->roots[i].func].name, name) == 0)
			return &(*b)->roots[i];
	fail_msg("root %s not in the result", name);
	return NULL;
}

static void done(struct fx *fx, struct trc_bound *b)
{
	trc_bound_free(b);
	trc_cg_fini(&fx->cg);
	free(fx->self);
}

#define FN(n, d, r) "{\"name\":\"" n "\",\"file\":\"a.c\",\"line\":1,\"defined\":" d ",\"root\":" r "}"
#define ED(a, b, line, trips)                                                                      \
	"{\"caller\":\"" a "\",\"callee\":\"" b "\",\"file\":\"a.c\",\"line\":" #line                 \
	",\"column\":3,\"kind\":\"direct\",\"loop_trips\":" trips "}"

/* r (10) calls a (5) inside a 4-trip loop, b (3) once; a calls memcpy,
 * which has no body and is not traced: 10 + 4*5 + 3. */
static void test_bound_sums_self_times_times_loop_trips(void **state)
{
	struct fx fx;
	struct trc_bound *b = NULL;
	const struct trc_bound_root *r;

	(void)state;
	load(&fx, "{\"version\":1,\"functions\":["
	          FN("r", "true", "true") "," FN("a", "true", "false") ","
	          FN("b", "true", "false") "," FN("memcpy", "false", "false") "],"
	          "\"edges\":[" ED("r", "a", 5, "4") "," ED("r", "b", 6, "1") ","
	          ED("a", "memcpy", 9, "1") "]}");
	self_ns(&fx, "r", 10);
	self_ns(&fx, "a", 5);
	self_ns(&fx, "b", 3);
	r = root(&fx, &b, "r");
	assert_int_equal(r->why, TRC_BOUND_OK);
	assert_int_equal(r->bound_ns, 33);
	done(&fx, b);
}

/* A diamond: c is reached twice and counted on each path: 1 + 2 + 3 + 2*7. */
static void test_bound_counts_shared_callee_on_every_path(void **state)
{
	struct fx fx;
	struct trc_bound *b = NULL;
	const struct trc_bound_root *r;

	(void)state;
	load(&fx, "{\"version\":1,\"functions\":["
	          FN("r", "true", "true") "," FN("a", "true", "false") ","
	          FN("b", "true", "false") "," FN("c", "true", "false") "],"
	          "\"edges\":[" ED("r", "a", 2, "1") "," ED("r", "b", 3, "1") ","
	          ED("a", "c", 4, "1") "," ED("b", "c", 5, "1") "]}");
	self_ns(&fx, "r", 1);
	self_ns(&fx, "a", 2);
	self_ns(&fx, "b", 3);
	self_ns(&fx, "c", 7);
	r = root(&fx, &b, "r");
	assert_int_equal(r->why, TRC_BOUND_OK);
	assert_int_equal(r->bound_ns, 1 + 2 + 3 + 2 * 7);
	done(&fx, b);
}

/* One indirect call site with two resolved targets goes to one of them:
 * the larger counts, times the site's trips: 4 + 3 * 9. */
static void test_bound_takes_largest_target_of_an_indirect_site(void **state)
{
	static const char json[] =
	        "{\"version\":1,\"functions\":["
	        FN("r", "true", "true") "," FN("t1", "true", "false") "," FN("t2", "true", "false") "],"
	        "\"edges\":["
	        "{\"caller\":\"r\",\"callee\":\"t1\",\"file\":\"a.c\",\"line\":7,\"column\":2,\"kind\":\"resolved\",\"loop_trips\":3},"
	        "{\"caller\":\"r\",\"callee\":\"t2\",\"file\":\"a.c\",\"line\":7,\"column\":2,\"kind\":\"resolved\",\"loop_trips\":3}],"
	        "\"indirect_sites\":[{\"caller\":\"r\",\"file\":\"a.c\",\"line\":7,\"column\":2,\"resolved\":true}]}";
	struct fx fx;
	struct trc_bound *b = NULL;
	const struct trc_bound_root *r;

	(void)state;
	load(&fx, json);
	self_ns(&fx, "r", 4);
	self_ns(&fx, "t1", 7);
	self_ns(&fx, "t2", 9);
	r = root(&fx, &b, "r");
	assert_int_equal(r->why, TRC_BOUND_OK);
	assert_int_equal(r->bound_ns, 4 + 3 * 9);
	done(&fx, b);
}

static void expect_no_bound(const char *json, enum trc_bound_why why, const char *why_func,
                            unsigned why_line)
{
	struct fx fx;
	struct trc_bound *b = NULL;
	const struct trc_bound_root *r;
	size_t i;

	load(&fx, json);
	for (i = 0; i < fx.cg.nfuncs; i++)
		if (strcmp(fx.cg.funcs[i].name, "never") != 0 && fx.cg.funcs[i].defined)
			fx.self[i] = 100;
	r = root(&fx, &b, "r");
	assert_int_equal(r->why, why);
	assert_string_equal(fx.cg.funcs[r->why_func].name, why_func);
	assert_int_equal(r->why_line, why_line);
	assert_int_equal(r->bound_ns, 0);
	done(&fx, b);
}

static void test_bound_none_for_recursion(void **state)
{
	(void)state;
	expect_no_bound("{\"version\":1,\"functions\":[" FN("r", "true", "true") ","
	                FN("a", "true", "false") "],"
	                "\"edges\":[" ED("r", "a", 3, "1") "," ED("a", "r", 8, "1") "]}",
	                TRC_BOUND_RECURSION, "r", 8);
	expect_no_bound("{\"version\":1,\"functions\":[" FN("r", "true", "true") "],\"edges\":[" ED("r", "r", 4, "1") "]}",
	                TRC_BOUND_RECURSION, "r", 4);
}

static void test_bound_none_for_unresolved_indirect_call(void **state)
{
	(void)state;
	expect_no_bound("{\"version\":1,\"functions\":[" FN("r", "true", "true") ","
	                FN("a", "true", "false") "],"
	                "\"edges\":[" ED("r", "a", 3, "1") ","
	                "{\"caller\":\"a\",\"callee\":null,\"file\":\"a.c\",\"line\":12,\"column\":5,\"kind\":\"indirect\"}]}",
	                TRC_BOUND_INDIRECT, "a", 12);
}

static void test_bound_none_for_call_in_unbounded_loop(void **state)
{
	(void)state;
	expect_no_bound("{\"version\":1,\"functions\":[" FN("r", "true", "true") ","
	                FN("a", "true", "false") "],"
	                "\"edges\":[" ED("r", "a", 6, "\"unbounded\"") "]}",
	                TRC_BOUND_LOOP, "r", 6);
}

static void test_bound_none_for_unexecuted_callee(void **state)
{
	(void)state;
	expect_no_bound("{\"version\":1,\"functions\":[" FN("r", "true", "true") ","
	                FN("a", "true", "false") "," FN("never", "true", "false") "],"
	                "\"edges\":[" ED("r", "a", 2, "1") "," ED("a", "never", 9, "2") "]}",
	                TRC_BOUND_UNEXECUTED, "never", 1);
}

static void test_bound_none_without_loop_facts(void **state)
{
	(void)state;
	expect_no_bound("{\"version\":1,\"functions\":[" FN("r", "true", "true") ","
	                FN("a", "true", "false") "],"
	                "\"edges\":[{\"caller\":\"r\",\"callee\":\"a\",\"file\":\"a.c\",\"line\":5,\"column\":1,\"kind\":\"direct\"}]}",
	                TRC_BOUND_NO_LOOPINFO, "r", 5);
}

static void test_bound_none_on_overflow(void **state)
{
	struct fx fx;
	struct trc_bound *b = NULL;
	const struct trc_bound_root *r;

	(void)state;
	load(&fx, "{\"version\":1,\"functions\":[" FN("r", "true", "true") ","
	          FN("a", "true", "false") "],"
	          "\"edges\":[" ED("r", "a", 2, "4611686018427387904") "]}");
	self_ns(&fx, "r", 1);
	self_ns(&fx, "a", 8);
	r = root(&fx, &b, "r");
	assert_int_equal(r->why, TRC_BOUND_OVERFLOW);
	done(&fx, b);
}

/* A chain of 20,000 calls: no recursion in the walk, bound = sum. */
static void test_bound_walks_a_deep_chain(void **state)
{
	enum { N = 20000 };
	struct trc_cg cg;
	uint64_t *self = malloc(N * sizeof(*self));
	struct trc_bound *b = NULL;
	struct lc_err err = {0};
	size_t i, a, c;
	char name[32];

	(void)state;
	assert_non_null(self);
	trc_cg_init(&cg);
	for (i = 0; i < N; i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		assert_int_equal(trc_cg_func(&a, &cg, name), 0);
		cg.funcs[a].defined = 1;
		self[a] = 2;
	}
	cg.funcs[0].root = 1;
	for (i = 0; i + 1 < N; i++) {
		snprintf(name, sizeof(name), "f%zu", i);
		a = trc_cg_find(&cg, name);
		snprintf(name, sizeof(name), "f%zu", i + 1);
		c = trc_cg_find(&cg, name);
		assert_int_equal(trc_cg_add_edge(&cg, a, c, "a.c", 1, 1, TRC_CG_DIRECT), 0);
		cg.edges[cg.nedges - 1].trips = 1;
	}
	assert_int_equal(trc_bound_compute(&b, &cg, self, &err), 0);
	assert_int_equal(b->nroots, 1);
	assert_int_equal(b->roots[0].why, TRC_BOUND_OK);
	assert_int_equal(b->roots[0].bound_ns, 2 * N);
	trc_bound_free(b);
	trc_cg_fini(&cg);
	free(self);
}

static void test_bound_rejects_bad_loop_trips(void **state)
{
	static const char json[] = "{\"version\":1,\"functions\":[" FN("r", "true", "true") ","
	                           FN("a", "true", "false") "],"
	                           "\"edges\":[" ED("r", "a", 2, "0") "]}";
	struct trc_cg cg;
	struct lc_err err = {0};

	(void)state;
	trc_cg_init(&cg);
	assert_int_equal(trc_cg_load_json_mem(&cg, "cg.json", json, strlen(json), &err), LC_EFORMAT);
	assert_string_equal(err.msg,
	                    "cg.json: edges[0].loop_trips must be a count >= 1 or \"unbounded\"");
	trc_cg_fini(&cg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_bound_sums_self_times_times_loop_trips),
	        cmocka_unit_test(test_bound_counts_shared_callee_on_every_path),
	        cmocka_unit_test(test_bound_takes_largest_target_of_an_indirect_site),
	        cmocka_unit_test(test_bound_none_for_recursion),
	        cmocka_unit_test(test_bound_none_for_unresolved_indirect_call),
	        cmocka_unit_test(test_bound_none_for_call_in_unbounded_loop),
	        cmocka_unit_test(test_bound_none_for_unexecuted_callee),
	        cmocka_unit_test(test_bound_none_without_loop_facts),
	        cmocka_unit_test(test_bound_none_on_overflow),
	        cmocka_unit_test(test_bound_walks_a_deep_chain),
	        cmocka_unit_test(test_bound_rejects_bad_loop_trips),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
