/*
 * analyzer/util.h - small helpers shared by the analyzer modules: a
 * growable array helper, content hashes and path helpers. The string map is
 * common/strmap.h.
 *
 * Nothing here knows about libclang; the modules above build on it.
 */
#ifndef AN_UTIL_H
#define AN_UTIL_H

#include <stddef.h>
#include <stdint.h>

/* Makes room for `need` elements of size `elsz` in the array *p of capacity
 * *cap (both updated): common/grow.h's lc_grow, starting at 8. Returns 0 or
 * LC_ENOMEM; on failure *p is unchanged. */
int an_util_grow(void **p, size_t *cap, size_t need, size_t elsz);

/* 64-bit FNV-1a, used for cache keys and content hashes (change detection,
 * not security). `h` is the running value; start with AN_HASH_INIT. */
#define AN_HASH_INIT 0xcbf29ce484222325ull
uint64_t an_hash(uint64_t h, const void *data, size_t len);
uint64_t an_hash_str(uint64_t h, const char *s);

/* Orders source locations by file name, then line, then column: <0, 0 or
 * >0 as strcmp. The one order of findings, edges and diagnostics. */
int an_util_loc_cmp(const char *fa, unsigned la, unsigned ca, const char *fb, unsigned lb,
                    unsigned cb);

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
