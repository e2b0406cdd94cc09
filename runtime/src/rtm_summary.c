/*
 * runtime/src/rtm_summary.c - summary mode: per-function aggregates in a
 * fixed table of the file (LATCH_MODE=summary), for soak runs of any length.
 *
 * Called from the slow path with the thread's busy flag held.
 */
#define _GNU_SOURCE
#include "rtm.h"
#include "rtm_hist.h"

#include <latch/annotate.h>

RTM_NOTRACE static uint32_t summary_slot(struct rtm_state *st, uint64_t addr)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ull;
	uint32_t i;

	for (i = 0; i < RTM_SUM_PROBES; i++) {
		uint32_t s = (uint32_t)((h >> 32) + i) % st->summary_cap;
		uint64_t *key = RTM_A64(st->summary + (size_t)s * st->summary_esize + RTM_S_ADDR);
		uint64_t cur = __atomic_load_n(key, __ATOMIC_ACQUIRE);

		if (cur == 0) {
			uint64_t zero = 0;

			/* min starts at "none"; a free slot is touched by nobody else. */
			__atomic_store_n(RTM_A64((uint8_t *)key + RTM_S_MIN), UINT64_MAX,
			                 __ATOMIC_RELAXED);
			if (__atomic_compare_exchange_n(key, &zero, addr, 0, __ATOMIC_ACQ_REL,
			                                __ATOMIC_ACQUIRE)) {
				return s + 1u;
			}
			cur = zero;
		}
		if (cur == addr)
			return s + 1u;
	}
	return 0;
}

RTM_NOTRACE static void atomic_min(uint64_t *p, uint64_t v)
{
	uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
	unsigned i;

	LATCH_LOOP_BOUND(64);
	for (i = 0; i < 64 && v < cur; i++)
		if (__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
}

RTM_NOTRACE static void atomic_max(uint64_t *p, uint64_t v)
{
	uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
	unsigned i;

	LATCH_LOOP_BOUND(64);
	for (i = 0; i < 64 && v > cur; i++)
		if (__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
}

RTM_NOTRACE void rtm_summary_event(struct rtm_state *st, struct rtm_thread *t, uint64_t addr,
                                   uint32_t kind, uint64_t ticks, uint32_t stack)
{
	struct rtm_shadow *s;
	uint8_t *e;
	uint64_t d;
	uint32_t i;

	if (kind == RTM_K_ENTER) {
		if (t->sdepth >= RTM_SHADOW_DEPTH) {
			t->sover++;
			rtm_lost(st, t, 1);
			return;
		}
		s = &t->shadow[t->sdepth++];
		s->fn = addr;
		s->ticks = ticks;
		s->stack = stack;
		s->slot = summary_slot(st, addr);
		if (s->slot == 0)
			rtm_lost(st, t, 1);
		return;
	}
	if (kind != RTM_K_EXIT)
		return;
	if (t->sover > 0) {
		t->sover--;
		return;
	}
	/* A longjmp or an exception may skip exits: unwind to the matching enter. */
	s = NULL;
	LATCH_LOOP_BOUND(RTM_SHADOW_DEPTH);
	for (i = 0; i < RTM_SHADOW_DEPTH && t->sdepth > 0; i++) {
		struct rtm_shadow *top = &t->shadow[--t->sdepth];

		if (top->fn == addr) {
			s = top;
			break;
		}
	}
	if (s == NULL || s->slot == 0)
		return;
	e = st->summary + (size_t)(s->slot - 1u) * st->summary_esize;
	d = ticks - s->ticks;
	__atomic_fetch_add(RTM_A64(e + RTM_S_COUNT), 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(RTM_A64(e + RTM_S_SUM), d, __ATOMIC_RELAXED);
	atomic_min(RTM_A64(e + RTM_S_MIN), d);
	atomic_max(RTM_A64(e + RTM_S_MAX), d);
	atomic_max(RTM_A64(e + RTM_S_MAX_STACK), (uint64_t)s->stack * RTM_STACK_UNIT);
	__atomic_fetch_add(
	        RTM_A64(e + RTM_S_HIST + 8u * rtm_hist_bucket_clamped(d, RTM_SUM_BUCKETS)), 1,
	        __ATOMIC_RELAXED);
}
