/*
 * runtime/cortexm/rtm_cm.c - liblatch_rt for bare-metal Cortex-M (ARMv7-M).
 *
 * The -finstrument-functions hooks write 16-byte compact records straight
 * into a statically placed RAM buffer that is laid out as a trace file
 * (docs/trace-format.md): header, one module entry, one thread entry, then
 * chunks. There is one stream: interrupt handlers that are traced write into
 * it too, nested inside whatever they interrupted, as on the CPU.
 *
 * The hooks are hand-written Thumb-2 (below): 12 instructions each on the
 * fast path, r0-r3 and r12 only, no stack. Their state is one word of the
 * buffer's own header, the next free slot (chunks end on 4 KiB boundaries,
 * so the slot's address also says when the chunk is full), reached with one
 * literal load, as is the clock: a register at an
 * address fixed at compile time (RTM_CM_CLOCK_ADDR: the DWT cycle counter,
 * or a board timer). A record holds the clock's raw 32 bits, the function's
 * address and SP (enter) or LR (exit, odd: that is the kind); the reader
 * extends the time to 64 bits from the chunk's first record, which the slow
 * path (C, below) writes with the full time, and turns SP into the depth
 * (docs/trace-format.md, "Compact target records").
 *
 * Interrupt safety: each hook masks interrupts (PRIMASK) from reading next
 * to publishing next + 16, so a traced ISR nests between two records, never
 * inside one, and records are in time order. A record is complete before
 * next covers it, so a RAM dump or a hard fault at any instant leaves a
 * valid trace.
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

/* The clock, chosen at compile time (LATCH_CM_CLOCK in the CMake files):
 * the DWT cycle counter by default, or a free-running 32-bit board timer
 * (RTM_CM_CLOCK_DOWN=1 for a down-counter). Plain numbers: the assembler
 * reads them too. */
#ifndef RTM_CM_CLOCK_ADDR
#define RTM_CM_CLOCK_ADDR 0xE0001004
#endif
#ifndef RTM_CM_CLOCK_DOWN
#define RTM_CM_CLOCK_DOWN 0
#endif
#define RTM_CM_DWT_ADDR 0xE0001004
#define RTM_CM_NEXT_OFF 3888 /* RTM_H_TGT_NEXT, for the assembler */
_Static_assert(RTM_CM_NEXT_OFF == RTM_H_TGT_NEXT, "the hooks' literal is the header's next");
/* Chunks are 4 KiB and start on 4 KiB boundaries of the target's memory, so
 * a chunk is full when next reaches such a boundary: (next & 0xff0) == 0
 * (slots are 16-byte aligned), one TST of an encodable immediate. */
#define RTM_CM_CHUNK 4096u
_Static_assert((RTM_CM_CHUNK - RTM_CHUNK_HDR) % RTM_REC_SIZE == 0, "whole slots");

#define RTM_NOINST     __attribute__((no_instrument_function))
#define RTM_CM_MOD_OFF RTM_HDR_SIZE
#define RTM_CM_THR_OFF (RTM_HDR_SIZE + RTM_MOD_ESIZE)
#define RTM_CM_FIXED   (RTM_CM_THR_OFF + RTM_THR_ESIZE) /* header and tables */
#define RTM_CM_TID     1u

#define RTM_DEMCR    (*(volatile uint32_t *)0xE000EDFCu)
#define RTM_DWT_CTRL (*(volatile uint32_t *)0xE0001000u)
#define RTM_CLOCK    (*(const volatile uint32_t *)RTM_CM_CLOCK_ADDR)
#define RTM_SCB_VTOR (*(volatile uint32_t *)0xE000ED08u)
#define RTM_SCB_CFSR (*(volatile uint32_t *)0xE000ED28u)
#define RTM_SCB_HFSR (*(volatile uint32_t *)0xE000ED2Cu)

extern uint8_t latch_rt_buffer[];
extern uint8_t latch_rt_buffer_end[];

/* The runtime's state besides its buffer and the two hot words in the
 * buffer's header (docs/target.md: its size is checked by bench/target).
 * None of it is read by the hooks' fast path. */
struct rtm_cm {
	uint32_t cur;  /* offset of the open chunk, 0: none */
	uint32_t last; /* last up-counting clock value seen by now() */
	uint32_t hi;   /* upper 32 bits of the extended clock */
	uint32_t top;  /* initial stack pointer: stack depth = top - sp */
	uint32_t on, full, ring, semihost;
	uint32_t chunk0; /* offset of chunk 0: RTM_CM_FIXED rounded up to a 4 KiB address */
	uint32_t nchunks, claims, seq;
	const char *path;
};

static struct rtm_cm rtm;

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

static inline __attribute__((always_inline)) uint32_t clk_up(void)
{
	return RTM_CM_CLOCK_DOWN ? ~RTM_CLOCK : RTM_CLOCK;
}

/* The 64-bit clock, extended in software: exact when called at least once
 * every 2^32 ticks (the slow path, and latch_rt_cm_tick()). */
static RTM_NOINST uint64_t now(void)
{
	uint32_t pm = irq_save(), lo = clk_up();

	if (lo < rtm.last)
		rtm.hi++;
	rtm.last = lo;
	irq_restore(pm);
	return (uint64_t)rtm.hi << 32 | lo;
}

void latch_rt_cm_tick(void)
{
	(void)now();
}

static RTM_NOINST uint32_t chunk_off(uint32_t idx)
{
	return rtm.chunk0 + idx * RTM_CM_CHUNK;
}

static RTM_NOINST uint32_t slot_addr(uint32_t c)
{
	return (uint32_t)(uintptr_t)latch_rt_buffer + c + RTM_CHUNK_HDR;
}

static RTM_NOINST void count_lost(uint64_t n)
{
	w64(RTM_H_LOST_TOTAL, r64(RTM_H_LOST_TOTAL) + n);
	w64(RTM_CM_THR_OFF + RTM_T_LOST, r64(RTM_CM_THR_OFF + RTM_T_LOST) + n);
}

/* The open chunk's count, from next. */
static RTM_NOINST void put_count(void)
{
	uint32_t c = rtm.cur, n;

	if (c == 0)
		return;
	n = (r32(RTM_H_TGT_NEXT) - slot_addr(c)) / RTM_REC_SIZE;
	w32(c + RTM_C_COUNT, n);
	w32(c + RTM_C_EVENTS, n);
}

static RTM_NOINST void close_hooks(void)
{
	w32(RTM_H_TGT_NEXT, 0); /* on a 4 KiB boundary: every hook takes the slow path */
}

static RTM_NOINST void seal(void)
{
	if (rtm.cur == 0)
		return;
	put_count();
	w32(rtm.cur + RTM_C_STATE, RTM_CS_SEALED);
	close_hooks();
	rtm.cur = 0;
}

/* Claims the next chunk; interrupts are masked. Returns 0, or -1 when the
 * buffer is full in stop mode. */
static RTM_NOINST int claim(void)
{
	uint32_t idx, c, prev = rtm.seq, used, cap = (RTM_CM_CHUNK - RTM_CHUNK_HDR) / RTM_REC_SIZE;

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
	w32(c + RTM_C_CAP, cap);
	w64(c + RTM_C_PREV_SEQ, prev);
	w32(c + RTM_C_EVENTS, 0);
	rtm.seq = rtm.claims;
	w64(c + RTM_C_SEQ, rtm.seq);
	w64(RTM_H_CHUNK_CLAIMS, rtm.claims);
	used = rtm.claims < rtm.nchunks ? rtm.claims : rtm.nchunks;
	w32(RTM_H_CHUNK_COUNT, used);
	w64(RTM_H_FILE_SIZE, rtm.chunk0 + (uint64_t)used * RTM_CM_CHUNK);
	w32(RTM_CM_THR_OFF + RTM_T_CHUNKS, r32(RTM_CM_THR_OFF + RTM_T_CHUNKS) + 1u);
	rtm.cur = c;
	w32(RTM_H_TGT_NEXT, slot_addr(c));
	return 0;
}

/* Writes one record (interrupts masked): the hooks' slow path (tracing off,
 * chunk full, buffer full), and marks. The first record of a chunk carries
 * the full 64-bit time (word 3 its upper half), from which the reader
 * extends the raw 32-bit times of the records after it. */
static RTM_NOINST void put(uint32_t addr, uint32_t w2)
{
	volatile uint32_t *s;
	uint32_t p = r32(RTM_H_TGT_NEXT);

	if ((p & (RTM_CM_CHUNK - RTM_REC_SIZE)) == 0) { /* closed (0) or the chunk's end */
		if (!rtm.on)
			return;
		if (rtm.full || claim() < 0) {
			count_lost(1);
			return;
		}
		p = r32(RTM_H_TGT_NEXT);
	}
	s = (volatile uint32_t *)(uintptr_t)p;
	if (p == slot_addr(rtm.cur)) {
		uint64_t t = now();

		s[0] = (uint32_t)t;
		s[3] = (uint32_t)(t >> 32);
	} else {
		s[0] = RTM_CLOCK; /* raw, as the hooks store it */
	}
	s[1] = addr;
	s[2] = w2;
	__asm__ volatile("" ::: "memory"); /* the record before next covering it */
	w32(RTM_H_TGT_NEXT, p + RTM_REC_SIZE);
}

/* Called by the hooks (below) with interrupts masked; pm is the PRIMASK to
 * restore. They branch here, so this returns to the instrumented code. */
RTM_NOINST void rtm_cm_slow(uint32_t addr, uint32_t w2, uint32_t pm);

RTM_NOINST void rtm_cm_slow(uint32_t addr, uint32_t w2, uint32_t pm)
{
	put(addr, w2);
	irq_restore(pm);
}

#define RTM_XSTR(x) RTM_STR(x)
#define RTM_STR(x)  #x

/* The hooks. On entry r0 = the function (Thumb bit set), r1 = its call site
 * (unused). Fast path, enter, 12 instructions:
 *   mask interrupts, saving PRIMASK in r12          2
 *   r3, r2 = &next, &clock (one ldrd of a literal)   1
 *   r1 = next; on a 4 KiB boundary: slow path        3
 *   r2 = the clock                                   1
 *   word 2 = SP                                      1
 *   words 0, 1 = clock, function; next += 16         1
 *   publish next, restore PRIMASK, return            3
 * Exit is the same with LR (odd) in word 2. */
/* clang-format off */
#define RTM_CM_HOOK(name, w2src)                                \
	".section .text." #name ",\"ax\",%progbits\n"           \
	".global " #name "\n"                                   \
	".type " #name ", %function\n"                          \
	".thumb_func\n"                                         \
	".p2align 2\n"                                          \
	#name ":\n"                                             \
	"  mrs   r12, primask\n"                                \
	"  cpsid i\n"                                           \
	"  ldrd  r3, r2, 9f\n"      /* &next, &clock         */ \
	"  ldr   r1, [r3]\n"        /* next                  */ \
	"  tst   r1, #0xff0\n"      /* on a 4 KiB boundary:  */ \
	"  beq   1f\n"              /* chunk full, or closed */ \
	"  ldr   r2, [r2]\n"        /* the clock             */ \
	"  str   " w2src ", [r1, #8]\n"                         \
	"  strd  r2, r0, [r1], #16\n"                           \
	"  str   r1, [r3]\n"        /* publish the record    */ \
	"  msr   primask, r12\n"                                \
	"  bx    lr\n"                                          \
	"1:\n"                                                  \
	"  mov   r1, " w2src "\n"                               \
	"  mov   r2, r12\n"                                     \
	"  b     rtm_cm_slow\n"                                 \
	".p2align 2\n"                                          \
	"9: .word latch_rt_buffer + " RTM_XSTR(RTM_CM_NEXT_OFF) "\n" \
	"   .word " RTM_XSTR(RTM_CM_CLOCK_ADDR) "\n"            \
	".size " #name ", . - " #name "\n"

__asm__(".syntax unified\n"
	".thumb\n"
	RTM_CM_HOOK(__cyg_profile_func_enter, "sp")
	RTM_CM_HOOK(__cyg_profile_func_exit, "lr")
	".text\n");
/* clang-format on */

RTM_NOINST void __cyg_profile_func_enter(void *fn, void *site);
RTM_NOINST void __cyg_profile_func_exit(void *fn, void *site);

RTM_NOINST void latch_rt_mark_value(uint64_t value)
{
	uint32_t pm = irq_save(), sp;

	__asm__ volatile("mov %0, sp" : "=r"(sp));
	put((uint32_t)value, sp | 2u);
	irq_restore(pm);
}

/* Cost of one hook pair, in ticks: the minimum over 8 trials of 16 pairs
 * written into a chunk claimed for it, which is then given back. */
static RTM_NOINST uint64_t measure_hooks(void)
{
	uint64_t best = UINT64_MAX, t0, t1;
	uint32_t first = slot_addr(rtm.cur) + RTM_REC_SIZE;
	int trial, i;

	for (trial = 0; trial < 8; trial++) {
		w32(RTM_H_TGT_NEXT, first);
		t0 = now();
		for (i = 0; i < 16; i++) {
			__cyg_profile_func_enter((void *)measure_hooks, NULL);
			__cyg_profile_func_exit((void *)measure_hooks, NULL);
		}
		t1 = now();
		if (t1 - t0 < best)
			best = t1 - t0;
	}
	return best / 16u;
}

/* Gives back the chunk measure_hooks() used: as if none was ever claimed. */
static RTM_NOINST void unclaim(void)
{
	w64(rtm.cur + RTM_C_SEQ, 0);
	close_hooks();
	rtm.cur = 0;
	rtm.claims = rtm.seq = 0;
	w64(RTM_H_CHUNK_CLAIMS, 0);
	w32(RTM_H_CHUNK_COUNT, 0);
	w64(RTM_H_FILE_SIZE, rtm.chunk0);
	w32(RTM_CM_THR_OFF + RTM_T_CHUNKS, 0);
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

/* Checks the compiled-in clock: the DWT cycle counter must count (it is
 * enabled here), a board timer must be the one the board names. Returns its
 * rate in Hz, 0 when it cannot be used. */
static RTM_NOINST uint32_t pick_clock(const struct latch_rt_cm_config *cfg, uint32_t *id)
{
	uint32_t a, b;
	volatile uint32_t spin;

	if (RTM_CM_CLOCK_ADDR == RTM_CM_DWT_ADDR) {
		RTM_DEMCR |= 1u << 24; /* TRCENA */
		RTM_DWT_CTRL |= 1u;    /* CYCCNTENA */
		a = RTM_CLOCK;
		for (spin = 0; spin < 16u; spin++)
			;
		b = RTM_CLOCK;
		*id = RTM_CLOCK_CM_DWT;
		return b != a ? cfg->cpu_hz : 0u;
	}
	if (cfg->timer != NULL && cfg->timer != &RTM_CLOCK)
		return 0;
	if ((cfg->timer_down != 0) != (RTM_CM_CLOCK_DOWN != 0))
		return 0;
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
	rtm.chunk0 = (((uint32_t)(uintptr_t)latch_rt_buffer + RTM_CM_FIXED + RTM_CM_CHUNK - 1u) &
	              ~(RTM_CM_CHUNK - 1u)) -
	             (uint32_t)(uintptr_t)latch_rt_buffer;
	if ((cfg->chunk_size != 0 && cfg->chunk_size != RTM_CM_CHUNK) ||
	    ((uintptr_t)latch_rt_buffer & 7u) != 0 || size < rtm.chunk0 + RTM_CM_CHUNK)
		return -1;
	hz = pick_clock(cfg, &id);
	if (hz == 0)
		return -1;
	for (i = 0; i < rtm.chunk0; i += 4u)
		w32(i, 0); /* next = 0: the hooks take the slow path */
	rtm.nchunks = (size - rtm.chunk0) / RTM_CM_CHUNK;
	for (i = 0; i < rtm.nchunks; i++) /* "never claimed"; the rest may be garbage */
		w64(chunk_off(i) + RTM_C_SEQ, 0);
	rtm.cur = 0;
	rtm.ring = cfg->ring != 0;
	rtm.semihost = cfg->semihost != 0;
	rtm.path = cfg->path ? cfg->path : "latch.trace";
	rtm.top = *(const volatile uint32_t *)RTM_SCB_VTOR; /* the vector table's initial SP */
	rtm.last = clk_up();
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
	w32(RTM_H_CHUNK_SIZE, RTM_CM_CHUNK);
	w64(RTM_H_MODULE_OFF, RTM_CM_MOD_OFF);
	w32(RTM_H_MODULE_CAP, 1u);
	w32(RTM_H_MODULE_COUNT, 1u);
	w32(RTM_H_MODULE_ESIZE, RTM_MOD_ESIZE);
	w64(RTM_H_THREAD_OFF, RTM_CM_THR_OFF);
	w32(RTM_H_THREAD_CAP, 1u);
	w32(RTM_H_THREAD_COUNT, 1u);
	w32(RTM_H_THREAD_ESIZE, RTM_THR_ESIZE);
	w32(RTM_H_HIST_SUB_BITS, 7u);
	w64(RTM_H_CHUNK_OFF, rtm.chunk0);
	w64(RTM_H_FILE_SIZE, rtm.chunk0);
	w32(RTM_H_TGT_ARCH, RTM_TGT_ARCH_ARMV7M);
	w32(RTM_H_TGT_ADDR_BITS, 32u);
	w32(RTM_H_TGT_CPU_HZ, cfg->cpu_hz);
	w32(RTM_H_TGT_FLAGS,
	    RTM_TF_TGT_SW_EXT | RTM_TF_TGT_COMPACT | (RTM_CM_CLOCK_DOWN ? RTM_TF_TGT_DOWN : 0u));
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
	unclaim(); /* the first event claims chunk 0 again, with its full time */
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
			d = r32(c + RTM_CHUNK_HDR + i * RTM_REC_SIZE + 8u); /* SP at an enter */
			if ((d & 3u) == 0 && d < rtm.top && rtm.top - d > max)
				max = rtm.top - d;
		}
	}
	/* As the reader sees it: in 16-byte units, saturated. */
	max >>= 4;
	w32(RTM_CM_THR_OFF + RTM_T_MAX_STACK,
	    (max < RTM_STACK_MAX ? max : RTM_STACK_MAX) * RTM_STACK_UNIT);
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

	put_count();
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
