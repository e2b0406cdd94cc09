/*
 * analyzer/ast.h - the walk of one libclang TU into its summary, shared by
 * the parts of the parser: ast.c (functions, calls, addresses taken, VLAs),
 * loop.c (the unbounded-loop facts) and scan.c (pragmas, suppressions and
 * dependencies, read from the files). parse.c drives them (see parse.h).
 * Internal to an_core: every name here is an__.
 */
#ifndef AN_AST_H
#define AN_AST_H

#include <clang-c/Index.h>
#include <stddef.h>

#include "strmap.h"
#include "summary.h"
#include "util.h"

/* A bound from a loopbound pragma, keyed by the location of the token that
 * follows the pragma (the loop keyword). */
struct an__pbound {
	CXFile file;
	unsigned line, col;
	long long bound;
};

/* CXFile -> normalised path, memoised: every call site needs a file name. */
struct an__fname {
	CXFile file;
	char *path;
	int user; /* not a system header */
};

struct an__walk {
	CXTranslationUnit tu;
	struct an_summary *s;
	const char *dir;
	struct lc_strmap fn; /* usr -> index in s->funcs */
	struct an__fname *names;
	size_t nnames, capnames;
	struct an__pbound *pb;
	size_t npb, cappb;
	const char *cur_usr; /* function whose body is walked; NULL at file scope */
	CXCursor prev;       /* the statement before the one walked, in its block */
	uint64_t trips;      /* runs of the code walked per call of the function:
	                        the product of the enclosing loops' trip counts */
	int rc;
};

struct an__kids {
	CXCursor *v;
	size_t n, cap;
	CXCursor inl[8];
};

/* Collects the children of c into k (small inline buffer first). */
void an__kids_get(struct an__kids *k, CXCursor c);
void an__kids_fini(struct an__kids *k);
/* Copies a CXString into a malloc'd C string (NULL on failure) and disposes it. */
char *an__take(CXString s);
/* Remembers an out-of-memory failure of the walk (the first error wins). */
void an__set_nomem(struct an__walk *w);
/* The memoised normalised path of f; NULL on out of memory. */
const struct an__fname *an__file_name(struct an__walk *w, CXFile f);
/* Where a cursor is, as the user sees it: the expansion location, so a call
 * hidden in a macro is reported at the macro's use. Returns the path (owned
 * by the walk) or NULL. fout may be NULL. */
const char *an__cursor_loc(struct an__walk *w, CXCursor c, unsigned *line, unsigned *col,
                           CXFile *fout);
/* Records a local violation in the function being walked (none at file scope). */
void an__add_viol(struct an__walk *w, CXCursor at, enum an_rule rule, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));
/* Skips implicit casts, parentheses and explicit casts around an expression. */
CXCursor an__strip(CXCursor c);
/* Evaluates an integer constant expression; returns 1 and *v on success. */
int an__eval_int(CXCursor c, long long *v);
/* Walks every top-level declaration of w->tu outside system headers. */
void an__ast_walk(struct an__walk *w);

#endif /* AN_AST_H */
