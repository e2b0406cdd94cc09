/*
 * analyzer/util.h - small containers shared by the analyzer modules: a
 * growable array helper, an interned string-to-index map and path helpers.
 *
 * Nothing here knows about libclang; the modules above build on it.
 */
#ifndef AN_UTIL_H
#define AN_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Makes room for `need` elements of size `elsz` in the array *p of capacity
 * *cap (both updated). Returns 0 or LC_ENOMEM; on failure *p is unchanged. */
int an_util_grow(void **p, size_t *cap, size_t need, size_t elsz);

/* A string -> int map with owned keys (open addressing, power-of-two size).
 * The zero-initialised struct is an empty map. */
struct an_map {
	char **keys;
	int *vals;
	size_t cap;
	size_t len;
};

/* Looks up key; returns its value or -1 when absent. */
int an_map_get(const struct an_map *m, const char *key);
/* Inserts key -> val when absent. *out_val receives the stored value (the old
 * one when key was present). Returns 0 or LC_ENOMEM. */
int an_map_put(struct an_map *m, const char *key, int val, int *out_val);
void an_map_fini(struct an_map *m);

/* 64-bit FNV-1a, used for cache keys and content hashes (change detection,
 * not security). `h` is the running value; start with AN_HASH_INIT. */
#define AN_HASH_INIT 0xcbf29ce484222325ull
uint64_t an_hash(uint64_t h, const void *data, size_t len);
uint64_t an_hash_str(uint64_t h, const char *s);

/* Reads a whole file into a NUL-terminated buffer the caller frees.
 * Returns 0, LC_EIO or LC_ENOMEM. */
int an_util_read_file(char **out, size_t *out_len, const char *path);

/* Returns a newly allocated copy of path made relative to cwd when it lies
 * under cwd, else a copy of path. NULL on allocation failure. */
char *an_util_relpath(const char *path, const char *cwd);

/* Lexically normalises an absolute path ("a/./b/../c" -> "a/c") in place. */
void an_util_normpath(char *path);

/* Returns a newly allocated absolute, normalised form of `path`, taken
 * relative to `dir` when it is relative. NULL on allocation failure. */
char *an_util_abspath(const char *path, const char *dir);

#endif /* AN_UTIL_H */
