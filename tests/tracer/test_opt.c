/* tests/tracer/test_opt.c - the one option parser (tracer/report/opt.c):
 * every spelling, the value grammar, operands, and the exact usage-error
 * messages. */
#define _GNU_SOURCE /* open_memstream */
#include "report/opt.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* open_memstream's buffer comes from libc's malloc, before cmocka's
 * allocator overrides below: release it with libc's free. */
static void libc_free(void *p)
{
	free(p);
}

#include <cmocka.h>

struct o {
	const char *file, *name;
	const char *list[3];
	size_t nlist;
	size_t top;
	long thread;
	double pct, ns;
	int by, by_seen;
	struct trc_out_opts out;
};

static const struct trc_opt_choice by_names[] = {{"one", 1}, {"ones", 1}, {"two", 2}, {NULL, 0}};

static int parse(struct o *o, struct lc_err *err, int argc, char **argv)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_STR, "name", 'n', "alias", &o->name, NULL, 0, NULL, 0, NULL, "X", "a name"},
	        {TRC_OPT_LIST, "item", 'i', NULL, o->list, &o->nlist, 3, NULL, 0, NULL, "I", "items"},
	        {TRC_OPT_COUNT, "top", 0, NULL, &o->top, NULL, 0, NULL, 0, NULL, "N", "top"},
	        {TRC_OPT_ID, "thread", 0, NULL, &o->thread, NULL, 0, NULL, 0, NULL, "N", "thread"},
	        {TRC_OPT_NUM, "pct", 0, NULL, &o->pct, NULL, 0, NULL, 0, NULL, "P", "percent"},
	        {TRC_OPT_TIME, "every", 0, NULL, &o->ns, NULL, 0, NULL, 0, NULL, "T", "period"},
	        {TRC_OPT_CHOICE, "by", 0, NULL, &o->by, NULL, 0, by_names, 0, &o->by_seen, "W",
	         "one or two"},
	        TRC_OPT_OUT_SPECS(&o->out),
	        {TRC_OPT_OPERAND, NULL, 0, NULL, &o->file, NULL, 0, NULL, TRC_OPT_REQUIRED, NULL,
	         "FILE", "a file"},
	        {TRC_OPT_END, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL}};
	const struct trc_cmd_spec spec = {"demo", "demo [options] FILE", "Demonstrates.", opts,
	                                  "exit status: 0\n"};

	memset(o, 0, sizeof(*o));
	memset(err, 0, sizeof(*err));
	return trc_opt_parse(&spec, argc, argv, err);
}

#define PARSE(o, err, ...)                                                                         \
	parse((o), (err), (int)(sizeof((char *[]){"demo", __VA_ARGS__}) / sizeof(char *)),         \
	      (char *[]){"demo", __VA_ARGS__})

static void test_opt_spellings(void **state)
{
	struct o o;
	struct lc_err err;

	(void)state;
	assert_int_equal(PARSE(&o, &err, "--name", "a", "f"), 0);
	assert_string_equal(o.name, "a");
	assert_string_equal(o.file, "f");
	assert_int_equal(PARSE(&o, &err, "--name=b", "f"), 0);
	assert_string_equal(o.name, "b");
	assert_int_equal(PARSE(&o, &err, "-n", "c", "f"), 0);
	assert_string_equal(o.name, "c");
	assert_int_equal(PARSE(&o, &err, "-nd", "f"), 0);
	assert_string_equal(o.name, "d");
	assert_int_equal(PARSE(&o, &err, "f", "--alias", "e"), 0); /* the old spelling */
	assert_string_equal(o.name, "e");
	assert_int_equal(PARSE(&o, &err, "--", "-file"), 0); /* after --, operands only */
	assert_string_equal(o.file, "-file");
	assert_int_equal(PARSE(&o, &err, "-", "--name", "-x"), 0); /* "-" is an operand; values may start with - */
	assert_string_equal(o.file, "-");
	assert_string_equal(o.name, "-x");
	assert_int_equal(PARSE(&o, &err, "-i", "1", "--item=2", "f", "-i3"), 0);
	assert_int_equal(o.nlist, 3);
	assert_string_equal(o.list[2], "3");
	assert_int_equal(PARSE(&o, &err, "--format", "json", "-ox.json", "f"), 0);
	assert_int_equal(o.out.fmt, TRC_FMT_JSON);
	assert_string_equal(o.out.path, "x.json");
	assert_int_equal(PARSE(&o, &err, "--format=markdown", "--output=y", "f"), 0);
	assert_int_equal(o.out.fmt, TRC_FMT_MD);
	assert_string_equal(o.out.path, "y");
	assert_int_equal(PARSE(&o, &err, "f", "--help", "--bogus"), TRC_OPT_HELP_SHOWN);
	assert_int_equal(PARSE(&o, &err, "-h"), TRC_OPT_HELP_SHOWN);
}

static void test_opt_values(void **state)
{
	struct o o;
	struct lc_err err;

	(void)state;
	assert_int_equal(PARSE(&o, &err, "--top", "010", "--thread", "0x64", "f"), 0);
	assert_int_equal(o.top, 10); /* decimal, never octal */
	assert_int_equal(o.thread, 100);
	assert_int_equal(PARSE(&o, &err, "--pct", "2.5", "--every", "250us", "--by", "ones", "f"),
	                 0);
	assert_true(o.pct == 2.5);
	assert_true(o.ns == 250000.0);
	assert_int_equal(o.by, 1);
	assert_int_equal(o.by_seen, 1);
	assert_int_equal(PARSE(&o, &err, "--top", "1.5", "f"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: --top takes a non-negative number, not '1.5'");
	assert_int_equal(PARSE(&o, &err, "--thread", "-1", "f"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: --thread takes a non-negative number, not '-1'");
	assert_int_equal(PARSE(&o, &err, "--top", "0x", "f"), LC_EUSAGE);
	assert_int_equal(PARSE(&o, &err, "--pct", "-3", "f"), LC_EUSAGE);
	assert_int_equal(PARSE(&o, &err, "--pct", "nan", "f"), LC_EUSAGE);
	assert_int_equal(PARSE(&o, &err, "--every", "soon", "f"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: --every takes a duration such as 1ms or 250us, not 'soon'");
	assert_int_equal(PARSE(&o, &err, "--by", "three", "f"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: --by takes one or two, not 'three'");
	assert_int_equal(PARSE(&o, &err, "--format", "xml", "f"), LC_EUSAGE);
	assert_string_equal(err.msg,
	                    "demo: unknown format 'xml' (expected text, json, csv, md, junit, sarif or html)");
}

static void test_opt_errors(void **state)
{
	struct o o;
	struct lc_err err;

	(void)state;
	assert_int_equal(PARSE(&o, &err, "--bogus=1", "f"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: unknown option '--bogus' (see latch-trace demo --help)");
	assert_int_equal(PARSE(&o, &err, "-z", "f"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: unknown option '-z' (see latch-trace demo --help)");
	assert_int_equal(PARSE(&o, &err, "f", "--name"), LC_EUSAGE);
	assert_string_equal(err.msg,
	                    "demo: option '--name' needs a value (see latch-trace demo --help)");
	assert_int_equal(PARSE(&o, &err, "f", "-n"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: option '-n' needs a value (see latch-trace demo --help)");
	assert_int_equal(PARSE(&o, &err, "f", "g"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: more than one FILE ('f' and 'g')");
	assert_int_equal(PARSE(&o, &err, "--name", "x"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: needs a file (usage: latch-trace demo [options] FILE)");
	assert_int_equal(PARSE(&o, &err, "-i", "1", "-i", "2", "-i", "3", "-i", "4", "f"), LC_EUSAGE);
	assert_string_equal(err.msg, "demo: at most 3 -i");
}

static void test_opt_help_is_generated_from_the_table(void **state)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_STR, "name", 'n', NULL, NULL, NULL, 0, NULL, 0, NULL, "X", "a name\non two lines"},
	        {TRC_OPT_COUNT, "top", 0, NULL, NULL, NULL, 0, NULL, 0, NULL, "N", "top"},
	        {TRC_OPT_OPERAND, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, "FILE", "a file"},
	        {TRC_OPT_END, NULL, 0, NULL, NULL, NULL, 0, NULL, 0, NULL, NULL, NULL}};
	const struct trc_cmd_spec spec = {"demo", "demo [options] FILE", "Demonstrates.", opts,
	                                  "exit status: 0\n"};
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	assert_non_null(f);
	trc_opt_help(&spec, f);
	assert_int_equal(fclose(f), 0);
	assert_string_equal(buf, "usage: latch-trace demo [options] FILE\n\n"
	                         "Demonstrates.\n\n"
	                         "options:\n"
	                         "  -n, --name X  a name\n"
	                         "                on two lines\n"
	                         "  --top N       top\n"
	                         "  -h, --help    show this help\n"
	                         "\nexit status: 0\n");
	libc_free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_opt_spellings),
	        cmocka_unit_test(test_opt_values),
	        cmocka_unit_test(test_opt_errors),
	        cmocka_unit_test(test_opt_help_is_generated_from_the_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
