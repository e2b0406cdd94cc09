/*
 * analyzer/cache.h - content hashes and the on-disk cache of summaries.
 *
 * Cache: DIR/<key>.json (DIR is --cache-dir, or BUILD_DIR/.latch-cache) where
 * key hashes the source path and the cleaned arguments. An entry is reused
 * only when every dependency still has the recorded content hash (size and
 * mtime are a fast pre-check).
 */
#ifndef AN_CACHE_H
#define AN_CACHE_H

#include <stdint.h>

#include "err.h"
#include "summary.h"

/* Shared across worker threads: path -> content hash of this run, so each
 * header is hashed once however many TUs include it. */
struct an_hashcache;
int an_hashcache_new(struct an_hashcache **out);
void an_hashcache_free(struct an_hashcache *hc);
/* Fills d (path copied) with the file's size, mtime and content hash.
 * Returns 0, LC_EIO or LC_ENOMEM. Thread-safe. */
int an_hashcache_dep(struct an_hashcache *hc, struct an_sdep *d, const char *path);

/* Cache key of a TU: source path + cleaned argv + analyzer and libclang versions. */
uint64_t an_summary_key(const char *file, const char *const *argv, int argc,
                        const char *tool_version);

/* Loads the cached summary for key from dir. Sets *out to NULL (and returns 0)
 * on a miss: no entry, an unreadable entry, or a dependency that changed. */
int an_summary_cache_load(struct an_summary **out, const char *dir, uint64_t key,
                          struct an_hashcache *hc);
/* Stores s under key (written to a temporary file and renamed, so a
 * concurrent reader never sees half an entry). Returns 0 or LC_EIO. */
int an_summary_cache_store(const struct an_summary *s, const char *dir, uint64_t key,
                           struct lc_err *err);

#endif /* AN_CACHE_H */
