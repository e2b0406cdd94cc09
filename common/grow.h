/*
 * common/grow.h - lc_grow(): room for one more element in a growing array,
 * the capacity doubling, so each module does not write the realloc dance
 * again; lc_grow_slot(): that element itself.
 */
#ifndef LC_GROW_H
#define LC_GROW_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"

/* Makes *arr (a pointer to an array of elem-byte elements, capacity *cap)
 * hold at least n elements: the capacity doubles, starting at first.
 * arr is the address of the array pointer (a T **). Returns 0, or LC_ENOMEM
 * with *arr and *cap unchanged. */
static inline int lc_grow(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	void *p, *q;
	size_t c = *cap ? *cap : first;

	if (n <= *cap)
		return 0;
	while (c < n)
		c *= 2u;
	if (c > SIZE_MAX / elem)
		return LC_ENOMEM;
	memcpy(&p, arr, sizeof(p));
	q = realloc(p, c * elem);
	if (q == NULL)
		return LC_ENOMEM;
	memcpy(arr, &q, sizeof(q));
	*cap = c;
	return 0;
}

/* Room for one more element after the n of *arr (as lc_grow): the new
 * element's address, zeroed and not yet counted, or NULL (out of memory)
 * with *arr and *cap unchanged. */
static inline void *lc_grow_slot(void *arr, size_t *cap, size_t n, size_t elem, size_t first)
{
	char *p;

	if (lc_grow(arr, cap, n + 1, elem, first) < 0)
		return NULL;
	memcpy(&p, arr, sizeof(p));
	memset(p + n * elem, 0, elem);
	return p + n * elem;
}

#endif /* LC_GROW_H */
