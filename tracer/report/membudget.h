/*
 * tracer/report/membudget.h - the memory budgets of memmap: flash and RAM totals (or
 * named linker regions), sections and symbol globs, judged against an ELF.
 */
#ifndef TRC_MEMBUDGET_H
#define TRC_MEMBUDGET_H

#include "report/budget.h"
#include "binary/elf.h"
#include "err.h"
#include "binary/regions.h"

/*
 * Judges every memory budget of b (kinds TRC_BUDGET_MEM_*; others are left
 * to their commands) against e and appends one verdict per budget to res:
 *  - memory.flash / memory.ram: the region of that name (any case) when
 *    regions holds one, measured like ld --print-memory-usage; otherwise the
 *    ELF's flash or RAM total (elf.h). Another name must be a region: if
 *    there is none of that name the verdict is ERROR.
 *  - memory.sections.NAME: the section's size; ERROR when there is none.
 *  - memory.symbols.GLOB: the sum of the sizes of the matching symbols;
 *    ERROR when nothing matches (a typo must not pass silently).
 * regions may be NULL. Returns 0 or LC_ENOMEM.
 */
int trc_membudget_check(struct trc_budget_results *res, const struct trc_budgets *b,
                        const struct trc_elf *e, const struct trc_regions *regions,
                        struct lc_err *err);

#endif /* TRC_MEMBUDGET_H */
