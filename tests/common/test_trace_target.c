/*
 * tests/common/test_trace_target.c - the target block of a trace header
 * (common/trace_target.c), on crafted 4096-byte headers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "rtm_format.h"
#include "trace_target.h"

static uint8_t hdr[RTM_HDR_SIZE];

static void put32(uint32_t off, uint32_t v)
{
	hdr[off] = (uint8_t)v;
	hdr[off + 1] = (uint8_t)(v >> 8);
	hdr[off + 2] = (uint8_t)(v >> 16);
	hdr[off + 3] = (uint8_t)(v >> 24);
}

static void target_hdr(void)
{
	memset(hdr, 0, sizeof(hdr));
	put32(RTM_H_TGT_ARCH, RTM_TGT_ARCH_ARMV7M);
	put32(RTM_H_TGT_ADDR_BITS, 32);
	put32(RTM_H_TGT_CPU_HZ, 25000000);
	put32(RTM_H_TGT_FLAGS, RTM_TF_TGT_FAULT | RTM_TF_TGT_SW_EXT);
	put32(RTM_H_TGT_FAULT_PC, 0x1234);
	put32(RTM_H_TGT_FAULT_LR, 0x5679);
	put32(RTM_H_TGT_CFSR, 0x8200);
	put32(RTM_H_TGT_HFSR, 0x40000000);
	put32(RTM_H_TGT_BUF_ADDR, 0x21000000);
	put32(RTM_H_TGT_BUF_SIZE, 12864);
	put32(RTM_H_TGT_FLUSHES, 2);
	put32(RTM_H_TGT_HOOK_CYCLES, 62);
}

static void test_trace_target_decodes_every_field(void **state)
{
	struct lc_trace_header h = {0};
	struct lc__tprob p[LC__TPROB_MAX];

	(void)state;
	target_hdr();
	h.clock = LC_TRACE_CLOCK_CM_TIMER;
	h.tick_hz = 25000000;
	assert_int_equal(lc__trace_target(&h, hdr, p), 0);
	assert_int_equal(h.tgt_arch, LC_TRACE_ARCH_ARMV7M);
	assert_int_equal(h.addr_bits, 32);
	assert_int_equal(h.cpu_hz, 25000000);
	assert_int_equal(h.tgt_flags & LC_TRACE_TGT_FAULT, LC_TRACE_TGT_FAULT);
	assert_int_equal(h.fault_pc, 0x1234);
	assert_int_equal(h.fault_lr, 0x5679);
	assert_int_equal(h.fault_cfsr, 0x8200);
	assert_int_equal(h.fault_hfsr, 0x40000000);
	assert_int_equal(h.buf_addr, 0x21000000);
	assert_int_equal(h.buf_size, 12864);
	assert_int_equal(h.tgt_flushes, 2);
	assert_int_equal(h.hook_cost_cycles, 62);
}

static void test_trace_target_host_trace_has_no_block(void **state)
{
	struct lc_trace_header h = {0};
	struct lc__tprob p[LC__TPROB_MAX];

	(void)state;
	memset(hdr, 0, sizeof(hdr));
	h.clock = LC_TRACE_CLOCK_TSC;
	h.tick_hz = 3000000000u;
	assert_int_equal(lc__trace_target(&h, hdr, p), 0);
	assert_int_equal(h.tgt_arch, 0);
	assert_int_equal(h.addr_bits, 0);
	h.clock = LC_TRACE_CLOCK_CM_DWT;
	assert_int_equal(lc__trace_target(&h, hdr, p), 1);
	assert_int_equal(p[0].off, RTM_H_CLOCK);
	assert_string_equal(p[0].msg, "clock 16 is a target clock but the trace has no target block");
}

static void test_trace_target_rejects_bad_fields(void **state)
{
	struct lc_trace_header h = {0};
	struct lc__tprob p[LC__TPROB_MAX];

	(void)state;
	target_hdr();
	put32(RTM_H_TGT_ADDR_BITS, 64);
	h.clock = LC_TRACE_CLOCK_MONOTONIC_RAW;
	h.tick_hz = 0;
	assert_int_equal(lc__trace_target(&h, hdr, p), 3);
	assert_string_equal(p[0].msg, "target address size 64 bits is not 32");
	assert_int_equal(p[0].off, RTM_H_TGT_ADDR_BITS);
	assert_string_equal(p[1].msg, "target trace names host clock 3");
	assert_string_equal(p[2].msg, "target clock frequency is zero");

	target_hdr();
	put32(RTM_H_TGT_ARCH, 7);
	assert_int_equal(lc__trace_target(&h, hdr, p), 1);
	assert_string_equal(p[0].msg, "unknown target architecture 7");
	assert_int_equal(h.tgt_arch, 0); /* nothing of the block is trusted */
	assert_int_equal(h.addr_bits, 0);
	assert_int_equal(h.fault_pc, 0);
}

/* A compact trace: header, thread table at 4608, one 4 KiB chunk at 8192
 * with n slots, the buffer at target address 0x21000000. */
#define WT_CHUNK 8192u
#define WT_BUF   0x21000000u
#define WT_TOP   0x20400000u /* the thread's stack base */
static uint8_t wbuf[WT_CHUNK + 4096u];

static void wput32(uint64_t off, uint32_t v)
{
	wbuf[off] = (uint8_t)v;
	wbuf[off + 1] = (uint8_t)(v >> 8);
	wbuf[off + 2] = (uint8_t)(v >> 16);
	wbuf[off + 3] = (uint8_t)(v >> 24);
}

static uint32_t wget32(uint64_t off)
{
	return (uint32_t)wbuf[off] | (uint32_t)wbuf[off + 1] << 8 | (uint32_t)wbuf[off + 2] << 16 |
	       (uint32_t)wbuf[off + 3] << 24;
}

static uint64_t wget64(uint64_t off)
{
	return (uint64_t)wget32(off) | (uint64_t)wget32(off + 4) << 32;
}

static void wslot(uint32_t i, uint32_t w0, uint32_t w1, uint32_t w2, uint32_t w3)
{
	uint64_t o = WT_CHUNK + RTM_CHUNK_HDR + (uint64_t)i * RTM_REC_SIZE;

	wput32(o, w0);
	wput32(o + 4, w1);
	wput32(o + 8, w2);
	wput32(o + 12, w3);
}

static void compact_trace(uint32_t flags, uint32_t count, uint32_t state)
{
	memset(wbuf, 0xa5, sizeof(wbuf)); /* RAM garbage wherever nothing is written */
	memset(wbuf, 0, WT_CHUNK);
	memcpy(wbuf, RTM_MAGIC, 8);
	wput32(RTM_H_TGT_ARCH, RTM_TGT_ARCH_ARMV7M);
	wput32(RTM_H_TGT_FLAGS, RTM_TF_TGT_SW_EXT | flags);
	wput32(RTM_H_TGT_BUF_ADDR, WT_BUF);
	wput32(RTM_H_CHUNK_OFF, WT_CHUNK);
	wput32(RTM_H_CHUNK_SIZE, 4096);
	wput32(RTM_H_CHUNK_COUNT, 1);
	wput32(RTM_H_THREAD_OFF, 4608);
	wput32(4608 + RTM_T_STACK_BASE, WT_TOP);
	wput32(WT_CHUNK + RTM_C_MAGIC, RTM_CHUNK_MAGIC);
	wput32(WT_CHUNK + RTM_C_SEQ, 1);
	wput32(WT_CHUNK + RTM_C_STATE, state);
	wput32(WT_CHUNK + RTM_C_COUNT, count);
}

static uint64_t wticks(uint32_t i)
{
	return wget64(WT_CHUNK + RTM_CHUNK_HDR + (uint64_t)i * RTM_REC_SIZE);
}

static uint64_t wword(uint32_t i)
{
	return wget64(WT_CHUNK + RTM_CHUNK_HDR + (uint64_t)i * RTM_REC_SIZE + 8);
}

static void test_trace_target_widens_compact_records(void **state)
{
	(void)state;
	/* A down-counter: raw values are ~time. The first slot has the full time
	 * 0x1_fffffff0; the clock wraps between slots 1 and 2. */
	compact_trace(RTM_TF_TGT_COMPACT | RTM_TF_TGT_DOWN, 4, RTM_CS_SEALED);
	wslot(0, 0xfffffff0u, 0x101u, WT_TOP - 0x40u, 1u);
	wslot(1, ~0xfffffff8u, 0x201u, (WT_TOP - 0x60u) | 2u, 0xa5a5a5a5u);
	wslot(2, ~0x00000010u, 0x201u, 0x5ab3u, 0xa5a5a5a5u); /* exit: LR, odd */
	wslot(3, ~0x00000020u, 0x101u, 0x4d1u, 0xa5a5a5a5u);
	assert_true(lc__trace_target_compact(wbuf, sizeof(wbuf)));
	lc__trace_target_widen(wbuf, sizeof(wbuf));
	assert_false(lc__trace_target_compact(wbuf, sizeof(wbuf)));
	assert_int_equal(wget32(RTM_H_TGT_FLAGS), RTM_TF_TGT_SW_EXT);
	assert_int_equal(wticks(0), UINT64_C(0x1fffffff0));
	assert_int_equal(wticks(1), UINT64_C(0x1fffffff8));
	assert_int_equal(wticks(2), UINT64_C(0x200000010));
	assert_int_equal(wticks(3), UINT64_C(0x200000020));
	assert_int_equal(wword(0), 0x101u | (uint64_t)RTM_K_ENTER << RTM_KIND_SHIFT |
	                                   (uint64_t)(0x40u / 16u) << RTM_STACK_SHIFT);
	assert_int_equal(wword(1), 0x201u | (uint64_t)RTM_K_MARK << RTM_KIND_SHIFT |
	                                   (uint64_t)(0x60u / 16u) << RTM_STACK_SHIFT);
	assert_int_equal(wword(2), 0x201u | (uint64_t)RTM_K_EXIT << RTM_KIND_SHIFT);
	assert_int_equal(wword(3), 0x101u | (uint64_t)RTM_K_EXIT << RTM_KIND_SHIFT);
}

static void test_trace_target_open_chunk_counts_from_next(void **state)
{
	(void)state;
	/* A RAM dump mid-run: count still 0, next two slots on; an SP above the
	 * stack base and one 2^20 below it give depth 0 and the saturated field. */
	compact_trace(RTM_TF_TGT_COMPACT, 0, RTM_CS_OWNED);
	wput32(RTM_H_TGT_NEXT, WT_BUF + WT_CHUNK + RTM_CHUNK_HDR + 2u * RTM_REC_SIZE);
	wslot(0, 100u, 0x101u, WT_TOP + 0x10u, 0u);
	wslot(1, 90u, 0x101u, WT_TOP - 0x100000u, 0u); /* 10 ticks back: 2^32 - 10 on */
	lc__trace_target_widen(wbuf, sizeof(wbuf));
	assert_int_equal(wget32(WT_CHUNK + RTM_C_COUNT), 2);
	assert_int_equal(wticks(0), 100u);
	assert_int_equal(wticks(1), UINT64_C(0x100000000) + 90u);
	assert_int_equal(wword(0) >> RTM_STACK_SHIFT, 0);
	assert_int_equal(wword(1) >> RTM_STACK_SHIFT, RTM_STACK_MAX);
	assert_int_equal(wticks(2), UINT64_C(0xa5a5a5a5a5a5a5a5)); /* past next: untouched */
}

static void test_trace_target_widen_stays_in_bounds(void **state)
{
	(void)state;
	/* A count over the capacity widens the capacity only; a chunk area past
	 * the end, a bad chunk size or a short buffer are left alone. */
	compact_trace(RTM_TF_TGT_COMPACT, 0xffffffffu, RTM_CS_SEALED);
	lc__trace_target_widen(wbuf, sizeof(wbuf));
	assert_int_equal(wget32(WT_CHUNK + RTM_C_COUNT), 0xffffffffu); /* the reader's to report */
	compact_trace(RTM_TF_TGT_COMPACT, 3, RTM_CS_SEALED);
	wput32(RTM_H_CHUNK_OFF, sizeof(wbuf) - 100u);
	lc__trace_target_widen(wbuf, sizeof(wbuf));
	assert_int_equal(wticks(0), UINT64_C(0xa5a5a5a5a5a5a5a5));
	compact_trace(RTM_TF_TGT_COMPACT, 3, RTM_CS_SEALED);
	wput32(RTM_H_CHUNK_SIZE, 3000);
	lc__trace_target_widen(wbuf, sizeof(wbuf));
	assert_int_equal(wticks(0), UINT64_C(0xa5a5a5a5a5a5a5a5));
	compact_trace(RTM_TF_TGT_COMPACT, 3, RTM_CS_SEALED);
	lc__trace_target_widen(wbuf, WT_CHUNK + 100u); /* the chunk does not fit */
	assert_int_equal(wticks(0), UINT64_C(0xa5a5a5a5a5a5a5a5));
	assert_false(lc__trace_target_compact(wbuf, 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_trace_target_decodes_every_field),
	        cmocka_unit_test(test_trace_target_host_trace_has_no_block),
	        cmocka_unit_test(test_trace_target_rejects_bad_fields),
	        cmocka_unit_test(test_trace_target_widens_compact_records),
	        cmocka_unit_test(test_trace_target_open_chunk_counts_from_next),
	        cmocka_unit_test(test_trace_target_widen_stays_in_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
