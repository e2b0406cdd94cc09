/*
 * tests/tracer/data/mm_fixture.c - a host program with data of known sizes
 * for `latch-trace memmap` (memmap_check.py): initialised data (.data),
 * zeroed data (.bss), constants (.rodata). TLM_SIZE changes between the
 * two builds of the --diff test and no code depends on it, so exactly
 * tlm_buffer must grow.
 */
#include <stdint.h>
#include <stdio.h>

#ifndef TLM_SIZE
#define TLM_SIZE 1024
#endif

uint8_t tlm_buffer[TLM_SIZE];
uint32_t calib_table[64] = {1, 2, 3, 4};
static const char banner[200] = "latch memmap fixture";
static uint16_t counters[32];

uint32_t fixture_sum(unsigned n)
{
	uint32_t s = 0;
	unsigned i;

	for (i = 0; i < n && i < 64; i++)
		s += calib_table[i] + counters[i % 32];
	return s;
}

int main(int argc, char **argv)
{
	(void)argv;
	tlm_buffer[argc & 1023] = (uint8_t)argc;
	counters[argc % 32]++;
	printf("%s %u %u\n", banner, (unsigned)fixture_sum((unsigned)argc), tlm_buffer[1]);
	return 0;
}
