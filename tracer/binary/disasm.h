/*
 * tracer/binary/disasm.h - the call graph of the machine code itself, as
 * puncover and AbsInt's StackAnalyzer build it: every sized function symbol
 * of the ELF is decoded with libcapstone and its direct calls and tail calls
 * become edges (kind TRC_CG_BINARY), so that a library or assembly function
 * that no .ci file or analyzer graph describes still has its callees.
 *
 *  - Thumb-2 and ARM (by the $t/$a/$d mapping symbols, else by bit 0 of the
 *    symbol): BL, BLX #imm; B/B.W (conditional or not) to an address outside
 *    the function is a tail call. BLX/BX of a register other than LR, MOV PC
 *    and LDR PC (other than a pop from SP or a jump table at PC) are indirect
 *    branches. $d ranges (literal pools) are not decoded.
 *  - x86-64 and i386: CALL rel32; JMP/Jcc rel to outside the function is a
 *    tail call; CALL/JMP through a register or memory are indirect, except a
 *    jump through a GOT slot, which is named by its dynamic relocation (and a
 *    call into the PLT by the slot its stub jumps through).
 *  - AArch64: BL; B/B.cond/CBZ/TBZ to outside is a tail call; BLR/BR indirect.
 * A branch to an address that no function symbol covers is listed like an
 * indirect branch ("call outside"). Symbols at one address (aliases, weak
 * handlers) share the decoded edges.
 *
 * Every decoded function is marked defined. Indirect branches are recorded
 * as binary sites (trc_cg_add_binary_site); whether one is an unknown is the
 * stack analysis' decision (stack.h): not when the source-level graph knows
 * the function's calls.
 */
#ifndef TRC_DISASM_H
#define TRC_DISASM_H

#include <stddef.h>

#include "binary/callgraph.h"
#include "binary/elf.h"
#include "err.h"

struct trc_disasm_stats {
	size_t funcs;    /* functions decoded */
	size_t insns;    /* instructions decoded */
	size_t edges;    /* call and tail-call edges added */
	size_t indirect; /* indirect branches recorded */
};

/* Returns 1 when this build can decode e's machine (ARM, x86, AArch64). */
int trc_disasm_supported(const struct trc_elf *e);

/* Adds the machine-code call graph of e to cg. Returns 0; LC_ENOTFOUND when
 * e's machine is not supported (nothing added); LC_EFORMAT when a
 * function's bytes lie outside its section; LC_EINTERNAL when capstone
 * cannot be opened; LC_ENOMEM. st may be NULL. */
int trc_disasm_calls(struct trc_cg *cg, const struct trc_elf *e, struct trc_disasm_stats *st,
                     struct lc_err *err);

#endif /* TRC_DISASM_H */
