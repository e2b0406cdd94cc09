/*
 * common/map.c - the 64-bit hash map of map.h.
 */
#include "map.h"

#include <stdlib.h>
#include <string.h>

void lc_map_init(struct lc_map *m)
{
	memset(m, 0, sizeof(*m));
}

void lc_map_fini(struct lc_map *m)
{
	free(m->keys);
	free(m->vals);
	free(m->used);
	memset(m, 0, sizeof(*m));
}

static size_t slot_of(uint64_t key, size_t cap)
{
	/* Fibonacci hashing: the high bits of key * 2^64/phi. */
	return (size_t)((key * 0x9e3779b97f4a7c15ULL) >> 17) & (cap - 1);
}

static size_t find(const struct lc_map *m, uint64_t key)
{
	size_t i = slot_of(key, m->cap);

	while (m->used[i] && m->keys[i] != key)
		i = (i + 1) & (m->cap - 1);
	return i;
}

uint64_t *lc_map_get(const struct lc_map *m, uint64_t key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = find(m, key);
	return m->used[i] ? &m->vals[i] : NULL;
}

static int grow(struct lc_map *m)
{
	struct lc_map nm;
	size_t i;

	nm.cap = m->cap ? m->cap * 2 : 64;
	nm.n = m->n;
	nm.keys = malloc(nm.cap * sizeof(*nm.keys));
	nm.vals = malloc(nm.cap * sizeof(*nm.vals));
	nm.used = calloc(nm.cap, 1);
	if (nm.keys == NULL || nm.vals == NULL || nm.used == NULL) {
		free(nm.keys);
		free(nm.vals);
		free(nm.used);
		return -1;
	}
	for (i = 0; i < m->cap; i++)
		if (m->used[i]) {
			size_t j = find(&nm, m->keys[i]);

			nm.used[j] = 1;
			nm.keys[j] = m->keys[i];
			nm.vals[j] = m->vals[i];
		}
	lc_map_fini(m);
	*m = nm;
	return 0;
}

uint64_t *lc_map_put(struct lc_map *m, uint64_t key, int *added)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return NULL;
	i = find(m, key);
	if (added)
		*added = !m->used[i];
	if (!m->used[i]) {
		m->used[i] = 1;
		m->keys[i] = key;
		m->vals[i] = 0;
		m->n++;
	}
	return &m->vals[i];
}
