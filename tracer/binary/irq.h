/*
 * tracer/binary/irq.h - the interrupt part of the main stack's worst case on
 * a Cortex-M (ARMv7-M/ARMv8-M) target.
 *
 * On exception entry the core pushes a frame on the active stack: 8 words
 * (32 bytes), or 26 words (104 bytes) when the interrupted context uses the
 * FPU (the extended frame, whose space lazy stacking reserves even when it
 * defers the writes). A handler can be preempted only by an exception of a
 * strictly more urgent (numerically lower) priority, so the main stack holds
 * at most one handler per priority level. Its worst case is therefore
 *   deepest thread path + sum over a chain of priority levels of
 *   (exception frame + worst case of that level's deepest handler),
 * the chain being the costliest levels, all of them or max_nesting of them.
 * The optional alignment word the core adds when SP is not 8-aligned at
 * entry (STKALIGN) is not counted: AAPCS code keeps SP 8-aligned.
 *
 * Handlers and priorities come from the rules (interrupts:) or, without
 * them, from the vector table of the ELF (.isr_vector, .vectors,
 * .vector_table): then every distinct handler function is taken to be able
 * to preempt every other (priorities are set at run time, and this is the
 * bound that holds whatever they are), under NMI (-2) and HardFault (-1).
 * FPU use is read from .ARM.attributes (Tag_FP_arch, Tag_ABI_VFP_args)
 * unless the rules say.
 */
#ifndef TRC_IRQ_H
#define TRC_IRQ_H

#include <stddef.h>
#include <stdint.h>

#include "binary/elf.h"
#include "binary/stack.h"
#include "err.h"

struct trc_irq_handler {
	char *name;    /* owned */
	int priority;  /* Cortex-M: lower preempts higher */
	uint64_t cost; /* exception frame + the handler's worst case (set by the caller) */
	int complete;  /* the handler's worst case is complete (set by the caller) */
};

struct trc_irq_set {
	struct trc_irq_handler *v;
	size_t n, cap;
	int from_vectors; /* 1: read from the vector table, priorities assumed */
};

void trc_irq_set_init(struct trc_irq_set *s);
void trc_irq_set_fini(struct trc_irq_set *s);

/* Adds a handler (name copied). Returns 0 or LC_ENOMEM. */
int trc_irq_add(struct trc_irq_set *s, const char *name, int priority);

/* Fills s from e's vector table (see above). Returns 0; LC_ENOTFOUND when
 * e is not ARM or has no vector table section; LC_EFORMAT when the table
 * is unreadable; LC_ENOMEM. */
int trc_irq_from_vectors(struct trc_irq_set *s, const struct trc_elf *e, struct lc_err *err);

/* FPU use by .ARM.attributes: 1 FP code, 0 none, -1 no attributes (not ARM,
 * or stripped). Returns 0, or LC_EFORMAT for a malformed section. */
int trc_irq_fpu_of(int *fpu, const struct trc_elf *e, struct lc_err *err);

/* The deepest preemption chain: indexes into s->v from the least to the
 * most urgent (*out owned by the caller: trc_irq_chain_free), its length, its bytes and
 * whether every handler on it is complete. max_nesting 0: no limit.
 * Returns 0 or LC_ENOMEM. */
int trc_irq_chain(size_t **out, size_t *n, uint64_t *bytes, int *complete,
                  const struct trc_irq_set *s, unsigned max_nesting);

/* A declared handler (the rules' interrupts: handlers:). */
struct trc_irq_decl {
	const char *handler;
	int priority;
};

/* The main stack of a Cortex-M: the deepest thread root plus the chain. */
struct trc_irq_main {
	int present;            /* 0: no interrupt model (no vector table, none declared) */
	struct trc_irq_set set; /* the handlers, cost and complete filled */
	size_t *chain, nchain;  /* indexes into set.v, least urgent first */
	size_t thread;          /* index into s->roots of the deepest non-handler root, or -1 */
	uint64_t frame;         /* exception frame bytes */
	uint64_t total;         /* thread root + chain */
	int complete;
	const char *fpu_text; /* "yes (.ARM.attributes)", "no (declared)", ... */
};

/*
 * Computes the main stack of s (irq.h's formula). Handlers are decl[0..ndecl)
 * when given, else the vector table of e (none: present 0 unless
 * has_interrupts, which makes a missing table an error). fpu: -1 from
 * .ARM.attributes (104-byte frames assumed without attributes), 0, 1;
 * exception_frame 0: by fpu; max_nesting 0: no limit. Returns 0;
 * LC_ENOTFOUND for a handler that is not in s's call graph; LC_EFORMAT;
 * LC_ENOMEM. Release with trc_irq_main_fini in every case.
 */
int trc_irq_main_new(struct trc_irq_main *m, const struct trc_stack *s, const struct trc_elf *e,
                     int has_interrupts, const struct trc_irq_decl *decl, size_t ndecl, int fpu,
                     uint64_t exception_frame, unsigned max_nesting, struct lc_err *err);
void trc_irq_main_fini(struct trc_irq_main *m);

/* Releases a chain of trc_irq_chain; NULL does nothing. */
void trc_irq_chain_free(size_t *chain);

#endif /* TRC_IRQ_H */
