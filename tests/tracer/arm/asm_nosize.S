/* tests/tracer/arm/asm_nosize.S - an assembly function without .size, like
 * newlib's memchr.S: its symbol has size 0, only the DWARF of its compile
 * unit (as -g: DW_AT_low_pc/high_pc) says how many bytes it has. */
	.syntax unified
	.thumb
	.section .text.asm_nosize,"ax",%progbits
	.global asm_nosize
	.type asm_nosize, %function
asm_nosize:
	movs r0, #0
	adds r0, r0, #1
	adds r0, r0, #2
	adds r0, r0, #3
	bx lr
