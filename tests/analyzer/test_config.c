/* tests/analyzer/test_config.c - analyzer/config.c: rules files, packs,
 * and errors that name file, line and column. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "config.h"

struct fx {
	char dir[64];
	char pack[128];
	char cfg[128];
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	FILE *fp;

	strcpy(f->dir, "/tmp/test_config_XXXXXX");
	if (!mkdtemp(f->dir))
		return -1;
	snprintf(f->pack, sizeof(f->pack), "%s/base.yaml", f->dir);
	fp = fopen(f->pack, "w");
	fputs("allocators: [malloc, 'pool_*']\nblocking: [sleep]\nknown_safe: [memcpy]\n"
	      "rules:\n  recursion: warning\n",
	      fp);
	fclose(fp);
	snprintf(f->cfg, sizeof(f->cfg), "%s/.latch.yaml", f->dir);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	unlink(f->pack);
	unlink(f->cfg);
	rmdir(f->dir);
	free(f);
	return 0;
}

static void write_cfg(const struct fx *f, const char *text)
{
	FILE *fp = fopen(f->cfg, "w");

	assert_non_null(fp);
	fputs(text, fp);
	fclose(fp);
}

static void test_config_extends_pack_and_merges_lists(void **state)
{
	struct fx *f = *state;
	struct an_config c;
	struct lc_err err = {0};
	const char *dirs[] = {f->dir, NULL};

	write_cfg(f, "extends: base\ninterlock_roots: [tick, 'il_*']\nallocators: [my_alloc]\n"
	             "rules:\n  unknown-callee: off\nindirect_targets:\n  dispatch: [a, b]\n");
	assert_int_equal(an_config_load(&c, NULL, f->dir, dirs, &err), 0);
	assert_int_equal((int)c.roots.n, 2);
	assert_true(an_plist_match(&c.allocators, "malloc"));
	assert_true(an_plist_match(&c.allocators, "pool_get"));
	assert_true(an_plist_match(&c.allocators, "my_alloc"));
	assert_false(an_plist_match(&c.allocators, "free"));
	assert_int_equal(c.sev[AN_RULE_RECURSION], AN_SEV_WARNING);
	assert_int_equal(c.sev[AN_RULE_UNKNOWN_CALLEE], AN_SEV_OFF);
	assert_int_equal(c.sev[AN_RULE_HEAP_ALLOC], AN_SEV_ERROR);
	assert_int_equal((int)c.nind, 1);
	assert_string_equal(c.ind[0].caller, "dispatch");
	assert_int_equal((int)c.ind[0].targets.n, 2);
	an_config_fini(&c);
}

static void test_config_unknown_rule_names_position(void **state)
{
	struct fx *f = *state;
	struct an_config c;
	struct lc_err err = {0};
	const char *dirs[] = {f->dir, NULL};
	char want[256];

	write_cfg(f, "extends: base\nrules:\n  heap-alloc: error\n  heap-allok: off\n");
	assert_int_equal(an_config_load(&c, NULL, f->dir, dirs, &err), LC_EFORMAT);
	snprintf(want, sizeof(want), "%s:4:3: unknown rule id 'heap-allok'; did you mean 'heap-alloc'?",
	         f->cfg);
	assert_string_equal(err.msg, want);
}

static void test_config_malformed_yaml_has_line(void **state)
{
	struct fx *f = *state;
	struct an_config c;
	struct lc_err err = {0};
	const char *dirs[] = {f->dir, NULL};
	char want[256];

	write_cfg(f, "extends: base\ninterlock_roots:\n  - a\n  b: [\n");
	assert_true(an_config_load(&c, NULL, f->dir, dirs, &err) < 0);
	snprintf(want, sizeof(want), "%s:4:", f->cfg);
	assert_non_null(strstr(err.msg, want));
}

static void test_config_unknown_pack_fails(void **state)
{
	struct fx *f = *state;
	struct an_config c;
	struct lc_err err = {0};
	const char *dirs[] = {f->dir, NULL};

	write_cfg(f, "extends: nosuchpack\n");
	assert_int_equal(an_config_load(&c, NULL, f->dir, dirs, &err), LC_ENOTFOUND);
	assert_non_null(strstr(err.msg, "unknown rule pack 'nosuchpack'"));
}

static void test_config_known_safe_wins_by_name(void **state)
{
	struct fx *f = *state;
	struct an_config c;
	struct lc_err err = {0};
	const char *dirs[] = {f->dir, NULL};

	/* base.yaml: allocators [malloc, 'pool_*'], blocking [sleep], known_safe [memcpy] */
	write_cfg(f, "extends: base\nknown_safe: [sleep, 'pool_*']\nblocking: [memcpy]\n");
	assert_int_equal(an_config_load(&c, NULL, f->dir, dirs, &err), 0);
	assert_false(an_config_is_blocking(&c, "sleep"));    /* the project's name wins */
	assert_true(an_config_is_known_safe(&c, "sleep"));
	assert_true(an_config_is_blocking(&c, "memcpy"));    /* a later list beats it */
	assert_true(an_config_is_allocator(&c, "pool_get")); /* a glob never wins */
	assert_true(an_config_is_allocator(&c, "malloc"));
	assert_false(an_config_is_allocator(&c, "memcpy"));
	an_config_fini(&c);
}

static void test_config_exclude_and_suppressions(void **state)
{
	struct fx *f = *state;
	struct an_config c;
	struct lc_err err = {0};
	const char *dirs[] = {f->dir, NULL};
	const struct an_ssupp *s;
	char path[256];

	write_cfg(f, "extends: base\nexclude: ['boot/*.s', '/opt/sdk/*']\n"
	             "suppressions:\n"
	             "  - { file: 'vendor/*', function: 'filt_*', rule: heap-alloc, reason: init }\n"
	             "  - { file: main.c, line: 7, rule: [blocking-call, heap-alloc], reason: r }\n");
	assert_int_equal(an_config_load(&c, NULL, f->dir, dirs, &err), 0);
	snprintf(path, sizeof(path), "%s/boot/startup.s", f->dir);
	assert_string_equal(an_config_excluded(&c, path), "boot/*.s");
	assert_string_equal(an_config_excluded(&c, "/opt/sdk/hal.c"), "/opt/sdk/*");
	snprintf(path, sizeof(path), "%s/main.c", f->dir);
	assert_null(an_config_excluded(&c, path));
	{
		const char *cli[] = {"*.S"};
		char **g = NULL, want[256];
		size_t n = 0;

		assert_int_equal(an_config_exclude_globs(&c, cli, 1, &g, &n, &err), 0);
		assert_int_equal(n, 3);
		assert_string_equal(g[0], "*.S");
		snprintf(want, sizeof(want), "%s/boot/*.s", f->dir); /* relative to the YAML */
		assert_string_equal(g[1], want);
		assert_string_equal(g[2], "/opt/sdk/*");
		an_config_globs_free(g, n);
	}
	s = an_config_suppression(&c, AN_RULE_BLOCKING_CALL, path, 7, "main");
	assert_non_null(s);
	assert_string_equal(s->reason, "r");
	assert_string_equal(s->file, f->cfg);
	assert_int_equal(s->line, 5);
	assert_null(an_config_suppression(&c, AN_RULE_BLOCKING_CALL, path, 8, "main"));
	assert_null(an_config_suppression(&c, AN_RULE_RECURSION, path, 7, "main"));
	snprintf(path, sizeof(path), "%s/vendor/dsp/filt.c", f->dir);
	s = an_config_suppression(&c, AN_RULE_HEAP_ALLOC, path, 99, "filt_init");
	assert_non_null(s);
	assert_string_equal(s->reason, "init");
	assert_null(an_config_suppression(&c, AN_RULE_HEAP_ALLOC, path, 99, "vendor_log"));
	assert_null(an_config_suppression(&c, AN_RULE_HEAP_ALLOC, path, 99, NULL));
	an_config_fini(&c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_config_extends_pack_and_merges_lists, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_unknown_rule_names_position, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_malformed_yaml_has_line, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_unknown_pack_fails, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_config_known_safe_wins_by_name, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_config_exclude_and_suppressions, setup,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
