/* tests/analyzer/test_compdb.c - analyzer/compdb.c: cleaning gcc command
 * lines for libclang, and malformed databases. */
#define _POSIX_C_SOURCE 200809L
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
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

#include "compdb.h"

static int has(char **v, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(v[i], s) == 0)
			return 1;
	return 0;
}

static void free_argv(char **v, int n)
{
	int i;

	for (i = 0; i < n; i++)
		lib_free(v[i]);
	lib_free(v);
}

static void test_compdb_clean_drops_gcc_only_flags(void **state)
{
	const char *args[] = {"/usr/bin/gcc",
	                      "-O2",
	                      "-Werror",
	                      "-Wall",
	                      "-fanalyzer",
	                      "-fno-tree-loop-distribute-patterns",
	                      "-Wformat-truncation=2",
	                      "-fstack-usage",
	                      "-MMD",
	                      "-MF",
	                      "x.d",
	                      "-Iinc",
	                      "-I",
	                      "inc2",
	                      "-DX=1",
	                      "-c",
	                      "x.c",
	                      "-o",
	                      "x.o"};
	char **v = NULL;
	int n = 0;

	(void)state;
	assert_int_equal(an_compdb_clean_args(&v, &n, args, (int)(sizeof(args) / sizeof(args[0])),
	                                      "x.c", "/src", "/res"),
	                 0);
	assert_string_equal(v[0], "clang");
	assert_true(has(v, n, "-O2"));
	assert_true(has(v, n, "-Iinc"));
	assert_true(has(v, n, "inc2"));
	assert_true(has(v, n, "-DX=1"));
	assert_true(has(v, n, "-D__LATCH_CHECK__=1"));
	assert_true(has(v, n, "-working-directory=/src"));
	assert_true(has(v, n, "/res"));
	assert_false(has(v, n, "-Werror"));
	assert_false(has(v, n, "-Wall"));
	assert_false(has(v, n, "-fanalyzer"));
	assert_false(has(v, n, "-fno-tree-loop-distribute-patterns"));
	assert_false(has(v, n, "-Wformat-truncation=2"));
	assert_false(has(v, n, "-fstack-usage"));
	assert_false(has(v, n, "x.d"));
	assert_false(has(v, n, "x.c"));
	assert_false(has(v, n, "x.o"));
	assert_false(has(v, n, "-c"));
	assert_null(v[n]);
	free_argv(v, n);
}

static void test_compdb_clean_sets_cross_target(void **state)
{
	const char *args[] = {"arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-c", "a.c"};
	char **v = NULL;
	int n = 0;

	(void)state;
	assert_int_equal(an_compdb_clean_args(&v, &n, args, 5, "a.c", "/src", NULL), 0);
	assert_true(has(v, n, "--target=arm-none-eabi"));
	assert_true(has(v, n, "-mcpu=cortex-m4"));
	free_argv(v, n);
}

static void write_db(const char *dir, const char *text)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/compile_commands.json", dir);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void test_compdb_load_reports_line_of_syntax_error(void **state)
{
	char dir[] = "/tmp/test_compdb_XXXXXX";
	struct an_compdb db;
	struct lc_err err = {0};
	char path[512];

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_db(dir, "[\n {\"directory\": \"/x\",\n  \"file\": \"a.c\"\n  \"command\": \"cc "
	              "a.c\"}\n]\n");
	assert_int_equal(an_compdb_load(&db, dir, NULL, &err), LC_EFORMAT);
	snprintf(path, sizeof(path), "%s/compile_commands.json:4:", dir);
	assert_non_null(strstr(err.msg, path));
	write_db(dir, "[{\"directory\": \"/x\", \"command\": \"cc a.c\"}]");
	assert_int_equal(an_compdb_load(&db, dir, NULL, &err), LC_EFORMAT);
	assert_non_null(strstr(err.msg, "entry 1 needs"));
	snprintf(path, sizeof(path), "%s/compile_commands.json", dir);
	unlink(path);
	rmdir(dir);
}

static void test_compdb_load_reads_and_sorts(void **state)
{
	char dir[] = "/tmp/test_compdb_XXXXXX";
	struct an_compdb db;
	struct lc_err err = {0};
	char path[512];

	(void)state;
	assert_non_null(mkdtemp(dir));
	write_db(dir,
	         "[{\"directory\": \"/p/b\", \"file\": \"../z.c\", \"command\": \"cc -c ../z.c\"},"
	         " {\"directory\": \"/p\", \"file\": \"a.c\", \"arguments\": [\"gcc\", \"-c\", "
	         "\"a.c\"]}]");
	assert_int_equal(an_compdb_load(&db, dir, NULL, &err), 0);
	assert_int_equal((int)db.ntus, 2);
	assert_string_equal(db.tus[0].file, "/p/a.c");
	assert_string_equal(db.tus[1].file, "/p/z.c");
	assert_string_equal(db.tus[1].dir, "/p/b");
	an_compdb_fini(&db);
	snprintf(path, sizeof(path), "%s/compile_commands.json", dir);
	unlink(path);
	rmdir(dir);
}

static void test_compdb_load_relative_dir_asm_cxx_exclude(void **state)
{
	char dir[] = "/tmp/test_compdb_XXXXXX";
	char build[600], path[700], expect[700];
	struct an_compdb db;
	struct an_compdb_opts o;
	struct lc_err err = {0};
	const char *excl[] = {"skip_*.c"};
	FILE *f;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(build, sizeof(build), "%s/build", dir);
	assert_int_equal(mkdir(build, 0755), 0);
	write_db(build, "[{\"directory\": \"..\", \"file\": \"src/a.c\", "
	                "\"command\": \"cc -DMSG='\\\"a b\\\"' -c src/a.c\"},"
	                " {\"directory\": \"..\", \"file\": \"start.S\", \"command\": \"cc -c start.S\"},"
	                " {\"directory\": \"..\", \"file\": \"start.S\", \"command\": \"cc -c start.S\"},"
	                " {\"directory\": \"..\", \"file\": \"g.cpp\", \"command\": \"c++ -c g.cpp\"},"
	                " {\"directory\": \"..\", \"file\": \"skip_me.c\", \"command\": \"cc -c skip_me.c\"}]");
	/* compile_flags.txt beside it is never read instead */
	snprintf(path, sizeof(path), "%s/compile_flags.txt", build);
	f = fopen(path, "w");
	assert_non_null(f);
	fputs("-DNOPE\n", f);
	fclose(f);
	memset(&o, 0, sizeof(o));
	o.exclude = excl;
	o.nexclude = 1;
	assert_int_equal(an_compdb_load(&db, build, &o, &err), 0);
	assert_int_equal((int)db.ntus, 1);
	snprintf(expect, sizeof(expect), "%s/src/a.c", dir);
	assert_string_equal(db.tus[0].file, expect);
	assert_string_equal(db.tus[0].dir, dir);
	assert_true(has(db.tus[0].argv, db.tus[0].argc, "-DMSG=\"a b\""));
	assert_false(has(db.tus[0].argv, db.tus[0].argc, "-DNOPE"));
	assert_int_equal((int)db.nskipped, 2);
	snprintf(expect, sizeof(expect), "%s/g.cpp", dir);
	assert_string_equal(db.skipped[0].file, expect);
	assert_int_equal(db.skipped[0].lang, AN_LANG_CXX);
	assert_int_equal(db.skipped[1].lang, AN_LANG_ASM);
	an_compdb_fini(&db);
	/* only compile_flags.txt: an error that says why */
	snprintf(path, sizeof(path), "%s/compile_commands.json", build);
	unlink(path);
	assert_int_equal(an_compdb_load(&db, build, &o, &err), LC_EIO);
	assert_non_null(strstr(err.msg, "compile_flags.txt"));
	snprintf(path, sizeof(path), "%s/compile_flags.txt", build);
	unlink(path);
	rmdir(build);
	rmdir(dir);
}

static void test_compdb_clean_demotes_clang_only_errors(void **state)
{
	const char *args[] = {"gcc", "-Werror", "-Werror=implicit-function-declaration",
	                      "-Wno-error=foo", "-Wno-unused", "-Wall", "-c", "a.c"};
	char **v = NULL;
	int n = 0;

	(void)state;
	assert_int_equal(an_compdb_clean_args(&v, &n, args, 8, "a.c", "/src", NULL), 0);
	assert_false(has(v, n, "-Werror"));
	assert_false(has(v, n, "-Werror=implicit-function-declaration"));
	assert_true(has(v, n, "-Wno-error=foo"));
	assert_true(has(v, n, "-Wno-unused"));
	assert_true(has(v, n, "-Wno-error=implicit-function-declaration"));
	assert_true(has(v, n, "-Wno-error=int-conversion"));
	assert_true(has(v, n, "-Wno-error=incompatible-function-pointer-types"));
	free_argv(v, n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_compdb_clean_drops_gcc_only_flags),
	        cmocka_unit_test(test_compdb_clean_sets_cross_target),
	        cmocka_unit_test(test_compdb_load_reports_line_of_syntax_error),
	        cmocka_unit_test(test_compdb_load_reads_and_sorts),
	        cmocka_unit_test(test_compdb_load_relative_dir_asm_cxx_exclude),
	        cmocka_unit_test(test_compdb_clean_demotes_clang_only_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
