/*
 * tests/tracer/test_stackdepth.c - tracer/binary/stack.c on hand-built call
 * graphs with frames of known size: a chain sums its frames; recursion,
 * unresolved indirect calls and frames of unknown size are unknowns that
 * make the root incomplete; annotations bound them.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/stack.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

struct fx {
	struct trc_cg cg;
	struct trc_frames fr;
};

/* Frames: a 10, b 20, c 30, r 40, x 5, y 7, d dynamic (VLA), p 16, t1 100, t2 300. */
static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	char path[] = "/tmp/test_stackdepth_XXXXXX";
	int fd = mkstemp(path);
	FILE *fp = fdopen(fd, "w");
	struct lc_err err = {0, ""};

	fputs("s.c:1:1:a\t10\tstatic\ns.c:2:1:b\t20\tstatic\ns.c:3:1:c\t30\tstatic\n"
	      "s.c:4:1:r\t40\tstatic\ns.c:5:1:x\t5\tstatic\ns.c:6:1:y\t7\tstatic\n"
	      "s.c:7:1:d\t64\tdynamic\ns.c:8:1:p\t16\tstatic\ns.c:9:1:t1\t100\tstatic\n"
	      "s.c:10:1:t2\t300\tstatic\n",
	      fp);
	fclose(fp);
	trc_cg_init(&f->cg);
	trc_frames_init(&f->fr);
	assert_int_equal(trc_frames_load_su(&f->fr, path, &err), 0);
	trc_frames_finish(&f->fr);
	remove(path);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	trc_cg_fini(&f->cg);
	trc_frames_fini(&f->fr);
	free(f);
	return 0;
}

static size_t fn(struct fx *f, const char *name)
{
	size_t i;

	assert_int_equal(trc_cg_func(&i, &f->cg, name), 0);
	f->cg.funcs[i].defined = 1;
	return i;
}

static void edge(struct fx *f, const char *a, const char *b, unsigned line)
{
	assert_int_equal(trc_cg_add_edge(&f->cg, fn(f, a), fn(f, b), "s.c", line, 3, TRC_CG_DIRECT),
	                 0);
}

static struct trc_stack *run(struct fx *f, const struct trc_stack_config *cfg, const char *root)
{
	struct trc_stack *s = NULL;
	struct lc_err err = {0, ""};
	size_t r = fn(f, root);

	assert_int_equal(trc_stack_new(&s, &f->cg, &f->fr, cfg, &r, 1, &err), 0);
	assert_int_equal(s->nroots, 1);
	return s;
}

static void test_stackdepth_chain_is_the_sum_of_its_frames(void **state)
{
	struct fx *f = *state;
	struct trc_stack_config cfg;
	struct trc_stack *s;

	memset(&cfg, 0, sizeof(cfg));
	edge(f, "a", "b", 1);
	edge(f, "b", "c", 2);
	edge(f, "a", "x", 3);
	s = run(f, &cfg, "a");
	assert_int_equal(s->roots[0].bytes, 10 + 20 + 30);
	assert_true(s->roots[0].complete);
	assert_int_equal(s->roots[0].nunknowns, 0);
	assert_int_equal(s->roots[0].npath, 3);
	assert_string_equal(f->cg.funcs[s->roots[0].path[2]].name, "c");
	trc_stack_free(s);

	cfg.red_zone = 128; /* x86-64: every leaf may use 128 bytes below sp */
	s = run(f, &cfg, "a");
	assert_int_equal(s->roots[0].bytes, 10 + 20 + 30 + 128);
	assert_int_equal(s->funcs[trc_cg_find(&f->cg, "c")].red_zone, 128);
	assert_int_equal(s->funcs[trc_cg_find(&f->cg, "b")].red_zone, 0);
	trc_stack_free(s);
}

static void test_stackdepth_recursion_is_unbounded(void **state)
{
	struct fx *f = *state;
	struct trc_stack_config cfg;
	struct trc_stack *s;
	const struct trc_stack_unknown *u;

	memset(&cfg, 0, sizeof(cfg));
	edge(f, "p", "r", 1);
	edge(f, "r", "r", 9);
	s = run(f, &cfg, "p");
	assert_false(s->roots[0].complete);
	assert_int_equal(s->roots[0].nunknowns, 1);
	u = &s->unknowns[s->roots[0].unknowns[0]];
	assert_int_equal(u->kind, TRC_UNK_RECURSION);
	assert_string_equal(f->cg.funcs[u->func].name, "r");
	assert_string_equal(u->file, "s.c");
	assert_int_equal(u->line, 9);
	assert_string_equal(
	        u->detail, "recursion r -> r has no depth bound (declare one in recursion_bounds)");
	trc_stack_free(s);
}

static void test_stackdepth_mutual_recursion_with_a_bound(void **state)
{
	struct fx *f = *state;
	struct trc_stack_bound_note b = {"x", 4};
	struct trc_stack_config cfg;
	struct trc_stack *s;

	memset(&cfg, 0, sizeof(cfg));
	edge(f, "p", "x", 1);
	edge(f, "x", "y", 2);
	edge(f, "y", "x", 3);
	edge(f, "y", "c", 4);
	s = run(f, &cfg, "p");
	assert_false(s->roots[0].complete);
	assert_string_equal(
	        s->unknowns[s->roots[0].unknowns[0]].detail,
	        "recursion x -> y -> x has no depth bound (declare one in recursion_bounds)");
	trc_stack_free(s);
	cfg.bounds = &b;
	cfg.nbounds = 1;
	s = run(f, &cfg, "p");
	assert_true(s->roots[0].complete);
	assert_int_equal(s->roots[0].bytes, 16 + 4 * (5 + 7) + 30);
	trc_stack_free(s);
}

static void test_stackdepth_indirect_call_needs_targets(void **state)
{
	struct fx *f = *state;
	const char *targets[] = {"t1", "t2"};
	struct trc_stack_target_note note = {"p*", targets, 2};
	struct trc_stack_config cfg;
	struct trc_stack *s;
	struct lc_err err = {0, ""};
	static const char sites[] =
	        "{\"version\":1,\"indirect_sites\":[{\"caller\":\"p\","
	        "\"file\":\"s.c\",\"line\":12,\"column\":9,\"resolved\":false}]}";

	memset(&cfg, 0, sizeof(cfg));
	edge(f, "p", "a", 1);
	assert_int_equal(trc_cg_load_json_mem(&f->cg, "cg", sites, strlen(sites), &err), 0);
	assert_int_equal(f->cg.nsites, 1);
	s = run(f, &cfg, "p");
	assert_false(s->roots[0].complete);
	assert_int_equal(s->unknowns[s->roots[0].unknowns[0]].kind, TRC_UNK_INDIRECT);
	assert_int_equal(s->unknowns[s->roots[0].unknowns[0]].line, 12);
	assert_int_equal(s->roots[0].bytes, 16 + 10);
	trc_stack_free(s);
	cfg.targets = &note;
	cfg.ntargets = 1;
	s = run(f, &cfg, "p");
	assert_true(s->roots[0].complete);
	assert_int_equal(s->roots[0].bytes, 16 + 300);
	assert_string_equal(f->cg.funcs[s->roots[0].path[1]].name, "t2");
	trc_stack_free(s);
}

static void test_stackdepth_unknown_and_inlined_frames(void **state)
{
	struct fx *f = *state;
	struct trc_stack_config cfg;
	struct trc_stack *s;
	size_t ext;

	memset(&cfg, 0, sizeof(cfg));
	edge(f, "a", "d", 1);    /* d has a VLA */
	edge(f, "b", "gone", 2); /* inlined everywhere: defined, not in the binary */
	edge(f, "gone", "c", 3);
	s = run(f, &cfg, "a");
	assert_false(s->roots[0].complete);
	assert_int_equal(s->unknowns[s->roots[0].unknowns[0]].kind, TRC_UNK_FRAME);
	assert_string_equal(s->unknowns[s->roots[0].unknowns[0]].detail,
	                    "frame of 'd' has unknown size: dynamic stack allocation (a VLA or "
	                    "alloca) with no bound");
	trc_stack_free(s);
	s = run(f, &cfg, "b");
	assert_true(s->roots[0].complete);
	assert_int_equal(s->roots[0].bytes, 20 + 0 + 30);
	assert_true(s->funcs[trc_cg_find(&f->cg, "gone")].inlined);
	trc_stack_free(s);
	/* An external function without frame data is never 0. */
	assert_int_equal(trc_cg_func(&ext, &f->cg, "printf"), 0);
	assert_int_equal(trc_cg_add_edge(&f->cg, fn(f, "c"), ext, "s.c", 5, 1, TRC_CG_DIRECT), 0);
	s = run(f, &cfg, "b");
	assert_false(s->roots[0].complete);
	assert_string_equal(trc_stack_unknown_name(s->unknowns[s->roots[0].unknowns[0]].kind),
	                    "unknown-frame");
	trc_stack_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test_setup_teardown(test_stackdepth_chain_is_the_sum_of_its_frames,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_stackdepth_recursion_is_unbounded, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_stackdepth_mutual_recursion_with_a_bound,
	                                        setup, teardown),
	        cmocka_unit_test_setup_teardown(test_stackdepth_indirect_call_needs_targets, setup,
	                                        teardown),
	        cmocka_unit_test_setup_teardown(test_stackdepth_unknown_and_inlined_frames, setup,
	                                        teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
