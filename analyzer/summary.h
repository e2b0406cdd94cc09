/*
 * analyzer/summary.h - the per-translation-unit summary and its on-disk cache.
 *
 * A summary is everything the whole-program checks need from one TU, so that
 * the AST can be thrown away right after parsing: the functions it defines or
 * references (by USR), the calls it makes with their locations, the local
 * violations found in function bodies (loops, VLAs, backward goto), the
 * suppression comments in its user files, and the files it depends on.
 *
 * The on-disk cache of summaries is cache.h.
 */
#ifndef AN_SUMMARY_H
#define AN_SUMMARY_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "rule.h"

enum {
	AN_FN_DEFINED = 1u << 0,
	AN_FN_ROOT = 1u << 1, /* carries the latch.interlock annotation */
	AN_FN_ADDR_TAKEN = 1u << 2,
};

struct an_sfunc {
	char *name;
	char *usr;
	char *file; /* absolute; definition when defined, else a declaration */
	unsigned line, col;
	char *type;     /* canonical function type spelling, for type resolution */
	unsigned flags; /* AN_FN_* */
};

enum an_call_kind { AN_CALL_DIRECT, AN_CALL_INDIRECT };

struct an_scall {
	char *caller_usr;
	char *callee_usr;  /* NULL for an indirect call */
	char *callee_name; /* function name, or the spelling of the pointer expr */
	char *file;
	unsigned line, col;
	enum an_call_kind kind;
	char *fptr_type; /* indirect only: canonical pointee function type */
	uint64_t trips;  /* times the call can run per call of its caller: the
	                    product of the enclosing loops' trip counts (1 in no
	                    loop), or AN_TRIPS_UNBOUNDED */
};

/* A call inside a loop whose trip count is not known. */
#define AN_TRIPS_UNBOUNDED UINT64_MAX

struct an_sviol {
	enum an_rule rule;
	char *func_usr;
	char *file;
	unsigned line, col;
	char *msg;
};

/* One `latch: allow(...)` comment. `error` is non-NULL when it is malformed
 * (no reason, unknown rule, recursion without a bound): the driver then fails. */
struct an_ssupp {
	char *file;
	unsigned line, col;
	unsigned alone; /* alone on its line: covers the next line, else its own */
	unsigned rules; /* bit set of 1u << enum an_rule */
	long bound;     /* bound=N, or -1 */
	char *reason;
	char *error;
};

/* A conversion that a type-based resolution of indirect calls must see:
 * function `usr` converted to a pointer to function type `type` (a cast, or
 * an implicit conversion between function pointer types); usr NULL: a value
 * that is no known function (an integer) converted to `type`, so calls
 * through that type may reach anything; type NULL: function `usr`
 * converted to a non-function pointer (void *, an integer), so it may
 * reach any call through a pointer. */
struct an_scast {
	char *usr;
	char *type;
	char *file;
	unsigned line, col;
};

struct an_sdep {
	char *path;
	int64_t size;
	int64_t mtime_ns;
	uint64_t hash;
};

struct an_summary {
	char *tu_file;
	struct an_sfunc *funcs;
	size_t nfuncs, capfuncs;
	struct an_scall *calls;
	size_t ncalls, capcalls;
	struct an_sviol *viols;
	size_t nviols, capviols;
	struct an_ssupp *supps;
	size_t nsupps, capsupps;
	struct an_sdep *deps;
	size_t ndeps, capdeps;
	struct an_scast *casts;
	size_t ncasts, capcasts;
	char *note; /* one note about the TU (demoted clang errors), or NULL */
	int from_cache;
};

/* Allocates an empty summary for tu_file (copied). Returns 0 or LC_ENOMEM. */
int an_summary_new(struct an_summary **out, const char *tu_file);
void an_summary_free(struct an_summary *s);

/* Appenders copy every string. Return 0 or LC_ENOMEM. */
int an_summary_add_func(struct an_summary *s, const struct an_sfunc *f);
int an_summary_add_call(struct an_summary *s, const struct an_scall *c);
int an_summary_add_viol(struct an_summary *s, const struct an_sviol *v);
int an_summary_add_supp(struct an_summary *s, const struct an_ssupp *p);
int an_summary_add_dep(struct an_summary *s, const struct an_sdep *d);
int an_summary_add_cast(struct an_summary *s, const struct an_scast *c);
/* Sets the TU's note (copied). */
int an_summary_set_note(struct an_summary *s, const char *note);

#endif /* AN_SUMMARY_H */
