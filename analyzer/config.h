/*
 * analyzer/config.h - the rules file (.latch.yaml) and the shipped rule packs.
 *
 * The project's .latch.yaml is found by walking up from the working directory
 * (or given with --config). It names the pack it `extends:` (default
 * "interlock", i.e. rules/interlock.yaml), and adds roots, list entries,
 * per-rule severities and declared indirect-call targets. Lists from the pack
 * and the project are concatenated; severities from the project win.
 *
 * Keys latch-check does not know (budgets, for latch-trace) are ignored, but
 * an unknown rule id is an error: a typo must not switch a check off.
 */
#ifndef AN_CONFIG_H
#define AN_CONFIG_H

#include <stddef.h>

#include "err.h"
#include "summary.h"

enum an_sev { AN_SEV_OFF, AN_SEV_WARNING, AN_SEV_ERROR };

/* A list of names or fnmatch(3) globs, each with where it was written. */
struct an_plist {
	char **pat;
	char **origin; /* "file:line:col" */
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
	int resolve_type; /* resolve_indirect: type */
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

#endif /* AN_CONFIG_H */
