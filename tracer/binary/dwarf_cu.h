/*
 * tracer/binary/dwarf_cu.h - flash and RAM per compile unit, or per source file,
 * from the DWARF of an ELF file (memmap --by cu, --by file).
 *
 * Every byte of an allocated section is given to exactly one row, so the
 * rows always add up to the file's flash and RAM totals (elf.h):
 *  - a symbol's bytes go to the compile unit (--by cu) or the declaring
 *    source file (--by file, from DW_AT_decl_file, so an inline function
 *    defined in a header counts for the header) that DWARF says holds the
 *    symbol's address: subprogram ranges and DW_OP_addr variable locations,
 *    then the compile units' address ranges (.debug_aranges);
 *  - bytes of a symbol DWARF knows nothing about, and bytes covered by no
 *    symbol at all (padding, start-up code, linker stubs), go to a row
 *    named "[SECTION]" for that section, so nothing disappears.
 * Aliases (two symbols on the same bytes) are counted once.
 */
#ifndef TRC_DWARF_CU_H
#define TRC_DWARF_CU_H

#include <stddef.h>
#include <stdint.h>

#include "binary/elf.h"
#include "err.h"

enum trc_dwarf_cu_by { TRC_DWARF_CU_BY_CU, TRC_DWARF_CU_BY_FILE };

struct trc_dwarf_cu_row {
	char *name;       /* CU name (DW_AT_name), source file, or "[SECTION]" */
	uint64_t flash;   /* bytes of load image */
	uint64_t ram;     /* bytes of run-time memory */
	size_t nsymbols;  /* symbols attributed to it */
	int unattributed; /* 1 for a "[SECTION]" row */
};

struct trc_dwarf_cu {
	size_t n;
	struct trc_dwarf_cu_row *rows; /* sorted by flash + ram, largest first, then name */
	size_t ncus;                   /* compile units read */
	uint64_t flash, ram;           /* sums over rows (equal to the ELF's totals) */
};

/* Computes the rows for e. *out is owned by the caller (trc_dwarf_cu_free).
 * Returns 0; LC_ENOTFOUND when e has no DWARF (stripped or built without
 * -g: the message says so); LC_EFORMAT when the DWARF cannot be read;
 * LC_ENOMEM. */
int trc_dwarf_cu_new(struct trc_dwarf_cu **out, const struct trc_elf *e, enum trc_dwarf_cu_by by,
                     struct lc_err *err);

void trc_dwarf_cu_free(struct trc_dwarf_cu *d);

#endif /* TRC_DWARF_CU_H */
