/* tests/tracer/test_lib_leak.c - a test that must fail: it leaks a document
 * the library allocated (trc_doc_new() without trc_doc_free()). ctest
 * passes it only when CMocka reports the leaked block as "library code",
 * which shows the leak checks see inside trc_core (tests/support/lib_alloc.c). */
#include "report/doc.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

static void test_lib_leak_is_reported(void **state)
{
	struct trc_doc *d = NULL;

	(void)state;
	assert_int_equal(trc_doc_new(&d, "report", NULL), 0);
	assert_int_equal(trc_doc_meta_str(d, "trace", "trace", "t.trace"), 0);
	/* no trc_doc_free(d): CMocka must report the library's blocks */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_lib_leak_is_reported),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
