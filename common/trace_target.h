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

#endif /* LC_TRACE_TARGET_H */
