/* tests/common/test_config.c - common/lc_config*.c: the one loader of the
 * rules file. Every key with its origin, extends (packs, files, lists,
 * precedence, cycles), and the errors: an unknown key anywhere names its
 * position and the nearest known key. */
#define _GNU_SOURCE
#include "lc_config.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lc_yaml.h"

static const char *const no_dirs[] = {NULL};

static void load_ok(struct lc_config *c, const char *text)
{
	struct lc_err err = {0};

	if (lc_config_load_mem(c, "r.yaml", text, strlen(text), 0, no_dirs, &err) != 0)
		fail_msg("load failed: %s", err.msg);
}

static void load_err(const char *text, int code, const char *msg)
{
	struct lc_config c;
	struct lc_err err = {0};

	assert_int_equal(lc_config_load_mem(&c, "r.yaml", text, strlen(text), 0, no_dirs, &err),
	                 code);
	assert_string_equal(err.msg, msg);
	lc_config_fini(&c);
}

static void test_config_every_key_with_its_origin(void **state)
{
	static const char y[] = "name: seed\n"                                  /* 1 */
	                        "extends: none\n"                               /* 2 */
	                        "interlock_roots: [tick, 'il_*']\n"             /* 3 */
	                        "rules:\n"                                      /* 4 */
	                        "  recursion: warning\n"                        /* 5 */
	                        "  unknown-callee: { severity: off }\n"         /* 6 */
	                        "allocators: [pool_get]\n"                      /* 7 */
	                        "blocking: uart_flush\n"                        /* 8 */
	                        "known_safe: [ioctl]\n"                         /* 9 */
	                        "indirect_targets: { dispatch: [a, 'b_*'] }\n"  /* 10 */
	                        "resolve_indirect: type\n"                      /* 11 */
	                        "recursion_bounds: { rec: 8 }\n"                /* 12 */
	                        "exclude: ['startup_*.s']\n"                    /* 13 */
	                        "suppressions:\n"                               /* 14 */
	                        "  - { file: 'vendor/*.c', rule: heap-alloc, reason: ' init' }\n"
	                        "  - function: walk\n"                          /* 16 */
	                        "    rule: [recursion]\n"                       /* 17 */
	                        "    bound: 4\n"                                /* 18 */
	                        "    reason: depth of a 15-node tree\n"         /* 19 */
	                        "budgets:\n"                                    /* 20 */
	                        "  functions:\n"                                /* 21 */
	                        "    tick: { max_us: 50, coverage_min: 100% }\n" /* 22 */
	                        "  memory: { ram: 010K }\n"                     /* 23 */
	                        "frames:\n"                                     /* 24 */
	                        "  ctx_switch: { bytes: 64, calls: [sched_next] }\n"
	                        "interrupts:\n"                                 /* 26 */
	                        "  SysTick_Handler: { priority: 2, max_nesting: 1 }\n";
	struct lc_config c;

	(void)state;
	load_ok(&c, y);
	assert_int_equal(c.nfiles, 1);
	assert_null(c.pack);
	assert_int_equal(c.roots.n, 2);
	assert_string_equal(c.roots.v[1].pat, "il_*");
	assert_int_equal(c.roots.v[1].at.line, 3);
	assert_int_equal(c.roots.v[1].at.col, 25);
	assert_string_equal(c.roots.v[1].at.file, "r.yaml");
	assert_true(c.sev[LC_RULE_RECURSION].set);
	assert_int_equal(c.sev[LC_RULE_RECURSION].sev, LC_SEV_WARNING);
	assert_int_equal(c.sev[LC_RULE_UNKNOWN_CALLEE].sev, LC_SEV_OFF);
	assert_int_equal(c.sev[LC_RULE_UNKNOWN_CALLEE].at.line, 6);
	assert_false(c.sev[LC_RULE_HEAP_ALLOC].set);
	assert_int_equal(c.blocking.n, 1); /* a lone scalar is a one-item list */
	assert_string_equal(c.blocking.v[0].pat, "uart_flush");
	assert_int_equal(c.nind, 1);
	assert_string_equal(c.ind[0].caller.pat, "dispatch");
	assert_int_equal(c.ind[0].targets.n, 2);
	assert_true(lc_pats_match(&c.ind[0].targets, "b_x"));
	assert_int_equal(c.resolve, LC_RESOLVE_TYPE);
	assert_int_equal(c.nrbounds, 1);
	assert_int_equal(c.rbounds[0].depth, 8);
	assert_string_equal(c.exclude.v[0].pat, "startup_*.s");
	assert_int_equal(c.nsupps, 2);
	assert_string_equal(c.supps[0].file, "vendor/*.c");
	assert_string_equal(c.supps[0].reason, "init");
	assert_int_equal(c.supps[0].rules, 1u << LC_RULE_HEAP_ALLOC);
	assert_int_equal(c.supps[0].bound, -1);
	assert_int_equal(c.supps[0].at.line, 15);
	assert_null(c.supps[1].file);
	assert_string_equal(c.supps[1].function, "walk");
	assert_int_equal(c.supps[1].bound, 4);
	assert_int_equal(c.supps[1].at.line, 16);
	assert_int_equal(c.nbudgets, 3);
	assert_int_equal(c.budgets[0].kind, LC_BUDGET_FUNC_MAX);
	assert_int_equal(c.budgets[1].kind, LC_BUDGET_FUNC_COVERAGE);
	assert_true(c.budgets[1].limit == 100.0);
	assert_string_equal(c.budgets[1].unit, "%");
	assert_int_equal(c.budgets[2].kind, LC_BUDGET_MEM_REGION);
	assert_true(c.budgets[2].limit == 10240.0); /* 010K is decimal */
	lc_config_fini(&c);
}

static void test_config_null_sections_are_empty(void **state)
{
	struct lc_config c;

	(void)state;
	load_ok(&c, "# comments only\n");
	assert_int_equal(c.nfiles, 1);
	lc_config_fini(&c);
	load_ok(&c, "extends: none\ninterlock_roots:\nbudgets:\nsuppressions: ~\n");
	assert_int_equal(c.roots.n, 0);
	assert_int_equal(c.nbudgets, 0);
	lc_config_fini(&c);
}

static void test_config_unknown_keys_say_the_nearest(void **state)
{
	(void)state;
	load_err("extends: none\nbudget:\n  stack: { a: 1 }\n", LC_EFORMAT,
	         "r.yaml:2:1: unknown key 'budget'; did you mean 'budgets'?");
	load_err("interlock_root: [tick]\n", LC_EFORMAT,
	         "r.yaml:1:1: unknown key 'interlock_root'; did you mean 'interlock_roots'?");
	load_err("Known_Safe: [x]\n", LC_EFORMAT,
	         "r.yaml:1:1: unknown key 'Known_Safe'; did you mean 'known_safe'?");
	load_err("rules: { recursion: { sevrity: off } }\n", LC_EFORMAT,
	         "r.yaml:1:23: unknown key 'sevrity'; did you mean 'severity'?");
	load_err("budgets:\n  memory:\n    sectoins: { .text: 1K }\n", LC_EFORMAT,
	         "r.yaml:3:5: unknown key 'budgets.memory.sectoins'; did you mean "
	         "'budgets.memory.sections'?");
	load_err("suppressions:\n  - { file: a.c, rule: recursion, reson: x, bound: 2 }\n",
	         LC_EFORMAT,
	         "r.yaml:2:35: unknown key 'suppressions.reson'; did you mean 'suppressions.reason'?");
	load_err("zzz: 1\n", LC_EFORMAT,
	         "r.yaml:1:1: unknown key 'zzz' (expected extends, interlock_roots, rules, "
	         "allocators, blocking, known_safe, indirect_targets, resolve_indirect, exclude, "
	         "suppressions, budgets, recursion_bounds, frames, interrupts or name)");
}

static void test_config_wrong_values_name_the_value(void **state)
{
	(void)state;
	load_err("- a\n", LC_EFORMAT, "r.yaml:1:1: expected a mapping at the top level");
	load_err("rules: { heap-alloc: fatal }\n", LC_EFORMAT,
	         "r.yaml:1:22: expected 'error', 'warning' or 'off' for rule 'heap-alloc'");
	load_err("resolve_indirect: all\n", LC_EFORMAT,
	         "r.yaml:1:19: expected 'type' or 'none' for resolve_indirect");
	load_err("recursion_bounds: { rec: 0 }\n", LC_EFORMAT,
	         "r.yaml:1:26: a recursion bound is a depth of at least 1");
	load_err("budgets: { functions: { f: { coverage_min: 120% } } }\n", LC_EFORMAT,
	         "r.yaml:1:44: expected a percentage from 0% to 100%, got '120%'");
	load_err("frames: [memcpy]\n", LC_EFORMAT,
	         "r.yaml:1:9: expected 'frames' to be a mapping (see docs/memmap.md)");
	load_err("interlock_roots: { a: b }\n", LC_EFORMAT,
	         "r.yaml:1:18: expected a list of names for 'interlock_roots'");
}

static void test_config_suppressions_fail_closed(void **state)
{
	(void)state;
	load_err("suppressions:\n  - { file: a.c, rule: heap-alloc }\n", LC_EFORMAT,
	         "r.yaml:2:5: a suppression needs a 'reason' (the deviation record)");
	load_err("suppressions:\n  - { file: a.c, rule: heap-alloc, reason: '  ' }\n", LC_EFORMAT,
	         "r.yaml:2:44: expected a reason");
	load_err("suppressions:\n  - { file: a.c, rule: recursion, reason: r }\n", LC_EFORMAT,
	         "r.yaml:2:5: a recursion suppression must give its 'bound'");
	load_err("suppressions:\n  - { file: a.c, rule: heap-alloc, reason: r, bound: 3 }\n",
	         LC_EFORMAT, "r.yaml:2:54: 'bound' is for a recursion suppression");
	load_err("suppressions:\n  - { line: 3, rule: heap-alloc, reason: r }\n", LC_EFORMAT,
	         "r.yaml:2:13: 'line' needs the 'file' it is a line of");
	load_err("suppressions:\n  - { file: a.c, line: 3, function: f, rule: heap-alloc, reason: r "
	         "}\n",
	         LC_EFORMAT, "r.yaml:2:24: a suppression gives 'line' or 'function', not both");
	load_err("suppressions:\n  - { rule: heap-alloc, reason: r }\n", LC_EFORMAT,
	         "r.yaml:2:5: a suppression needs 'file' or 'function'");
	load_err("suppressions:\n  - { file: a.c, rule: heap-allocs, reason: r }\n", LC_EFORMAT,
	         "r.yaml:2:24: unknown rule id 'heap-allocs'; did you mean 'heap-alloc'?");
	load_err("suppressions:\n  - { file: a.c, reason: r }\n", LC_EFORMAT,
	         "r.yaml:2:5: a suppression needs the 'rule' it allows");
	load_err("suppressions: { file: a.c }\n", LC_EFORMAT,
	         "r.yaml:1:15: expected a list of suppressions");
}

/* --------------------------------------------------------------- extends */

struct fx {
	char dir[64];
	char path[8][160];
	int n;
};

static const char *put(struct fx *f, const char *name, const char *text)
{
	FILE *fp;
	char *p = f->path[f->n++];
	size_t dl = strlen(f->dir), nl = strlen(name);

	assert_true(dl + nl + 2 <= sizeof(f->path[0]));
	memcpy(p, f->dir, dl);
	p[dl] = '/';
	memcpy(p + dl + 1, name, nl + 1);
	fp = fopen(p, "w");
	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
	return p;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char buf[PATH_MAX], *real;

	strcpy(f->dir, "/tmp/test_lc_config_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	real = realpath(f->dir, buf); /* the loader reports real paths */
	if (real == NULL || strlen(buf) >= sizeof(f->dir))
		return -1;
	memcpy(f->dir, buf, strlen(buf) + 1);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	int i;

	for (i = 0; i < f->n; i++)
		unlink(f->path[i]);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void test_config_extends_packs_and_files_in_order(void **state)
{
	struct fx *f = *state;
	const char *dirs[] = {f->dir, NULL};
	const char *proj;
	struct lc_config c;
	struct lc_err err = {0};

	put(f, "interlock.yaml", "allocators: [malloc]\nrules: { recursion: warning }\n");
	put(f, "team.yaml", "extends: interlock\nallocators: [team_alloc]\n");
	proj = put(f, "proj.yaml",
	           "extends: [./team.yaml, interlock]\nallocators: [my_alloc]\n"
	           "rules: { recursion: off }\n");
	assert_int_equal(lc_config_load(&c, proj, 1, dirs, &err), 0);
	/* interlock once (reached twice), then team, then the project */
	assert_int_equal(c.nfiles, 3);
	assert_int_equal(c.allocators.n, 3);
	assert_string_equal(c.allocators.v[0].pat, "malloc");
	assert_int_equal(c.allocators.v[0].at.layer, 0);
	assert_string_equal(c.allocators.v[1].pat, "team_alloc");
	assert_string_equal(c.allocators.v[2].pat, "my_alloc");
	assert_int_equal(c.allocators.v[2].at.layer, 2);
	assert_string_equal(c.allocators.v[2].at.file, proj);
	assert_int_equal(c.sev[LC_RULE_RECURSION].sev, LC_SEV_OFF); /* the project wins */
	assert_string_equal(c.dirs[2], f->dir);
	/* each file's document stays, for the inner keys the stack reads */
	assert_string_equal(lc_yaml_name(lc_config_doc(&c, 2)), proj);
	assert_int_equal(lc_yaml_line(lc_config_doc(&c, 0),
	                              lc_yaml_get(lc_config_doc(&c, 0),
	                                          lc_yaml_root(lc_config_doc(&c, 0)), "rules")),
	                 2);
	assert_null(lc_config_doc(&c, 3));
	assert_non_null(strstr(c.pack, "interlock.yaml"));
	lc_config_fini(&c);
}

static void test_config_default_pack_and_none(void **state)
{
	struct fx *f = *state;
	const char *dirs[] = {f->dir, NULL};
	const char *proj;
	struct lc_config c;
	struct lc_err err = {0};

	put(f, "interlock.yaml", "known_safe: [memcpy]\n");
	proj = put(f, "a.yaml", "interlock_roots: [tick]\n");
	assert_int_equal(lc_config_load(&c, proj, 1, dirs, &err), 0);
	assert_int_equal(c.known_safe.n, 1); /* a project file extends interlock */
	lc_config_fini(&c);
	assert_int_equal(lc_config_load(&c, proj, 0, dirs, &err), 0);
	assert_int_equal(c.known_safe.n, 0); /* a pack does not */
	lc_config_fini(&c);
	proj = put(f, "b.yaml", "extends: none\n");
	assert_int_equal(lc_config_load(&c, proj, 1, dirs, &err), 0);
	assert_int_equal(c.nfiles, 1);
	lc_config_fini(&c);
}

static void test_config_extends_errors(void **state)
{
	struct fx *f = *state;
	const char *dirs[] = {f->dir, NULL};
	const char *a, *b;
	struct lc_config c;
	struct lc_err err = {0};
	char want[512];

	a = put(f, "loop_a.yaml", "extends: ./loop_b.yaml\n");
	put(f, "loop_b.yaml", "extends: loop_a.yaml\n");
	assert_int_equal(lc_config_load(&c, a, 1, dirs, &err), LC_ELIMIT);
	snprintf(want, sizeof(want), "%s/loop_b.yaml:1:10: '%s' extends itself", f->dir, a);
	assert_non_null(strstr(err.msg, want));
	lc_config_fini(&c);
	b = put(f, "nopack.yaml", "extends: [nosuch]\n");
	assert_int_equal(lc_config_load(&c, b, 1, dirs, &err), LC_ENOTFOUND);
	snprintf(want, sizeof(want), "%s:1:11: unknown rule pack 'nosuch'", b);
	assert_string_equal(err.msg, want);
	lc_config_fini(&c);
	/* a typo in the project is found before its pack is even read */
	b = put(f, "typo.yaml", "extends: nosuch\nbudget: {}\n");
	assert_int_equal(lc_config_load(&c, b, 1, dirs, &err), LC_EFORMAT);
	assert_non_null(strstr(err.msg, ":2:1: unknown key 'budget'; did you mean 'budgets'?"));
	lc_config_fini(&c);
	/* and in a pack, with the pack's own position */
	put(f, "badpack.yaml", "alocators: [x]\n");
	b = put(f, "usesbad.yaml", "extends: badpack\n");
	assert_int_equal(lc_config_load(&c, b, 1, dirs, &err), LC_EFORMAT);
	snprintf(want, sizeof(want),
	         "%s/badpack.yaml:1:1: unknown key 'alocators'; did you mean 'allocators'?", f->dir);
	assert_string_equal(err.msg, want);
	lc_config_fini(&c);
}

static void test_config_file_globs(void **state)
{
	(void)state;
	assert_true(lc_config_glob_file("vendor/*.c", "/src", "/src/vendor/dsp/biquad.c"));
	assert_true(lc_config_glob_file("./vendor/*", "/src", "/src/vendor/x.c"));
	assert_false(lc_config_glob_file("vendor/*.c", "/src", "/other/vendor/x.c"));
	assert_true(lc_config_glob_file("/opt/*/x.c", "/src", "/opt/sdk/x.c"));
	assert_true(lc_config_glob_file("*.s", "/src", "/src/boot/startup.s"));
	assert_false(lc_config_glob_file(NULL, "/src", "/src/a.c"));
}

/* The shipped pack: it loads, allows the libm functions real trees call
 * most (lrintf was 67 of 168 findings on one), and none of its exact
 * known_safe names is on one of its own lists (where known_safe would win
 * and silently drop a rule). */
static void test_config_shipped_pack_is_consistent(void **state)
{
	static const char *const allowed[] = {"lrintf", "lrint", "lroundf", "fabsf", "sqrtf",
	                                      "memcpy", "memset", "strlen", "tanhf", NULL};
	struct lc_config c;
	struct lc_err err = {0};
	size_t i;

	(void)state;
	assert_int_equal(lc_config_load_pack(&c, "interlock", NULL, &err), 0);
	for (i = 0; allowed[i]; i++)
		assert_non_null(lc_pats_exact(&c.known_safe, allowed[i]));
	for (i = 0; i < c.known_safe.n; i++) {
		const char *n = c.known_safe.v[i].pat;

		if (strpbrk(n, "*?[") != NULL)
			continue;
		if (lc_pats_match(&c.allocators, n) || lc_pats_match(&c.blocking, n))
			fail_msg("'%s' is known_safe and listed", n);
	}
	assert_true(lc_pats_match(&c.allocators, "__builtin_alloca"));
	assert_true(lc_pats_match(&c.known_safe, "__builtin_alloca")); /* by glob only */
	assert_null(lc_pats_exact(&c.known_safe, "__builtin_alloca"));
	lc_config_fini(&c);
}

static void test_config_rule_ids(void **state)
{
	(void)state;
	assert_string_equal(lc_rule_id(LC_RULE_UNKNOWN_CALLEE), "unknown-callee");
	assert_int_equal(lc_rule_from_id("blocking-call"), LC_RULE_BLOCKING_CALL);
	assert_int_equal(lc_rule_from_id("blocking"), -1);
	assert_null(lc_rule_id(LC_RULE__COUNT));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_config_every_key_with_its_origin),
	        cmocka_unit_test(test_config_null_sections_are_empty),
	        cmocka_unit_test(test_config_unknown_keys_say_the_nearest),
	        cmocka_unit_test(test_config_wrong_values_name_the_value),
	        cmocka_unit_test(test_config_suppressions_fail_closed),
	        cmocka_unit_test_setup_teardown(test_config_extends_packs_and_files_in_order, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_default_pack_and_none, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_config_extends_errors, setup, teardown),
	        cmocka_unit_test(test_config_file_globs),
	        cmocka_unit_test(test_config_shipped_pack_is_consistent),
	        cmocka_unit_test(test_config_rule_ids),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
