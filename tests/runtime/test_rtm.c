/*
 * tests/runtime/test_rtm.c - unit tests of the runtime's logic (runtime/src)
 * on a private struct rtm_state and struct rtm_thread, without
 * instrumentation: configuration, chunk claiming, exact loss counting in stop
 * and ring modes, extended records, summary aggregation and the histogram
 * scheme. Every file written is read back through the reader (common/trace.h).
 */
#define _GNU_SOURCE
#include "rtm.h"
#include "rtm_hist.h"
#include "trace.h"

#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

static const char *const *env_table;

static const char *table_get(const char *name)
{
	size_t i, n = strlen(name);

	for (i = 0; env_table[i] != NULL; i++)
		if (strncmp(env_table[i], name, n) == 0 && env_table[i][n] == '=')
			return env_table[i] + n + 1;
	return NULL;
}

struct fx {
	char path[64];
	struct rtm_state st;
	struct rtm_thread *t;
	struct lc_trace *tr;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	int fd;

	if (f == NULL)
		return -1;
	snprintf(f->path, sizeof(f->path), "/tmp/test_rtm.XXXXXX");
	fd = mkstemp(f->path);
	if (fd < 0)
		return -1;
	close(fd);
	f->t = calloc(1, sizeof(*f->t));
	f->st.fd = -1;
	*state = f;
	return f->t == NULL ? -1 : 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;

	lc_trace_close(f->tr);
	rtm_session_close(&f->st);
	unlink(f->path);
	free(f->t);
	free(f);
	return 0;
}

/* Opens a session of `chunks` chunks of 4 KiB (252 records each). */
static void open_session(struct fx *f, enum rtm_mode mode, uint32_t chunks)
{
	const char *const env[] = { NULL };
	struct rtm_config cfg;

	env_table = env;
	assert_int_equal(rtm_config_read(&cfg, f->path, table_get), 0);
	cfg.mode = mode;
	cfg.chunk_size = 4096;
	cfg.buf_bytes = (uint64_t)chunks * 4096u;
	cfg.summary_cap = 16;
	assert_int_equal(rtm_session_open(&f->st, &cfg, 1), 0);
	rtm_session_started(&f->st);
}

static void read_back(struct fx *f)
{
	struct lc_err err = { 0, "" };

	assert_int_equal(lc_trace_open(&f->tr, f->path, &err), 0);
	assert_int_equal(lc_trace_problem_count(f->tr), 0);
}

static void test_rtm_config_reads_environment(void **state)
{
	const char *const env[] = { "LATCH_TRACE=/tmp/fw-%p.trc", "LATCH_MODE=ring", "LATCH_BUF_MB=2",
				    "LATCH_CHUNK_KB=8", "LATCH_HEAPGUARD=1", "LATCH_ROOTS=interlock_*", NULL };
	struct rtm_config cfg;
	char want[64];

	(void)state;
	env_table = env;
	assert_int_equal(rtm_config_read(&cfg, NULL, table_get), 0);
	snprintf(want, sizeof(want), "/tmp/fw-%ld.trc", (long)getpid());
	assert_string_equal(cfg.path, want);
	assert_int_equal(cfg.mode, RTM_MODE_RING);
	assert_int_equal(cfg.buf_bytes, 2u << 20);
	assert_int_equal(cfg.chunk_size, 8192);
	assert_int_equal(cfg.heapguard, 1);
	assert_string_equal(cfg.roots, "interlock_*");
}

static void test_rtm_config_rejects_bad_values(void **state)
{
	const char *const none[] = { NULL };
	const char *const mode[] = { "LATCH_TRACE=x", "LATCH_MODE=fast", NULL };
	const char *const buf[] = { "LATCH_TRACE=x", "LATCH_BUF_MB=0", NULL };
	const char *const buf2[] = { "LATCH_TRACE=x", "LATCH_BUF_MB=12abc", NULL };
	const char *const chunk[] = { "LATCH_TRACE=x", "LATCH_CHUNK_KB=5", NULL };
	struct rtm_config cfg;

	(void)state;
	env_table = none;
	assert_int_equal(rtm_config_read(&cfg, NULL, table_get), -ENOENT);
	env_table = mode;
	assert_int_equal(rtm_config_read(&cfg, NULL, table_get), -EINVAL);
	env_table = buf;
	assert_int_equal(rtm_config_read(&cfg, NULL, table_get), -EINVAL);
	env_table = buf2;
	assert_int_equal(rtm_config_read(&cfg, NULL, table_get), -EINVAL);
	env_table = chunk;
	assert_int_equal(rtm_config_read(&cfg, NULL, table_get), -EINVAL);
}

static void write_events(struct fx *f, uint32_t n)
{
	uint32_t i;

	for (i = 0; i < n; i++)
		rtm_event_slow(&f->st, f->t, 0x1000u + i, i & 1u, 100u + i,
			       (uint64_t)(uintptr_t)__builtin_frame_address(0));
}

static uint64_t check_sequence(struct fx *f, uint64_t first, uint64_t n)
{
	struct lc_trace_iter it;
	struct lc_trace_rec r;
	uint64_t k = 0;

	lc_trace_iter_init(&it, f->tr, 0);
	while (lc_trace_iter_next(&it, &r)) {
		assert_int_equal(r.addr, 0x1000u + first + k);
		assert_int_equal(r.ticks, 100u + first + k);
		assert_int_equal(r.kind, (first + k) & 1u);
		k++;
	}
	assert_int_equal(k, n);
	return k;
}

static void test_rtm_stop_mode_counts_losses_exactly(void **state)
{
	struct fx *f = *state;
	const struct lc_trace_header *h;

	open_session(f, RTM_MODE_STOP, 4);
	write_events(f, 1500);
	rtm_thread_seal(&f->st, f->t, 1);
	rtm_session_finish(&f->st);
	read_back(f);
	h = lc_trace_header(f->tr);
	assert_int_equal(h->lost_total, 1500 - 4 * 252);
	assert_int_equal(lc_trace_thread(f->tr, 0)->lost, 1500 - 4 * 252);
	assert_true(h->flags & LC_TRACE_F_FINISHED);
	check_sequence(f, 0, 4 * 252);
}

static void test_rtm_ring_mode_keeps_the_last_events(void **state)
{
	struct fx *f = *state;
	struct lc_trace_iter it;
	struct lc_trace_rec r;

	/* 2000 events = 7 full chunks + 236: chunks 5..8 survive. */
	open_session(f, RTM_MODE_RING, 4);
	write_events(f, 2000);
	read_back(f);
	assert_int_equal(lc_trace_header(f->tr)->lost_total, 4 * 252);
	check_sequence(f, 4 * 252, 2000 - 4 * 252);
	lc_trace_iter_init(&it, f->tr, 0);
	assert_int_equal(lc_trace_iter_next(&it, &r), 1);
	assert_int_equal(r.gap, 1);
}

static void test_rtm_extended_record_moves_to_next_chunk(void **state)
{
	struct fx *f = *state;
	struct lc_trace_iter it;
	struct lc_trace_rec r;
	const char name[40] = "a-mark-name-that-needs-three-slots";
	int n = 0;

	open_session(f, RTM_MODE_STOP, 4);
	write_events(f, 250); /* 2 slots left: not enough for 1 + 3 */
	assert_int_equal(rtm_event_ext(&f->st, f->t, RTM_EXT_MARK, name, sizeof(name),
				       (uint64_t)(uintptr_t)__builtin_frame_address(0)),
			 0);
	read_back(f);
	assert_int_equal(lc_trace_thread(f->tr, 0)->chunks, 2);
	lc_trace_iter_init(&it, f->tr, 0);
	while (lc_trace_iter_next(&it, &r)) {
		if (++n == 251) {
			assert_int_equal(r.kind, LC_TRACE_EXT);
			assert_int_equal(r.payload_len, sizeof(name));
			assert_memory_equal(r.payload, name, sizeof(name));
		}
	}
	assert_int_equal(n, 251);
}

static void test_rtm_summary_aggregates_in_place(void **state)
{
	struct fx *f = *state;
	const struct lc_trace_summary *s = NULL;
	static const uint64_t d[] = { 10, 20, 300, 70000 };
	uint64_t sum = 0;
	size_t i;

	open_session(f, RTM_MODE_SUMMARY, 0);
	rtm_thread_attach(&f->st, f->t);
	for (i = 0; i < 4; i++) {
		rtm_summary_event(&f->st, f->t, 0xabc0, RTM_K_ENTER, 1000, 5);
		rtm_summary_event(&f->st, f->t, 0xdef0, RTM_K_ENTER, 1001, 9);
		rtm_summary_event(&f->st, f->t, 0xdef0, RTM_K_EXIT, 1002, 9);
		rtm_summary_event(&f->st, f->t, 0xabc0, RTM_K_EXIT, 1000 + d[i], 5);
		sum += d[i];
	}
	read_back(f);
	assert_int_equal(lc_trace_summary_count(f->tr), 2);
	for (i = 0; i < 2; i++)
		if (lc_trace_summary(f->tr, i)->addr == 0xabc0)
			s = lc_trace_summary(f->tr, i);
	assert_non_null(s);
	assert_int_equal(s->count, 4);
	assert_int_equal(s->min, 10);
	assert_int_equal(s->max, 70000);
	assert_int_equal(s->sum, sum);
	assert_int_equal(s->max_stack, 5 * RTM_STACK_UNIT);
	for (i = 0; i < 4; i++)
		assert_int_equal(s->buckets[rtm_hist_bucket(d[i])], 1);
}

static void test_rtm_hist_error_below_one_percent(void **state)
{
	uint64_t v = 1;
	uint32_t b;
	int i;

	(void)state;
	for (b = 0; b + 1 < RTM_HIST_BUCKETS_ALL; b++) {
		assert_int_equal(rtm_hist_bucket(rtm_hist_lower(b)), b);
		assert_int_equal(rtm_hist_bucket(rtm_hist_upper(b)), b);
		assert_true(rtm_hist_upper(b) - rtm_hist_lower(b) <= rtm_hist_lower(b) / 128u);
		if (b > 0)
			assert_int_equal(rtm_hist_lower(b), rtm_hist_upper(b - 1) + 1);
	}
	for (i = 0; i < 10000; i++) {
		v = v * 6364136223846793005ull + 1442695040888963407ull;
		b = rtm_hist_bucket(v >> (i % 64));
		assert_true(rtm_hist_lower(b) <= v >> (i % 64) && v >> (i % 64) <= rtm_hist_upper(b));
	}
	assert_int_equal(rtm_hist_bucket_clamped(UINT64_MAX, RTM_SUM_BUCKETS), RTM_SUM_BUCKETS - 1);
	assert_int_equal(rtm_hist_bucket((1ull << 36) - 1), RTM_SUM_BUCKETS - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rtm_config_reads_environment),
		cmocka_unit_test(test_rtm_config_rejects_bad_values),
		cmocka_unit_test_setup_teardown(test_rtm_stop_mode_counts_losses_exactly, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtm_ring_mode_keeps_the_last_events, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtm_extended_record_moves_to_next_chunk, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rtm_summary_aggregates_in_place, setup, teardown),
		cmocka_unit_test(test_rtm_hist_error_below_one_percent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
