/* tests/analyzer/test_summary.c - analyzer/summary.c: the on-disk cache
 * round trip and its invalidation by content. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Memory the library allocated is released with the C library's free,
 * defined before cmocka.h turns free() into its checking test_free(). */
static void lib_free(void *p)
{
	free(p);
}

#include <cmocka.h>

/* Memory the library allocated is released with the C library's free:
 * lib_free(p) bypasses CMocka's test_free macro, which would reject it. */

#include "cache.h"
#include "summary.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_summary_cache_round_trip_and_invalidation(void **state)
{
	char dir[] = "/tmp/test_summary_XXXXXX", src[256], cache[256], entry[300];
	struct an_summary *s = NULL, *back = NULL;
	struct an_hashcache *hc = NULL;
	struct an_sfunc fn = {
	        "tick", "c:@F@tick", NULL, 3, 5, "void (void)", AN_FN_DEFINED | AN_FN_ROOT};
	struct an_scall call = {"c:@F@tick", NULL, "cb", NULL, 4, 2, AN_CALL_INDIRECT, "int (int)", 12};
	struct an_ssupp sup = {NULL, 4, 2, 1, 1u << AN_RULE_RECURSION, 8, "tree depth", NULL};
	struct an_sdep dep;
	struct lc_err err = {0};
	const char *argv[] = {"clang", "-DX"};
	uint64_t key;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(src, sizeof(src), "%s/a.c", dir);
	snprintf(cache, sizeof(cache), "%s/cache", dir);
	write_file(src, "void tick(void) {}\n");
	fn.file = src;
	call.file = src;
	sup.file = src;
	assert_int_equal(an_hashcache_new(&hc), 0);
	assert_int_equal(an_summary_new(&s, src), 0);
	assert_int_equal(an_summary_add_func(s, &fn), 0);
	assert_int_equal(an_summary_add_call(s, &call), 0);
	assert_int_equal(an_summary_add_supp(s, &sup), 0);
	assert_int_equal(an_hashcache_dep(hc, &dep, src), 0);
	assert_int_equal(an_summary_add_dep(s, &dep), 0);
	lib_free(dep.path);
	key = an_summary_key(src, argv, 2, "v1");
	assert_true(key != an_summary_key(src, argv, 1, "v1"));
	assert_int_equal(an_summary_cache_store(s, cache, key, &err), 0);

	assert_int_equal(an_summary_cache_load(&back, cache, key, hc), 0);
	assert_non_null(back);
	assert_true(back->from_cache);
	assert_int_equal((int)back->nfuncs, 1);
	assert_string_equal(back->funcs[0].name, "tick");
	assert_int_equal(back->funcs[0].flags, AN_FN_DEFINED | AN_FN_ROOT);
	assert_null(back->calls[0].callee_usr);
	assert_string_equal(back->calls[0].fptr_type, "int (int)");
	assert_int_equal(back->calls[0].trips, 12);
	assert_int_equal((int)back->supps[0].bound, 8);
	assert_string_equal(back->supps[0].reason, "tree depth");
	assert_null(back->supps[0].error);
	an_summary_free(back);
	back = NULL;

	/* new content (size changes too): the entry must not be used */
	write_file(src, "void tick(void) { for (;;) {} }\n");
	an_hashcache_free(hc);
	assert_int_equal(an_hashcache_new(&hc), 0);
	assert_int_equal(an_summary_cache_load(&back, cache, key, hc), 0);
	assert_null(back);

	an_summary_free(s);
	an_hashcache_free(hc);
	snprintf(entry, sizeof(entry), "%s/%016llx.json", cache, (unsigned long long)key);
	unlink(entry);
	rmdir(cache);
	unlink(src);
	rmdir(dir);
}

static void test_summary_rule_ids_round_trip(void **state)
{
	int r;

	(void)state;
	for (r = 0; r < AN_RULE__COUNT; r++)
		assert_int_equal(an_rule_from_id(an_rule_id((enum an_rule)r)), r);
	assert_int_equal(an_rule_from_id("heap-allocs"), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_summary_cache_round_trip_and_invalidation),
	        cmocka_unit_test(test_summary_rule_ids_round_trip),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
