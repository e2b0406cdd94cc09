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

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_trace_target_decodes_every_field),
	        cmocka_unit_test(test_trace_target_host_trace_has_no_block),
	        cmocka_unit_test(test_trace_target_rejects_bad_fields),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
