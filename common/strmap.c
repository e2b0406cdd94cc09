/*
 * common/strmap.c - the string map of strmap.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "strmap.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

void lc_strmap_init(struct lc_strmap *m)
{
	memset(m, 0, sizeof(*m));
}

void lc_strmap_fini(struct lc_strmap *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
}

/* 64-bit FNV-1a. */
static size_t slot_of(const char *s, size_t cap)
{
	uint64_t h = 0xcbf29ce484222325ULL;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 0x100000001b3ULL;
	return (size_t)h & (cap - 1);
}

static size_t find(const struct lc_strmap *m, const char *key)
{
	size_t i = slot_of(key, m->cap);

	while (m->keys[i] != NULL && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

size_t *lc_strmap_get(const struct lc_strmap *m, const char *key)
{
	size_t i;

	if (m->cap == 0)
		return NULL;
	i = find(m, key);
	return m->keys[i] != NULL ? &m->vals[i] : NULL;
}

static int grow(struct lc_strmap *m)
{
	struct lc_strmap nm;
	size_t i;

	nm.cap = m->cap ? m->cap * 2 : 64;
	nm.n = m->n;
	nm.keys = calloc(nm.cap, sizeof(*nm.keys));
	nm.vals = malloc(nm.cap * sizeof(*nm.vals));
	if (nm.keys == NULL || nm.vals == NULL) {
		free(nm.keys);
		free(nm.vals);
		return -1;
	}
	for (i = 0; i < m->cap; i++)
		if (m->keys[i] != NULL) {
			size_t j = find(&nm, m->keys[i]);

			nm.keys[j] = m->keys[i];
			nm.vals[j] = m->vals[i];
		}
	free(m->keys);
	free(m->vals);
	*m = nm;
	return 0;
}

size_t *lc_strmap_put(struct lc_strmap *m, const char *key, int *added)
{
	size_t i;

	if ((m->n + 1) * 2 > m->cap && grow(m) < 0)
		return NULL;
	i = find(m, key);
	if (added)
		*added = m->keys[i] == NULL;
	if (m->keys[i] == NULL) {
		m->keys[i] = strdup(key);
		if (m->keys[i] == NULL)
			return NULL;
		m->vals[i] = 0;
		m->n++;
	}
	return &m->vals[i];
}
