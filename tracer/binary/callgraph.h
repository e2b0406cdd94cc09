/*
 * tracer/binary/callgraph.h - a whole-program call graph for stack analysis:
 * functions, call edges and unresolved indirect call sites.
 *
 * It is filled from latch-check's `--callgraph json` output (schema in
 * docs/callgraph.md: {"version":1,"functions":[...],"edges":[...],
 * "indirect_sites":[...]}), from GCC's -fcallgraph-info files (frames.h
 * adds their edges), and from the rules YAML's indirect_targets. Functions
 * are keyed by name: C has one namespace for external names, and two file
 * statics of one name are merged (their worst case is taken), which the
 * stack report says.
 */
#ifndef TRC_CALLGRAPH_H
#define TRC_CALLGRAPH_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "strmap.h"

enum trc_cg_kind {
	TRC_CG_DIRECT = 0, /* a call the source names */
	TRC_CG_INDIRECT,   /* a call through a pointer whose target the analyzer knew */
	TRC_CG_DECLARED,   /* a target declared in the rules (indirect_targets) */
	TRC_CG_RESOLVED,   /* a target found by type (resolve_indirect: type) */
	TRC_CG_COMPILER,   /* a call the compiler emitted (-fcallgraph-info): helpers too */
	TRC_CG_BINARY      /* a call or tail call decoded from the machine code (disasm.h) */
};

struct trc_cg_func {
	char *name;
	char *file;    /* may be NULL */
	unsigned line; /* 0 when unknown */
	int defined;   /* has a body in the program */
	int root;      /* an interlock root */
	int in_binary; /* its machine code was decoded (disasm.h) */
	int src_calls; /* its calls are known from source (analyzer JSON or .ci): its indirect
	                * calls are the analyzer's sites, so the indirect branches of its machine
	                * code (a switch's jump table) are not unknowns */
};

/* Loop facts of a call site (the JSON's `loop_trips`, docs/callgraph.md). */
#define TRC_CG_TRIPS_NONE      0u         /* the graph says nothing (member absent) */
#define TRC_CG_TRIPS_UNBOUNDED UINT64_MAX /* inside a loop with no known bound */

struct trc_cg_edge {
	size_t caller, callee; /* indexes into funcs */
	char *file;            /* of the call; may be NULL */
	unsigned line, col;
	enum trc_cg_kind kind;
	uint64_t trips; /* product of the enclosing loops' trip counts (1: in no
	                   loop), or TRC_CG_TRIPS_NONE / TRC_CG_TRIPS_UNBOUNDED */
};

struct trc_cg_site {
	size_t caller;
	char *file;
	unsigned line, col;
	int resolved;  /* the analyzer found its targets */
	int binary;    /* found in the machine code: file is NULL, addr says where */
	uint64_t addr; /* binary: address of the branch */
	char what[24]; /* binary: "indirect call", "indirect jump", "call outside" */
};

/* Storage is owned by the struct; init with memset 0, release with fini. */
struct trc_cg {
	struct trc_cg_func *funcs;
	size_t nfuncs, capfuncs;
	struct trc_cg_edge *edges;
	size_t nedges, capedges;
	struct trc_cg_site *sites;
	size_t nsites, capsites;
	struct lc_strmap byname; /* name -> index into funcs */
};

void trc_cg_init(struct trc_cg *cg);
void trc_cg_fini(struct trc_cg *cg);

/* Index of the function named name, added (undefined, no location) when
 * absent. Returns 0 with *out set, or LC_ENOMEM. */
int trc_cg_func(size_t *out, struct trc_cg *cg, const char *name);

/* Index of name, or (size_t)-1. */
size_t trc_cg_find(const struct trc_cg *cg, const char *name);

/* Adds an edge (duplicates of caller, callee and location are dropped).
 * file may be NULL. Returns 0 or LC_ENOMEM. */
int trc_cg_add_edge(struct trc_cg *cg, size_t caller, size_t callee, const char *file,
                    unsigned line, unsigned col, enum trc_cg_kind kind);

/* Adds an indirect call site of function caller; a site already listed at
 * the same place is not added twice (the JSON lists an unresolved call both
 * as an edge without callee and as a site). Returns 0 or LC_ENOMEM. */
int trc_cg_add_site(struct trc_cg *cg, size_t caller, const char *file, unsigned line, unsigned col,
                    int resolved);

/* Adds an indirect branch found at addr in the machine code of caller
 * (what: a short description, copied). Returns 0 or LC_ENOMEM. */
int trc_cg_add_binary_site(struct trc_cg *cg, size_t caller, uint64_t addr, const char *what);

/* Drops the edges and sites of caller that were decoded from the machine
 * code (a frames: declaration with callees replaces them). */
void trc_cg_drop_binary(struct trc_cg *cg, size_t caller);

/* Reads latch-check's call-graph JSON and merges it into cg. Returns 0,
 * LC_EIO, LC_EFORMAT ("path: ..." naming what is wrong), LC_ENOMEM. */
int trc_cg_load_json(struct trc_cg *cg, const char *path, struct lc_err *err);

/* The same from a buffer; name is used in messages. */
int trc_cg_load_json_mem(struct trc_cg *cg, const char *name, const char *buf, size_t len,
                         struct lc_err *err);

/* "direct", "indirect", "declared", "resolved", "compiler", "binary". */
const char *trc_cg_kind_name(enum trc_cg_kind k);

#endif /* TRC_CALLGRAPH_H */
