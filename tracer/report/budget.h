/*
 * tracer/report/budget.h - budgets: limits read from the rules YAML, and verdicts.
 *
 * The `budgets:` section (schema in docs/budgets.md) is read by the one
 * rules loader (common/lc_config.h, with `extends:`) and seen here as a flat,
 * ordered list of limits, each remembering where in the file it was written.
 * A command (report, memmap, stack) measures the subject of each limit it
 * understands and records a verdict; out.h renders the verdicts in every
 * format, JUnit XML included (one test case per verdict).
 *
 *   budgets:
 *     lost_events_max: 0                                  TRC_BUDGET_LOST_EVENTS
 *     functions: { NAME|GLOB: { max_us, p99_us, stack_bytes } }
 *     memory:    { flash: SIZE, ram: SIZE,                TRC_BUDGET_MEM_REGION
 *                  sections: { NAME: SIZE },              TRC_BUDGET_MEM_SECTION
 *                  symbols: { NAME|GLOB: SIZE } }         TRC_BUDGET_MEM_SYMBOL
 *     stack:     { ROOT: SIZE }                           TRC_BUDGET_STACK_ROOT
 *
 * Any other memory key than sections/symbols names a region (flash, ram, or
 * a linker region such as FLASH). The loader knows every key of the file,
 * latch-check's included: an unknown key anywhere is an error with its
 * position and the nearest known key, so a typo never silently disables a
 * gate. functions.ROOT.coverage_min (a minimum: PASS when at least that
 * share of the functions reachable from ROOT ran) is judged by report
 * --coverage (report/sections.c).
 *
 * Exit status of a gate (trc_budget_results_exit): 2 when any verdict is
 * ERROR (the check could not be done), else 1 when any is FAIL, else 0.
 */
#ifndef TRC_BUDGET_H
#define TRC_BUDGET_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "lc_config.h"

/* The loader's kinds (lc_config.h), under the names the tracer uses. */
enum trc_budget_kind {
	TRC_BUDGET_LOST_EVENTS = LC_BUDGET_LOST_EVENTS, /* subject "trace", unit "events" */
	TRC_BUDGET_FUNC_MAX = LC_BUDGET_FUNC_MAX,       /* functions.X.max_us, unit "us" */
	TRC_BUDGET_FUNC_P99 = LC_BUDGET_FUNC_P99,       /* functions.X.p99_us, unit "us" */
	TRC_BUDGET_FUNC_STACK = LC_BUDGET_FUNC_STACK,   /* functions.X.stack_bytes, "bytes" */
	TRC_BUDGET_MEM_REGION = LC_BUDGET_MEM_REGION,   /* memory.<region>, unit "bytes" */
	TRC_BUDGET_MEM_SECTION = LC_BUDGET_MEM_SECTION, /* memory.sections.X, unit "bytes" */
	TRC_BUDGET_MEM_SYMBOL = LC_BUDGET_MEM_SYMBOL,   /* memory.symbols.X (sum), "bytes" */
	TRC_BUDGET_STACK_ROOT = LC_BUDGET_STACK_ROOT,   /* stack.X, unit "bytes" */
	TRC_BUDGET_COVERAGE = LC_BUDGET_FUNC_COVERAGE,  /* functions.ROOT.coverage_min, "%" */
	/* Not from the YAML: a finding that fails the gate like a budget. */
	TRC_BUDGET_HEAP_ALLOC = LC_BUDGET__COUNT, /* heap guard: an allocation under a root,
	                                            rule id heap-alloc, unit "allocations" */
	TRC_BUDGET_DEADLINE                       /* hist --period F --expect T: late activations or
	                       overruns, unit "misses" */
};

/* The rule id a broken verdict is printed with: "heap-alloc" for the heap
 * guard's findings (the id of latch-check's static rule), else "budget". */
const char *trc_budget_rule_id(enum trc_budget_kind kind);

/* One limit as written in the file. All strings are owned by the set. */
struct trc_budget {
	enum trc_budget_kind kind;
	const char *subject; /* function/glob, region, section, symbol glob, root; "trace" */
	double limit;        /* in `unit` */
	const char *unit;    /* "us", "bytes" or "events" (static string) */
	const char *file;    /* the YAML file */
	unsigned line, col;  /* of the limit's value in the file, 1-based */
};

struct trc_budgets;

/* Loads a rules file (and what it extends) and takes its budgets. A file
 * without `budgets:` gives an empty set (not an error). Returns 0, LC_EIO,
 * LC_ENOTFOUND (an unknown pack), or LC_EFORMAT with a message
 * "file:line:col: ..." in err. *out is owned by the caller
 * (trc_budgets_free). */
int trc_budgets_load(struct trc_budgets **out, const char *path, struct lc_err *err);

/* The same from memory (tests); name is used in messages. */
int trc_budgets_load_mem(struct trc_budgets **out, const char *name, const char *buf, size_t len,
                         struct lc_err *err);

void trc_budgets_free(struct trc_budgets *b);

/* The limits in file order; the pointer is borrowed from the set. */
size_t trc_budgets_count(const struct trc_budgets *b);
const struct trc_budget *trc_budgets_at(const struct trc_budgets *b, size_t i);
const char *trc_budgets_file(const struct trc_budgets *b);

/* The whole rules file the budgets came from (stack notes, frames, ...),
 * borrowed from the set. */
const struct lc_config *trc_budgets_config(const struct trc_budgets *b);

/* "lost_events_max", "max_us", "p99_us", "stack_bytes", "memory", "section",
 * "symbol", "stack": the key a limit was written under. */
const char *trc_budget_kind_name(enum trc_budget_kind kind);

/* 1 when subject (a name or fnmatch(3) glob) matches name, else 0. */
int trc_budget_matches(const char *subject, const char *name);

/* 1 when subject contains glob characters (*, ?, [). */
int trc_budget_is_glob(const char *subject);

enum trc_verdict { TRC_VERDICT_PASS = 0, TRC_VERDICT_FAIL, TRC_VERDICT_ERROR };

/* "PASS", "FAIL", "ERROR". */
const char *trc_verdict_name(enum trc_verdict v);

/* One verdict. Strings are owned by the results set. */
struct trc_budget_result {
	enum trc_budget_kind kind;
	const char *subject; /* the concrete name checked (a glob's match) */
	const char *pattern; /* the budget's subject as written (name or glob) */
	double limit;
	double actual; /* meaningful only when has_actual */
	int has_actual;
	const char *unit;
	enum trc_verdict verdict;
	const char *message;  /* "'pid_step' took 212 us at p99, budget is 150 us" */
	const char *src_file; /* where the subject is defined, or NULL */
	unsigned src_line;    /* 0 when unknown */
	const char *budget_file;
	unsigned budget_line; /* where the limit was written */
};

struct trc_budget_results;

/* Creates an empty verdict list. Returns 0 or LC_ENOMEM. */
int trc_budget_results_new(struct trc_budget_results **out, struct lc_err *err);
void trc_budget_results_free(struct trc_budget_results *r);

/*
 * Records a verdict for budget b on subject `name` (NULL: b->subject).
 * has_actual/actual is the measured value in b->unit; src_file/src_line
 * locate the subject in the sources (NULL/0 when unknown). The message is
 * formatted from fmt. Returns 0 or LC_ENOMEM.
 */
int trc_budget_results_add(struct trc_budget_results *r, const struct trc_budget *b,
                           const char *name, enum trc_verdict v, int has_actual, double actual,
                           const char *src_file, unsigned src_line, const char *fmt, ...)
        __attribute__((format(printf, 9, 10)));

/* PASS when actual <= limit, else FAIL. */
enum trc_verdict trc_budget_judge(const struct trc_budget *b, double actual);

size_t trc_budget_results_count(const struct trc_budget_results *r);
const struct trc_budget_result *trc_budget_results_at(const struct trc_budget_results *r, size_t i);

/* Counts of each verdict (any pointer may be NULL). */
void trc_budget_results_tally(const struct trc_budget_results *r, size_t *pass, size_t *fail,
                              size_t *error);

/* 0 all PASS (or none), 1 any FAIL, 2 any ERROR. */
int trc_budget_results_exit(const struct trc_budget_results *r);

#endif /* TRC_BUDGET_H */
