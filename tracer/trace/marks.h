/*
 * tracer/trace/marks.h - the user's marks (latch_rt_mark, latch_rt_mark_value)
 * counted per key, with the time between consecutive marks of each key.
 *
 * A key is a mark's name (the bytes latch_rt_mark() recorded) or its value
 * (latch_rt_mark_value(), up to 48 bits); a name and a value never share a
 * key, even when the name spells the number. The interval of a key is the
 * time from one of its marks to the next one of the same key on the same
 * thread: never across threads (their clocks agree, but two threads marking
 * one key are two sequences, not one), and never across a gap of lost events
 * on that thread (a mark may be missing in it). All threads' intervals of a
 * key go into one histogram.
 *
 * Fed from the stats pass (trace/stats.c) with the records that are not
 * enters or exits: marks are rare, so none of this is on the hot path.
 * Memory is per key, never per mark.
 */
#ifndef TRC_MARKS_H
#define TRC_MARKS_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "map.h"
#include "trace/hist.h"

#define TRC_MARK_NAME_MAX 64u /* bytes of a name kept (the runtime's RTM_MARK_NAME_MAX) */

struct trc_mark {
	int named;                               /* 1: a name; 0: a value */
	uint64_t value;                          /* the value (named == 0) */
	uint8_t name[TRC_MARK_NAME_MAX];         /* the name's bytes (named == 1) */
	size_t name_len;                         /* at most TRC_MARK_NAME_MAX */
	char label[4u * TRC_MARK_NAME_MAX + 1u]; /* the name, bytes outside printable
	                                             ASCII and '\' as \xNN; or the value
	                                             in decimal */
	uint64_t count;                          /* marks of this key, all threads */
	uint32_t threads;                        /* threads that recorded it */
	uint64_t first_ns, last_ns;              /* first and last mark, ns since the trace start */
	struct trc_hist iv; /* ns between consecutive marks (one thread, no gap) */
	uint64_t iv_sum_ns; /* their sum: the exact mean */
	/* The pass's state: the key's previous mark. */
	uint32_t prev_thread;
	uint64_t prev_gaps, prev_ticks;
	int has_prev;
};

struct lc_trace;

struct trc_marks {
	const struct lc_trace *t; /* borrowed: payloads and the clock */
	struct trc_mark *m;       /* in first-seen order */
	size_t n, cap;
	struct lc_map index; /* key hash -> index into m */
	uint64_t start_ticks;
	uint64_t total;     /* mark records fed */
	uint64_t malformed; /* extended mark records without a readable payload */
	int oom;
};

/* Creates an empty set for the marks of trace t (borrowed; must outlive the
 * set). Returns 0 or LC_ENOMEM. Free with trc_marks_free(). */
int trc_marks_new(struct trc_marks **out, const struct lc_trace *t, struct lc_err *err);
void trc_marks_free(struct trc_marks *m);

/*
 * Feeds the record at file offset `offset` of thread index `thread`,
 * decoded again from the trace (lc_trace_slot_at()); records that are not
 * marks are ignored. `gaps` is the number of gaps of lost events the pass
 * has seen so far (any count that grows at each gap): an interval is taken
 * only when it did not change since the key's previous mark. Records of one
 * thread must come in time order. Returns 0 or LC_ENOMEM (also sticky in
 * m->oom).
 */
int trc_marks_feed(struct trc_marks *m, uint32_t thread, uint64_t gaps, uint64_t offset);

/* Sorts the keys for reporting: names first, in byte order, then values in
 * increasing order. Call after the last feed. */
void trc_marks_finish(struct trc_marks *m);

/*
 * The key `key` as `hist --mark` names it: a name with exactly those bytes,
 * or, when no name matches and key is an integer (decimal or 0x-hex), the
 * value mark with that value. NULL when there is none.
 */
const struct trc_mark *trc_marks_find(const struct trc_marks *m, const char *key);

#endif /* TRC_MARKS_H */
