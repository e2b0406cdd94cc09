/* tests/fuzz/fuzz_yaml.c - libFuzzer target for the YAML view that reads
 * rule packs, .latch.yaml and budgets: any input must load or fail with a
 * message, and every accessor must stay in bounds on what loaded. */
#include "lc_yaml.h"

#include <stddef.h>
#include <stdint.h>

/* Visits are capped: aliases may share a node many times over. */
static void walk(const struct lc_yaml *y, lc_ynode n, int depth, unsigned *budget)
{
	size_t i, len = lc_yaml_len(y, n);
	uint64_t u;
	double d;
	int b;

	if (n == 0 || depth > 64 || *budget == 0)
		return;
	(*budget)--;
	(void)lc_yaml_line(y, n);
	(void)lc_yaml_col(y, n);
	(void)lc_yaml_to_u64(y, n, &u, NULL);
	(void)lc_yaml_to_double(y, n, &d, NULL);
	(void)lc_yaml_to_bool(y, n, &b, NULL);
	(void)lc_yaml_to_size(y, n, &u, NULL);
	(void)lc_yaml_get(y, n, "budgets");
	for (i = 0; i <= len; i++) {
		walk(y, lc_yaml_at(y, n, i), depth + 1, budget);
		walk(y, lc_yaml_key_at(y, n, i), depth + 1, budget);
		walk(y, lc_yaml_value_at(y, n, i), depth + 1, budget);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct lc_yaml *y = NULL;
	struct lc_err err;
	unsigned budget = 20000;

	if (lc_yaml_load_mem(&y, "fuzz.yaml", (const char *)data, size, &err) == 0) {
		walk(y, lc_yaml_root(y), 0, &budget);
		lc_yaml_free(y);
	}
	return 0;
}
