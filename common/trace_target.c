/*
 * common/trace_target.c - the target block of a trace header: 32-bit
 * addresses, the core clock, where the buffer lived, and the hard fault that
 * ended the run, if any (see trace_target.h).
 */
#include "trace_target.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "rtm_format.h"

static uint32_t rd32(const uint8_t *hdr, uint64_t off)
{
	return (uint32_t)hdr[off] | (uint32_t)hdr[off + 1] << 8 | (uint32_t)hdr[off + 2] << 16 |
	       (uint32_t)hdr[off + 3] << 24;
}

static uint64_t rd64(const uint8_t *buf, uint64_t off)
{
	return (uint64_t)rd32(buf, off) | (uint64_t)rd32(buf, off + 4u) << 32;
}

static void wr32(uint8_t *buf, uint64_t off, uint32_t v)
{
	buf[off] = (uint8_t)v;
	buf[off + 1] = (uint8_t)(v >> 8);
	buf[off + 2] = (uint8_t)(v >> 16);
	buf[off + 3] = (uint8_t)(v >> 24);
}

static void wr64(uint8_t *buf, uint64_t off, uint64_t v)
{
	wr32(buf, off, (uint32_t)v);
	wr32(buf, off + 4u, (uint32_t)(v >> 32));
}

int lc__trace_target_compact(const uint8_t *buf, size_t len)
{
	return len >= RTM_HDR_SIZE && memcmp(buf, RTM_MAGIC, 8) == 0 &&
	       rd32(buf, RTM_H_TGT_ARCH) == RTM_TGT_ARCH_ARMV7M &&
	       (rd32(buf, RTM_H_TGT_FLAGS) & RTM_TF_TGT_COMPACT) != 0;
}

/* One chunk's n records at off. */
static void widen_chunk(uint8_t *buf, uint64_t off, uint32_t n, uint64_t base, int down)
{
	uint64_t t = 0;
	uint32_t i;

	for (i = 0; i < n; i++, off += RTM_REC_SIZE) {
		uint32_t w0 = rd32(buf, off), addr = rd32(buf, off + 4u);
		uint32_t w2 = rd32(buf, off + 8u), kind, sp = w2 & ~3u;
		uint64_t depth = 0;

		if (i == 0) {
			t = w0 | (uint64_t)rd32(buf, off + 12u) << 32;
		} else {
			uint32_t lo = down ? ~w0 : w0;

			t += (uint32_t)(lo -
			                (uint32_t)t); /* consecutive records < 2^32 ticks apart */
		}
		kind = (w2 & 1u) ? RTM_K_EXIT : (w2 & 2u) ? RTM_K_MARK : RTM_K_ENTER;
		if (kind != RTM_K_EXIT && base > sp)
			depth = (base - sp) / RTM_STACK_UNIT;
		if (depth > RTM_STACK_MAX)
			depth = RTM_STACK_MAX;
		wr64(buf, off, t);
		wr64(buf, off + 8u,
		     addr | (uint64_t)kind << RTM_KIND_SHIFT | depth << RTM_STACK_SHIFT);
	}
}

void lc__trace_target_widen(uint8_t *buf, size_t len)
{
	uint64_t off = rd64(buf, RTM_H_CHUNK_OFF), thr = rd64(buf, RTM_H_THREAD_OFF), base = 0;
	uint32_t size = rd32(buf, RTM_H_CHUNK_SIZE), flags = rd32(buf, RTM_H_TGT_FLAGS);
	uint32_t next = rd32(buf, RTM_H_TGT_NEXT), at = rd32(buf, RTM_H_TGT_BUF_ADDR);
	uint64_t count = rd32(buf, RTM_H_CHUNK_COUNT), i;

	wr32(buf, RTM_H_TGT_FLAGS, flags & ~(RTM_TF_TGT_COMPACT | RTM_TF_TGT_DOWN));
	if (size < 4096u || size > (64u << 20) || (size & (size - 1u)) != 0 || off < RTM_HDR_SIZE ||
	    off > len)
		return;
	if (thr >= RTM_HDR_SIZE && thr <= len && len - thr >= RTM_THR_ESIZE)
		base = rd64(buf, thr + RTM_T_STACK_BASE);
	if (count > (len - off) / size)
		count = (len - off) / size;
	for (i = 0; i < count; i++) {
		uint64_t c = off + i * size, slots = (uint64_t)at + c + RTM_CHUNK_HDR;
		uint32_t n = rd32(buf, c + RTM_C_COUNT), cap;

		if (rd64(buf, c + RTM_C_SEQ) == 0 || rd32(buf, c + RTM_C_MAGIC) != RTM_CHUNK_MAGIC)
			continue;
		cap = (size - RTM_CHUNK_HDR) / RTM_REC_SIZE;
		/* The chunk being written when the image was taken: next says how far. */
		if (rd32(buf, c + RTM_C_STATE) != RTM_CS_SEALED && next >= slots &&
		    next <= slots + (uint64_t)cap * RTM_REC_SIZE &&
		    (next - slots) % RTM_REC_SIZE == 0) {
			n = (uint32_t)((next - slots) / RTM_REC_SIZE);
			wr32(buf, c + RTM_C_COUNT, n);
		}
		widen_chunk(buf, c + RTM_CHUNK_HDR, n < cap ? n : cap, base,
		            (flags & RTM_TF_TGT_DOWN) != 0);
	}
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
