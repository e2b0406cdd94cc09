/*
 * tracer/binary/stackmeasure.h - the measured side of `stack --trace`.
 */
#ifndef TRC_STACKMEASURE_H
#define TRC_STACKMEASURE_H

#include <stddef.h>
#include <stdint.h>

#include "binary/callgraph.h"
#include "err.h"

/*
 * Replays every thread of the trace at trace_path (symbolized against
 * elf_path) with a shadow call stack and raises measured[v], per function v
 * of cg (measured has cg->nfuncs entries, zeroed by the caller), to the
 * deepest stack measured below its entry: the depth at the deepest entry
 * hook of any callee minus its own. That is a lower bound of what the
 * function and its callees use, so it can never exceed a correct static
 * bound. *nrecords counts the records read. Returns 0 or the trace
 * reader's / symbolizer's error (LC_EIO, LC_EFORMAT, LC_ENOMEM).
 */
int trc_stack_measure(uint64_t *measured, const struct trc_cg *cg, const char *trace_path,
                      const char *elf_path, size_t *nrecords, struct lc_err *err);

#endif /* TRC_STACKMEASURE_H */
