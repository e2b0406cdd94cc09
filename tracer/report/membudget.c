/*
 * tracer/report/membudget.c - memory budgets against an ELF file (see membudget.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "report/membudget.h"

#include <strings.h>

static int check_region(struct trc_budget_results *res, const struct trc_budget *b,
                        const struct trc_elf *e, const struct trc_regions *regions)
{
	const struct trc_region *r = regions ? trc_regions_find(regions, b->subject) : NULL;
	double actual;

	if (r != NULL && r->nsections == 0) {
		/* "0 bytes used" of a region nothing is placed in means the
		 * regions are wrong, never that the budget holds. */
		return trc_budget_results_add(
		        res, b, NULL, TRC_VERDICT_ERROR, 0, 0, NULL, 0,
		        "memory region '%s' (0x%llx, %llu bytes) holds no section of %s: are the "
		        "regions right?",
		        r->name, (unsigned long long)r->origin, (unsigned long long)r->length,
		        e->path);
	} else if (r != NULL) {
		actual = (double)r->used;
	} else if (strcasecmp(b->subject, "flash") == 0) {
		actual = (double)e->flash;
	} else if (strcasecmp(b->subject, "ram") == 0) {
		actual = (double)e->ram;
	} else {
		return trc_budget_results_add(
		        res, b, NULL, TRC_VERDICT_ERROR, 0, 0, NULL, 0,
		        "no memory region '%s' (give it with --regions or --map)", b->subject);
	}
	return trc_budget_results_add(res, b, NULL, trc_budget_judge(b, actual), 1, actual, NULL, 0,
	                              "%s uses %.0f bytes, budget is %.0f bytes", b->subject,
	                              actual, b->limit);
}

static int check_section(struct trc_budget_results *res, const struct trc_budget *b,
                         const struct trc_elf *e)
{
	const struct trc_elf_section *s = trc_elf_section_by_name(e, b->subject);

	if (s == NULL)
		return trc_budget_results_add(res, b, NULL, TRC_VERDICT_ERROR, 0, 0, NULL, 0,
		                              "no section '%s' in %s", b->subject, e->path);
	return trc_budget_results_add(res, b, NULL, trc_budget_judge(b, (double)s->size), 1,
	                              (double)s->size, NULL, 0,
	                              "section '%s' is %llu bytes, budget is %.0f bytes", s->name,
	                              (unsigned long long)s->size, b->limit);
}

static int check_symbols(struct trc_budget_results *res, const struct trc_budget *b,
                         const struct trc_elf *e)
{
	uint64_t sum = 0;
	size_t i, n = 0;

	for (i = 0; i < e->nsymbols; i++)
		if (trc_budget_matches(b->subject, e->symbols[i].name)) {
			sum += e->symbols[i].size;
			n++;
		}
	if (n == 0)
		return trc_budget_results_add(res, b, NULL, TRC_VERDICT_ERROR, 0, 0, NULL, 0,
		                              "no symbol matches '%s' in %s", b->subject, e->path);
	return trc_budget_results_add(
	        res, b, NULL, trc_budget_judge(b, (double)sum), 1, (double)sum, NULL, 0,
	        "'%s' (%zu symbol%s) is %llu bytes, budget is %.0f bytes", b->subject, n,
	        n == 1 ? "" : "s", (unsigned long long)sum, b->limit);
}

int trc_membudget_check(struct trc_budget_results *res, const struct trc_budgets *b,
                        const struct trc_elf *e, const struct trc_regions *regions,
                        struct lc_err *err)
{
	size_t i;
	int rc = 0;

	for (i = 0; i < trc_budgets_count(b) && rc == 0; i++) {
		const struct trc_budget *bg = trc_budgets_at(b, i);

		if (bg->kind == TRC_BUDGET_MEM_REGION)
			rc = check_region(res, bg, e, regions);
		else if (bg->kind == TRC_BUDGET_MEM_SECTION)
			rc = check_section(res, bg, e);
		else if (bg->kind == TRC_BUDGET_MEM_SYMBOL)
			rc = check_symbols(res, bg, e);
	}
	if (rc < 0)
		lc_err_set(err, LC_ENOMEM, "out of memory");
	return rc;
}
