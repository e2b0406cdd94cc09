/*
 * analyzer/scan.h - pragmas, suppressions and dependencies of a TU (see scan.c).
 */
#ifndef AN_SCAN_H
#define AN_SCAN_H

#include "ast.h"
#include "cache.h"

/* Records the files w->tu includes as dependencies (hashed through hc, which
 * may be NULL), the loopbound pragmas of its user files in w->pb and their
 * suppression comments in the summary. Runs before the AST walk, which binds
 * the pragmas to loops. Returns 0 or LC_ENOMEM. */
int an__scan_files(struct an__walk *w, struct an_hashcache *hc);

#endif /* AN_SCAN_H */
