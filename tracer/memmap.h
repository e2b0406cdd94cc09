/*
 * tracer/memmap.h - the memory budgets of memmap: flash and RAM totals (or
 * named linker regions), sections and symbol globs, judged against an ELF.
 */
#ifndef TRC_MEMMAP_H
#define TRC_MEMMAP_H

#include "budget.h"
#include "elffile.h"
#include "err.h"
#include "regions.h"

/*
 * Judges every memory budget of b (kinds TRC_BUDGET_MEM_*; others are left
 * to their commands) against e and appends one verdict per budget to res:
 *  - memory.flash / memory.ram: the region of that name (any case) when
 *    regions holds one, measured like ld --print-memory-usage; otherwise the
 *    ELF's flash or RAM total (elffile.h). Another name must be a region: if
 *    there is none of that name the verdict is ERROR.
 *  - memory.sections.NAME: the section's size; ERROR when there is none.
 *  - memory.symbols.GLOB: the sum of the sizes of the matching symbols;
 *    ERROR when nothing matches (a typo must not pass silently).
 * regions may be NULL. Returns 0 or LC_ENOMEM.
 */
int trc_memmap_check(struct trc_budget_results *res, const struct trc_budgets *b,
                     const struct trc_elf *e, const struct trc_regions *regions,
                     struct lc_err *err);

#endif /* TRC_MEMMAP_H */
