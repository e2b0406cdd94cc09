/* Uses the target C library's headers (newlib, picolibc, avr-libc): parsed
 * only when the driver's built-in include directories reach clang. */
#include <inttypes.h>
#include <math.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>

#include <latch/annotate.h>

/* the database entry sets TARGET_CHECK to the target's own macro
 * (__arm__, __riscv, __AVR__) and EXPECT_PTR_SIZE */
#if !TARGET_CHECK
#error "parsed for the wrong target"
#endif

_Static_assert(sizeof(void *) == EXPECT_PTR_SIZE, "pointer size of the target");

static uint8_t buf[8];

LATCH_INTERLOCK int32_t libc_root(int32_t x)
{
	memset(buf, 0, sizeof(buf));
	return (int32_t)(fabsf((float)x) + (float)PRId32[0] + (float)sizeof(jmp_buf));
}
