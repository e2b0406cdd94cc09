/* tests/tracer/test_stats.c - the streaming aggregation: exact counts and
 * durations, hook-cost subtraction, self time, worst-case paths, and the
 * records that do not pair up (unmatched exits, longjmp, lost events). */
#include "trace/stats.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "trace.h"
#include "trace/replay.h"

#define NS_MULT (UINT64_C(1) << 32) /* 1 tick = 1 ns */

struct feeder {
	struct trc_stats *s;
	uint64_t off;
};

static void feed(struct feeder *f, uint64_t ticks, int kind, uint64_t addr, uint32_t stack, int gap)
{
	struct lc_trace_slot r = {0};

	r.ticks = ticks;
	r.addr = addr;
	r.offset = f->off;
	r.stack = stack;
	r.kind = (uint8_t)kind;
	r.gap = (uint8_t)gap;

	f->off += 16;
	assert_int_equal(trc_stats_feed(f->s, &r), 0);
}

static struct trc_fstat *find(struct trc_stats *s, uint64_t addr)
{
	size_t i;

	for (i = 0; i < trc_stats_count(s); i++)
		if (trc_stats_at(s, i)->addr == addr)
			return trc_stats_at(s, i);
	fail_msg("no function 0x%llx", (unsigned long long)addr);
	return NULL;
}

static void test_stats_exact_inclusive_and_self_times(void **state)
{
	struct feeder f = { NULL, 4096 };
	struct trc_fstat *a, *b;
	uint64_t t = 100;
	int i;

	(void)state;
	assert_int_equal(trc_stats_new(&f.s, NS_MULT, 0, NULL), 0);
	trc_stats_thread_begin(f.s, 0);
	/* A (self 1000) calls B (300 + i), 10 times */
	for (i = 0; i < 10; i++) {
		feed(&f, t, LC_TRACE_ENTER, 0xA0, 256, 0);
		t += 1000;
		feed(&f, t, LC_TRACE_ENTER, 0xB0, 320, 0);
		t += 300 + (uint64_t)i;
		feed(&f, t, LC_TRACE_EXIT, 0xB0, 320, 0);
		feed(&f, t, LC_TRACE_EXIT, 0xA0, 256, 0);
		t += 50;
	}
	trc_stats_thread_end(f.s);
	assert_int_equal(trc_stats_finish(f.s), 0);
	a = find(f.s, 0xA0);
	b = find(f.s, 0xB0);
	assert_int_equal(a->calls, 10);
	/* p50 of B's 300..309 by nearest rank is 304, in bucket [304, 305],
	 * reported at the bucket's lower middle */
	assert_int_equal(b->q_ns[0], 304);
	assert_int_equal(b->calls, 10);
	assert_int_equal(b->hist.min, 300);
	assert_int_equal(b->hist.max, 309);
	assert_int_equal(b->sum_incl_ns, 3045);
	assert_int_equal(b->sum_excl_ns, 3045);
	assert_int_equal(a->hist.min, 1300);
	assert_int_equal(a->hist.max, 1309);
	assert_int_equal(a->sum_excl_ns, 10000);
	assert_int_equal(a->max_excl_ns, 1000);
	/* stack high-water of A includes B's entry */
	assert_int_equal(a->max_stack, 320);
	assert_int_equal(b->max_stack, 320);
	/* worst case of B: the last call, path A > B */
	assert_int_equal(b->worst_npath, 2);
	assert_int_equal(b->worst_path[0], 0xA0);
	assert_int_equal(b->worst_path[1], 0xB0);
	assert_int_equal(b->worst_depth, 2);
	assert_int_equal(trc_stats_counts(f.s)->records, 40);
	assert_int_equal(trc_stats_counts(f.s)->unmatched, 0);
	trc_stats_free(f.s);
}

static void test_stats_subtracts_hook_cost_per_traced_callee(void **state)
{
	struct feeder f = { NULL, 0 };
	struct trc_fstat *a, *b, *c;

	(void)state;
	/* hook cost 10 ticks; 2 ns per tick (Q32.32 = 2 << 32) */
	assert_int_equal(trc_stats_new(&f.s, NS_MULT * 2, 10, NULL), 0);
	trc_stats_thread_begin(f.s, 0);
	feed(&f, 0, LC_TRACE_ENTER, 0xA0, 0, 0);
	feed(&f, 100, LC_TRACE_ENTER, 0xB0, 0, 0);
	feed(&f, 150, LC_TRACE_ENTER, 0xC0, 0, 0);
	feed(&f, 170, LC_TRACE_EXIT, 0xC0, 0, 0);  /* C: 20 ticks, no callee */
	feed(&f, 200, LC_TRACE_EXIT, 0xB0, 0, 0);  /* B: 100 - 1 x 10 = 90 ticks */
	feed(&f, 1000, LC_TRACE_EXIT, 0xA0, 0, 0); /* A: 1000 - 2 x 10 = 980 ticks */
	trc_stats_thread_end(f.s);
	/* figures are ticks until finish converts them (2 ns per tick) */
	assert_int_equal(find(f.s, 0xA0)->hist.max, 980);
	assert_int_equal(trc_stats_finish(f.s), 0);
	a = find(f.s, 0xA0);
	b = find(f.s, 0xB0);
	c = find(f.s, 0xC0);
	assert_int_equal(c->hist.max, 40);
	assert_int_equal(b->hist.max, 180);
	assert_int_equal(a->hist.max, 1960);
	assert_int_equal(b->sum_excl_ns, 180 - 40);
	assert_int_equal(a->sum_excl_ns, 1960 - 180);
	assert_int_equal(a->hook_ns, 40);
	assert_int_equal(a->q_ns[3], 1960);
	trc_stats_free(f.s);
	/* the correction never goes below zero */
	assert_int_equal(trc_stats_new(&f.s, NS_MULT, 10, NULL), 0);
	trc_stats_thread_begin(f.s, 0);
	feed(&f, 0, LC_TRACE_ENTER, 0xD0, 0, 0);
	feed(&f, 1, LC_TRACE_ENTER, 0xC0, 0, 0);
	feed(&f, 2, LC_TRACE_EXIT, 0xC0, 0, 0);
	feed(&f, 3, LC_TRACE_EXIT, 0xD0, 0, 0);
	trc_stats_thread_end(f.s);
	assert_int_equal(trc_stats_finish(f.s), 0);
	assert_int_equal(find(f.s, 0xD0)->hist.max, 0);
	trc_stats_free(f.s);
}

static void test_stats_counts_unpaired_records(void **state)
{
	struct feeder f = { NULL, 0 };
	const struct trc_stats_counts *c;
	struct trc_fstat *a;

	(void)state;
	assert_int_equal(trc_stats_new(&f.s, NS_MULT, 0, NULL), 0);
	trc_stats_thread_begin(f.s, 0);
	feed(&f, 5, LC_TRACE_EXIT, 0xF0, 0, 0);  /* tracing began inside F */
	feed(&f, 10, LC_TRACE_ENTER, 0xA0, 0, 0);
	feed(&f, 20, LC_TRACE_ENTER, 0xB0, 0, 0);
	feed(&f, 30, LC_TRACE_ENTER, 0xC0, 0, 0);
	feed(&f, 40, LC_TRACE_EXIT, 0xA0, 0, 0); /* longjmp: B and C never exit */
	feed(&f, 50, LC_TRACE_ENTER, 0xA0, 0, 0);
	feed(&f, 60, LC_TRACE_ENTER, 0xB0, 0, 1); /* lost events before this */
	feed(&f, 70, LC_TRACE_EXIT, 0xB0, 0, 0);
	feed(&f, 80, LC_TRACE_MARK, 0x1234, 0, 0); /* ignored */
	feed(&f, 90, LC_TRACE_ENTER, 0xC0, 0, 0);  /* still open at the end */
	trc_stats_thread_end(f.s);
	c = trc_stats_counts(f.s);
	a = find(f.s, 0xA0);
	assert_int_equal(c->unmatched, 1);
	assert_int_equal(c->abandoned, 3); /* B, C by the longjmp; A by the gap */
	assert_int_equal(c->gaps, 1);
	assert_int_equal(c->unfinished, 1);
	assert_int_equal(a->calls, 1);
	assert_int_equal(a->hist.max, 30);
	assert_int_equal(find(f.s, 0xB0)->calls, 1);
	assert_int_equal(find(f.s, 0xC0)->calls, 0);
	trc_stats_free(f.s);
}

static void test_stats_bounded_shadow_stack(void **state)
{
	struct feeder f = { NULL, 0 };
	uint64_t i, depth = TRC_REPLAY_MAX_DEPTH + 10;

	(void)state;
	assert_int_equal(trc_stats_new(&f.s, NS_MULT, 0, NULL), 0);
	trc_stats_thread_begin(f.s, 0);
	for (i = 0; i < depth; i++)
		feed(&f, i, LC_TRACE_ENTER, 0x1000 + i % 3, 0, 0);
	for (i = depth; i-- > 0;)
		feed(&f, 2 * depth - i, LC_TRACE_EXIT, 0x1000 + i % 3, 0, 0);
	trc_stats_thread_end(f.s);
	assert_int_equal(trc_stats_counts(f.s)->too_deep, 10);
	assert_int_equal(trc_stats_counts(f.s)->max_depth, TRC_REPLAY_MAX_DEPTH);
	assert_int_equal(trc_stats_counts(f.s)->unmatched, 0);
	assert_int_equal(find(f.s, 0x1000)->calls + find(f.s, 0x1001)->calls + find(f.s, 0x1002)->calls,
			 TRC_REPLAY_MAX_DEPTH);
	assert_int_equal(trc_stats_count(f.s), 3);
	trc_stats_free(f.s);
}

static void test_stats_many_functions_rehash(void **state)
{
	struct feeder f = { NULL, 0 };
	uint64_t i;

	(void)state;
	assert_int_equal(trc_stats_new(&f.s, NS_MULT, 0, NULL), 0);
	trc_stats_thread_begin(f.s, 0);
	for (i = 0; i < 5000; i++) {
		feed(&f, 10 * i, LC_TRACE_ENTER, 0x400000 + 16 * i, 0, 0);
		feed(&f, 10 * i + i % 7, LC_TRACE_EXIT, 0x400000 + 16 * i, 0, 0);
	}
	trc_stats_thread_end(f.s);
	assert_int_equal(trc_stats_count(f.s), 5000);
	for (i = 0; i < 5000; i += 499)
		assert_int_equal(find(f.s, 0x400000 + 16 * i)->hist.max, i % 7);
	trc_stats_free(f.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_exact_inclusive_and_self_times),
		cmocka_unit_test(test_stats_subtracts_hook_cost_per_traced_callee),
		cmocka_unit_test(test_stats_counts_unpaired_records),
		cmocka_unit_test(test_stats_bounded_shadow_stack),
		cmocka_unit_test(test_stats_many_functions_rehash),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
