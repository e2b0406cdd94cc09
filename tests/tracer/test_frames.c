/*
 * tests/tracer/test_frames.c - tracer/binary/frames.c: -fstack-usage (.su) and
 * -fcallgraph-info (.ci) files, the precedence of sources, and CFI frames
 * read from this test executable.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/frames.h"

#include <gelf.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

/* Writes text to a new temporary file; its name goes to path (32 bytes). */
static void write_tmp(char *path, const char *text)
{
	int fd;
	FILE *f;

	strcpy(path, "/tmp/test_frames_XXXXXX");
	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	fputs(text, f);
	fclose(f);
}

static void test_frames_su_qualifiers(void **state)
{
	struct trc_frames f;
	struct lc_err err = {0, ""};
	const struct trc_frame *x;
	char p[32];

	write_tmp(p, "src/pid.c:44:7:pid_step\t48\tstatic\n"
	             "src/log.c:9:6:log_line\t96\tdynamic\n"
	             "src/buf.c:3:5:buf_fill\t64\tdynamic,bounded\n"
	             "/abs/path:with:colons/x.c:1:2:weird\t8\tstatic\n");

	(void)state;
	trc_frames_init(&f);
	assert_int_equal(trc_frames_load_su(&f, p, &err), 0);
	trc_frames_finish(&f);
	assert_int_equal(f.n, 4);
	x = trc_frames_find(&f, "pid_step");
	assert_non_null(x);
	assert_true(x->known);
	assert_int_equal(x->bytes, 48);
	assert_int_equal(x->src, TRC_FRAME_SU);
	assert_string_equal(x->file, "src/pid.c");
	assert_int_equal(x->line, 44);
	assert_int_equal(x->col, 7);
	x = trc_frames_find(&f, "log_line");
	assert_false(x->known);
	assert_string_equal(x->why, "dynamic stack allocation (a VLA or alloca) with no bound");
	assert_true(trc_frames_find(&f, "buf_fill")->known);
	assert_string_equal(trc_frames_find(&f, "weird")->file, "/abs/path:with:colons/x.c");
	assert_null(trc_frames_find(&f, "nosuch"));
	trc_frames_fini(&f);
	remove(p);
}

static void test_frames_su_malformed_line(void **state)
{
	struct trc_frames f;
	struct lc_err err = {0, ""};
	char p[32], msg[512];

	write_tmp(p, "a.c:1:1:f\t8\tstatic\nthis is not a stack usage line\n");

	(void)state;
	trc_frames_init(&f);
	assert_int_equal(trc_frames_load_su(&f, p, &err), LC_EFORMAT);
	snprintf(msg, sizeof(msg),
	         "%s:2: not a -fstack-usage line (file:line:col:name<TAB>bytes<TAB>qualifier)", p);
	assert_string_equal(err.msg, msg);
	trc_frames_fini(&f);
	remove(p);
	assert_int_equal(trc_frames_load_su(&f, "/nonexistent.su", &err), LC_EIO);
}

static void test_frames_ci_frames_and_edges(void **state)
{
	struct trc_frames f;
	struct trc_cg cg;
	struct lc_err err = {0, ""};
	size_t f1, f2;
	char p[32];

	write_tmp(
	        p,
	        "graph: { title: \"b.c\"\n"
	        "node: { title: \"f1\" label: \"f1\\nb.c:4:5\\n72 bytes (static)\\n0 dynamic "
	        "objects\" }\n"
	        "node: { title: \"memset\" label: \"memset\\n/usr/include/string.h:33:9\" shape : "
	        "ellipse }\n"
	        "edge: { sourcename: \"f1\" targetname: \"memset\" label: \"b.c:4:28\" }\n"
	        "edge: { sourcename: \"f1\" targetname: \"__indirect_call\" label: \"b.c:4:60\" }\n"
	        "node: { title: \"f2\" label: \"f2\\nb.c:5:8\\n16 bytes (dynamic)\\n1 dynamic "
	        "objects\\n b b.c:5:20\" }\n"
	        "node: { title: \"__aeabi_ldivmod\" label: \"__aeabi_ldivmod\\n<built-in>\" shape "
	        ": ellipse }\n"
	        "edge: { sourcename: \"f2\" targetname: \"__aeabi_ldivmod\" }\n"
	        "node: { title: \"src/b.c:f3\" label: \"src/b.c:f3\\nsrc/b.c:9:13\\n24 bytes "
	        "(static)\\n0 dynamic objects\" }\n"
	        "edge: { sourcename: \"f2\" targetname: \"src/b.c:f3\" label: \"b.c:5:30\" }\n"
	        "}\n");

	(void)state;
	trc_frames_init(&f);
	trc_cg_init(&cg);
	assert_int_equal(trc_frames_load_ci(&f, &cg, p, &err), 0);
	trc_frames_finish(&f);
	assert_int_equal(f.n, 3);
	assert_int_equal(trc_frames_find(&f, "f1")->bytes, 72);
	/* a file-static function is "file:name" in a .ci file */
	assert_int_equal(trc_frames_find(&f, "f3")->bytes, 24);
	assert_int_equal(trc_frames_find(&f, "f3")->line, 9);
	assert_int_equal(trc_frames_find(&f, "f1")->src, TRC_FRAME_CI);
	assert_int_equal(trc_frames_find(&f, "f1")->line, 4);
	assert_false(trc_frames_find(&f, "f2")->known);
	assert_null(trc_frames_find(&f, "memset"));
	f1 = trc_cg_find(&cg, "f1");
	f2 = trc_cg_find(&cg, "f2");
	assert_true(cg.funcs[f1].defined);
	assert_false(cg.funcs[trc_cg_find(&cg, "memset")].defined);
	assert_int_equal(cg.nedges, 3);
	assert_int_equal(cg.edges[2].callee, trc_cg_find(&cg, "f3"));
	assert_int_equal(cg.edges[0].caller, f1);
	assert_int_equal(cg.edges[0].callee, trc_cg_find(&cg, "memset"));
	assert_int_equal(cg.edges[0].line, 4);
	assert_int_equal(cg.edges[0].col, 28);
	assert_int_equal(cg.edges[0].kind, TRC_CG_COMPILER);
	assert_int_equal(cg.edges[1].caller, f2);
	assert_int_equal(cg.edges[1].line, 0);
	assert_int_equal(cg.nsites, 1);
	assert_int_equal(cg.sites[0].caller, f1);
	assert_int_equal(cg.sites[0].col, 60);
	trc_cg_fini(&cg);
	trc_frames_fini(&f);
	remove(p);
}

static void test_frames_su_beats_cfi_and_duplicates_keep_the_larger(void **state)
{
	struct trc_frames f;
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	char p[32];

	write_tmp(p,
	          "t.c:1:1:test_frames_su_beats_cfi_and_duplicates_keep_the_larger\t4242\tstatic\n"
	          "a.c:1:1:helper\t32\tstatic\n"
	          "b.c:7:1:helper\t80\tstatic\n");

	(void)state;
	trc_frames_init(&f);
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	assert_int_equal(trc_frames_from_cfi(&f, e, &err), 0);
	assert_int_equal(trc_frames_load_su(&f, p, &err), 0);
	trc_frames_finish(&f);
	assert_int_equal(
	        trc_frames_find(&f, "test_frames_su_beats_cfi_and_duplicates_keep_the_larger")
	                ->bytes,
	        4242);
	assert_int_equal(trc_frames_find(&f, "helper")->bytes, 80);
	assert_int_equal(trc_frames_find(&f, "helper")->merged, 2);
	trc_frames_fini(&f);
	trc_elf_free(e);
	remove(p);
}

/* A .su figure smaller than the CFI (GCC leaves out what an ARM variadic
 * prologue pushes) gives way to the CFI, and both figures are kept. */
static void test_frames_larger_of_su_and_cfi(void **state)
{
	struct trc_frames f;
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	const struct trc_frame *fr, *cfi;
	struct trc_frames only_cfi;
	char p[32];

	(void)state;
	trc_frames_init(&f);
	trc_frames_init(&only_cfi);
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	assert_int_equal(trc_frames_from_cfi(&only_cfi, e, &err), 0);
	trc_frames_finish(&only_cfi);
	cfi = trc_frames_find(&only_cfi, "test_frames_larger_of_su_and_cfi");
	assert_non_null(cfi);
	write_tmp(p, "t.c:1:1:test_frames_larger_of_su_and_cfi\t1\tstatic\n");
	assert_int_equal(trc_frames_from_cfi(&f, e, &err), 0);
	assert_int_equal(trc_frames_load_su(&f, p, &err), 0);
	trc_frames_finish(&f);
	fr = trc_frames_find(&f, "test_frames_larger_of_su_and_cfi");
	assert_int_equal(fr->src, TRC_FRAME_SU);
	assert_int_equal(fr->src_bytes, 1);
	assert_true(fr->has_cfi);
	if (cfi->known) {
		/* The CFI's figure (the return address at least) is the larger. */
		assert_true(cfi->bytes > 1);
		assert_true(fr->cfi_known);
		assert_int_equal(fr->bytes, cfi->bytes);
		assert_int_equal(fr->cfi_bytes, cfi->bytes);
	} else {
		/* A build with frame pointers (the sanitizer job): the CFI cannot
		 * say, and the .su figure stands. */
		assert_false(fr->cfi_known);
		assert_true(fr->known);
		assert_int_equal(fr->bytes, 1);
	}
	trc_frames_fini(&f);
	trc_frames_fini(&only_cfi);
	trc_elf_free(e);
	remove(p);
}

/* frames: declarations: a new function, a larger figure than the file's,
 * never a smaller one, and an alloca bound on a dynamic frame. */
static void test_frames_declare(void **state)
{
	struct trc_frames f;
	struct lc_err err = {0, ""};
	const struct trc_frame *fr;
	char p[32];

	(void)state;
	trc_frames_init(&f);
	write_tmp(p, "a.c:1:1:small\t16\tstatic\n"
	             "a.c:2:1:big\t64\tstatic\n"
	             "a.c:3:1:vla\t24\tdynamic\n");
	assert_int_equal(trc_frames_load_su(&f, p, &err), 0);
	trc_frames_finish(&f);
	assert_int_equal(trc_frames_declare(&f, "asm_only", 1, 12, 0, NULL, 3), 0);
	assert_int_equal(trc_frames_declare(&f, "small", 1, 40, 0, NULL, 4), 0);
	assert_int_equal(trc_frames_declare(&f, "big", 1, 8, 0, NULL, 5), 0);
	assert_int_equal(trc_frames_declare(&f, "vla", 0, 0, 256, NULL, 6), 0);
	fr = trc_frames_find(&f, "asm_only");
	assert_true(fr->known && fr->bytes == 12 && fr->src == TRC_FRAME_DECL);
	fr = trc_frames_find(&f, "small");
	assert_true(fr->known && fr->bytes == 40 && fr->src == TRC_FRAME_DECL);
	fr = trc_frames_find(&f, "big");
	assert_true(fr->known && fr->bytes == 64);
	fr = trc_frames_find(&f, "vla");
	assert_true(fr->known && fr->bytes == 24 + 256 && fr->alloca_bound == 256);
	assert_null(fr->why);
	trc_frames_fini(&f);
	remove(p);
}

/* A leaf with a frame of its own: its CFI must say so. */
#if defined(__clang__)
#define TEST_NOCLONE
#else
#define TEST_NOCLONE __attribute__((noclone))
#endif
__attribute__((noinline)) TEST_NOCLONE static int test_frames_leaf(int x)
{
	volatile char buf[256];

	buf[x & 255] = (char)x;
	return buf[(x + 1) & 255];
}

static void test_frames_cfi_of_own_functions(void **state)
{
	struct trc_frames f;
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	const struct trc_frame *x;

	(void)state;
	volatile int three = 3;

	assert_int_equal(test_frames_leaf(three) >= -128, 1);
	trc_frames_init(&f);
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	assert_int_equal(trc_frames_from_cfi(&f, e, &err), 0);
	trc_frames_finish(&f);
	x = trc_frames_find(&f, "test_frames_leaf");
	assert_non_null(x);
	assert_int_equal(x->src, TRC_FRAME_CFI);
	if (x->known) {
		/* sp-based CFA: the return address (x86-64) plus what the
		 * red zone cannot hold of the 256-byte buffer. */
		if (e->machine == EM_X86_64)
			assert_true(x->bytes >= 8 + 256 - 128);
	} else {
		/* a build with frame pointers (the sanitizer job) */
		assert_non_null(strstr(x->why, "frame pointer"));
	}
	assert_int_equal(trc_frames_sp_reg(e), e->machine == EM_X86_64 ? 7 : trc_frames_sp_reg(e));
	trc_frames_fini(&f);
	trc_elf_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_frames_su_qualifiers),
	        cmocka_unit_test(test_frames_su_malformed_line),
	        cmocka_unit_test(test_frames_ci_frames_and_edges),
	        cmocka_unit_test(test_frames_su_beats_cfi_and_duplicates_keep_the_larger),
	        cmocka_unit_test(test_frames_cfi_of_own_functions),
	        cmocka_unit_test(test_frames_larger_of_su_and_cfi),
	        cmocka_unit_test(test_frames_declare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
