/*
 * runtime/src/rtm_format.h - byte offsets and constants of the trace file.
 *
 * The single definition of the layout in docs/trace-format.md, shared by the
 * writer (runtime) and the reader (common/trace.c). Header-only and free of
 * dependencies beyond <stdint.h>, so a firmware build needs nothing else.
 * All fields are little-endian at these offsets.
 */
#ifndef RTM_FORMAT_H
#define RTM_FORMAT_H

#include <stdint.h>

#define RTM_MAGIC       "LATCHTR" /* 8 bytes with the NUL */
#define RTM_VERSION     1u
#define RTM_ENDIAN_MARK 0x01020304u

#define RTM_HDR_SIZE 4096u

/* File header field offsets. */
#define RTM_H_MAGIC           0u
#define RTM_H_VERSION         8u
#define RTM_H_ENDIAN          12u
#define RTM_H_HEADER_SIZE     16u
#define RTM_H_FLAGS           20u
#define RTM_H_CLOCK           24u
#define RTM_H_MODE            28u
#define RTM_H_TICK_HZ         32u
#define RTM_H_NS_MULT         40u
#define RTM_H_TICK_REF        48u
#define RTM_H_NS_REF          56u
#define RTM_H_HOOK_COST       64u
#define RTM_H_START_REALTIME  72u
#define RTM_H_PID             80u
#define RTM_H_PPID            84u
#define RTM_H_START_TICKS     88u
#define RTM_H_STOP_TICKS      96u
#define RTM_H_CHUNK_SIZE      104u
#define RTM_H_CHUNK_COUNT     108u
#define RTM_H_CHUNK_CLAIMS    112u
#define RTM_H_LOST_TOTAL      120u
#define RTM_H_MODULE_OFF      128u
#define RTM_H_MODULE_CAP      136u
#define RTM_H_MODULE_COUNT    140u
#define RTM_H_MODULE_GEN      144u
#define RTM_H_MODULE_ESIZE    148u
#define RTM_H_THREAD_OFF      152u
#define RTM_H_THREAD_CAP      160u
#define RTM_H_THREAD_COUNT    164u
#define RTM_H_THREAD_ESIZE    168u
#define RTM_H_HEAP_EVENTS     172u
#define RTM_H_SUMMARY_OFF     176u
#define RTM_H_SUMMARY_CAP     184u
#define RTM_H_SUMMARY_ESIZE   188u
#define RTM_H_HIST_BUCKETS    192u
#define RTM_H_HIST_SUB_BITS   196u
#define RTM_H_CHUNK_OFF       200u
#define RTM_H_FILE_SIZE       208u
#define RTM_H_LOST_NO_SLOT    216u
#define RTM_H_BUILD_ID_LEN    224u
#define RTM_H_BUILD_ID        228u
#define RTM_H_SUMMARY_FLUSHES 260u
#define RTM_H_HEAPGUARD_LOST  264u
/* Host runtime block (trim, start-up state, hook residue). */
#define RTM_H_HOOK_RESIDUE 272u /* ticks from an empty function's enter stamp to its exit stamp */
#define RTM_H_CHUNKS_KEPT  280u /* chunks left in the file by a trim (RTM_F_TRIMMED) */
/* Host figures of interference (docs/trace-format.md, "Run-queue delay and
 * steal time"); valid with RTM_F_STEAL / RTM_F_STEAL_END. */
#define RTM_H_STEAL0     416u /* the machine's steal time at start, ns (/proc/stat) */
#define RTM_H_STEAL1     424u /* ... at the clean stop, ns */
#define RTM_H_NCPUS      432u /* CPUs online at start (steal is their sum) */
#define RTM_H_EXE_PATH   512u
#define RTM_EXE_PATH_MAX 1024u
#define RTM_BUILD_ID_MAX 32u

#define RTM_F_FINISHED  0x1u
#define RTM_F_FORKED    0x2u
#define RTM_F_STARTING  0x4u   /* set from the first write of the header until start-up is done */
#define RTM_F_TRIMMED   0x8u   /* the file was cut to its first chunks_kept chunks */
#define RTM_F_RUNQ      0x100u /* threads record their run-queue delay (RTM_TF_RUNQ) */
#define RTM_F_STEAL     0x200u /* RTM_H_STEAL0 and RTM_H_NCPUS hold the start's steal time */
#define RTM_F_STEAL_END 0x400u /* RTM_H_STEAL1 holds the stop's */

/* Bit 63 of chunk_claims: claims closed at stop, before the trim. */
#define RTM_CLAIMS_CLOSED (UINT64_C(1) << 63)

enum rtm_clock { RTM_CLOCK_TSC = 1, RTM_CLOCK_CNTVCT = 2, RTM_CLOCK_MONO_RAW = 3 };
enum rtm_mode { RTM_MODE_STOP = 1, RTM_MODE_RING = 2, RTM_MODE_SUMMARY = 3 };

/* Module table entry. */
#define RTM_MOD_ESIZE      512u
#define RTM_M_BIAS         0u
#define RTM_M_START        8u
#define RTM_M_END          16u
#define RTM_M_BUILD_ID_LEN 24u
#define RTM_M_BUILD_ID     28u
#define RTM_M_FLAGS        60u
#define RTM_M_PATH         64u
#define RTM_MOD_PATH_MAX   448u
#define RTM_MOD_F_MAIN     0x1u
#define RTM_MOD_F_VDSO     0x2u

/* Thread table entry. */
#define RTM_THR_ESIZE      64u
#define RTM_T_TID          0u
#define RTM_T_FLAGS        4u
#define RTM_T_LOST         8u
#define RTM_T_STACK_BASE   16u
#define RTM_T_STACK_SIZE   24u
#define RTM_T_RECORDS      32u
#define RTM_T_CHUNKS       40u
#define RTM_T_MAX_STACK    44u
#define RTM_T_RUNQ         48u /* run-queue delay at the thread's last seal, ns (RTM_TF_RUNQ) */
#define RTM_T_RUNQ_SEQ     56u /* seq of the chunk that seal closed */
#define RTM_TF_MAIN        0x1u
#define RTM_TF_STACK_EXACT 0x2u
#define RTM_TF_EXITED      0x4u
#define RTM_TF_RUNQ        0x8u /* its chunks' RTM_C_RUNQ and RTM_T_RUNQ are valid */

/* Chunk header. */
#define RTM_CHUNK_HDR   64u
#define RTM_CHUNK_MAGIC 0x314b4843u
#define RTM_C_MAGIC     0u
#define RTM_C_STATE     4u
#define RTM_C_SEQ       8u
#define RTM_C_TID       16u
#define RTM_C_THREAD    20u
#define RTM_C_COUNT     24u
#define RTM_C_CAP       28u
#define RTM_C_NVCSW0    32u
#define RTM_C_NIVCSW0   36u
#define RTM_C_NVCSW1    40u
#define RTM_C_NIVCSW1   44u
#define RTM_C_PREV_SEQ  48u
#define RTM_C_EVENTS    56u
#define RTM_C_RUNQ      60u /* run-queue delay at the claim, ns, low 32 bits (RTM_TF_RUNQ) */
#define RTM_CS_FREE     0u
#define RTM_CS_OWNED    1u
#define RTM_CS_SEALED   2u

/* Records. */
#define RTM_REC_SIZE    16u
#define RTM_ADDR_BITS   48u
#define RTM_ADDR_MASK   ((UINT64_C(1) << RTM_ADDR_BITS) - 1u)
#define RTM_KIND_SHIFT  48u
#define RTM_STACK_SHIFT 50u
#define RTM_STACK_MAX   0x3fffu
#define RTM_STACK_UNIT  16u
enum rtm_kind { RTM_K_ENTER = 0, RTM_K_EXIT = 1, RTM_K_MARK = 2, RTM_K_EXT = 3 };
enum rtm_ext { RTM_EXT_MARK = 1, RTM_EXT_HEAP = 2 };
#define RTM_EXT_PAYLOAD_MAX 1024u
#define RTM_MARK_NAME_MAX   64u
#define RTM_HEAP_FRAMES_MAX 32u
#define RTM_HEAP_HDR        24u

/* Summary table entry. */
#define RTM_S_ADDR      0u
#define RTM_S_COUNT     8u
#define RTM_S_MIN       16u
#define RTM_S_MAX       24u
#define RTM_S_SUM       32u
#define RTM_S_MAX_STACK 40u
#define RTM_S_HIST      64u
#define RTM_SUM_BUCKETS 3840u

/* Target (bare-metal Cortex-M) block, issue 11: written by runtime/cortexm,
 * zero in host traces. Kept at the end of the header's reserved area so it
 * never meets the host fields above. docs/trace-format.md, "Target traces". */
#define RTM_H_TGT_ARCH        3840u /* 0 host; 1 ARMv7-M (Thumb) */
#define RTM_H_TGT_ADDR_BITS   3844u /* 32: addresses are 32-bit, zero-extended */
#define RTM_H_TGT_CPU_HZ      3848u /* the core clock, Hz */
#define RTM_H_TGT_FLAGS       3852u /* RTM_TF_TGT_* */
#define RTM_H_TGT_FAULT_PC    3856u /* stacked PC of the hard fault */
#define RTM_H_TGT_FAULT_LR    3860u /* stacked LR */
#define RTM_H_TGT_CFSR        3864u /* SCB->CFSR at the fault */
#define RTM_H_TGT_HFSR        3868u /* SCB->HFSR at the fault */
#define RTM_H_TGT_BUF_ADDR    3872u /* address of latch_rt_buffer on the target */
#define RTM_H_TGT_BUF_SIZE    3876u /* its size in bytes */
#define RTM_H_TGT_FLUSHES     3880u /* times the buffer was written out */
#define RTM_H_TGT_HOOK_CYCLES 3884u /* hook pair cost in core cycles (0: unknown) */
/* With RTM_TF_TGT_COMPACT: the hooks' state, in the buffer itself so that a
 * RAM dump carries it: the target address (not offset) of the next free slot
 * of the chunk being written, 0 when no chunk is open. The chunk's count
 * field is brought up to date only when it is sealed or the trace is
 * flushed; a reader takes the open chunk's count from next. */
#define RTM_H_TGT_NEXT      3888u
#define RTM_TGT_ARCH_ARMV7M 1u
#define RTM_TF_TGT_FAULT    0x1u /* the run ended in a hard fault */
#define RTM_TF_TGT_SW_EXT   0x2u /* a 32-bit counter extended to 64 bits in software */
/* Compact target records (docs/trace-format.md, "Compact target records"):
 * word 0 the clock's low 32 bits (the first slot of a chunk: of its 64-bit
 * time, whose upper half is word 3), word 1 the address, word 2 SP (enter),
 * SP | 2 (mark) or LR, odd (exit). The reader widens them to 16-byte records
 * of the host layout before anything else reads the trace. */
#define RTM_TF_TGT_COMPACT 0x4u
#define RTM_TF_TGT_DOWN    0x8u /* compact records: word 0 is a down-counter's raw value */
enum rtm_tgt_clock { RTM_CLOCK_CM_DWT = 16, RTM_CLOCK_CM_TIMER = 17 };

#endif /* RTM_FORMAT_H */
