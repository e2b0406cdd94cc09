/*
 * telem_ring.h - the firmware's telemetry sink: a static ring of fixed
 * binary records (see telem_ring.c). The definition is public so the
 * firmware can place the ring in .bss.
 */
#ifndef TVAC_TELEM_RING_H
#define TVAC_TELEM_RING_H

#include <stdint.h>

#include "telem.h"

#define TVAC_TELEM_RING_RECORDS 64u
_Static_assert((TVAC_TELEM_RING_RECORDS & (TVAC_TELEM_RING_RECORDS - 1u)) == 0,
               "TVAC_TELEM_RING_RECORDS must be a power of two");

struct tvac_telem_rec {
	uint32_t tick;
	uint32_t kind; /* 0 sample, 1 phase, 2 trip */
	uint32_t arg;  /* phase/outputs or reason */
	float v[4];
};

struct tvac_telem {
	struct tvac_telem_rec rec[TVAC_TELEM_RING_RECORDS];
	uint32_t head, tail; /* tail is advanced by the DMA-complete handler */
	uint32_t dropped;
};

void tvac_telem_ring_init(struct tvac_telem *t);

#endif /* TVAC_TELEM_RING_H */
