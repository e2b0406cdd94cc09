/*
 * tests/tracer/test_irq.c - tracer/binary/irq.c: the preemption chain by
 * priority, the vector table and the FPU attribute of data/golden/fw_min.elf.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/irq.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

static void add(struct trc_irq_set *s, const char *name, int prio, uint64_t cost, int complete)
{
	assert_int_equal(trc_irq_add(s, name, prio), 0);
	s->v[s->n - 1].cost = cost;
	s->v[s->n - 1].complete = complete;
}

static void test_irq_chain_by_priority(void **state)
{
	struct trc_irq_set s;
	size_t *chain = NULL, n = 0;
	uint64_t bytes = 0;
	int complete = 0;

	(void)state;
	trc_irq_set_init(&s);
	add(&s, "uart", 1, 150, 1);
	add(&s, "tick", 2, 100, 1);
	add(&s, "adc", 2, 130, 1); /* same level as tick: they never stack */
	add(&s, "nmi", -2, 40, 1);
	assert_int_equal(trc_irq_chain(&chain, &n, &bytes, &complete, &s, 0), 0);
	/* Least urgent first: adc (2), uart (1), nmi (-2). */
	assert_int_equal(n, 3);
	assert_string_equal(s.v[chain[0]].name, "adc");
	assert_string_equal(s.v[chain[1]].name, "uart");
	assert_string_equal(s.v[chain[2]].name, "nmi");
	assert_int_equal(bytes, 130 + 150 + 40);
	assert_true(complete);
	trc_irq_chain_free(chain);
	/* max_nesting 2: the two costliest levels. */
	assert_int_equal(trc_irq_chain(&chain, &n, &bytes, &complete, &s, 2), 0);
	assert_int_equal(n, 2);
	assert_string_equal(s.v[chain[0]].name, "adc");
	assert_string_equal(s.v[chain[1]].name, "uart");
	assert_int_equal(bytes, 280);
	trc_irq_chain_free(chain);
	/* An incomplete handler on the chain makes it incomplete. */
	s.v[3].complete = 0;
	assert_int_equal(trc_irq_chain(&chain, &n, &bytes, &complete, &s, 0), 0);
	assert_false(complete);
	trc_irq_chain_free(chain);
	trc_irq_set_fini(&s);
}

static void test_irq_vectors_and_fpu_of_firmware(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	struct trc_irq_set s;
	int fpu = 7;

	(void)state;
	trc_irq_set_init(&s);
	assert_int_equal(trc_elf_open(&e, TEST_FW_MIN_ELF, &err), 0);
	assert_int_equal(trc_irq_from_vectors(&s, e, &err), 0);
	/* startup.c points every exception at fw_default_handler: one function,
	 * at NMI's fixed priority. */
	assert_int_equal(s.n, 1);
	assert_string_equal(s.v[0].name, "fw_default_handler");
	assert_int_equal(s.v[0].priority, -2);
	assert_true(s.from_vectors);
	/* Built with -mfloat-abi=soft: no FP in .ARM.attributes. */
	assert_int_equal(trc_irq_fpu_of(&fpu, e, &err), 0);
	assert_int_equal(fpu, 0);
	trc_irq_set_fini(&s);
	trc_elf_free(e);
}

static void test_irq_host_has_no_vector_table(void **state)
{
	struct trc_elf *e = NULL;
	struct lc_err err = {0, ""};
	struct trc_irq_set s;
	int fpu = 7;

	(void)state;
	trc_irq_set_init(&s);
	assert_int_equal(trc_elf_open(&e, "/proc/self/exe", &err), 0);
	assert_int_equal(trc_irq_from_vectors(&s, e, &err), LC_ENOTFOUND);
	assert_int_equal(trc_irq_fpu_of(&fpu, e, &err), 0);
	assert_int_equal(fpu, -1);
	trc_irq_set_fini(&s);
	trc_elf_free(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_irq_chain_by_priority),
	        cmocka_unit_test(test_irq_vectors_and_fpu_of_firmware),
	        cmocka_unit_test(test_irq_host_has_no_vector_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
