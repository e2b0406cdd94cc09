/*
 * common/map.h - lc_map, a hash map from a 64-bit key to a 64-bit value
 * (open addressing, linear probing, power-of-two capacity kept at most half
 * full). The one small map of the tools: address -> function index in a
 * trace replay, (caller, callee) edge sets of a call graph.
 *
 * Any key is allowed (0 too). Storage is owned by the struct: zero it (or
 * lc_map_init), release with lc_map_fini.
 */
#ifndef LC_MAP_H
#define LC_MAP_H

#include <stddef.h>
#include <stdint.h>

struct lc_map {
	uint64_t *keys;
	uint64_t *vals;
	unsigned char *used;
	size_t cap, n;
};

void lc_map_init(struct lc_map *m);
void lc_map_fini(struct lc_map *m);

/* The value slot of key, or NULL when absent. Borrowed until the next put. */
uint64_t *lc_map_get(const struct lc_map *m, uint64_t key);

/* The value slot of key, added with value 0 when absent (*added says which;
 * may be NULL). Returns NULL only when out of memory. */
uint64_t *lc_map_put(struct lc_map *m, uint64_t key, int *added);

#endif /* LC_MAP_H */
