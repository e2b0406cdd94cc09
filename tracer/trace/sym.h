/*
 * tracer/trace/sym.h - names, source files and lines for trace addresses (libdw).
 *
 * Each module of the trace's module map (the executable, shared objects,
 * PIE or not) is opened with dwfl at its recorded load bias the first time
 * an address inside it is looked up. Before any name is taken from a file,
 * its GNU build-id is compared with the one the runtime recorded: a file
 * that is not the binary that ran is an error, never a source of wrong names.
 * The executable is checked when the symbolizer is created, so a mismatch is
 * reported even when no lookup would touch it.
 */
#ifndef TRC_SYM_H
#define TRC_SYM_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct lc_trace;
struct trc_sym;

/* What is known about one address. Strings are borrowed from the
 * symbolizer and live until trc_sym_free(). */
struct trc_symbol {
	const char *name;   /* function name, or NULL when unknown */
	const char *file;   /* source file (as in DWARF), or NULL */
	unsigned line;      /* 0 when unknown */
	const char *module; /* path of the module holding the address, or NULL */
	uint64_t elf_addr;  /* the address in the module's ELF file (bias removed) */
	uint64_t offset;    /* addr - symbol start; 0 at a function's entry */
};

/*
 * Creates a symbolizer for trace t (borrowed; must outlive it). exe, when not
 * NULL, replaces the executable path recorded in the trace (the binary was
 * moved or rebuilt elsewhere); its build-id must still match.
 * Returns 0; LC_EFORMAT when the executable's build-id differs from the
 * trace's (message names both); LC_EIO when the executable cannot be opened;
 * LC_ENOMEM. Free with trc_sym_free().
 */
int trc_sym_new(struct trc_sym **out, const struct lc_trace *t, const char *exe,
                struct lc_err *err);
void trc_sym_free(struct trc_sym *s);

/*
 * Looks up a runtime address. Returns 0 with *out filled (fields that are
 * unknown are NULL/0); LC_EFORMAT when the module holding addr is a file
 * whose build-id does not match the trace (message in err: the caller must
 * stop, names from that file would be wrong).
 */
int trc_sym_lookup(struct trc_sym *s, uint64_t addr, struct trc_symbol *out, struct lc_err *err);

/*
 * 1 when the program (the executable and every module opened so far) defines
 * a function whose name matches `pattern` (a name or fnmatch glob), else 0.
 */
int trc_sym_has_function(struct trc_sym *s, const char *pattern);

#endif /* TRC_SYM_H */
