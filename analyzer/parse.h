/*
 * analyzer/parse.h - one translation unit through libclang into a summary.
 *
 * The walk records, for every function defined outside system headers: its
 * calls (direct by USR, indirect with the pointee type), the functions whose
 * address it takes, VLAs, and the loop facts that decide `unbounded-loop`.
 * Functions of system headers count as external: the rule pack's lists
 * decide about them, as for any library function.
 *
 * Loop bounds come from LATCH_LOOP_BOUND(n) (under __LATCH_CHECK__ a call to
 * latch__loop_bound immediately before the loop in the same block) or from
 * `#pragma loopbound min 0 max N` / `_Pragma("loopbound min 0 max N")`, which
 * clang drops from the AST, so they are found with the tokenizer: the pragma
 * binds to the loop whose keyword is the next token.
 */
#ifndef AN_PARSE_H
#define AN_PARSE_H

#include <clang-c/Index.h>

#include "err.h"
#include "cache.h"
#include "summary.h"

struct an_tu;

/* Parses t with the index `idx` (one per thread) and returns its summary.
 * Fails closed: a libclang failure or any diagnostic of severity error or
 * fatal gives LC_EFORMAT with err naming the file and the first error.
 * hc may be NULL (no dependency hashes are then recorded).
 * Returns 0, LC_EFORMAT, LC_EIO or LC_ENOMEM. */
int an_parse_tu(struct an_summary **out, CXIndex idx, const struct an_tu *t,
                struct an_hashcache *hc, struct lc_err *err);

#endif /* AN_PARSE_H */
