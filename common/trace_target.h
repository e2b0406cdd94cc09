/*
 * common/trace_target.h - the target block of a trace header (bare-metal
 * runtime/cortexm; docs/trace-format.md "Target traces"), internal to the
 * reader (common/trace.c).
 */
#ifndef LC_TRACE_TARGET_H
#define LC_TRACE_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "trace.h"

#define LC__TPROB_MAX 4

/* A defect of the target block: the header offset and a message. */
struct lc__tprob {
	uint64_t off;
	char msg[96];
};

/* Decodes the target block of the 4096-byte header hdr into h (whose clock
 * and tick_hz are already set; every target field is reset first, and an
 * unknown architecture leaves them all 0) and lists what is wrong in p.
 * Returns the number of problems (at most LC__TPROB_MAX). */
size_t lc__trace_target(struct lc_trace_header *h, const uint8_t *hdr, struct lc__tprob *p);

/* Whether the len-byte trace buf holds compact target records
 * (docs/trace-format.md, "Compact target records"), which the reader widens
 * into a private copy with lc__trace_target_widen() before anything else. */
int lc__trace_target_compact(const uint8_t *buf, size_t len);

/* Rewrites, in place, the compact records of every claimed chunk of the
 * len-byte trace buf (a private copy) as records of the host layout: 64-bit
 * times extended from each chunk's first record, the depth from SP and the
 * thread's stack base; takes the open chunk's count from the header's next
 * slot; clears the compact flag. Bounded by len and by each chunk's
 * capacity whatever the header says: a malformed trace stays malformed for
 * the checks that follow, it is never read out of bounds. */
void lc__trace_target_widen(uint8_t *buf, size_t len);

#endif /* LC_TRACE_TARGET_H */
