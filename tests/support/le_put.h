/*
 * tests/support/le_put.h - little-endian stores into a byte buffer, for the
 * tests that build trace files byte by byte (the reader's loads are
 * lc_trace_le32/64 in common/trace.h; these are their inverse).
 */
#ifndef LATCH_TESTS_LE_PUT_H
#define LATCH_TESTS_LE_PUT_H

#include <stddef.h>
#include <stdint.h>

static inline void put32(uint8_t *b, size_t off, uint32_t v)
{
	size_t i;

	for (i = 0; i < 4; i++)
		b[off + i] = (uint8_t)(v >> (8 * i));
}

static inline void put64(uint8_t *b, size_t off, uint64_t v)
{
	put32(b, off, (uint32_t)v);
	put32(b, off + 4, (uint32_t)(v >> 32));
}

#endif
