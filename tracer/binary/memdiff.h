/*
 * tracer/binary/memdiff.h - what grew, shrank, appeared and vanished between two
 * builds of one program (memmap --diff BASE.elf), per section and per
 * symbol, sorted by the size of the change, largest first.
 *
 * Sections are matched by name (allocated sections only: what occupies
 * flash or RAM). Symbols are matched by name; symbols sharing a name (file
 * statics of several files) are summed under it, so a change of one of
 * them still shows. Unchanged entries are counted but not listed.
 */
#ifndef TRC_MEMDIFF_H
#define TRC_MEMDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "binary/elf.h"
#include "err.h"

enum trc_memdiff_status {
	TRC_MEMDIFF_GREW,
	TRC_MEMDIFF_SHRANK,
	TRC_MEMDIFF_ADDED,
	TRC_MEMDIFF_REMOVED
};

struct trc_memdiff_row {
	const char *name;   /* borrowed from one of the two ELF files */
	int is_section;     /* 1 section, 0 symbol */
	uint64_t base, cur; /* sizes in the base and the current build (0 when absent) */
	int64_t delta;      /* cur - base */
	enum trc_memdiff_status status;
	enum trc_mem mem; /* where it lives (current build, else base) */
};

struct trc_memdiff {
	size_t n;
	struct trc_memdiff_row *rows;   /* by |delta|, then sections first, then name */
	int64_t flash_delta, ram_delta; /* change of the ELF totals */
	size_t unchanged_sections, unchanged_symbols;
};

/* Compares cur against base. Both files must outlive *out (names are
 * borrowed). Returns 0 or LC_ENOMEM. */
int trc_memdiff_new(struct trc_memdiff **out, const struct trc_elf *base, const struct trc_elf *cur,
                    struct lc_err *err);
void trc_memdiff_free(struct trc_memdiff *d);

/* "grew", "shrank", "added", "removed". */
const char *trc_memdiff_status_name(enum trc_memdiff_status s);

#endif /* TRC_MEMDIFF_H */
