/*
 * tracer/binary/stack.h - the worst-case stack depth from each root: frame
 * sizes (frames.h) summed along the deepest path of the call graph
 * (callgraph.h).
 *
 * Nothing unknown becomes a number silently. Each of these is listed as an
 * unknown with its location, and every root that reaches it is marked
 * incomplete (its figure is then a lower bound):
 *  - recursion: a cycle of the call graph, unless the rules bound it
 *    (recursion_bounds: { NAME: DEPTH }); a bounded cycle costs DEPTH times
 *    the sum of the frames of its functions (an upper bound);
 *  - an indirect call whose targets neither the analyzer nor the rules
 *    (indirect_targets: { CALLER: [TARGET, ...] }) name;
 *  - a frame of unknown size: a VLA or alloca, a function without call
 *    frame information, an external function with no frame data.
 * A function with a body in the call graph that is absent from the binary
 * and from the frame files was inlined into its callers everywhere (or
 * discarded): it costs 0 bytes of its own, its callees still count.
 * On x86-64 a leaf function may use the 128-byte red zone below the stack
 * pointer without moving it, so red_zone bytes are added at every leaf
 * (the return address is already in each frame).
 */
#ifndef TRC_STACK_H
#define TRC_STACK_H

#include <stddef.h>
#include <stdint.h>

#include "binary/callgraph.h"
#include "err.h"
#include "binary/frames.h"

/* Annotations from the rules YAML. Strings are borrowed. */
struct trc_stack_target_note {
	const char *caller; /* name or glob */
	const char *const *targets;
	size_t ntargets;
};

struct trc_stack_bound_note {
	const char *func; /* name or glob */
	uint64_t depth;   /* maximum recursion depth (>= 1) */
};

struct trc_stack_config {
	uint64_t red_zone; /* bytes added at leaves: 128 on x86-64, else 0 */
	const struct trc_stack_target_note *targets;
	size_t ntargets;
	const struct trc_stack_bound_note *bounds;
	size_t nbounds;
};

enum trc_unknown_kind { TRC_UNK_RECURSION, TRC_UNK_INDIRECT, TRC_UNK_FRAME };

struct trc_stack_unknown {
	enum trc_unknown_kind kind;
	size_t func;      /* the function it is in (cg index) */
	const char *file; /* borrowed from the graph or frames; may be NULL */
	unsigned line, col;
	char detail[256];
};

struct trc_stack_root {
	size_t func;    /* cg index */
	uint64_t bytes; /* worst case; a lower bound when !complete */
	int complete;
	size_t *path; /* cg indexes, root first; owned */
	size_t npath;
	size_t *unknowns; /* indexes into trc_stack.unknowns; owned */
	size_t nunknowns;
};

struct trc_stack_func {
	uint64_t frame; /* own frame (0 when unknown or inlined) */
	int frame_known;
	int inlined;       /* absent from the binary: folded into callers */
	uint64_t red_zone; /* added because it is a leaf */
	uint64_t depth;    /* worst case from this function */
	int complete;
};

struct trc_stack {
	const struct trc_cg *cg;      /* borrowed */
	struct trc_stack_func *funcs; /* one per cg function */
	struct trc_stack_unknown *unknowns;
	size_t nunknowns;
	struct trc_stack_root *roots;
	size_t nroots;
};

/*
 * Computes the depth of every function of cg and the report of each root
 * (roots: cg indexes). cg gains the edges the annotations declare, so it
 * is not const. Returns 0 or LC_ENOMEM; *out is owned by the caller
 * (trc_stack_free) and borrows cg and frames.
 */
int trc_stack_new(struct trc_stack **out, struct trc_cg *cg, const struct trc_frames *frames,
                  const struct trc_stack_config *cfg, const size_t *roots, size_t nroots,
                  struct lc_err *err);
void trc_stack_free(struct trc_stack *s);

/* "recursion", "indirect-call", "unknown-frame". */
const char *trc_stack_unknown_name(enum trc_unknown_kind k);

#endif /* TRC_STACK_H */
