/* A Cortex-M startup stub, as every bear-recorded MCU build has one: an
 * assembler entry of the database that latch-check lists, never parses. */
	.syntax unified
	.thumb
	.section .text.reset_stub, "ax", %progbits
	.global reset_stub
	.type reset_stub, %function
reset_stub:
	b reset_stub
