/*
 * common/lc_config.h - the one loader of the rules file (.latch.yaml) and of
 * the rule packs it extends, for latch-check and latch-trace alike.
 *
 * lc_config_load reads a file, follows its `extends:` (a shipped pack name
 * looked up in the rules directories, or a file path relative to the file
 * that names it; one name or a list) depth first, and returns everything as
 * plain structs. Every value keeps where it was written (file:line:col), so
 * whoever uses it can point at the line. Packs are applied before the file
 * that extends them: lists are concatenated in that order, single values
 * (severities, resolve_indirect) are overridden by the later file.
 *
 * Every key of every section is known here. An unknown key, anywhere, is an
 * error naming its position and the nearest known key ("unknown key
 * 'budget'; did you mean 'budgets'?"): a typo must never turn a gate off.
 * The schema is documented in rules/README.md (the latch-check part) and
 * docs/budgets.md (budgets, stack notes).
 *
 * The tools take their views from this struct: analyzer/config.c (roots,
 * rules, lists, exclude, suppressions), tracer/report/budget.c (budgets;
 * trc_budgets_config() gives the stack command indirect_targets and
 * recursion_bounds). The keys inside frames: and interrupts: are the stack
 * analysis's own (tracer/binary/stackrules.c); the loader only checks that
 * each is a mapping.
 */
#ifndef LC_CONFIG_H
#define LC_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct lc_yaml;

/* Where a value was written. file is borrowed from the config (it lives as
 * long as the struct lc_config); line and col start at 1. */
struct lc_origin {
	const char *file;
	unsigned line, col;
	unsigned layer; /* index of the file in load order: packs first, 0-based */
};

/* A name or fnmatch(3) glob, with its origin. */
struct lc_pat {
	char *pat;
	struct lc_origin at;
};

struct lc_pats {
	struct lc_pat *v;
	size_t n, cap;
};

/* The rule ids of rules/README.md, in the order of analyzer's enum an_rule
 * (analyzer/rule.c checks the two agree at compile time). */
enum lc_rule {
	LC_RULE_HEAP_ALLOC,
	LC_RULE_UNBOUNDED_LOOP,
	LC_RULE_RECURSION,
	LC_RULE_INDIRECT_CALL,
	LC_RULE_BLOCKING_CALL,
	LC_RULE_UNKNOWN_CALLEE,
	LC_RULE__COUNT
};

/* "heap-alloc", ...; NULL out of range. */
const char *lc_rule_id(enum lc_rule r);
/* The rule of an id, or -1. */
int lc_rule_from_id(const char *id);

enum lc_sev { LC_SEV_OFF, LC_SEV_WARNING, LC_SEV_ERROR };

/* rules: { RULE: error|warning|off } or { RULE: { severity: ... } } */
struct lc_rule_sev {
	int set; /* 0: no file said anything (the tool's default applies) */
	enum lc_sev sev;
	struct lc_origin at;
};

/* indirect_targets: { CALLER: [TARGET, ...] } (names or globs) */
struct lc_indirect {
	struct lc_pat caller;
	struct lc_pats targets;
};

/* recursion_bounds: { FUNC: DEPTH } (latch-trace stack) */
struct lc_rbound {
	struct lc_pat func;
	uint64_t depth; /* >= 1 */
};

/* suppressions: [ { file, line | function, rule, reason, bound } ] */
struct lc_suppression {
	char *file;     /* glob on the path relative to base_dir, or NULL */
	char *function; /* name or glob of the enclosing function, or NULL */
	unsigned line;  /* 0: any line */
	unsigned rules; /* bit set of 1u << enum lc_rule */
	long bound;     /* recursion: the depth the reason vouches for, else -1 */
	char *reason;
	const char *base_dir; /* directory of the file that wrote it (borrowed) */
	struct lc_origin at;  /* the item's position */
};

enum lc_budget_kind {
	LC_BUDGET_LOST_EVENTS = 0, /* lost_events_max; subject "trace", unit "events" */
	LC_BUDGET_FUNC_MAX,        /* functions.X.max_us, "us" */
	LC_BUDGET_FUNC_P99,        /* functions.X.p99_us, "us" */
	LC_BUDGET_FUNC_STACK,      /* functions.X.stack_bytes, "bytes" */
	LC_BUDGET_MEM_REGION,      /* memory.<region>, "bytes" */
	LC_BUDGET_MEM_SECTION,     /* memory.sections.X, "bytes" */
	LC_BUDGET_MEM_SYMBOL,      /* memory.symbols.X, "bytes" */
	LC_BUDGET_STACK_ROOT,      /* stack.X, "bytes" */
	LC_BUDGET_FUNC_COVERAGE,   /* functions.X.coverage_min, "%" (reserved, issue 12) */
	LC_BUDGET__COUNT
};

struct lc_budget {
	enum lc_budget_kind kind;
	char *subject;       /* function or glob, region, section, symbol glob, root; "trace" */
	double limit;        /* in unit */
	const char *unit;    /* "us", "bytes", "events" or "%" (static) */
	struct lc_origin at; /* of the limit's value */
};

enum lc_resolve { LC_RESOLVE_UNSET, LC_RESOLVE_NONE, LC_RESOLVE_TYPE };

struct lc_config {
	char *path;            /* the file given to the loader (as given) */
	char *pack;            /* the first shipped pack or extended file applied, or NULL */
	char **files;          /* every file read, in load order (layer i = files[i]) */
	char **dirs;           /* directory of files[i], for relative globs */
	struct lc_yaml **docs; /* the document of files[i], kept: lc_config_doc */
	size_t nfiles, capfiles;

	struct lc_rule_sev sev[LC_RULE__COUNT];
	struct lc_pats roots, allocators, blocking, known_safe, exclude;
	struct lc_indirect *ind;
	size_t nind, capind;
	enum lc_resolve resolve;
	struct lc_origin resolve_at;
	struct lc_rbound *rbounds;
	size_t nrbounds, caprbounds;
	struct lc_suppression *supps;
	size_t nsupps, capsupps;
	struct lc_budget *budgets;
	size_t nbudgets, capbudgets;
};

/*
 * Loads `path` and what it extends. A file without `extends:` extends the
 * default pack "interlock" when is_project is set (the project file), and
 * nothing otherwise; `extends: none` extends nothing. `dirs` is a NULL-ended
 * list of directories holding the shipped packs (NULL: lc_config_rules_dirs).
 * Returns 0, LC_EIO (unreadable), LC_EFORMAT (malformed, unknown key, wrong
 * value), LC_ENOTFOUND (unknown pack), LC_ELIMIT (extends too deep or in a
 * cycle) or LC_ENOMEM, with err "file:line:col: ...". *out is
 * zeroed first and owned by the caller (lc_config_fini), also on failure.
 */
int lc_config_load(struct lc_config *out, const char *path, int is_project, const char *const *dirs,
                   struct lc_err *err);

/* The same for a document in memory (tests, fuzzing); name is its file name
 * in messages and relative extends resolve against the working directory. */
int lc_config_load_mem(struct lc_config *out, const char *name, const char *buf, size_t len,
                       int is_project, const char *const *dirs, struct lc_err *err);

/* Loads only a shipped pack by name (no project file). */
int lc_config_load_pack(struct lc_config *out, const char *name, const char *const *dirs,
                        struct lc_err *err);

void lc_config_fini(struct lc_config *cfg);

/* The default directories of the shipped packs, most specific first:
 * $LATCH_RULES_DIR, <dir of the executable>/../share/latch/rules, and the
 * source tree's rules/ (a build that is not installed). Fills dirs (at most
 * cap - 1 entries, NULL-ended); buf (of buflen bytes) holds the strings. */
void lc_config_rules_dirs(const char **dirs, size_t cap, char *buf, size_t buflen);

/* The YAML document of the file of `layer` (0 .. nfiles-1, packs first),
 * borrowed: it lives as long as cfg. For a tool that reads the inner keys
 * of a section itself (the stack analysis: frames:, interrupts:), so that
 * it reads them from the same load, extends included, every node with its
 * position. NULL out of range. */
const struct lc_yaml *lc_config_doc(const struct lc_config *cfg, size_t layer);

/* Does name match a pattern of the list? (fnmatch without flags) */
int lc_pats_match(const struct lc_pats *l, const char *name);

/* The entry of l that names `name` exactly (no glob), else NULL. */
const struct lc_pat *lc_pats_exact(const struct lc_pats *l, const char *name);

/* The first entry of l that matches name, else NULL. */
const struct lc_pat *lc_pats_find(const struct lc_pats *l, const char *name);

/* Does a file glob written in a file of directory base_dir match path (an
 * absolute path)? A glob that starts with '/' is matched on the absolute
 * path; one without '/' on the file's name, in any folder; any other on the
 * path relative to base_dir (none when path is not under it). '*' also
 * matches '/', a leading "./" is ignored. */
int lc_config_glob_file(const char *glob, const char *base_dir, const char *path);

/* "file:line:col" of an origin into buf; returns buf. */
const char *lc_origin_str(char *buf, size_t n, const struct lc_origin *at);

#endif /* LC_CONFIG_H */
