/*
 * tests/runtime/test_trace.c - unit tests of the trace reader (common/trace.c)
 * on traces built byte by byte here, following docs/trace-format.md: the
 * reader must yield everything readable and report each defect at its offset.
 */
#define _GNU_SOURCE
#include "trace.h"

#include "../support/le_put.h"
#include "rtm_format.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>

#include <cmocka.h>

#define CHUNK 4096u
#define NCHUNKS 4u
#define MOD_OFF 4096u
#define THR_OFF 8192u
#define CHUNK_OFF 12288u
#define FILE_LEN (CHUNK_OFF + NCHUNKS * CHUNK)
#define CAP ((CHUNK - RTM_CHUNK_HDR) / RTM_REC_SIZE)

/* A stop-mode trace with two threads (tids 100, 101) whose header counts
 * every chunk claimed (fill_chunk() fills them). */
static uint8_t *make_trace(void)
{
	uint8_t *b = calloc(1, FILE_LEN);

	assert_non_null(b);
	memcpy(b, RTM_MAGIC, 8);
	put32(b, RTM_H_VERSION, RTM_VERSION);
	put32(b, RTM_H_ENDIAN, RTM_ENDIAN_MARK);
	put32(b, RTM_H_HEADER_SIZE, RTM_HDR_SIZE);
	put32(b, RTM_H_CLOCK, RTM_CLOCK_TSC);
	put32(b, RTM_H_MODE, RTM_MODE_STOP);
	put64(b, RTM_H_NS_MULT, 1ull << 31); /* 0.5 ns per tick */
	put64(b, RTM_H_TICK_REF, 1000);
	put64(b, RTM_H_NS_REF, 5000);
	put64(b, RTM_H_HOOK_COST, 40);
	put32(b, RTM_H_PID, 100);
	put32(b, RTM_H_CHUNK_SIZE, CHUNK);
	put32(b, RTM_H_CHUNK_COUNT, NCHUNKS);
	put64(b, RTM_H_CHUNK_CLAIMS, NCHUNKS);
	put64(b, RTM_H_MODULE_OFF, MOD_OFF);
	put32(b, RTM_H_MODULE_CAP, 8);
	put32(b, RTM_H_MODULE_COUNT, 1);
	put32(b, RTM_H_MODULE_ESIZE, RTM_MOD_ESIZE);
	put64(b, RTM_H_THREAD_OFF, THR_OFF);
	put32(b, RTM_H_THREAD_CAP, 64);
	put32(b, RTM_H_THREAD_COUNT, 2);
	put32(b, RTM_H_THREAD_ESIZE, RTM_THR_ESIZE);
	put64(b, RTM_H_CHUNK_OFF, CHUNK_OFF);
	strcpy((char *)b + RTM_H_EXE_PATH, "/opt/fw.elf");
	put64(b, MOD_OFF + RTM_M_BIAS, 0x5000);
	put64(b, MOD_OFF + RTM_M_START, 0x5000);
	put64(b, MOD_OFF + RTM_M_END, 0x9000);
	put32(b, MOD_OFF + RTM_M_FLAGS, RTM_MOD_F_MAIN);
	strcpy((char *)b + MOD_OFF + RTM_M_PATH, "/opt/fw.elf");
	put32(b, THR_OFF + RTM_T_TID, 100);
	put32(b, THR_OFF + RTM_THR_ESIZE + RTM_T_TID, 101);
	return b;
}

static size_t chunk_at(unsigned i)
{
	return CHUNK_OFF + (size_t)i * CHUNK;
}

/* Claims chunk i for thread th with seq/prev_seq and n records whose ticks
 * are tick0, tick0+1, ... and addresses 0x5100 + k (alternating enter/exit). */
static void fill_chunk(uint8_t *b, unsigned i, uint32_t th, uint64_t seq, uint64_t prev, uint32_t n, uint64_t tick0)
{
	size_t c = chunk_at(i);
	uint32_t k;

	put32(b, c + RTM_C_MAGIC, RTM_CHUNK_MAGIC);
	put32(b, c + RTM_C_STATE, RTM_CS_SEALED);
	put64(b, c + RTM_C_SEQ, seq);
	put32(b, c + RTM_C_TID, 100 + th);
	put32(b, c + RTM_C_THREAD, th);
	put32(b, c + RTM_C_COUNT, n);
	put32(b, c + RTM_C_CAP, CAP);
	put64(b, c + RTM_C_PREV_SEQ, prev);
	for (k = 0; k < n; k++) {
		size_t r = c + RTM_CHUNK_HDR + (size_t)k * RTM_REC_SIZE;

		put64(b, r, tick0 + k);
		put64(b, r + 8, (0x5100u + k) | ((uint64_t)(k & 1u) << RTM_KIND_SHIFT) | (3ull << RTM_STACK_SHIFT));
	}
}

static int open_buf(struct lc_trace **t, const uint8_t *b, size_t len, struct lc_err *err)
{
	return lc_trace_open_mem(t, b, len, "mem.trc", err);
}

/* Run-queue delay per chunk (docs/trace-format.md, "Run-queue delay and
 * steal time"), 0.5 ns per tick: thread 0 has chunks 0 (seq 1) and 1 (seq
 * 2) at 2^33 ticks, the trace stops 2^31 ns later; thread 1 has chunk 2
 * (seq 3) at 1000 and, 2^32 ns later, chunk 3 (seq 4). */
static void test_trace_chunk_runq_and_steal(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_trace_chunk ck;
	const struct lc_trace_header *h;
	struct lc_err err = { 0, "" };

	(void)state;
	put32(b, RTM_H_FLAGS, RTM_F_FINISHED | RTM_F_RUNQ | RTM_F_STEAL | RTM_F_STEAL_END);
	put64(b, RTM_H_STOP_TICKS, (1ull << 33) + (1ull << 32));
	put64(b, RTM_H_STEAL0, 7000000);
	put64(b, RTM_H_STEAL1, 7250000);
	put32(b, RTM_H_NCPUS, 4);
	fill_chunk(b, 0, 0, 1, 0, 4, 1ull << 33);
	fill_chunk(b, 1, 0, 2, 1, 4, (1ull << 33) + 1000);
	fill_chunk(b, 2, 1, 3, 0, 4, 1000);
	fill_chunk(b, 3, 1, 4, 3, 4, 1000 + (1ull << 33));
	put32(b, chunk_at(0) + RTM_C_RUNQ, 0xfffffff0u); /* wraps before the next reading */
	put32(b, chunk_at(1) + RTM_C_RUNQ, 0x10u);
	put32(b, THR_OFF + RTM_T_FLAGS, RTM_TF_MAIN | RTM_TF_RUNQ);
	put64(b, THR_OFF + RTM_T_RUNQ, (1ull << 32) + 0x10u + 777u);
	put64(b, THR_OFF + RTM_T_RUNQ_SEQ, 2);
	put32(b, chunk_at(2) + RTM_C_RUNQ, 100);
	put32(b, chunk_at(3) + RTM_C_RUNQ, 200);
	put32(b, THR_OFF + RTM_THR_ESIZE + RTM_T_FLAGS, RTM_TF_RUNQ);
	put64(b, THR_OFF + RTM_THR_ESIZE + RTM_T_RUNQ, 300);
	put64(b, THR_OFF + RTM_THR_ESIZE + RTM_T_RUNQ_SEQ, 3); /* not its last chunk */
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	h = lc_trace_header(t);
	assert_int_equal(h->steal_start_ns, 7000000);
	assert_int_equal(h->steal_stop_ns, 7250000);
	assert_int_equal(h->ncpus, 4);
	assert_int_equal(lc_trace_chunk(&ck, t, 0, 0), 0);
	assert_int_equal(ck.runq_known, 1);
	assert_int_equal(ck.runq_ns, 0x20u); /* 0x10 - 0xfffffff0 mod 2^32 */
	assert_int_equal(lc_trace_chunk(&ck, t, 0, 1), 0);
	assert_int_equal(ck.runq_known, 1); /* the last: the seal's reading */
	assert_int_equal(ck.runq_ns, 777);
	assert_int_equal(lc_trace_chunk(&ck, t, 1, 0), 0);
	assert_int_equal(ck.runq_known, 0); /* its readings are 2^32 ns apart */
	assert_int_equal(lc_trace_chunk(&ck, t, 1, 1), 0);
	assert_int_equal(ck.runq_known, 0); /* the seal's reading is another chunk's */
	lc_trace_close(t);
	t = NULL;

	/* Without the header flag nothing is read; a steal that went down is corrupt. */
	put32(b, RTM_H_FLAGS, RTM_F_FINISHED | RTM_F_STEAL | RTM_F_STEAL_END);
	put64(b, RTM_H_STEAL1, 6000000);
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	assert_int_equal(lc_trace_chunk(&ck, t, 0, 0), 0);
	assert_int_equal(ck.runq_known, 0);
	assert_int_equal(lc_trace_header(t)->flags & LC_TRACE_F_STEAL_END, 0);
	assert_int_equal(lc_trace_problem_count(t), 1);
	assert_int_equal(lc_trace_problem(t, 0)->offset, RTM_H_STEAL1);
	lc_trace_close(t);
	free(b);
}

static void test_trace_open_rejects_bad_magic(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };

	(void)state;
	b[0] = 'X';
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), LC_EFORMAT);
	assert_null(t);
	assert_string_equal(err.msg, "mem.trc: not a latch trace (bad magic)");
	free(b);
}

static void test_trace_open_rejects_short_file_and_other_version(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };

	(void)state;
	assert_int_equal(open_buf(&t, b, 100, &err), LC_EFORMAT);
	assert_string_equal(err.msg, "mem.trc: file is 100 bytes, shorter than the 4096-byte trace header");
	put32(b, RTM_H_VERSION, 7);
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), LC_EFORMAT);
	assert_string_equal(err.msg, "mem.trc: unsupported trace version 7 (this reader reads 1)");
	put32(b, RTM_H_VERSION, 1);
	put32(b, RTM_H_ENDIAN, 0x04030201u);
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), LC_EFORMAT);
	assert_string_equal(err.msg, "mem.trc: unsupported byte order marker 0x04030201");
	free(b);
}

static void test_trace_open_missing_file_is_eio(void **state)
{
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };

	(void)state;
	assert_int_equal(lc_trace_open(&t, "/nonexistent/x.trc", &err), LC_EIO);
	assert_string_equal(err.msg, "cannot open '/nonexistent/x.trc': No such file or directory");
}

static void test_trace_header_and_modules_decode(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	const struct lc_trace_header *h;

	(void)state;
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	h = lc_trace_header(t);
	assert_int_equal(h->mode, LC_TRACE_MODE_STOP);
	assert_int_equal(h->clock, LC_TRACE_CLOCK_TSC);
	assert_int_equal(h->pid, 100);
	assert_int_equal(h->hook_cost_ticks, 40);
	assert_int_equal(h->hook_cost_ns, 20);
	assert_string_equal(h->exe_path, "/opt/fw.elf");
	assert_int_equal(lc_trace_ticks_to_ns(t, 1000), 500);
	assert_int_equal(lc_trace_time_ns(t, 3000), 6000);
	assert_int_equal(lc_trace_time_ns(t, 0), 4500);
	assert_int_equal(lc_trace_module_count(t), 1);
	assert_ptr_equal(lc_trace_module_of(t, 0x6000), lc_trace_module(t, 0));
	assert_null(lc_trace_module_of(t, 0x9000));
	assert_int_equal(lc_trace_thread_count(t), 2);
	assert_int_equal(lc_trace_thread(t, 1)->tid, 101);
	assert_int_equal(lc_trace_problem_count(t), 0);
	lc_trace_close(t);
	free(b);
}

static void test_trace_iter_follows_seq_across_chunks(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	struct lc_trace_iter it;
	struct lc_trace_rec r;
	uint64_t expect_tick = 10;
	int n = 0;

	(void)state;
	/* Thread 0's second chunk lies before its first in the file. */
	fill_chunk(b, 0, 0, 3, 1, 5, 20);
	fill_chunk(b, 1, 1, 2, 0, 4, 500);
	fill_chunk(b, 2, 0, 1, 0, 10, 10);
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 0);
	assert_int_equal(lc_trace_thread(t, 0)->records, 15);
	assert_int_equal(lc_trace_thread(t, 0)->chunks, 2);
	lc_trace_iter_init(&it, t, 0);
	while (lc_trace_iter_next(&it, &r)) {
		assert_int_equal(r.ticks, expect_tick);
		assert_int_equal(r.gap, 0);
		assert_int_equal(r.stack_bytes, 48);
		expect_tick = n == 9 ? 20 : expect_tick + 1;
		n++;
	}
	assert_int_equal(n, 15);
	lc_trace_iter_init(&it, t, 1);
	assert_int_equal(lc_trace_iter_next(&it, &r), 1);
	assert_int_equal(r.kind, LC_TRACE_ENTER);
	assert_int_equal(r.addr, 0x5100);
	assert_int_equal(r.offset, chunk_at(1) + RTM_CHUNK_HDR);
	lc_trace_iter_init(&it, t, 2);
	assert_int_equal(lc_trace_iter_next(&it, &r), 0);
	lc_trace_close(t);
	free(b);
}

static void test_trace_gap_flags_missing_predecessor(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	struct lc_trace_iter it;
	struct lc_trace_rec r;
	int gaps = 0, n = 0;

	(void)state;
	fill_chunk(b, 0, 0, 7, 4, 2, 100); /* chunk 4 was recycled */
	fill_chunk(b, 1, 0, 9, 8, 2, 200); /* chunk 8 missing too */
	fill_chunk(b, 2, 0, 12, 9, 2, 300);
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	lc_trace_iter_init(&it, t, 0);
	while (lc_trace_iter_next(&it, &r)) {
		if (r.gap)
			assert_true(n == 0 || n == 2);
		gaps += r.gap;
		n++;
	}
	assert_int_equal(n, 6);
	assert_int_equal(gaps, 2);
	lc_trace_close(t);
	free(b);
}

static void test_trace_truncated_file_keeps_complete_chunks(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	const struct lc_trace_problem *p;

	(void)state;
	fill_chunk(b, 0, 0, 1, 0, 3, 1);
	fill_chunk(b, 1, 0, 2, 1, 3, 4);
	fill_chunk(b, 2, 0, 3, 2, 3, 7);
	/* Cut the file in the middle of chunk 2. */
	assert_int_equal(open_buf(&t, b, chunk_at(2) + 100, &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 1);
	p = lc_trace_problem(t, 0);
	assert_int_equal(p->kind, LC_TRACE_P_TRUNCATED);
	assert_int_equal(p->offset, chunk_at(2));
	assert_string_equal(p->msg, "file ends after 2 of 4 chunks");
	assert_int_equal(lc_trace_thread(t, 0)->records, 6);
	lc_trace_close(t);
	free(b);
}

static void test_trace_corrupt_chunks_reported_with_offsets(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };

	(void)state;
	fill_chunk(b, 0, 0, 1, 0, 3, 1);
	put32(b, chunk_at(0) + RTM_C_COUNT, CAP + 5);         /* count over cap */
	fill_chunk(b, 1, 0, 2, 1, 3, 4);
	put32(b, chunk_at(1) + RTM_C_THREAD, 9);              /* no such thread */
	fill_chunk(b, 2, 1, 3, 0, 3, 7);
	put32(b, chunk_at(2) + RTM_C_MAGIC, 0xdeadbeef);      /* bad magic */
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 3);
	assert_int_equal(lc_trace_problem(t, 0)->offset, chunk_at(0) + RTM_C_COUNT);
	assert_string_equal(lc_trace_problem(t, 0)->msg, "chunk 0 count 257 is over its capacity 252");
	assert_int_equal(lc_trace_problem(t, 1)->offset, chunk_at(1) + RTM_C_THREAD);
	assert_string_equal(lc_trace_problem(t, 1)->msg, "chunk 1 names thread 9 of 2");
	assert_int_equal(lc_trace_problem(t, 2)->offset, chunk_at(2));
	assert_int_equal(lc_trace_problem(t, 2)->kind, LC_TRACE_P_CORRUPT);
	/* Chunk 0 is still read, clamped to its capacity. */
	assert_int_equal(lc_trace_thread(t, 0)->records, CAP);
	lc_trace_close(t);
	free(b);
}

static void test_trace_extended_records_and_overrun(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	struct lc_trace_iter it;
	struct lc_trace_rec r;
	struct lc_trace_heap hp;
	size_t c = chunk_at(0) + RTM_CHUNK_HDR;

	(void)state;
	fill_chunk(b, 0, 0, 1, 0, 6, 1);
	/* Record 0: a MARK "go" (1 payload slot). Record 2: a HEAP event with
	 * 2 frames (40 bytes, 3 slots). Record 6 would be an extended record
	 * whose payload runs past count. */
	put64(b, c + 8, 2u | ((uint64_t)RTM_EXT_MARK << 16) | ((uint64_t)RTM_K_EXT << RTM_KIND_SHIFT));
	memcpy(b + c + 16, "go", 2);
	put64(b, c + 40, 40u | ((uint64_t)RTM_EXT_HEAP << 16) | ((uint64_t)RTM_K_EXT << RTM_KIND_SHIFT));
	put32(b, c + 48, 1);
	put32(b, c + 52, 2);
	put64(b, c + 56, 24);
	put64(b, c + 64, 0x5200);
	put64(b, c + 72, 0x5300);
	put64(b, c + 80, 0x5400);
	put32(b, chunk_at(0) + RTM_C_COUNT, 7);
	put64(b, c + 6 * 16 + 8, 64u | ((uint64_t)RTM_EXT_MARK << 16) | ((uint64_t)RTM_K_EXT << RTM_KIND_SHIFT));
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 1);
	assert_int_equal(lc_trace_problem(t, 0)->offset, c + 6 * 16);
	assert_string_equal(lc_trace_problem(t, 0)->msg,
			    "extended record payload runs past the chunk's 7 published records");
	lc_trace_iter_init(&it, t, 0);
	assert_int_equal(lc_trace_iter_next(&it, &r), 1);
	assert_int_equal(r.kind, LC_TRACE_EXT);
	assert_int_equal(r.ext_type, LC_TRACE_EXT_MARK);
	assert_int_equal(r.payload_len, 2);
	assert_memory_equal(r.payload, "go", 2);
	assert_int_equal(lc_trace_heap_decode(&hp, &r), LC_EFORMAT);
	assert_int_equal(lc_trace_iter_next(&it, &r), 1);
	assert_int_equal(r.ext_type, LC_TRACE_EXT_HEAP);
	assert_int_equal(lc_trace_heap_decode(&hp, &r), 0);
	assert_int_equal(hp.alloc, LC_TRACE_ALLOC_MALLOC);
	assert_int_equal(hp.size, 24);
	assert_int_equal(hp.root, 0x5200);
	assert_int_equal(hp.nframes, 2);
	assert_int_equal(hp.frames[1], 0x5400);
	/* Slots 3-5 were the payload; slot 6 (the overrun) is not yielded. */
	assert_int_equal(lc_trace_iter_next(&it, &r), 0);
	lc_trace_close(t);
	free(b);
}

static void test_trace_chunk_accessors_match_iterator(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	struct lc_trace_chunk ck;
	const uint8_t *recs;
	uint64_t off;
	int gap;

	(void)state;
	fill_chunk(b, 0, 0, 5, 2, 4, 50); /* chunk seq 2 is missing: a gap */
	fill_chunk(b, 1, 0, 1, 0, 3, 10);
	put32(b, chunk_at(1) + RTM_C_NIVCSW0, 7);
	put32(b, chunk_at(1) + RTM_C_NIVCSW1, 9);
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	assert_int_equal(lc_trace_chunk_records(t, 0, 0, &recs, &off, &gap), 3);
	assert_int_equal(off, chunk_at(1) + RTM_CHUNK_HDR);
	assert_ptr_equal(recs, b + off);
	assert_int_equal(gap, 0);
	assert_int_equal(lc_trace_chunk_records(t, 0, 1, &recs, &off, &gap), 4);
	assert_int_equal(gap, 1);
	assert_int_equal(lc_trace_chunk_records(t, 0, 2, &recs, &off, &gap), 0);
	assert_int_equal(lc_trace_chunk_records(t, 5, 0, &recs, &off, &gap), 0);
	assert_int_equal(lc_trace_chunk(&ck, t, 0, 0), 0);
	assert_int_equal(ck.seq, 1);
	assert_int_equal(ck.offset, chunk_at(1));
	assert_int_equal(ck.sealed, 1);
	assert_int_equal(ck.nivcsw0, 7);
	assert_int_equal(ck.nivcsw1, 9);
	assert_int_equal(ck.nslots, 3);
	assert_int_equal(lc_trace_chunk(&ck, t, 0, 2), LC_ENOTFOUND);
	assert_int_equal(lc_trace_chunk(&ck, t, 1, 0), LC_ENOTFOUND);
	lc_trace_close(t);
	free(b);
}

static void test_trace_summary_table_decodes(void **state)
{
	size_t nb = 8, esize = RTM_S_HIST + 8 * nb, off = CHUNK_OFF;
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };
	const struct lc_trace_summary *s;

	(void)state;
	put32(b, RTM_H_MODE, RTM_MODE_SUMMARY);
	put64(b, RTM_H_SUMMARY_OFF, off);
	put32(b, RTM_H_SUMMARY_CAP, 3);
	put32(b, RTM_H_SUMMARY_ESIZE, (uint32_t)esize);
	put32(b, RTM_H_HIST_BUCKETS, (uint32_t)nb);
	put32(b, RTM_H_HIST_SUB_BITS, 7);
	put64(b, off + esize + RTM_S_ADDR, 0x5500);
	put64(b, off + esize + RTM_S_COUNT, 3);
	put64(b, off + esize + RTM_S_MIN, 2);
	put64(b, off + esize + RTM_S_MAX, 7);
	put64(b, off + esize + RTM_S_HIST + 8 * 2, 2);
	put64(b, off + esize + RTM_S_HIST + 8 * 7, 1);
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 0);
	assert_int_equal(lc_trace_summary_count(t), 1);
	assert_int_equal(lc_trace_hist_buckets(t), nb);
	s = lc_trace_summary(t, 0);
	assert_int_equal(s->addr, 0x5500);
	assert_int_equal(s->count, 3);
	assert_int_equal(s->buckets[2], 2);
	assert_int_equal(s->buckets[7], 1);
	lc_trace_close(t);
	free(b);
}

/* Only the first min(claims, chunk_count) chunks can hold records: a chunk
 * past them is never read (its pages are never touched), and a trimmed
 * file that holds just the claimed chunks reads without a problem. */
static void test_trace_reads_only_claimed_chunks(void **state)
{
	uint8_t *b = make_trace();
	struct lc_trace *t = NULL;
	struct lc_err err = { 0, "" };

	(void)state;
	fill_chunk(b, 0, 0, 1, 0, 3, 1);
	fill_chunk(b, 1, 0, 2, 1, 3, 4);
	fill_chunk(b, 3, 1, 3, 0, 5, 9); /* not counted by the header's claims */
	put64(b, RTM_H_CHUNK_CLAIMS, 2u | (1ull << 63)); /* closed at stop */
	assert_int_equal(open_buf(&t, b, FILE_LEN, &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 0);
	assert_int_equal(lc_trace_header(t)->chunk_claims, 2);
	assert_int_equal(lc_trace_header(t)->chunks_used, 2);
	assert_int_equal(lc_trace_thread(t, 0)->records, 6);
	assert_int_equal(lc_trace_thread(t, 1)->records, 0);
	lc_trace_close(t);
	/* The same file cut to its two chunks, as a trim leaves it. */
	put32(b, RTM_H_FLAGS, RTM_F_FINISHED | RTM_F_TRIMMED);
	put32(b, RTM_H_CHUNKS_KEPT, 2);
	assert_int_equal(open_buf(&t, b, chunk_at(2), &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 0);
	assert_int_equal(lc_trace_thread(t, 0)->records, 6);
	lc_trace_close(t);
	/* Start-up that never completed is explained, not an error. */
	put32(b, RTM_H_FLAGS, RTM_F_STARTING);
	put64(b, RTM_H_CHUNK_CLAIMS, 0);
	put32(b, RTM_H_MODULE_COUNT, 0); /* as the first write of the header leaves them */
	put32(b, RTM_H_THREAD_COUNT, 0);
	assert_int_equal(open_buf(&t, b, RTM_HDR_SIZE, &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 1);
	assert_int_equal(lc_trace_problem(t, 0)->kind, LC_TRACE_P_INCOMPLETE);
	assert_non_null(strstr(lc_trace_problem(t, 0)->msg, "start-up never completed"));
	lc_trace_close(t);
	free(b);
}

/* lc_trace_trim() on a crashed run's file: cut to the claimed chunks, the
 * header marked; a second trim has nothing to do; not a trace: an error. */
static void test_trace_trim_cuts_to_claimed_chunks(void **state)
{
	char path[] = "/tmp/test_trace_trim_XXXXXX";
	uint8_t *b = make_trace();
	struct lc_trace_trim_result r;
	struct lc_err err = { 0, "" };
	struct lc_trace *t = NULL;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	fill_chunk(b, 0, 0, 1, 0, 3, 1);
	put64(b, RTM_H_CHUNK_CLAIMS, 1);
	assert_int_equal(write(fd, b, FILE_LEN), (ssize_t)FILE_LEN);
	close(fd);
	assert_int_equal(lc_trace_trim(&r, path, 0, &err), 0);
	assert_int_equal(r.already, 0);
	assert_int_equal(r.size_before, FILE_LEN);
	assert_int_equal(r.size_after, chunk_at(1));
	assert_int_equal(r.chunks_used, 1);
	assert_int_equal(lc_trace_open(&t, path, &err), 0);
	assert_int_equal(lc_trace_problem_count(t), 0);
	assert_true(lc_trace_header(t)->flags & LC_TRACE_F_TRIMMED);
	assert_int_equal(lc_trace_header(t)->chunks_kept, 1);
	assert_int_equal(lc_trace_thread(t, 0)->records, 3);
	lc_trace_close(t);
	assert_int_equal(lc_trace_trim(&r, path, 0, &err), 0);
	assert_int_equal(r.already, 1);
	fd = open(path, O_WRONLY | O_TRUNC);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, "not a trace", 11), 11);
	close(fd);
	assert_int_equal(lc_trace_trim(&r, path, 0, &err), LC_EFORMAT);
	unlink(path);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_trace_open_rejects_bad_magic),
		cmocka_unit_test(test_trace_open_rejects_short_file_and_other_version),
		cmocka_unit_test(test_trace_open_missing_file_is_eio),
		cmocka_unit_test(test_trace_header_and_modules_decode),
		cmocka_unit_test(test_trace_iter_follows_seq_across_chunks),
		cmocka_unit_test(test_trace_gap_flags_missing_predecessor),
		cmocka_unit_test(test_trace_truncated_file_keeps_complete_chunks),
		cmocka_unit_test(test_trace_corrupt_chunks_reported_with_offsets),
		cmocka_unit_test(test_trace_extended_records_and_overrun),
		cmocka_unit_test(test_trace_chunk_accessors_match_iterator),
		cmocka_unit_test(test_trace_chunk_runq_and_steal),
		cmocka_unit_test(test_trace_summary_table_decodes),
		cmocka_unit_test(test_trace_reads_only_claimed_chunks),
		cmocka_unit_test(test_trace_trim_cuts_to_claimed_chunks),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
