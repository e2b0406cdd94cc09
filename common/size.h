/*
 * common/size.h - the one grammar of byte sizes, for rules files and command
 * lines alike.
 *
 *   size   := number [ws] [unit]
 *   number := decimal digits (a leading 0 is still decimal: 010K is 10 KiB)
 *           | 0x hexadecimal digits
 *           ('_' may separate digits after the first: 1_024)
 *   unit   := K | k | KB | KiB | M | MB | MiB | G | GB | GiB | B
 *
 * Every multiple is binary (K = 1024), as linker scripts and size(1) mean
 * it. A hexadecimal number takes K, M or G (0x10K) but not B, which would be
 * a hex digit. Octal is never implied: C's 010 == 8 surprises everybody who
 * writes a budget.
 */
#ifndef LC_SIZE_H
#define LC_SIZE_H

#include <stdint.h>

/* Parses s (the whole string). Returns 0 and writes *out, or LC_EFORMAT
 * (s NULL, empty, negative, malformed or above UINT64_MAX) leaving *out
 * untouched. */
int lc_size_parse(const char *s, uint64_t *out);

/* Examples to quote in messages. */
#define LC_SIZE_EXAMPLES "4096, 4K, 512KiB, 1M or 0x1000"

#endif /* LC_SIZE_H */
