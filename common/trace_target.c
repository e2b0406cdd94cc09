/*
 * common/trace_target.c - the target block of a trace header: 32-bit
 * addresses, the core clock, where the buffer lived, and the hard fault that
 * ended the run, if any (see trace_target.h).
 */
#include "trace_target.h"

#include <stdarg.h>
#include <stdio.h>

#include "rtm_format.h"

static uint32_t rd32(const uint8_t *hdr, uint32_t off)
{
	return (uint32_t)hdr[off] | (uint32_t)hdr[off + 1] << 8 | (uint32_t)hdr[off + 2] << 16 |
	       (uint32_t)hdr[off + 3] << 24;
}

__attribute__((format(printf, 4, 5))) static void add(struct lc__tprob *p, size_t *n, uint64_t off,
                                                      const char *fmt, ...)
{
	va_list ap;

	if (*n >= LC__TPROB_MAX)
		return;
	p[*n].off = off;
	va_start(ap, fmt);
	vsnprintf(p[*n].msg, sizeof(p[*n].msg), fmt, ap);
	va_end(ap);
	(*n)++;
}

size_t lc__trace_target(struct lc_trace_header *h, const uint8_t *hdr, struct lc__tprob *p)
{
	int cm_clock = h->clock == LC_TRACE_CLOCK_CM_DWT || h->clock == LC_TRACE_CLOCK_CM_TIMER;
	size_t n = 0;

	h->tgt_arch = h->addr_bits = h->cpu_hz = h->tgt_flags = 0;
	h->fault_pc = h->fault_lr = h->fault_cfsr = h->fault_hfsr = 0;
	h->buf_addr = h->buf_size = h->tgt_flushes = h->hook_cost_cycles = 0;
	h->tgt_arch = rd32(hdr, RTM_H_TGT_ARCH);
	if (h->tgt_arch == 0) {
		if (cm_clock)
			add(p, &n, RTM_H_CLOCK,
			    "clock %u is a target clock but the trace has no target block",
			    (unsigned)h->clock);
		return n;
	}
	if (h->tgt_arch != RTM_TGT_ARCH_ARMV7M) {
		add(p, &n, RTM_H_TGT_ARCH, "unknown target architecture %u", h->tgt_arch);
		h->tgt_arch = 0; /* nothing of the block is trusted */
		return n;
	}
	h->addr_bits = rd32(hdr, RTM_H_TGT_ADDR_BITS);
	if (h->addr_bits != 32)
		add(p, &n, RTM_H_TGT_ADDR_BITS, "target address size %u bits is not 32",
		    h->addr_bits);
	if (!cm_clock)
		add(p, &n, RTM_H_CLOCK, "target trace names host clock %u", (unsigned)h->clock);
	if (h->tick_hz == 0)
		add(p, &n, RTM_H_TICK_HZ, "target clock frequency is zero");
	h->cpu_hz = rd32(hdr, RTM_H_TGT_CPU_HZ);
	h->tgt_flags = rd32(hdr, RTM_H_TGT_FLAGS);
	h->fault_pc = rd32(hdr, RTM_H_TGT_FAULT_PC);
	h->fault_lr = rd32(hdr, RTM_H_TGT_FAULT_LR);
	h->fault_cfsr = rd32(hdr, RTM_H_TGT_CFSR);
	h->fault_hfsr = rd32(hdr, RTM_H_TGT_HFSR);
	h->buf_addr = rd32(hdr, RTM_H_TGT_BUF_ADDR);
	h->buf_size = rd32(hdr, RTM_H_TGT_BUF_SIZE);
	h->tgt_flushes = rd32(hdr, RTM_H_TGT_FLUSHES);
	h->hook_cost_cycles = rd32(hdr, RTM_H_TGT_HOOK_CYCLES);
	return n;
}
