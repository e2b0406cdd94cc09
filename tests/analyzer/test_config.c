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
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
