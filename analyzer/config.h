/*
 * analyzer/config.h - latch-check's view of the rules file (.latch.yaml) and
 * the shipped rule packs, over the one loader common/config.h.
 *
 * The project's .latch.yaml is found by walking up from the working directory
 * (or given with --config). It names the pack it `extends:` (default
 * "interlock", i.e. rules/interlock.yaml), and adds roots, list entries,
 * per-rule severities, declared indirect-call targets, `exclude:` globs and
 * `suppressions:`. Lists from the pack and the project are concatenated;
 * severities from the project win. The loader knows every key of the file
 * (latch-trace's too), so an unknown key anywhere is an error.
 *
 * known_safe wins over the allocator and blocking lists for a function it
 * names exactly, unless a later file (the project over its pack) lists that
 * function again as an allocator or blocking; a known_safe glob only allows
 * functions no list names (see an_config_is_allocator).
 */
#ifndef AN_CONFIG_H
#define AN_CONFIG_H

#include <stddef.h>

#include "lc_config.h"
#include "err.h"
#include "summary.h"

enum an_sev { AN_SEV_OFF, AN_SEV_WARNING, AN_SEV_ERROR };

/* A list of names or fnmatch(3) globs, each with where it was written. */
struct an_plist {
	char **pat;
	char **origin;   /* "file:line:col" */
	unsigned *layer; /* index of the file that wrote it, packs first */
	size_t n, cap;
};

struct an_indirect {
	char *caller; /* name or glob of the calling function */
	char *origin;
	struct an_plist targets;
};

struct an_config {
	char *path; /* the project rules file, NULL when none was found */
	char *pack; /* the rule pack file that was applied, or NULL */
	enum an_sev sev[AN_RULE__COUNT];
	struct an_plist roots, allocators, blocking, known_safe;
	struct an_indirect *ind;
	size_t nind, capind;
	int resolve_type;       /* resolve_indirect: type */
	struct lc_config lc;    /* everything the files said (exclude, suppressions, ...) */
	struct an_ssupp *supps; /* lc.supps as deviation records, one per item */
	size_t nsupps;
};

/* Loads the configuration. `explicit_path` (may be NULL) is --config; else
 * .latch.yaml is searched from `cwd` upward. `rules_dirs` is a NULL-ended list
 * of directories holding the shipped packs. Returns 0, LC_EIO, LC_EFORMAT,
 * LC_ENOTFOUND or LC_ENOMEM with err naming file, line and column. */
int an_config_load(struct an_config *out, const char *explicit_path, const char *cwd,
                   const char *const *rules_dirs, struct lc_err *err);
void an_config_fini(struct an_config *cfg);

/* Does `name` match any pattern of the list? */
int an_plist_match(const struct an_plist *l, const char *name);

/* Is a call to `name` a heap-alloc / a blocking-call? Both apply the
 * known_safe override described at the top. */
int an_config_is_allocator(const struct an_config *cfg, const char *name);
int an_config_is_blocking(const struct an_config *cfg, const char *name);

/* May `name` be called without a body (unknown-callee)? */
int an_config_is_known_safe(const struct an_config *cfg, const char *name);

/* The `exclude:` glob that drops the source file `path` (absolute) from the
 * check, or NULL. Globs follow lc_config_glob_file: one without '/' matches
 * the file's name in any folder, one with '/' the path relative to the
 * folder of the YAML file that wrote it ('*' also crosses '/'), one that
 * starts with '/' the absolute path. */
const char *an_config_excluded(const struct an_config *cfg, const char *path);

/* The exclude globs of the command line (`cli`, n of them) followed by the
 * rules file's, the latter made absolute where they are relative to their
 * YAML's folder, so that compdb.c's --exclude matching (absolute path, path
 * relative to the working directory, or base name for a glob without '/')
 * gives each the meaning documented above. *out (n_out strings) is owned by
 * the caller: an_config_globs_free. Returns 0 or LC_ENOMEM. */
int an_config_exclude_globs(const struct an_config *cfg, const char *const *cli, size_t n,
                            char ***out, size_t *n_out, struct lc_err *err);
void an_config_globs_free(char **v, size_t n);

/* The `suppressions:` item that covers a finding of `rule` at file:line
 * (absolute path) inside function `func` (may be NULL), or NULL. The record
 * reads like a source suppression: its file and line are where the item is
 * written in the YAML. */
const struct an_ssupp *an_config_suppression(const struct an_config *cfg, enum an_rule rule,
                                             const char *file, unsigned line, const char *func);

#endif /* AN_CONFIG_H */
