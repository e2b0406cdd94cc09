/*
 * runtime/cortexm/rtm_cm.c - liblatch_rt for bare-metal Cortex-M (ARMv7-M).
 *
 * The -finstrument-functions hooks write 16-byte records straight into a
 * statically placed RAM buffer that is laid out as a trace file
 * (docs/trace-format.md): header, one module entry, one thread entry, then
 * chunks. There is one stream: interrupt handlers that are traced write into
 * it too, nested inside whatever they interrupted, as on the CPU.
 *
 * Interrupt safety: each hook masks interrupts (PRIMASK) for the whole
 * record, about thirty instructions, which also makes the clock's software
 * extension atomic. A record is complete before the chunk's count covers it,
 * so a RAM dump or a hard fault at any instant leaves a valid trace.
 * Claiming the slot with LDREX/STREX instead (RTM_CM_CLAIM_LDREX) measured
 * four instructions a call cheaper but loses that property; docs/target.md
 * has both measurements and the reason.
 *
 * No libc: the runtime calls nothing but its own functions and semihosting.
 */
#include <stddef.h>
#include <stdint.h>

#include "latch/rt_cortexm.h"
#include "rtm_format.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the Cortex-M runtime writes the trace in its own byte order: little-endian only"
#endif

#define RTM_NOINST       __attribute__((no_instrument_function))
#define RTM_CM_MOD_OFF   RTM_HDR_SIZE
#define RTM_CM_THR_OFF   (RTM_HDR_SIZE + RTM_MOD_ESIZE)
#define RTM_CM_CHUNK_OFF (RTM_CM_THR_OFF + RTM_THR_ESIZE)
#define RTM_CM_TID       1u

#define RTM_DEMCR      (*(volatile uint32_t *)0xE000EDFCu)
#define RTM_DWT_CTRL   (*(volatile uint32_t *)0xE0001000u)
#define RTM_DWT_CYCCNT ((const volatile uint32_t *)0xE0001004u)
#define RTM_SCB_VTOR   (*(volatile uint32_t *)0xE000ED08u)
#define RTM_SCB_CFSR   (*(volatile uint32_t *)0xE000ED28u)
#define RTM_SCB_HFSR   (*(volatile uint32_t *)0xE000ED2Cu)

extern uint8_t latch_rt_buffer[];
extern uint8_t latch_rt_buffer_end[];

/* The runtime's whole state besides its buffer (docs/target.md: its size is
 * checked by bench/target). The hot fields come first. While tracing is off
 * or the buffer is full, count points at rtm_cm_closed, which always reads
 * "full", so the hot path needs no test of its own. */
struct rtm_cm {
	uint32_t *count; /* the current chunk's count field: also the next slot's index */
	uint32_t cap;    /* record slots per chunk; count == cap: take the slow path */
	const volatile uint32_t *clk;
	uint32_t clk_xor; /* 0xffffffff for a down-counter */
	uint32_t last;    /* last raw (up-counting) clock value */
	uint32_t hi;      /* upper 32 bits of the extended clock */
	uint32_t top;     /* initial stack pointer: stack depth = top - sp */
	uint32_t on, full, ring, semihost;
	uint32_t nchunks, chunk_size, claims, seq;
	const char *path;
};

static uint32_t rtm_cm_closed = 0xffffffffu;
static struct rtm_cm rtm = {.count = &rtm_cm_closed};

#define RTM_SLOT0_WORDS ((RTM_CHUNK_HDR - RTM_C_COUNT) / 4u) /* count field to slot 0 */

static RTM_NOINST void w32(uint32_t off, uint32_t v)
{
	*(volatile uint32_t *)(void *)(latch_rt_buffer + off) = v;
}

static RTM_NOINST uint32_t r32(uint32_t off)
{
	return *(volatile uint32_t *)(void *)(latch_rt_buffer + off);
}

static RTM_NOINST void w64(uint32_t off, uint64_t v)
{
	w32(off, (uint32_t)v);
	w32(off + 4u, (uint32_t)(v >> 32));
}

static RTM_NOINST uint64_t r64(uint32_t off)
{
	return (uint64_t)r32(off) | (uint64_t)r32(off + 4u) << 32;
}

static inline __attribute__((always_inline)) uint32_t irq_save(void)
{
	uint32_t pm;

	__asm__ volatile("mrs %0, primask\n\tcpsid i" : "=r"(pm)::"memory");
	return pm;
}

static inline __attribute__((always_inline)) void irq_restore(uint32_t pm)
{
	__asm__ volatile("msr primask, %0" ::"r"(pm) : "memory");
}

/* The extended 64-bit clock; interrupts must be masked. */
static inline __attribute__((always_inline)) uint32_t clk_read(uint32_t *hi)
{
	uint32_t raw = *rtm.clk ^ rtm.clk_xor;

	if (raw < rtm.last)
		rtm.hi++;
	rtm.last = raw;
	*hi = rtm.hi;
	return raw;
}

static RTM_NOINST uint64_t now(void)
{
	uint32_t pm = irq_save(), hi, lo;

	lo = clk_read(&hi);
	irq_restore(pm);
	return (uint64_t)hi << 32 | lo;
}

static RTM_NOINST uint32_t chunk_off(uint32_t idx)
{
	return RTM_CM_CHUNK_OFF + idx * rtm.chunk_size;
}

static RTM_NOINST void count_lost(uint64_t n)
{
	w64(RTM_H_LOST_TOTAL, r64(RTM_H_LOST_TOTAL) + n);
	w64(RTM_CM_THR_OFF + RTM_T_LOST, r64(RTM_CM_THR_OFF + RTM_T_LOST) + n);
}

static RTM_NOINST void seal(void)
{
	uint32_t c;

	if (rtm.count == NULL || rtm.count == &rtm_cm_closed)
		return;
	c = (uint32_t)((uint8_t *)rtm.count - latch_rt_buffer) - RTM_C_COUNT;
	w32(c + RTM_C_EVENTS, *rtm.count);
	w32(c + RTM_C_STATE, RTM_CS_SEALED);
	rtm.count = &rtm_cm_closed;
}

/* Claims the next chunk; interrupts are masked. Returns 0, or -1 when the
 * buffer is full in stop mode. */
static RTM_NOINST int claim(void)
{
	uint32_t idx, c, prev = rtm.seq, used;

	seal();
	if (!rtm.ring && rtm.claims >= rtm.nchunks) {
		rtm.full = 1;
		return -1;
	}
	rtm.claims++;
	idx = (rtm.claims - 1u) % rtm.nchunks;
	c = chunk_off(idx);
	if (rtm.claims > rtm.nchunks) /* ring: recycle the oldest chunk */
		count_lost(r32(c + RTM_C_EVENTS));
	w64(c + RTM_C_SEQ, 0);
	w32(c + RTM_C_COUNT, 0);
	w32(c + RTM_C_MAGIC, RTM_CHUNK_MAGIC);
	w32(c + RTM_C_STATE, RTM_CS_OWNED);
	w32(c + RTM_C_TID, RTM_CM_TID);
	w32(c + RTM_C_THREAD, 0);
	w32(c + RTM_C_CAP, (rtm.chunk_size - RTM_CHUNK_HDR) / RTM_REC_SIZE);
	w64(c + RTM_C_PREV_SEQ, prev);
	w32(c + RTM_C_EVENTS, 0);
	rtm.seq = rtm.claims;
	w64(c + RTM_C_SEQ, rtm.seq);
	w64(RTM_H_CHUNK_CLAIMS, rtm.claims);
	used = rtm.claims < rtm.nchunks ? rtm.claims : rtm.nchunks;
	w32(RTM_H_CHUNK_COUNT, used);
	w64(RTM_H_FILE_SIZE, RTM_CM_CHUNK_OFF + (uint64_t)used * rtm.chunk_size);
	w32(RTM_CM_THR_OFF + RTM_T_CHUNKS, r32(RTM_CM_THR_OFF + RTM_T_CHUNKS) + 1u);
	rtm.count = (uint32_t *)(void *)(latch_rt_buffer + c + RTM_C_COUNT);
	return 0;
}

/* The slow path of a hook: tracing off, chunk full, or buffer full.
 * Returns the count field of the chunk to write, or NULL (the event is
 * dropped, and counted when tracing is on). Interrupts are masked. */
static RTM_NOINST __attribute__((noinline)) uint32_t *slow(void)
{
	if (!rtm.on)
		return NULL;
	if (rtm.full || claim() < 0) {
		count_lost(1);
		return NULL;
	}
	return rtm.count;
}

#ifndef RTM_CM_CLAIM_LDREX
static inline __attribute__((always_inline)) void record(uint32_t addr, uint32_t kind)
{
	uint32_t pm = irq_save(), *c = rtm.count, n = *c, *p, raw, hi, sp, depth;

	if (__builtin_expect(n >= rtm.cap, 0)) {
		c = slow();
		if (c == NULL)
			goto out;
		n = 0;
	}
	p = c + RTM_SLOT0_WORDS + 4u * n;
	raw = *rtm.clk ^ rtm.clk_xor;
	hi = rtm.hi;
	if (raw < rtm.last)
		hi++;
	rtm.last = raw;
	rtm.hi = hi;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	/* Depth in 16-byte units, saturated to the record's 14 bits. */
	__asm__("usat %0, #14, %1, asr #4" : "=r"(depth) : "r"(rtm.top - sp));
	p[0] = raw;
	p[1] = hi;
	p[2] = addr; /* with the Thumb bit, as the ELF's symbol values have it */
	p[3] = kind << (RTM_KIND_SHIFT - 32u) | depth << (RTM_STACK_SHIFT - 32u);
	__asm__ volatile("" ::: "memory"); /* the record before the count covering it */
	*c = n + 1u;
out:
	irq_restore(pm);
}
#else
/* The alternative measured by bench/target (RTM_CM_CLAIM_LDREX): the slot
 * and the clock's extension claimed together with LDREX/STREX (an exception
 * in between clears the monitor, so the claim is retried with a fresh time),
 * and the record written after the claim. Four instructions a call cheaper,
 * but not the default: the count covers the slot before it is written, so a
 * hard fault or a RAM dump inside an interrupted hook may see one slot that
 * holds garbage. (Writing first and committing with STREX is not an option:
 * an interrupt between LDREX and the writes takes the same slot, and the
 * resumed writes would overwrite its committed record; target_isr caught it.) */
static inline __attribute__((always_inline)) void record(uint32_t addr, uint32_t kind)
{
	uint32_t *c, n, *p, raw, hi, sp, depth, fail, pm;

	do {
		c = rtm.count;
		__asm__ volatile("ldrex %0, [%1]" : "=r"(n) : "r"(c) : "memory");
		if (__builtin_expect(n >= rtm.cap, 0)) {
			__asm__ volatile("clrex" ::: "memory");
			pm = irq_save();
			c = slow();
			irq_restore(pm);
			if (c == NULL)
				return;
			continue;
		}
		raw = *rtm.clk ^ rtm.clk_xor;
		hi = rtm.hi;
		if (raw < rtm.last)
			hi++;
		rtm.last = raw;
		rtm.hi = hi;
		__asm__ volatile("strex %0, %2, [%1]"
		                 : "=&r"(fail)
		                 : "r"(c), "r"(n + 1u)
		                 : "memory");
	} while (fail != 0);
	p = c + RTM_SLOT0_WORDS + 4u * n;
	__asm__ volatile("mov %0, sp" : "=r"(sp));
	__asm__("usat %0, #14, %1, asr #4" : "=r"(depth) : "r"(rtm.top - sp));
	p[0] = raw;
	p[1] = hi;
	p[2] = addr;
	p[3] = kind << (RTM_KIND_SHIFT - 32u) | depth << (RTM_STACK_SHIFT - 32u);
}
#endif

RTM_NOINST void __cyg_profile_func_enter(void *fn, void *site);
RTM_NOINST void __cyg_profile_func_exit(void *fn, void *site);

RTM_NOINST void __cyg_profile_func_enter(void *fn, void *site)
{
	(void)site;
	record((uint32_t)(uintptr_t)fn, RTM_K_ENTER);
}

RTM_NOINST void __cyg_profile_func_exit(void *fn, void *site)
{
	(void)site;
	record((uint32_t)(uintptr_t)fn, RTM_K_EXIT);
}

RTM_NOINST void latch_rt_mark_value(uint64_t value)
{
	record((uint32_t)value, RTM_K_MARK);
}

/* Cost of one hook pair, in ticks: the minimum over 8 trials of 16 pairs
 * written into the first chunk, which is then emptied again. */
static RTM_NOINST uint64_t measure_hooks(void)
{
	uint64_t best = UINT64_MAX, t0, t1;
	int trial, i;

	for (trial = 0; trial < 8; trial++) {
		*rtm.count = 0;
		t0 = now();
		for (i = 0; i < 16; i++) {
			__cyg_profile_func_enter((void *)measure_hooks, NULL);
			__cyg_profile_func_exit((void *)measure_hooks, NULL);
		}
		t1 = now();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	*rtm.count = 0;
	return best / 16u;
}

/* Copies the ELF's GNU build-id note (kept in flash by the linker script as
 * .note.gnu.build-id, between the symbols below) into the header. */
extern const uint8_t __latch_build_id_start[] __attribute__((weak));
extern const uint8_t __latch_build_id_end[] __attribute__((weak));

static RTM_NOINST void put_build_id(void)
{
	const uint8_t *p = __latch_build_id_start;
	uint32_t namesz, descsz, i, pad;

	if (p == NULL || __latch_build_id_end - p < 16)
		return;
	namesz = (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
	descsz = (uint32_t)p[4] | (uint32_t)p[5] << 8 | (uint32_t)p[6] << 16 | (uint32_t)p[7] << 24;
	pad = (namesz + 3u) & ~3u;
	if (namesz != 4u || descsz > RTM_BUILD_ID_MAX ||
	    (uint32_t)(__latch_build_id_end - p) < 12u + pad + descsz)
		return;
	for (i = 0; i < descsz; i++) {
		latch_rt_buffer[RTM_H_BUILD_ID + i] = p[12u + pad + i];
		latch_rt_buffer[RTM_CM_MOD_OFF + RTM_M_BUILD_ID + i] = p[12u + pad + i];
	}
	w32(RTM_H_BUILD_ID_LEN, descsz);
	w32(RTM_CM_MOD_OFF + RTM_M_BUILD_ID_LEN, descsz);
}

/* Picks the clock: the DWT cycle counter when it counts, else the board's
 * timer. Returns its rate in Hz, 0 when there is none. */
static RTM_NOINST uint32_t pick_clock(const struct latch_rt_cm_config *cfg, uint32_t *id)
{
	uint32_t a, b;
	volatile uint32_t spin;

	RTM_DEMCR |= 1u << 24; /* TRCENA */
	RTM_DWT_CTRL |= 1u;    /* CYCCNTENA */
	a = *RTM_DWT_CYCCNT;
	for (spin = 0; spin < 16u; spin++)
		;
	b = *RTM_DWT_CYCCNT;
	if (b != a && cfg->cpu_hz != 0) {
		rtm.clk = RTM_DWT_CYCCNT;
		rtm.clk_xor = 0;
		*id = RTM_CLOCK_CM_DWT;
		return cfg->cpu_hz;
	}
	if (cfg->timer == NULL || cfg->timer_hz == 0)
		return 0;
	rtm.clk = cfg->timer;
	rtm.clk_xor = cfg->timer_down ? 0xffffffffu : 0u;
	*id = RTM_CLOCK_CM_TIMER;
	return cfg->timer_hz;
}

int latch_rt_cm_start(const struct latch_rt_cm_config *cfg)
{
	uint32_t size = (uint32_t)(latch_rt_buffer_end - latch_rt_buffer), hz, id = 0, i;
	uint32_t pm;
	uint64_t cost;

	if (rtm.on)
		return -2;
	rtm.chunk_size = cfg->chunk_size ? cfg->chunk_size : 4096u;
	if (rtm.chunk_size < 4096u || (rtm.chunk_size & (rtm.chunk_size - 1u)) != 0 ||
	    size < RTM_CM_CHUNK_OFF + rtm.chunk_size)
		return -1;
	hz = pick_clock(cfg, &id);
	if (hz == 0)
		return -1;
	for (i = 0; i < RTM_CM_CHUNK_OFF; i += 4u)
		w32(i, 0);
	rtm.nchunks = (size - RTM_CM_CHUNK_OFF) / rtm.chunk_size;
	for (i = 0; i < rtm.nchunks; i++) /* "never claimed"; the rest may be garbage */
		w64(chunk_off(i) + RTM_C_SEQ, 0);
	rtm.cap = (rtm.chunk_size - RTM_CHUNK_HDR) / RTM_REC_SIZE;
	rtm.count = &rtm_cm_closed;
	rtm.ring = cfg->ring != 0;
	rtm.semihost = cfg->semihost != 0;
	rtm.path = cfg->path ? cfg->path : "latch.trace";
	rtm.top = *(const volatile uint32_t *)RTM_SCB_VTOR; /* the vector table's initial SP */
	rtm.last = *rtm.clk ^ rtm.clk_xor;
	rtm.hi = 0;
	rtm.claims = rtm.seq = 0;
	rtm.full = 0;

	for (i = 0; i < 8u; i++)
		latch_rt_buffer[RTM_H_MAGIC + i] = (uint8_t)RTM_MAGIC[i];
	w32(RTM_H_VERSION, RTM_VERSION);
	w32(RTM_H_ENDIAN, RTM_ENDIAN_MARK);
	w32(RTM_H_HEADER_SIZE, RTM_HDR_SIZE);
	w32(RTM_H_CLOCK, id);
	w32(RTM_H_MODE, rtm.ring ? RTM_MODE_RING : RTM_MODE_STOP);
	w64(RTM_H_TICK_HZ, hz);
	/* ns per tick in Q32.32: 1e9 * 2^32 / hz, rounded. */
	w64(RTM_H_NS_MULT, ((UINT64_C(1000000000) << 32) + hz / 2u) / hz);
	w32(RTM_H_PID, 1u);
	w32(RTM_H_CHUNK_SIZE, rtm.chunk_size);
	w64(RTM_H_MODULE_OFF, RTM_CM_MOD_OFF);
	w32(RTM_H_MODULE_CAP, 1u);
	w32(RTM_H_MODULE_COUNT, 1u);
	w32(RTM_H_MODULE_ESIZE, RTM_MOD_ESIZE);
	w64(RTM_H_THREAD_OFF, RTM_CM_THR_OFF);
	w32(RTM_H_THREAD_CAP, 1u);
	w32(RTM_H_THREAD_COUNT, 1u);
	w32(RTM_H_THREAD_ESIZE, RTM_THR_ESIZE);
	w32(RTM_H_HIST_SUB_BITS, 7u);
	w64(RTM_H_CHUNK_OFF, RTM_CM_CHUNK_OFF);
	w64(RTM_H_FILE_SIZE, RTM_CM_CHUNK_OFF);
	w32(RTM_H_TGT_ARCH, RTM_TGT_ARCH_ARMV7M);
	w32(RTM_H_TGT_ADDR_BITS, 32u);
	w32(RTM_H_TGT_CPU_HZ, cfg->cpu_hz);
	w32(RTM_H_TGT_FLAGS, RTM_TF_TGT_SW_EXT);
	w32(RTM_H_TGT_BUF_ADDR, (uint32_t)(uintptr_t)latch_rt_buffer);
	w32(RTM_H_TGT_BUF_SIZE, size);
	/* The whole 32-bit space is the one image, loaded where it was linked. */
	w64(RTM_CM_MOD_OFF + RTM_M_END, UINT64_C(0x100000000));
	w32(RTM_CM_MOD_OFF + RTM_M_FLAGS, RTM_MOD_F_MAIN);
	w32(RTM_CM_THR_OFF + RTM_T_TID, RTM_CM_TID);
	w32(RTM_CM_THR_OFF + RTM_T_FLAGS, RTM_TF_MAIN | RTM_TF_STACK_EXACT);
	w64(RTM_CM_THR_OFF + RTM_T_STACK_BASE, rtm.top);
	put_build_id();

	pm = irq_save();
	rtm.on = 1;
	claim();
	cost = measure_hooks();
	w64(RTM_H_HOOK_COST, cost);
	w32(RTM_H_TGT_HOOK_CYCLES, (uint32_t)(cfg->cpu_hz ? cost * cfg->cpu_hz / hz : 0u));
	w64(RTM_H_START_TICKS, now());
	irq_restore(pm);
	return 0;
}

/* Deepest stack at an entry, from the records (not the hot path's job). */
static RTM_NOINST void put_max_stack(void)
{
	uint32_t used = r32(RTM_H_CHUNK_COUNT), k, i, n, max = 0, d;

	for (k = 0; k < used; k++) {
		uint32_t c = chunk_off(k);

		if (r64(c + RTM_C_SEQ) == 0)
			continue;
		n = r32(c + RTM_C_COUNT);
		for (i = 0; i < n; i++) {
			d = r32(c + RTM_CHUNK_HDR + i * RTM_REC_SIZE + 12u);
			if (((d >> 16) & 3u) == RTM_K_ENTER && (d >> 18) > max)
				max = d >> 18;
		}
	}
	w32(RTM_CM_THR_OFF + RTM_T_MAX_STACK, max * RTM_STACK_UNIT);
}

/* Writes the first file_size bytes of the buffer by semihosting. */
static RTM_NOINST int write_out(void)
{
	uint32_t len = 0, blk[3];
	int fd, rc = 0;

	while (rtm.path[len] != '\0')
		len++;
	blk[0] = (uint32_t)(uintptr_t)rtm.path;
	blk[1] = 5u; /* "wb" */
	blk[2] = len;
	fd = latch_rt_semihost(LATCH_SH_OPEN, blk);
	if (fd < 0)
		return -1;
	blk[0] = (uint32_t)fd;
	blk[1] = (uint32_t)(uintptr_t)latch_rt_buffer;
	blk[2] = (uint32_t)r64(RTM_H_FILE_SIZE);
	if (latch_rt_semihost(LATCH_SH_WRITE, blk) != 0)
		rc = -1;
	if (latch_rt_semihost(LATCH_SH_CLOSE, blk) != 0)
		rc = -1;
	return rc;
}

/* Brings the header up to date; interrupts masked. */
static RTM_NOINST void refresh(void)
{
	uint64_t records = 0;
	uint32_t used = r32(RTM_H_CHUNK_COUNT), k, c;

	for (k = 0; k < used; k++) {
		c = chunk_off(k);
		if (r64(c + RTM_C_SEQ) != 0)
			records += r32(c + RTM_C_COUNT);
	}
	w64(RTM_CM_THR_OFF + RTM_T_RECORDS, records);
	put_max_stack();
	w32(RTM_H_TGT_FLUSHES, r32(RTM_H_TGT_FLUSHES) + 1u);
}

int latch_rt_flush(void)
{
	uint32_t pm;
	int rc = 0;

	if (r32(RTM_H_VERSION) != RTM_VERSION)
		return 0; /* never started */
	pm = irq_save();
	refresh();
	if (rtm.semihost)
		rc = write_out();
	irq_restore(pm);
	return rc;
}

void latch_rt_stop(void)
{
	uint32_t pm;

	if (!rtm.on)
		return;
	pm = irq_save();
	w64(RTM_H_STOP_TICKS, now());
	rtm.on = 0;
	seal();
	w32(RTM_H_FLAGS, r32(RTM_H_FLAGS) | RTM_F_FINISHED);
	w32(RTM_CM_THR_OFF + RTM_T_FLAGS, r32(RTM_CM_THR_OFF + RTM_T_FLAGS) | RTM_TF_EXITED);
	irq_restore(pm);
}

void latch_rt_cm_fault(const uint32_t *frame)
{
	uint32_t pm = irq_save();

	if (r32(RTM_H_VERSION) == RTM_VERSION) {
		w32(RTM_H_TGT_FLAGS, r32(RTM_H_TGT_FLAGS) | RTM_TF_TGT_FAULT);
		if (frame != NULL) {
			w32(RTM_H_TGT_FAULT_LR, frame[5]);
			w32(RTM_H_TGT_FAULT_PC, frame[6]);
		}
		w32(RTM_H_TGT_CFSR, RTM_SCB_CFSR);
		w32(RTM_H_TGT_HFSR, RTM_SCB_HFSR);
		rtm.on = 0; /* no stop time, no FINISHED flag: the run did not end well */
		refresh();
		if (rtm.semihost)
			write_out();
	}
	irq_restore(pm);
}

int latch_rt_is_on(void)
{
	return (int)rtm.on;
}

uint64_t latch_rt_lost(void)
{
	return r32(RTM_H_VERSION) == RTM_VERSION ? r64(RTM_H_LOST_TOTAL) : 0;
}

int latch_rt_semihost(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm__("r0") = op;
	register const void *r1 __asm__("r1") = arg;

	__asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
	return (int)r0;
}

void latch_rt_semihost_exit(int status)
{
	uint32_t blk[2] = {0x20026u, (uint32_t)status}; /* ADP_Stopped_ApplicationExit */

	latch_rt_semihost(LATCH_SH_EXIT_EXT, blk);
	/* A host without SYS_EXIT_EXTENDED: the plain call (status 0 or 1). */
	latch_rt_semihost(LATCH_SH_EXIT,
	                  (const void *)(uintptr_t)(status == 0 ? 0x20026u : 0x20023u));
	for (;;)
		__asm__ volatile("wfi");
}
