/* tests/analyzer/test_driver.c - analyzer/driver.c: asking a gcc driver for
 * its target, sysroot and include directories. The driver is a shell script
 * that answers as a riscv64-unknown-elf-gcc with picolibc does (when the
 * entry passes --specs=picolibc.specs), and logs every run, so the test
 * needs no cross compiler and can count the runs the disk cache saves. */
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

#include "driver.h"

struct fx {
	char dir[64];
	char drv[128];
	char log[128];
	char inc[128];
	char cache[128];
};

static const char script[] =
        "#!/bin/sh\n"
        "echo \"$*\" >> \"$(dirname \"$0\")/runs.log\"\n"
        "specs=0\n"
        "for a; do [ \"$a\" = --specs=picolibc.specs ] && specs=1; done\n"
        "case \"$*\" in\n"
        "*-dumpmachine*) echo riscv64-unknown-elf ;;\n"
        "*-print-sysroot*) echo ;;\n"
        "*-E*)\n"
        "  echo 'Target: riscv64-unknown-elf' >&2\n"
        "  echo '#include \"...\" search starts here:' >&2\n"
        "  echo '#include <...> search starts here:' >&2\n"
        "  [ $specs = 1 ] && echo \" $(dirname \"$0\")/pico/include\" >&2\n"
        "  echo ' /usr/lib/gcc/riscv64-unknown-elf/12.2.0/include' >&2\n"
        "  echo ' /nonexistent/include' >&2\n"
        "  echo 'End of search list.' >&2 ;;\n"
        "esac\n";

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	FILE *fp;

	snprintf(f->dir, sizeof(f->dir), "/tmp/test_driver_XXXXXX");
	assert_non_null(mkdtemp(f->dir));
	snprintf(f->drv, sizeof(f->drv), "%s/riscv64-unknown-elf-gcc", f->dir);
	snprintf(f->log, sizeof(f->log), "%s/runs.log", f->dir);
	snprintf(f->inc, sizeof(f->inc), "%s/pico/include", f->dir);
	snprintf(f->cache, sizeof(f->cache), "%s/cache", f->dir);
	fp = fopen(f->drv, "w");
	assert_non_null(fp);
	fputs(script, fp);
	fclose(fp);
	assert_int_equal(chmod(f->drv, 0755), 0);
	snprintf(f->inc, sizeof(f->inc), "%s/pico", f->dir);
	assert_int_equal(mkdir(f->inc, 0755), 0);
	snprintf(f->inc, sizeof(f->inc), "%s/pico/include", f->dir);
	assert_int_equal(mkdir(f->inc, 0755), 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	char cmd[256];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", f->dir);
	assert_int_equal(system(cmd), 0);
	free(f);
	return 0;
}

static int count_runs(const struct fx *f)
{
	FILE *fp = fopen(f->log, "r");
	int n = 0, c;

	if (!fp)
		return 0;
	while ((c = fgetc(fp)) != EOF)
		n += c == '\n';
	fclose(fp);
	return n;
}

static void test_driver_names(void **state)
{
	char t[64];

	(void)state;
	assert_true(an_driver_is_gcc("arm-none-eabi-gcc"));
	assert_true(an_driver_is_gcc("/opt/x/bin/riscv64-unknown-elf-gcc-12.2"));
	assert_true(an_driver_is_gcc("avr-g++"));
	assert_true(an_driver_is_gcc("cc"));
	assert_false(an_driver_is_gcc("clang"));
	assert_false(an_driver_is_gcc("arm-none-eabi-clang"));
	assert_int_equal(an_driver_name_triple(t, sizeof(t), "arm-none-eabi-gcc-12"), 1);
	assert_string_equal(t, "arm-none-eabi");
	assert_int_equal(an_driver_name_triple(t, sizeof(t), "avr-gcc"), 1);
	assert_string_equal(t, "avr");
	assert_int_equal(an_driver_name_triple(t, sizeof(t), "gcc"), 0);
}

static void test_driver_flags_keep_what_changes_the_answer(void **state)
{
	const char *args[] = {"gcc", "-O2", "--specs=picolibc.specs", "-Iinc", "--sysroot",
	                      "/sr", "-mmcu=atmega328p", "-DX", "-c", "a.c"};
	char *s = an_driver_flags(args, 10);

	(void)state;
	assert_non_null(s);
	assert_string_equal(s, "--specs=picolibc.specs\n--sysroot\n/sr\n-mmcu=atmega328p\n");
	lib_free(s);
}

static void test_driver_query_reads_target_and_includes(void **state)
{
	struct fx *f = *state;
	struct an_driver d;
	struct lc_err err = {0};
	char what[1024];

	assert_int_equal(an_driver_query(&d, f->drv, "/", "--specs=picolibc.specs\n", 1, NULL, &err),
	                 0);
	assert_true(d.queried);
	assert_false(d.native);
	assert_string_equal(d.triple, "riscv64-unknown-elf");
	assert_null(d.sysroot);
	/* gcc's private directory and a missing one are left out */
	assert_int_equal((int)d.nisystem, 1);
	assert_string_equal(d.isystem[0], f->inc);
	an_driver_describe(&d, what, sizeof(what));
	assert_non_null(strstr(what, "reports target riscv64-unknown-elf"));
	assert_non_null(strstr(what, f->inc));
	an_driver_fini(&d);
	/* without the specs the C library is not there, and it says so */
	assert_int_equal(an_driver_query(&d, f->drv, "/", "", 1, NULL, &err), 0);
	assert_int_equal((int)d.nisystem, 0);
	an_driver_describe(&d, what, sizeof(what));
	assert_non_null(strstr(what, "no include directory of its own"));
	an_driver_fini(&d);
}

static void test_driver_query_is_cached_on_disk(void **state)
{
	struct fx *f = *state;
	struct an_driver d;
	struct lc_err err = {0};
	int runs;

	assert_int_equal(mkdir(f->cache, 0755), 0);
	assert_int_equal(
	        an_driver_query(&d, f->drv, "/", "--specs=picolibc.specs\n", 1, f->cache, &err), 0);
	assert_false(d.from_cache);
	an_driver_fini(&d);
	runs = count_runs(f);
	assert_int_equal(runs, 3); /* -dumpmachine, -print-sysroot, -E -v */
	assert_int_equal(
	        an_driver_query(&d, f->drv, "/", "--specs=picolibc.specs\n", 1, f->cache, &err), 0);
	assert_true(d.from_cache);
	assert_int_equal((int)d.nisystem, 1);
	assert_string_equal(d.isystem[0], f->inc);
	an_driver_fini(&d);
	assert_int_equal(count_runs(f), runs);
	/* other flags are another answer */
	assert_int_equal(an_driver_query(&d, f->drv, "/", "", 1, f->cache, &err), 0);
	assert_false(d.from_cache);
	an_driver_fini(&d);
	assert_int_equal(count_runs(f), runs + 3);
}

static void test_driver_absent_or_not_allowed_is_not_run(void **state)
{
	struct fx *f = *state;
	struct an_driver d;
	struct lc_err err = {0};
	char what[512];

	assert_int_equal(an_driver_query(&d, "/nonexistent/xtensa-esp32-elf-gcc", "/", "", 1, NULL,
	                                 &err),
	                 0);
	assert_null(d.path);
	assert_false(d.queried);
	an_driver_describe(&d, what, sizeof(what));
	assert_non_null(strstr(what, "not found"));
	an_driver_fini(&d);
	assert_int_equal(an_driver_query(&d, f->drv, "/", "", 0, NULL, &err), 0);
	assert_non_null(d.path);
	assert_false(d.queried);
	assert_int_equal(count_runs(f), 0);
	an_driver_fini(&d);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_driver_names),
	        cmocka_unit_test(test_driver_flags_keep_what_changes_the_answer),
	        cmocka_unit_test_setup_teardown(test_driver_query_reads_target_and_includes, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_driver_query_is_cached_on_disk, setup, teardown),
	        cmocka_unit_test_setup_teardown(test_driver_absent_or_not_allowed_is_not_run, setup,
	                                        teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
