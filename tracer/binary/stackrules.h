/*
 * tracer/binary/stackrules.h - what `latch-trace stack` reads from the rules
 * YAML (--budgets/--rules), in one place so that it moves to the common
 * .latch.yaml loader as one view (docs/memmap.md has the shape):
 *
 *   indirect_targets: { CALLER: [TARGET, ...] }   names or globs
 *   recursion_bounds: { FUNC: DEPTH }
 *   frames:                                      library/assembly functions
 *     memchr: 8                                  frame size in bytes
 *     dispatch: { frame: 16, callees: [a, b] }   callees replace the decoded ones
 *     parse_line: { alloca: 256 }                bounds a dynamic (alloca/VLA) frame
 *   interrupts:
 *     fpu: auto | yes | no                       exception frame 104 or 32 bytes
 *     exception_frame: 32                        or the frame size itself
 *     max_nesting: 2                             at most this many handlers stacked
 *     handlers: { SysTick_Handler: 2, USART1_IRQHandler: { priority: 1 } }
 * Unknown keys inside frames: and interrupts: are errors (file:line:col).
 * Strings are borrowed from the YAML, which must outlive the rules.
 */
#ifndef TRC_STACKRULES_H
#define TRC_STACKRULES_H

#include <stddef.h>
#include <stdint.h>

#include "binary/callgraph.h"
#include "binary/frames.h"
#include "binary/irq.h"
#include "binary/stack.h"
#include "err.h"
#include "lc_config.h"
#include "lc_yaml.h"

struct trc_stack_frame_decl {
	const char *func; /* name or glob */
	int has_bytes;
	uint64_t bytes;
	uint64_t alloca_bound;
	int has_callees; /* callees: given (possibly empty): replaces the decoded calls */
	const char *const *callees;
	size_t ncallees;
	unsigned line;
};

struct trc_stack_rules {
	struct trc_stack_target_note *targets;
	size_t ntargets;
	struct trc_stack_bound_note *bounds;
	size_t nbounds;
	const char **names; /* target and callee name pointers */
	struct trc_stack_frame_decl *frames;
	size_t nframes;
	int has_interrupts;
	int fpu;                  /* -1 auto (.ARM.attributes), 0 no, 1 yes */
	uint64_t exception_frame; /* 0: by fpu */
	unsigned max_nesting;     /* 0: no limit */
	struct trc_irq_decl *irqs;
	size_t nirqs;
};

/* Fills r (zeroed first): indirect_targets and recursion_bounds from cfg,
 * the one loader's view of the rules file and everything it extends (may be
 * NULL); frames: and interrupts: from y, the rules file itself (the loader
 * only checks they are mappings; packs do not carry them). Returns 0,
 * LC_EFORMAT ("file:line:col: ...") or LC_ENOMEM. Release with
 * trc_stack_rules_fini; r borrows from cfg and y. */
int trc_stack_rules_load(struct trc_stack_rules *r, const struct lc_config *cfg,
                         const struct lc_yaml *y, struct lc_err *err);
void trc_stack_rules_fini(struct trc_stack_rules *r);

/* Applies the frames: declarations to frames (after trc_frames_finish) and
 * cg: a glob applies to every function of cg it matches, a plain name also
 * to a function nothing else knows. Declared callees (names or globs over
 * the defined functions) replace the calls decoded from the machine code
 * and close its indirect branches. Returns 0, LC_ENOTFOUND (a glob that
 * matches nothing, "file:line"), LC_ENOMEM. */
int trc_stack_rules_apply(const struct trc_stack_rules *r, const char *yaml_name,
                          struct trc_frames *frames, struct trc_cg *cg, struct lc_err *err);

/* 1 when s holds a glob metacharacter (*, ?, [). */
int trc_stack_is_glob(const char *s);

#endif /* TRC_STACKRULES_H */
