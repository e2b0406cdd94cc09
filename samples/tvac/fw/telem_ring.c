/*
 * telem_ring.c - telemetry sink of the firmware build: fixed binary records
 * in a static ring, drained by a UART DMA (not modelled). No heap, no stdio;
 * when the ring is full the newest record is dropped and counted.
 */
#include "telem_ring.h"

void tvac_telem_ring_init(struct tvac_telem *t)
{
	t->head = 0;
	t->tail = 0;
	t->dropped = 0;
}

static void ring_put(struct tvac_telem *t, const struct tvac_telem_rec *r)
{
	if (t->head - t->tail >= TVAC_TELEM_RING_RECORDS)
		t->dropped++;
	else
		t->rec[t->head++ & (TVAC_TELEM_RING_RECORDS - 1u)] = *r;
}

void tvac_telem_push(struct tvac_telem *t, const struct tvac_telem_sample *s)
{
	struct tvac_telem_rec r = {
	        s->tick, 0, s->outputs, {s->pressure_mbar, s->t_platen, s->t_shroud, s->duty}};

	/* 10 Hz, as on the host. */
	if (t && s->tick % 100u == 0)
		ring_put(t, &r);
}

void tvac_telem_event(struct tvac_telem *t, uint32_t tick, enum tvac_telem_event ev, uint32_t arg)
{
	struct tvac_telem_rec r = {tick, ev == TVAC_TELEM_PHASE ? 1u : 2u, arg, {0, 0, 0, 0}};

	if (t)
		ring_put(t, &r);
}
