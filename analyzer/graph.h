/*
 * analyzer/graph.h - the whole-program call graph merged from TU summaries.
 *
 * Functions are merged by USR (a static function's USR includes its file, so
 * two `static int helper(void)` stay apart, while an inline function of a
 * shared header merges). Edges keep their call-site location. Reachability
 * is a breadth-first search from the roots taken in name order, so the path
 * printed for a finding is a shortest one and the same on every run.
 *
 * Strings are borrowed from the summaries, which must outlive the graph.
 */
#ifndef AN_GRAPH_H
#define AN_GRAPH_H

#include <stddef.h>

#include "config.h"
#include "err.h"
#include "strmap.h"
#include "summary.h"
#include "util.h"

enum an_edge_kind { AN_EDGE_DIRECT, AN_EDGE_DECLARED, AN_EDGE_RESOLVED };

struct an_fn {
	const char *name, *usr, *file, *type;
	unsigned line, col;
	unsigned flags;     /* AN_FN_* merged over all TUs */
	int root;           /* an interlock root (annotation or rules file) */
	size_t first, nout; /* out-edges: edges[first .. first + nout) */
	int reach;          /* distance from the nearest root, -1 if unreachable */
	int parent;         /* edge index that reached it first, -1 for roots */
	int root_of;        /* the root its path starts from */
};

struct an_edge {
	int caller, callee;
	enum an_edge_kind kind;
	const char *file;
	unsigned line, col;
	int site;       /* for declared/resolved edges: the indirect site */
	uint64_t trips; /* an_scall.trips of the call (of the site) */
};

struct an_site {
	int caller;
	const char *name, *file, *type;
	unsigned line, col;
	uint64_t trips; /* an_scall.trips of the call */
	int resolved;
	/* under type resolution: a value that is no known function reaches
	 * pointers of this type (the conversion's location), so the targets
	 * found cannot be all; the site stays a finding */
	const struct an_gcast *unsure;
};

/* A conversion of struct an_scast, merged: fn -1 for a value that is no
 * known function, type NULL for a conversion to a non-function type. */
struct an_gcast {
	int fn;
	const char *type, *file;
	unsigned line, col;
};

struct an_gviol {
	enum an_rule rule;
	int fn;
	const char *file, *msg;
	unsigned line, col;
};

struct an_graph {
	struct an_fn *fns;
	size_t nfns, capfns;
	struct an_edge *edges;
	size_t nedges, capedges;
	struct an_site *sites;
	size_t nsites, capsites;
	struct an_gviol *viols;
	size_t nviols, capviols;
	struct an_gcast *casts;
	size_t ncasts, capcasts;
	const struct an_ssupp **supps;
	size_t nsupps, capsupps;
	struct lc_strmap byusr;
	int *roots; /* root function indices, sorted by name */
	size_t nroots;
	/* Two different definitions of one external function: the database
	 * holds more than one program (the first one seen is kept here). */
	size_t nconflicts;
	const char *conflict_name, *conflict_file[2];
	unsigned conflict_line[2];
};

/* Merges the summaries (taken in the given order; pass them sorted) into g.
 * Returns 0 or LC_ENOMEM. */
int an_graph_build(struct an_graph *g, struct an_summary *const *sums, size_t nsums,
                   struct lc_err *err);

/* Marks roots (annotations + cfg->roots), adds declared and, when
 * resolve_type, type-resolved edges for indirect sites, then computes
 * reachability. A rules-file root or a declared target that names no
 * function with a body is LC_ENOTFOUND; no root at all is LC_ENOTFOUND. */
int an_graph_resolve(struct an_graph *g, const struct an_config *cfg, int resolve_type,
                     struct lc_err *err);

/* Fills path[] (capacity cap) with the function indices from the root to fn
 * and returns their count (0 when unreachable). */
size_t an_graph_path(const struct an_graph *g, int fn, int *path, size_t cap);

void an_graph_fini(struct an_graph *g);

#endif /* AN_GRAPH_H */
