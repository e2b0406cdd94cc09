/*
 * tracer/binary/stackroots.h - the roots `latch-trace stack` starts from:
 * the functions that --root names or globs match, over the call graph and
 * over the binary's frames (a function the graph does not have yet is added
 * to it), or else the roots the call graph marks.
 */
#ifndef TRC_STACKROOTS_H
#define TRC_STACKROOTS_H

#include <stddef.h>

#include "binary/callgraph.h"
#include "binary/frames.h"
#include "err.h"

/*
 * Picks the roots: each of the nglobs names or globs (fnmatch) must match a
 * function of fr or cg, and every function matched is a root once, in the
 * order of the globs and then of cg; with no globs, the functions cg marks
 * as roots. May add functions of fr to cg. Fills *out (allocated; the
 * caller frees it with free()) with indices into cg->funcs and *nout with
 * their number, which may be 0 (no glob given and no root marked).
 * Returns 0, LC_ENOTFOUND (a glob that matches nothing, named in err) or
 * LC_ENOMEM.
 */
int trc_stack_roots_pick(size_t **out, size_t *nout, struct trc_cg *cg, const struct trc_frames *fr,
                         const char *const *globs, size_t nglobs, struct lc_err *err);

#endif /* TRC_STACKROOTS_H */
