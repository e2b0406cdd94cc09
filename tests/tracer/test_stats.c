/* tests/tracer/test_stats.c - the streaming aggregation: exact counts and
 * durations, hook-cost subtraction, self time, worst-case paths, the
 * records that do not pair up (unmatched exits, longjmp, lost events), and
 * trc_stats_run()'s register loop against record-by-record feeding. */
#include "trace/stats.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../support/le_put.h"
#include "rtm_format.h"
#include "stats_same.h"
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

/* A trace built byte by byte (docs/trace-format.md): two threads, their
 * chunks interleaved in the file, records from a seeded generator that
 * mixes leaf calls, nested calls, marks, skipped and stray exits, a burst
 * deeper than TRC_REPLAY_MAX_DEPTH, long and backward intervals, and one
 * chunk after lost events. */
#define RT_CHUNK  4096u
#define RT_NCHUNK 24u
#define RT_CAP    ((RT_CHUNK - RTM_CHUNK_HDR) / RTM_REC_SIZE)
#define RT_THR    8192u
#define RT_CHUNKS 12288u
#define RT_LEN    (RT_CHUNKS + RT_NCHUNK * RT_CHUNK)

static uint64_t rnd(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

static uint8_t *random_trace(uint64_t seed, uint64_t ns_mult, uint64_t hook, uint64_t residue)
{
	uint8_t *b = calloc(1, RT_LEN);
	uint64_t x = seed, ticks[2] = {1000, 5000}, open[2][1200];
	uint32_t depth[2] = {0, 0}, c, k;

	assert_non_null(b);
	memcpy(b, RTM_MAGIC, 8);
	put32(b, RTM_H_VERSION, RTM_VERSION);
	put32(b, RTM_H_ENDIAN, RTM_ENDIAN_MARK);
	put32(b, RTM_H_HEADER_SIZE, RTM_HDR_SIZE);
	put32(b, RTM_H_CLOCK, RTM_CLOCK_TSC);
	put32(b, RTM_H_MODE, RTM_MODE_STOP);
	put64(b, RTM_H_NS_MULT, ns_mult);
	put64(b, RTM_H_HOOK_COST, hook);
	put64(b, RTM_H_HOOK_RESIDUE, residue);
	put32(b, RTM_H_CHUNK_SIZE, RT_CHUNK);
	put32(b, RTM_H_CHUNK_COUNT, RT_NCHUNK);
	put64(b, RTM_H_CHUNK_CLAIMS, RT_NCHUNK);
	put64(b, RTM_H_MODULE_OFF, RTM_HDR_SIZE);
	put32(b, RTM_H_MODULE_CAP, 8);
	put32(b, RTM_H_MODULE_ESIZE, RTM_MOD_ESIZE);
	put64(b, RTM_H_THREAD_OFF, RT_THR);
	put32(b, RTM_H_THREAD_CAP, 64);
	put32(b, RTM_H_THREAD_COUNT, 2);
	put32(b, RTM_H_THREAD_ESIZE, RTM_THR_ESIZE);
	put64(b, RTM_H_CHUNK_OFF, RT_CHUNKS);
	put32(b, RT_THR + RTM_T_TID, 100);
	put32(b, RT_THR + RTM_THR_ESIZE + RTM_T_TID, 101);
	for (c = 0; c < RT_NCHUNK; c++) {
		size_t co = RT_CHUNKS + (size_t)c * RT_CHUNK;
		uint32_t th = c % 2u;

		put32(b, co + RTM_C_MAGIC, RTM_CHUNK_MAGIC);
		put32(b, co + RTM_C_STATE, RTM_CS_SEALED);
		put64(b, co + RTM_C_SEQ, c + 1u);
		put32(b, co + RTM_C_TID, 100 + th);
		put32(b, co + RTM_C_THREAD, th);
		put32(b, co + RTM_C_COUNT, RT_CAP);
		put32(b, co + RTM_C_CAP, RT_CAP);
		/* chunk 13 follows lost events: its predecessor was not chunk 11 */
		put64(b, co + RTM_C_PREV_SEQ, c < 2u ? 0 : c == 13u ? 7u : c - 1u);
		for (k = 0; k < RT_CAP; k++) {
			uint64_t r = rnd(&x), addr, word, kind;
			uint32_t *d = &depth[th];

			ticks[th] += r % 16u == 0 ? r % 3000u : r % 40u;
			if (r % 97u == 0 && ticks[th] > 50)
				ticks[th] -= 50; /* a clock step back */
			if (c >= 4u && c <= 12u && th == 0) { /* a burst past the shadow stack */
				kind = RTM_K_ENTER;
				addr = 0x9000;
			} else if (*d > 0 && r % 100u < 45u) {
				kind = RTM_K_EXIT;
				addr = open[th][--*d];
				if (r % 100u == 0 && *d > 0)
					addr = open[th][--*d]; /* a skipped exit */
				if (r % 100u == 1)
					addr = 0x5000 + 16u * (r >> 40) % 7u; /* maybe unmatched */
			} else if (r % 100u < 48u) {
				kind = RTM_K_MARK;
				addr = r >> 20;
			} else {
				kind = RTM_K_ENTER;
				addr = 0x5000 + 16u * ((r >> 32) % 9u);
			}
			if (kind == RTM_K_ENTER && *d < 1200u)
				open[th][(*d)++] = addr;
			word = (addr & RTM_ADDR_MASK) | kind << RTM_KIND_SHIFT |
			       (uint64_t)((r >> 8) % 64u) << RTM_STACK_SHIFT;
			put64(b, co + RTM_CHUNK_HDR + (size_t)k * RTM_REC_SIZE, ticks[th]);
			put64(b, co + RTM_CHUNK_HDR + (size_t)k * RTM_REC_SIZE + 8, word);
		}
	}
	return b;
}

static void test_stats_run_agrees_with_feeding_each_record(void **state)
{
	static const uint64_t mults[] = {UINT64_C(1) << 32, UINT64_C(1) << 31};
	uint64_t seed;

	(void)state;
	for (seed = 1; seed <= 8; seed++) {
		uint64_t mult = mults[seed % 2u], hook = seed % 3u * 7u, residue = seed % 4u;
		uint8_t *b = random_trace(seed * 0x9E3779B97F4A7C15ull, mult, hook, residue);
		struct trc_stats *run = NULL, *fed = NULL;
		struct lc_trace *t = NULL;

		assert_int_equal(lc_trace_open_mem(&t, b, RT_LEN, "random.trc", NULL), 0);
		if (lc_trace_problem_count(t) > 0)
			fail_msg("%s", lc_trace_problem(t, 0)->msg);
		assert_int_equal(trc_stats_new(&run, mult, hook, NULL), 0);
		assert_int_equal(trc_stats_new(&fed, mult, hook, NULL), 0);
		trc_stats_set_residue(run, residue);
		trc_stats_set_residue(fed, residue);
		assert_int_equal(trc_stats_run(run, t, -1, NULL), 0);
		assert_int_equal(stats_feed_each(fed, t), 0);
		assert_int_equal(trc_stats_finish(run), 0);
		assert_int_equal(trc_stats_finish(fed), 0);
		/* every kind of record occurred */
		assert_true(trc_stats_counts(run)->too_deep > 0 && trc_stats_counts(run)->gaps == 1);
		assert_true(trc_stats_counts(run)->abandoned > 0 && trc_stats_counts(run)->unmatched > 0);
		assert_int_equal(trc_stats_counts(run)->records, RT_NCHUNK * RT_CAP);
		assert_true(stats_same(run, fed, 2));
		trc_stats_free(run);
		trc_stats_free(fed);
		lc_trace_close(t);
		free(b);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats_exact_inclusive_and_self_times),
		cmocka_unit_test(test_stats_subtracts_hook_cost_per_traced_callee),
		cmocka_unit_test(test_stats_counts_unpaired_records),
		cmocka_unit_test(test_stats_bounded_shadow_stack),
		cmocka_unit_test(test_stats_many_functions_rehash),
		cmocka_unit_test(test_stats_run_agrees_with_feeding_each_record),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
