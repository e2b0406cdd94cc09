/*
 * tracer/trace/symindex.h - a sorted index of one module's symbols, so that
 * naming a function costs a binary search instead of a scan of the whole
 * symbol table (dwfl_module_addrinfo walks every symbol on every call: on a
 * program of 10,000 functions that was 91 % of `report`).
 *
 * The index answers only where the answer cannot depend on the fine print of
 * libdwfl's choice between candidates (binding, sizeless labels, aliases,
 * section of the address): exactly one symbol starts at the address, it has a
 * size, and no other sized symbol covers the address. Every other address is
 * left to dwfl_module_addrinfo, so the name is always the one libdwfl gives
 * (tests/tracer/test_symindex.c checks both on every symbol of real binaries).
 */
#ifndef TRC_SYMINDEX_H
#define TRC_SYMINDEX_H

#include <elfutils/libdwfl.h>
#include <stddef.h>
#include <stdint.h>

struct trc_symix_ent {
	uint64_t lo;       /* the symbol's address (bias included, as dwfl gives it) */
	uint64_t hi_max;   /* the highest lo + size of this entry and every one before */
	uint64_t size;     /* st_size */
	const char *name;  /* borrowed from the module's string table */
	unsigned shndx_ok; /* 1 when the section holding lo is the symbol's own */
};

/* Caller-provided storage: zero it, fill with trc_symix_init, release with
 * trc_symix_fini. An index that could not be built (out of memory, no
 * symbol table) is empty and answers nothing: lookups fall back to dwfl. */
struct trc_symix {
	struct trc_symix_ent *v;
	size_t n;
};

void trc_symix_init(struct trc_symix *x, Dwfl_Module *m);
void trc_symix_fini(struct trc_symix *x);

/*
 * The name of the symbol starting at addr when the index alone decides it
 * (*off set to 0), else NULL: ask dwfl_module_addrinfo.
 */
const char *trc_symix_find(const struct trc_symix *x, uint64_t addr, uint64_t *off);

#endif /* TRC_SYMINDEX_H */
