/*
 * common/strmap.h - lc_strmap, a hash map from a string to a size_t (open
 * addressing, linear probing, power-of-two capacity kept at most half
 * full). The one string-keyed map of the tools: a name or USR -> index into
 * the caller's array (call graph functions, compile-unit rows, analyzer
 * summaries), a set of keys already seen.
 *
 * The map owns copies of its keys. Nothing iterates it, so no output
 * depends on the hash. Zero the struct (or lc_strmap_init) for an empty map;
 * release with lc_strmap_fini.
 */
#ifndef LC_STRMAP_H
#define LC_STRMAP_H

#include <stddef.h>

struct lc_strmap {
	char **keys; /* NULL: empty slot */
	size_t *vals;
	size_t cap, n;
};

void lc_strmap_init(struct lc_strmap *m);
void lc_strmap_fini(struct lc_strmap *m);

/* The value slot of key, or NULL when absent. Borrowed until the next put. */
size_t *lc_strmap_get(const struct lc_strmap *m, const char *key);

/* The value slot of key, added with value 0 when absent (*added says which;
 * may be NULL). Returns NULL only when out of memory; the map is then as it
 * was. Borrowed until the next put. */
size_t *lc_strmap_put(struct lc_strmap *m, const char *key, int *added);

#endif /* LC_STRMAP_H */
