/* tests/analyzer/test_graph.c - analyzer/graph.c and rules.c over summaries
 * built by hand: merge by USR, reachability, shortest paths, cycles, roots. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "diag.h"
#include "graph.h"
#include "summary.h"

static void fn(struct an_summary *s, const char *name, unsigned flags)
{
	char usr[64];
	struct an_sfunc f = {0};

	snprintf(usr, sizeof(usr), "c:@F@%s", name);
	f.name = (char *)name;
	f.usr = usr;
	f.file = (char *)"/p/a.c";
	f.line = 1;
	f.col = 1;
	f.type = (char *)"void (void)";
	f.flags = flags;
	assert_int_equal(an_summary_add_func(s, &f), 0);
}

static void call(struct an_summary *s, const char *from, const char *to, unsigned line)
{
	char a[64], b[64];
	struct an_scall c = {0};

	snprintf(a, sizeof(a), "c:@F@%s", from);
	snprintf(b, sizeof(b), "c:@F@%s", to);
	c.caller_usr = a;
	c.callee_usr = b;
	c.callee_name = (char *)to;
	c.file = (char *)"/p/a.c";
	c.line = line;
	c.col = 3;
	c.kind = AN_CALL_DIRECT;
	assert_int_equal(an_summary_add_call(s, &c), 0);
}

static void default_config(struct an_config *cfg)
{
	int i;

	memset(cfg, 0, sizeof(*cfg));
	for (i = 0; i < AN_RULE__COUNT; i++)
		cfg->sev[i] = AN_SEV_ERROR;
}

static int fn_index(const struct an_graph *g, const char *name)
{
	size_t i;

	for (i = 0; i < g->nfns; i++)
		if (strcmp(g->fns[i].name, name) == 0)
			return (int)i;
	return -1;
}

/* Two TUs: root -> a -> b -> c -> a (a 3-cycle), root -> d; e <-> f is a
 * cycle nobody reaches. One recursion finding, closing at c -> a. */
static void test_graph_reports_each_reachable_cycle_once(void **state)
{
	struct an_summary *s1 = NULL, *s2 = NULL;
	struct an_summary *sums[2];
	struct an_graph g;
	struct an_config cfg;
	struct an_findings fs;
	struct lc_err err = {0};
	int path[8];
	size_t n;

	(void)state;
	assert_int_equal(an_summary_new(&s1, "/p/a.c"), 0);
	assert_int_equal(an_summary_new(&s2, "/p/b.c"), 0);
	fn(s1, "root", AN_FN_DEFINED | AN_FN_ROOT);
	fn(s1, "a", AN_FN_DEFINED);
	fn(s1, "b", 0); /* declared in TU 1, defined in TU 2 */
	fn(s1, "d", AN_FN_DEFINED);
	fn(s2, "b", AN_FN_DEFINED);
	fn(s2, "c", AN_FN_DEFINED);
	fn(s2, "a", 0);
	fn(s2, "e", AN_FN_DEFINED);
	fn(s2, "f", AN_FN_DEFINED);
	call(s1, "root", "a", 10);
	call(s1, "root", "d", 11);
	call(s1, "a", "b", 20);
	call(s2, "b", "c", 30);
	call(s2, "c", "a", 40);
	call(s2, "e", "f", 50);
	call(s2, "f", "e", 60);
	sums[0] = s1;
	sums[1] = s2;
	default_config(&cfg);
	assert_int_equal(an_graph_build(&g, sums, 2, &err), 0);
	assert_int_equal((int)g.nfns, 7);
	assert_int_equal(an_graph_resolve(&g, &cfg, 0, &err), 0);
	assert_int_equal((int)g.nroots, 1);
	assert_int_equal(g.fns[fn_index(&g, "c")].reach, 3);
	assert_int_equal(g.fns[fn_index(&g, "e")].reach, -1);
	n = an_graph_path(&g, fn_index(&g, "c"), path, 8);
	assert_int_equal((int)n, 4);
	assert_string_equal(g.fns[path[0]].name, "root");
	assert_string_equal(g.fns[path[3]].name, "c");

	assert_int_equal(an_rules_check(&fs, &g, &cfg, &err), 0);
	assert_int_equal((int)fs.n, 1);
	assert_int_equal(fs.v[0].rule, AN_RULE_RECURSION);
	assert_int_equal((int)fs.v[0].line, 40);
	assert_string_equal(fs.v[0].msg,
	                    "recursive call closes the cycle a() -> b() -> c() -> a()");
	an_findings_fini(&fs);
	an_graph_fini(&g);
	an_summary_free(s1);
	an_summary_free(s2);
}

static void test_graph_unknown_root_fails(void **state)
{
	struct an_summary *s = NULL;
	struct an_graph g;
	struct an_config cfg;
	struct lc_err err = {0};
	char *pat = (char *)"no_such_*", *origin = (char *)".latch.yaml:3:5";

	(void)state;
	assert_int_equal(an_summary_new(&s, "/p/a.c"), 0);
	fn(s, "tick", AN_FN_DEFINED);
	default_config(&cfg);
	cfg.roots.pat = &pat;
	cfg.roots.origin = &origin;
	cfg.roots.n = 1;
	assert_int_equal(an_graph_build(&g, &s, 1, &err), 0);
	assert_int_equal(an_graph_resolve(&g, &cfg, 0, &err), LC_ENOTFOUND);
	assert_string_equal(err.msg, ".latch.yaml:3:5: unknown interlock root 'no_such_*': no "
	                             "function with a body matches it");
	an_graph_fini(&g);
	an_summary_free(s);
}

static void test_graph_no_root_fails(void **state)
{
	struct an_summary *s = NULL;
	struct an_graph g;
	struct an_config cfg;
	struct lc_err err = {0};

	(void)state;
	assert_int_equal(an_summary_new(&s, "/p/a.c"), 0);
	fn(s, "tick", AN_FN_DEFINED);
	default_config(&cfg);
	assert_int_equal(an_graph_build(&g, &s, 1, &err), 0);
	assert_int_equal(an_graph_resolve(&g, &cfg, 0, &err), LC_ENOTFOUND);
	assert_non_null(strstr(err.msg, "no interlock roots"));
	an_graph_fini(&g);
	an_summary_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_graph_reports_each_reachable_cycle_once),
	        cmocka_unit_test(test_graph_unknown_root_fails),
	        cmocka_unit_test(test_graph_no_root_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
