/*
 * analyzer/parse.c - libclang TU -> summary (see parse.h for the contract).
 *
 * The AST is walked by hand (children collected, then visited in order)
 * rather than with one recursive visitor, because two facts depend on order
 * and position: the statement before a loop (LATCH_LOOP_BOUND) and whether a
 * function name is the callee of a call or has its address taken.
 */
#define _POSIX_C_SOURCE 200809L
#include "parse.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "compdb.h"
#include "util.h"

/* A bound from a loopbound pragma, keyed by the location of the token that
 * follows the pragma (the loop keyword). */
struct pbound {
	CXFile file;
	unsigned line, col;
	long long bound;
};

/* CXFile -> normalised path, memoised: every call site needs a file name. */
struct fname {
	CXFile file;
	char *path;
	int user; /* not a system header */
};

struct walk {
	CXTranslationUnit tu;
	struct an_summary *s;
	const char *dir;
	struct an_map fn; /* usr -> index in s->funcs */
	struct fname *names;
	size_t nnames, capnames;
	struct pbound *pb;
	size_t npb, cappb;
	const char *cur_usr; /* function whose body is walked; NULL at file scope */
	int rc;
};

struct kids {
	CXCursor *v;
	size_t n, cap;
	CXCursor inl[8];
};

static enum CXChildVisitResult collect_cb(CXCursor c, CXCursor parent, CXClientData d)
{
	struct kids *k = d;

	(void)parent;
	if (k->n == k->cap) {
		size_t ncap = k->cap * 2;
		CXCursor *nv = malloc(ncap * sizeof(*nv));
		if (!nv)
			return CXChildVisit_Break;
		memcpy(nv, k->v, k->n * sizeof(*nv));
		if (k->v != k->inl)
			free(k->v);
		k->v = nv;
		k->cap = ncap;
	}
	k->v[k->n++] = c;
	return CXChildVisit_Continue;
}

static void kids_get(struct kids *k, CXCursor c)
{
	k->v = k->inl;
	k->cap = sizeof(k->inl) / sizeof(k->inl[0]);
	k->n = 0;
	clang_visitChildren(c, collect_cb, k);
}

static void kids_fini(struct kids *k)
{
	if (k->v != k->inl)
		free(k->v);
}

/* Copies a CXString into a malloc'd C string (NULL on failure). */
static char *take(CXString s)
{
	const char *c = clang_getCString(s);
	char *d = strdup(c ? c : "");

	clang_disposeString(s);
	return d;
}

static void set_nomem(struct walk *w)
{
	if (w->rc == 0)
		w->rc = LC_ENOMEM;
}

static const struct fname *file_name(struct walk *w, CXFile f)
{
	size_t i;
	struct fname *n;
	char *p;

	for (i = w->nnames; i-- > 0;)
		if (w->names[i].file == f)
			return &w->names[i];
	p = take(clang_File_tryGetRealPathName(f));
	if (p && !p[0]) {
		free(p);
		p = take(clang_getFileName(f));
	}
	if (!p ||
	    an_util_grow((void **)&w->names, &w->capnames, w->nnames + 1, sizeof(*w->names)) < 0) {
		free(p);
		set_nomem(w);
		return NULL;
	}
	n = &w->names[w->nnames++];
	n->file = f;
	n->path = an_util_abspath(p, w->dir);
	free(p);
	if (!n->path) {
		w->nnames--;
		set_nomem(w);
		return NULL;
	}
	n->user = !clang_Location_isInSystemHeader(clang_getLocationForOffset(w->tu, f, 0));
	return n;
}

/* Where a cursor is, as the user sees it: the expansion location, so a call
 * hidden in a macro is reported at the macro's use. Returns the path or NULL. */
static const char *cursor_loc(struct walk *w, CXCursor c, unsigned *line, unsigned *col,
                              CXFile *fout)
{
	CXFile f = NULL;
	unsigned off;
	const struct fname *n;

	clang_getExpansionLocation(clang_getCursorLocation(c), &f, line, col, &off);
	if (fout)
		*fout = f;
	if (!f)
		return NULL;
	n = file_name(w, f);
	return n ? n->path : NULL;
}

static int has_interlock_attr(CXCursor fn)
{
	struct kids k;
	size_t i;
	int yes = 0;

	kids_get(&k, fn);
	for (i = 0; i < k.n && !yes; i++) {
		if (clang_getCursorKind(k.v[i]) == CXCursor_AnnotateAttr) {
			char *s = take(clang_getCursorSpelling(k.v[i]));
			yes = s && strcmp(s, "latch.interlock") == 0;
			free(s);
		}
	}
	kids_fini(&k);
	return yes;
}

static char *usr_of(CXCursor c)
{
	char *u = take(clang_getCursorUSR(c));

	if (u && !u[0]) {
		/* builtins have no USR; name them the way clang names externs */
		char *name = take(clang_getCursorSpelling(c));
		size_t n = name ? strlen(name) + 8 : 0;
		free(u);
		u = name ? malloc(n) : NULL;
		if (u)
			snprintf(u, n, "c:@F@%s", name);
		free(name);
	}
	return u;
}

/* Records function `c` (a FunctionDecl) with extra flags, merging with an
 * earlier record of the same USR. The interlock annotation is looked for
 * only when `decl` is set (a declaration visited at file scope: every
 * redeclaration of a root in this TU is one of those). Returns the usr
 * (owned by the summary). */
static const char *note_func(struct walk *w, CXCursor c, unsigned flags, int decl)
{
	char *usr = usr_of(c);
	int idx;
	struct an_sfunc *f;
	int defined = clang_isCursorDefinition(c);
	unsigned line = 0, col = 0;
	const char *path;
	CXFile file;
	int system = clang_Location_isInSystemHeader(clang_getCursorLocation(c));

	if (!usr) {
		set_nomem(w);
		return NULL;
	}
	/* A system header's inline body counts as external (see parse.h). */
	if (defined && !system)
		flags |= AN_FN_DEFINED;
	if (decl && has_interlock_attr(c))
		flags |= AN_FN_ROOT;
	idx = an_map_get(&w->fn, usr);
	if (idx < 0) {
		struct an_sfunc nf = {0};
		path = cursor_loc(w, c, &line, &col, &file);
		nf.name = take(clang_getCursorSpelling(c));
		nf.usr = usr;
		nf.file = (char *)(path ? path : "");
		nf.line = line;
		nf.col = col;
		nf.type =
		        take(clang_getTypeSpelling(clang_getCanonicalType(clang_getCursorType(c))));
		nf.flags = flags;
		if (!nf.name || !nf.type || an_summary_add_func(w->s, &nf) < 0 ||
		    an_map_put(&w->fn, usr, (int)w->s->nfuncs - 1, NULL) < 0) {
			set_nomem(w);
			free(nf.name);
			free(nf.type);
			free(usr);
			return NULL;
		}
		free(nf.name);
		free(nf.type);
		free(usr);
		return w->s->funcs[w->s->nfuncs - 1].usr;
	}
	f = &w->s->funcs[idx];
	if ((flags & AN_FN_DEFINED) && !(f->flags & AN_FN_DEFINED)) {
		path = cursor_loc(w, c, &line, &col, &file);
		if (path) {
			char *p = strdup(path);
			if (!p) {
				set_nomem(w);
			} else {
				free(f->file);
				f->file = p;
				f->line = line;
				f->col = col;
			}
		}
	}
	f->flags |= flags;
	free(usr);
	return f->usr;
}

static void add_viol(struct walk *w, CXCursor at, enum an_rule rule, const char *fmt, ...)
        __attribute__((format(printf, 4, 5)));

static void add_viol(struct walk *w, CXCursor at, enum an_rule rule, const char *fmt, ...)
{
	struct an_sviol v = {0};
	char msg[512];
	va_list ap;

	if (!w->cur_usr)
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	v.rule = rule;
	v.func_usr = (char *)w->cur_usr;
	v.file = (char *)cursor_loc(w, at, &v.line, &v.col, NULL);
	v.msg = msg;
	if (!v.file)
		return;
	if (an_summary_add_viol(w->s, &v) < 0)
		set_nomem(w);
}

/* Skips implicit casts, parentheses and explicit casts around an expression. */
static CXCursor strip(CXCursor c)
{
	for (;;) {
		enum CXCursorKind k = clang_getCursorKind(c);
		struct kids kk;
		CXCursor next;

		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr &&
		    k != CXCursor_CStyleCastExpr)
			return c;
		kids_get(&kk, c);
		if (kk.n == 0) {
			kids_fini(&kk);
			return c;
		}
		/* a C cast's children are the type reference(s), then the operand */
		next = kk.v[kk.n - 1];
		kids_fini(&kk);
		c = next;
	}
}

/* Evaluates an integer constant expression; returns 1 and *v on success. */
static int eval_int(CXCursor c, long long *v)
{
	CXEvalResult r = clang_Cursor_Evaluate(c);
	int ok = 0;

	if (r) {
		if (clang_EvalResult_getKind(r) == CXEval_Int) {
			*v = clang_EvalResult_getAsLongLong(r);
			ok = 1;
		}
		clang_EvalResult_dispose(r);
	}
	return ok;
}

/* A loop bound that is a constant: a literal, enum, sizeof, macro, or a
 * const-qualified object with a constant initialiser. */
static int is_const_bound(CXCursor c, long long *v)
{
	CXCursor s, ref;

	if (eval_int(c, v))
		return 1;
	s = strip(c);
	if (clang_getCursorKind(s) != CXCursor_DeclRefExpr)
		return 0;
	ref = clang_getCursorReferenced(s);
	if (clang_getCursorKind(ref) != CXCursor_VarDecl ||
	    !clang_isConstQualifiedType(clang_getCursorType(ref)) ||
	    clang_isVolatileQualifiedType(clang_getCursorType(ref)))
		return 0;
	return eval_int(ref, v);
}

/* The variable an expression names (after stripping), or a null cursor. */
static CXCursor var_of(CXCursor c)
{
	CXCursor s = strip(c), ref;

	if (clang_getCursorKind(s) != CXCursor_DeclRefExpr)
		return clang_getNullCursor();
	ref = clang_getCursorReferenced(s);
	if (clang_getCursorKind(ref) != CXCursor_VarDecl &&
	    clang_getCursorKind(ref) != CXCursor_ParmDecl)
		return clang_getNullCursor();
	return ref;
}

static int same_var(CXCursor a, CXCursor b)
{
	return !clang_Cursor_isNull(a) && !clang_Cursor_isNull(b) && clang_equalCursors(a, b);
}

struct modscan {
	CXCursor var;
	int modified;
};

/* Does the loop body write the counter (assignment, ++/--, or &var)? */
static enum CXChildVisitResult modscan_cb(CXCursor c, CXCursor parent, CXClientData d)
{
	struct modscan *m = d;
	enum CXCursorKind k = clang_getCursorKind(c);
	struct kids kk;

	(void)parent;
	if (k == CXCursor_BinaryOperator || k == CXCursor_CompoundAssignOperator) {
		enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
		if (op >= CXBinaryOperator_Assign && op <= CXBinaryOperator_OrAssign) {
			kids_get(&kk, c);
			if (kk.n > 0 && same_var(var_of(kk.v[0]), m->var))
				m->modified = 1;
			kids_fini(&kk);
		}
	} else if (k == CXCursor_UnaryOperator) {
		enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
		if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec ||
		    op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec ||
		    op == CXUnaryOperator_AddrOf) {
			kids_get(&kk, c);
			if (kk.n > 0 && same_var(var_of(kk.v[0]), m->var))
				m->modified = 1;
			kids_fini(&kk);
		}
	}
	return m->modified ? CXChildVisit_Break : CXChildVisit_Recurse;
}

static int is_cmp(CXCursor c, enum CXBinaryOperatorKind *op)
{
	c = strip(c);
	if (clang_getCursorKind(c) != CXCursor_BinaryOperator)
		return 0;
	*op = clang_getCursorBinaryOperatorKind(c);
	return *op == CXBinaryOperator_LT || *op == CXBinaryOperator_GT ||
	       *op == CXBinaryOperator_LE || *op == CXBinaryOperator_GE ||
	       *op == CXBinaryOperator_NE;
}

/* Step of an increment expression on `var`: +1/-1 for ++/--, +c/-c for
 * += c / -= c with constant c; 0 when it is not one of those. */
static long long step_of(CXCursor inc, CXCursor var)
{
	struct kids kk;
	long long step = 0, c;
	enum CXCursorKind k;

	inc = strip(inc);
	k = clang_getCursorKind(inc);
	kids_get(&kk, inc);
	if (k == CXCursor_UnaryOperator && kk.n == 1 && same_var(var_of(kk.v[0]), var)) {
		enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(inc);
		if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PreInc)
			step = 1;
		else if (op == CXUnaryOperator_PostDec || op == CXUnaryOperator_PreDec)
			step = -1;
	} else if (k == CXCursor_CompoundAssignOperator && kk.n == 2 &&
	           same_var(var_of(kk.v[0]), var) && eval_int(kk.v[1], &c) && c > 0) {
		enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(inc);
		if (op == CXBinaryOperator_AddAssign)
			step = c;
		else if (op == CXBinaryOperator_SubAssign)
			step = -c;
	}
	kids_fini(&kk);
	return step;
}

/* Is `cmp` (a comparison) `v OP const` with v stepped by `inc` toward the
 * bound and not written in `body`? */
static int bounded_by(CXCursor cmp, CXCursor inc, CXCursor body)
{
	enum CXBinaryOperatorKind op = CXBinaryOperator_Invalid;
	struct kids cond;
	CXCursor var = clang_getNullCursor();
	long long bound, step;
	int ok = 0;
	struct modscan m;

	if (!is_cmp(cmp, &op))
		return 0;
	kids_get(&cond, strip(cmp));
	if (cond.n != 2)
		goto out;
	if (!clang_Cursor_isNull(var_of(cond.v[0])) && is_const_bound(cond.v[1], &bound)) {
		var = var_of(cond.v[0]);
	} else if (!clang_Cursor_isNull(var_of(cond.v[1])) && is_const_bound(cond.v[0], &bound)) {
		var = var_of(cond.v[1]);
		/* const OP v  ==  v OP' const */
		if (op == CXBinaryOperator_LT)
			op = CXBinaryOperator_GT;
		else if (op == CXBinaryOperator_GT)
			op = CXBinaryOperator_LT;
		else if (op == CXBinaryOperator_LE)
			op = CXBinaryOperator_GE;
		else if (op == CXBinaryOperator_GE)
			op = CXBinaryOperator_LE;
	} else {
		goto out;
	}
	step = step_of(inc, var);
	if (step == 0)
		goto out;
	if ((op == CXBinaryOperator_LT || op == CXBinaryOperator_LE) && step < 0)
		goto out;
	if ((op == CXBinaryOperator_GT || op == CXBinaryOperator_GE) && step > 0)
		goto out;
	if (op == CXBinaryOperator_NE && step != 1 && step != -1)
		goto out;
	m.var = var;
	m.modified = 0;
	/* the body itself may be the write (`for (...) i--;`), then its parts */
	modscan_cb(body, body, &m);
	if (!m.modified)
		clang_visitChildren(body, modscan_cb, &m);
	ok = !m.modified;
out:
	kids_fini(&cond);
	return ok;
}

/* Does condition `c` bound the loop? A comparison must, or a conjunction
 * (`i < N && more`) in which one side does: the loop stops at the latest
 * when that side turns false. */
static int cond_bounds(CXCursor c, CXCursor inc, CXCursor body)
{
	struct kids kk;
	int ok = 0;
	size_t i;

	c = strip(c);
	if (clang_getCursorKind(c) == CXCursor_BinaryOperator &&
	    clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_LAnd) {
		kids_get(&kk, c);
		for (i = 0; i < kk.n && !ok; i++)
			ok = cond_bounds(kk.v[i], inc, body);
		kids_fini(&kk);
		return ok;
	}
	return bounded_by(c, inc, body);
}

static int is_cond_like(CXCursor c)
{
	enum CXBinaryOperatorKind op;

	c = strip(c);
	if (is_cmp(c, &op))
		return 1;
	return clang_getCursorKind(c) == CXCursor_BinaryOperator &&
	       clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_LAnd;
}

/* A canonical counted for: `init; v OP const [&& ...]; v++ / v-- / v += c`
 * where the body does not write v and the step moves v toward the bound.
 * libclang omits absent parts of a for header, so the condition is found
 * by its form and the increment is the child after it. */
static int for_is_canonical(const struct kids *k)
{
	size_t nb = k->n - 1, i, ci = (size_t)-1;

	for (i = 0; i < nb; i++)
		if (is_cond_like(k->v[i]))
			ci = i;
	if (ci == (size_t)-1 || ci + 1 >= nb)
		return 0; /* no comparison, or no increment after it */
	return cond_bounds(k->v[ci], k->v[ci + 1], k->v[k->n - 1]);
}

static long long pragma_bound(const struct walk *w, CXCursor loop)
{
	CXFile f;
	unsigned line, col, off;
	size_t i;

	clang_getExpansionLocation(clang_getCursorLocation(loop), &f, &line, &col, &off);
	for (i = 0; i < w->npb; i++)
		if (w->pb[i].file == f && w->pb[i].line == line && w->pb[i].col == col)
			return w->pb[i].bound;
	return -1;
}

static void check_loop(struct walk *w, CXCursor c, const struct kids *k, long long bound)
{
	enum CXCursorKind kind = clang_getCursorKind(c);
	long long v;

	if (bound >= 0 || pragma_bound(w, c) >= 0 || k->n == 0)
		return;
	if (kind == CXCursor_ForStmt) {
		if (k->n == 1)
			add_viol(w, c, AN_RULE_UNBOUNDED_LOOP, "infinite loop 'for (;;)'");
		else if (!for_is_canonical(k))
			add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
			         "'for' loop without a constant bound");
		return;
	}
	{
		CXCursor cond = kind == CXCursor_WhileStmt ? k->v[0] : k->v[k->n - 1];
		const char *kw = kind == CXCursor_WhileStmt ? "while" : "do";
		if (eval_int(cond, &v)) {
			if (v != 0)
				add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
				         "infinite loop: '%s' condition is always true", kw);
			/* a constant-false condition runs the body at most once:
			 * the do { ... } while (0) macro idiom */
			return;
		}
		add_viol(w, c, AN_RULE_UNBOUNDED_LOOP, "'%s' loop with a data-dependent condition",
		         kw);
	}
}

/* The LATCH_LOOP_BOUND(n) marker: a call to latch__loop_bound. Returns the
 * bound (or -2 for a marker whose argument is not constant), -1 otherwise. */
static long long loop_bound_marker(CXCursor c)
{
	CXCursor ref;
	char *name;
	long long v = -1;
	int is_marker;

	if (clang_getCursorKind(c) != CXCursor_CallExpr)
		return -1;
	ref = clang_getCursorReferenced(c);
	if (clang_getCursorKind(ref) != CXCursor_FunctionDecl)
		return -1;
	name = take(clang_getCursorSpelling(ref));
	is_marker = name && strcmp(name, "latch__loop_bound") == 0;
	free(name);
	if (!is_marker)
		return -1;
	if (clang_Cursor_getNumArguments(c) != 1 || !eval_int(clang_Cursor_getArgument(c, 0), &v) ||
	    v < 0)
		return -2;
	return v;
}

/* A readable name for the callee of an indirect call: the variable or
 * member it goes through. */
static char *callee_expr_name(CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	struct kids kk;
	char *n = NULL;
	size_t i;

	if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
		n = take(clang_getCursorSpelling(c));
		if (n && n[0])
			return n;
		free(n);
		n = NULL;
	}
	kids_get(&kk, c);
	for (i = 0; i < kk.n && !n; i++)
		n = callee_expr_name(kk.v[i]);
	kids_fini(&kk);
	return n;
}

static void walk(struct walk *w, CXCursor c, int callee_pos, long long bound);

static void handle_call(struct walk *w, CXCursor c, const struct kids *k)
{
	CXCursor ref = clang_getCursorReferenced(c);
	struct an_scall call = {0};
	char *name = NULL, *type = NULL;
	CXType t;

	if (!w->cur_usr)
		return;
	call.caller_usr = (char *)w->cur_usr;
	call.file = (char *)cursor_loc(w, c, &call.line, &call.col, NULL);
	if (!call.file)
		return;
	if (clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
		call.kind = AN_CALL_DIRECT;
		call.callee_usr = (char *)note_func(w, ref, 0, 0);
		name = take(clang_getCursorSpelling(ref));
		call.callee_name = name;
	} else {
		call.kind = AN_CALL_INDIRECT;
		name = k->n ? callee_expr_name(k->v[0]) : NULL;
		call.callee_name = name ? name : (char *)"function pointer";
		if (k->n) {
			t = clang_getCanonicalType(clang_getCursorType(k->v[0]));
			if (t.kind == CXType_Pointer)
				t = clang_getCanonicalType(clang_getPointeeType(t));
			type = take(clang_getTypeSpelling(t));
			call.fptr_type = type;
		}
	}
	if (w->rc == 0 && (!call.callee_name || an_summary_add_call(w->s, &call) < 0))
		set_nomem(w);
	free(name);
	free(type);
}

static void walk_kids(struct walk *w, const struct kids *k, size_t from)
{
	size_t i;

	for (i = from; i < k->n; i++)
		walk(w, k->v[i], 0, -1);
}

static void walk(struct walk *w, CXCursor c, int callee_pos, long long bound)
{
	enum CXCursorKind kind = clang_getCursorKind(c);
	struct kids k;
	size_t i;
	CXCursor ref;

	if (w->rc < 0)
		return;
	kids_get(&k, c);
	switch (kind) {
	case CXCursor_CallExpr:
		if (loop_bound_marker(c) != -1)
			break; /* the marker binds to the next statement, see below */
		handle_call(w, c, &k);
		if (k.n)
			walk(w, k.v[0], 1, -1);
		walk_kids(w, &k, 1);
		break;
	case CXCursor_DeclRefExpr:
		ref = clang_getCursorReferenced(c);
		if (!callee_pos && clang_getCursorKind(ref) == CXCursor_FunctionDecl)
			note_func(w, ref, AN_FN_ADDR_TAKEN, 0);
		break;
	case CXCursor_UnexposedExpr:
	case CXCursor_ParenExpr:
	case CXCursor_UnaryOperator:
		for (i = 0; i < k.n; i++)
			walk(w, k.v[i], callee_pos, -1);
		break;
	case CXCursor_VarDecl:
		if (clang_getCursorType(c).kind == CXType_VariableArray) {
			char *n = take(clang_getCursorSpelling(c));
			add_viol(w, c, AN_RULE_HEAP_ALLOC,
			         "variable-length array '%s' in interlock path", n ? n : "");
			free(n);
		}
		walk_kids(w, &k, 0);
		break;
	case CXCursor_CompoundStmt: {
		long long pending = -1;
		for (i = 0; i < k.n; i++) {
			long long mk = loop_bound_marker(k.v[i]);
			if (mk != -1) {
				pending = mk;
				continue;
			}
			walk(w, k.v[i], 0, pending);
			pending = -1;
		}
		break;
	}
	case CXCursor_LabelStmt:
		for (i = 0; i < k.n; i++)
			walk(w, k.v[i], 0, bound);
		break;
	case CXCursor_ForStmt:
	case CXCursor_WhileStmt:
	case CXCursor_DoStmt:
		check_loop(w, c, &k, bound);
		walk_kids(w, &k, 0);
		break;
	case CXCursor_GotoStmt: {
		CXCursor lbl = clang_getCursorReferenced(c);
		unsigned gl, gc, ll, lc, off;
		CXFile gf, lf;
		if (bound >= 0 || clang_Cursor_isNull(lbl))
			break;
		clang_getExpansionLocation(clang_getCursorLocation(c), &gf, &gl, &gc, &off);
		clang_getExpansionLocation(clang_getCursorLocation(lbl), &lf, &ll, &lc, &off);
		if (gf == lf && (ll < gl || (ll == gl && lc < gc))) {
			char *n = take(clang_getCursorSpelling(lbl));
			add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
			         "backward 'goto %s' forms a loop without a bound", n ? n : "");
			free(n);
		}
		break;
	}
	default:
		walk_kids(w, &k, 0);
		break;
	}
	kids_fini(&k);
}

static void handle_function(struct walk *w, CXCursor c)
{
	const char *usr;
	struct kids k;
	size_t i;
	char *name = take(clang_getCursorSpelling(c));
	int marker = name && strcmp(name, "latch__loop_bound") == 0;

	free(name);
	if (marker)
		return; /* the LATCH_LOOP_BOUND marker is no function of the program */
	usr = note_func(w, c, 0, 1);
	if (!usr || !clang_isCursorDefinition(c))
		return;
	kids_get(&k, c);
	w->cur_usr = usr;
	for (i = 0; i < k.n; i++)
		if (clang_getCursorKind(k.v[i]) == CXCursor_CompoundStmt)
			walk(w, k.v[i], 0, -1);
	w->cur_usr = NULL;
	kids_fini(&k);
}

static enum CXChildVisitResult top_cb(CXCursor c, CXCursor parent, CXClientData d)
{
	struct walk *w = d;

	(void)parent;
	if (w->rc < 0)
		return CXChildVisit_Break;
	if (clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
		return CXChildVisit_Continue;
	if (clang_getCursorKind(c) == CXCursor_FunctionDecl)
		handle_function(w, c);
	else if (clang_getCursorKind(c) == CXCursor_VarDecl)
		walk(w, c, 0, -1); /* initialisers take function addresses */
	return CXChildVisit_Continue;
}

/* ---- files: dependencies, pragmas, suppressions ---------------------------- */

struct incl {
	CXFile *files;
	size_t n, cap;
	int oom;
};

static void incl_cb(CXFile f, CXSourceLocation *stack, unsigned len, CXClientData d)
{
	struct incl *in = d;

	(void)stack;
	(void)len;
	if (an_util_grow((void **)&in->files, &in->cap, in->n + 1, sizeof(*in->files)) < 0) {
		in->oom = 1;
		return;
	}
	in->files[in->n++] = f;
}

static long long parse_max(const char *s)
{
	const char *m = strstr(s, "max");
	char *end;
	long long v;

	if (!m)
		return -1;
	m += 3;
	while (*m == ' ' || *m == '\t')
		m++;
	errno = 0;
	v = strtoll(m, &end, 0);
	if (end == m || errno || v < 0)
		return -1;
	return v;
}

/* Finds the loopbound pragmas of one file with the tokenizer. */
static void scan_pragmas(struct walk *w, CXFile f, size_t len)
{
	CXSourceRange r = clang_getRange(clang_getLocationForOffset(w->tu, f, 0),
	                                 clang_getLocationForOffset(w->tu, f, (unsigned)len));
	CXToken *toks = NULL;
	unsigned n = 0, i, j;
	char **sp = NULL;

	clang_tokenize(w->tu, r, &toks, &n);
	if (!n)
		return;
	sp = calloc(n, sizeof(*sp));
	if (!sp) {
		set_nomem(w);
		goto out;
	}
	for (i = 0; i < n; i++)
		sp[i] = take(clang_getTokenSpelling(w->tu, toks[i]));
	for (i = 0; i + 2 < n; i++) {
		long long b = -1;
		unsigned next = 0, pl, pc, po;
		CXFile pf;
		struct pbound *p;

		if (!sp[i] || !sp[i + 1] || !sp[i + 2])
			continue;
		if (strcmp(sp[i], "#") == 0 && strcmp(sp[i + 1], "pragma") == 0 &&
		    strcmp(sp[i + 2], "loopbound") == 0) {
			char text[256] = "";
			clang_getExpansionLocation(clang_getTokenLocation(w->tu, toks[i]), &pf, &pl,
			                           &pc, &po);
			for (j = i + 3; j < n; j++) {
				unsigned tl, tc, to;
				CXFile tf;
				clang_getExpansionLocation(clang_getTokenLocation(w->tu, toks[j]),
				                           &tf, &tl, &tc, &to);
				if (tl != pl)
					break;
				if (strlen(text) + strlen(sp[j] ? sp[j] : "") + 2 < sizeof(text)) {
					strcat(text, " ");
					strcat(text, sp[j] ? sp[j] : "");
				}
			}
			b = parse_max(text);
			next = j;
		} else if (strcmp(sp[i], "_Pragma") == 0 && strcmp(sp[i + 1], "(") == 0 &&
		           strstr(sp[i + 2], "loopbound")) {
			b = parse_max(sp[i + 2]);
			next = i + 3;
			if (next < n && sp[next] && strcmp(sp[next], ")") == 0)
				next++;
		} else {
			continue;
		}
		if (b < 0 || next >= n)
			continue;
		if (an_util_grow((void **)&w->pb, &w->cappb, w->npb + 1, sizeof(*w->pb)) < 0) {
			set_nomem(w);
			goto out;
		}
		p = &w->pb[w->npb++];
		clang_getExpansionLocation(clang_getTokenLocation(w->tu, toks[next]), &p->file,
		                           &p->line, &p->col, &po);
		p->bound = b;
	}
out:
	if (sp)
		for (i = 0; i < n; i++)
			free(sp[i]);
	free(sp);
	clang_disposeTokens(w->tu, toks, n);
}

static char *trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\r' || e[-1] == '\n'))
		*--e = '\0';
	return s;
}

/* Parses one `latch: allow(...)` comment starting at `at` (just after
 * "latch:") on a line of `path`. */
static void parse_supp(struct walk *w, const char *path, unsigned line, unsigned col, int alone,
                       const char *at, const char *eol)
{
	char buf[1024], *p, *close, *item, *save = NULL, *reason;
	size_t n = (size_t)(eol - at);
	struct an_ssupp s = {0};
	char err[300] = "";

	if (n >= sizeof(buf))
		n = sizeof(buf) - 1;
	memcpy(buf, at, n);
	buf[n] = '\0';
	p = trim(buf);
	if (strncmp(p, "allow", 5) != 0)
		return; /* some other remark that mentions latch */
	p = trim(p + 5);
	s.file = (char *)path;
	s.line = line;
	s.col = col;
	s.alone = (unsigned)alone;
	s.bound = -1;
	if (*p != '(' || !(close = strchr(p, ')'))) {
		snprintf(err, sizeof(err),
		         "malformed suppression: expected 'latch: allow(RULE) -- reason'");
		goto done;
	}
	*close = '\0';
	for (item = strtok_r(p + 1, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *it = trim(item);
		int r;
		if (strncmp(it, "bound", 5) == 0 && (it[5] == '=' || it[5] == ' ')) {
			char *end;
			s.bound = strtol(trim(it + 6), &end, 0);
			if (*trim(end) || s.bound < 0) {
				snprintf(err, sizeof(err), "malformed bound '%s' in suppression",
				         it);
				goto done;
			}
			continue;
		}
		r = an_rule_from_id(it);
		if (r < 0) {
			snprintf(err, sizeof(err), "unknown rule id '%.100s' in suppression", it);
			goto done;
		}
		s.rules |= 1u << r;
	}
	if (!s.rules) {
		snprintf(err, sizeof(err), "suppression names no rule");
		goto done;
	}
	reason = trim(close + 1);
	if (strncmp(reason, "--", 2) == 0)
		reason = trim(reason + 2);
	else
		reason = (char *)"";
	{
		char *end = strstr(reason, "*/");
		if (end)
			*end = '\0';
		reason = trim(reason);
	}
	if (!reason[0]) {
		snprintf(err, sizeof(err),
		         "suppression gives no reason: write 'allow(...) -- <reason>'");
		goto done;
	}
	if ((s.rules & (1u << AN_RULE_RECURSION)) && s.bound < 0) {
		snprintf(err, sizeof(err),
		         "suppression of 'recursion' must state the bound: allow(recursion, "
		         "bound=N) -- reason");
		goto done;
	}
	s.reason = reason;
done:
	if (err[0])
		s.error = err;
	if (an_summary_add_supp(w->s, &s) < 0)
		set_nomem(w);
}

static void scan_suppressions(struct walk *w, const char *path, const char *text)
{
	const char *p = text, *line_start = text;
	unsigned line = 1;

	while ((p = strstr(p, "latch:")) != NULL) {
		const char *q, *eol, *c1, *c2;
		for (q = line_start; q < p; q++)
			if (*q == '\n') {
				line++;
				line_start = q + 1;
			}
		eol = strchr(p, '\n');
		if (!eol)
			eol = p + strlen(p);
		/* only a comment that starts with "latch:" counts, so prose that
		 * merely mentions the syntax is not taken for a suppression */
		c1 = NULL;
		for (q = p; q-- > line_start;) {
			if (*q == ' ' || *q == '\t')
				continue;
			if (q > line_start && q[-1] == '/' && (q[0] == '/' || q[0] == '*'))
				c1 = q - 1;
			break;
		}
		c2 = p + 6;
		if (c1) {
			int alone = 1;
			for (q = line_start; q < c1; q++)
				if (*q != ' ' && *q != '\t')
					alone = 0;
			parse_supp(w, path, line, (unsigned)(c1 - line_start) + 1, alone, c2, eol);
		}
		p = c2;
	}
}

static int scan_files(struct walk *w, struct an_hashcache *hc)
{
	struct incl in = {0};
	size_t i;
	int rc = 0;

	clang_getInclusions(w->tu, incl_cb, &in);
	if (in.oom) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (i = 0; i < in.n; i++) {
		const struct fname *fn = file_name(w, in.files[i]);
		char *text = NULL;
		size_t len = 0;
		size_t j;
		int dup = 0;

		if (!fn) {
			rc = LC_ENOMEM;
			goto out;
		}
		for (j = 0; j < w->s->ndeps; j++)
			if (strcmp(w->s->deps[j].path, fn->path) == 0)
				dup = 1;
		if (dup)
			continue;
		if (hc) {
			struct an_sdep d;
			if (an_hashcache_dep(hc, &d, fn->path) == 0) {
				rc = an_summary_add_dep(w->s, &d);
				free(d.path);
				if (rc < 0)
					goto out;
			}
		}
		if (!fn->user)
			continue;
		if (an_util_read_file(&text, &len, fn->path) < 0)
			continue;
		if (strstr(text, "loopbound"))
			scan_pragmas(w, in.files[i], len);
		if (strstr(text, "latch:"))
			scan_suppressions(w, fn->path, text);
		free(text);
		if (w->rc < 0) {
			rc = w->rc;
			goto out;
		}
	}
out:
	free(in.files);
	return rc;
}

static const char *cx_error_text(enum CXErrorCode e)
{
	switch (e) {
	case CXError_Failure:
		return "libclang failed to parse it";
	case CXError_Crashed:
		return "libclang crashed while parsing it";
	case CXError_InvalidArguments:
		return "libclang rejected the arguments";
	case CXError_ASTReadError:
		return "libclang could not read the AST";
	default:
		return "libclang returned an unknown error";
	}
}

/* The driver option clang names in an "unknown argument: 'X'" or
 * "unsupported option 'X'" diagnostic, copied into buf; 0 if none. */
static int rejected_option(CXDiagnostic d, char *buf, size_t n)
{
	CXString s = clang_getDiagnosticSpelling(d);
	const char *m = clang_getCString(s), *q = NULL, *e;
	int ok = 0;

	if (m && strncmp(m, "unknown argument: '", 19) == 0)
		q = m + 19;
	else if (m && strncmp(m, "unsupported option '", 20) == 0)
		q = m + 20;
	if (q && (e = strchr(q, '\'')) != NULL && (size_t)(e - q) < n) {
		memcpy(buf, q, (size_t)(e - q));
		buf[e - q] = '\0';
		ok = 1;
	}
	clang_disposeString(s);
	return ok;
}

/* Parses t. Compiler-specific flags the cleaning in compdb.c does not know
 * are rejected by clang's driver with a named option; such an option cannot
 * change what the code means to us, so it is dropped and the parse retried
 * (a few times). Any other error diagnostic fails the TU. */
static int parse_retrying(CXTranslationUnit *out, CXIndex idx, const struct an_tu *t,
                          struct lc_err *err)
{
	const char **argv = NULL;
	int argc = t->argc - 1, attempt, i, rc = 0;
	CXTranslationUnit tu = NULL;
	enum CXErrorCode ec;

	*out = NULL;
	argv = malloc((size_t)(argc + 1) * sizeof(*argv));
	if (!argv)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < argc; i++)
		argv[i] = t->argv[i + 1];
	for (attempt = 0; attempt < 8; attempt++) {
		unsigned nd, k;
		int dropped = 0, fatal = 0;

		ec = clang_parseTranslationUnit2(idx, t->file, argv, argc, NULL, 0,
		                                 CXTranslationUnit_IgnoreNonErrorsFromIncludedFiles,
		                                 &tu);
		if (ec != CXError_Success || !tu) {
			rc = lc_err_set(err, LC_EFORMAT, "cannot parse '%s': %s", t->file,
			                cx_error_text(ec));
			goto out;
		}
		nd = clang_getNumDiagnostics(tu);
		for (k = 0; k < nd && !fatal; k++) {
			CXDiagnostic d = clang_getDiagnostic(tu, k);
			char opt[512];
			if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
				if (rejected_option(d, opt, sizeof(opt))) {
					int j, w = 0;
					for (j = 0; j < argc; j++)
						if (strcmp(argv[j], opt) != 0)
							argv[w++] = argv[j];
					dropped |= w != argc;
					argc = w;
					if (w == argc && !dropped)
						fatal = 1;
				} else {
					fatal = 1;
				}
				if (fatal) {
					CXString s = clang_formatDiagnostic(
					        d, CXDiagnostic_DisplaySourceLocation |
					                   CXDiagnostic_DisplayColumn);
					rc = lc_err_set(err, LC_EFORMAT, "cannot parse '%s': %s",
					                t->file, clang_getCString(s));
					clang_disposeString(s);
				}
			}
			clang_disposeDiagnostic(d);
		}
		if (fatal)
			goto out;
		if (!dropped)
			break;
		clang_disposeTranslationUnit(tu);
		tu = NULL;
	}
	if (!tu)
		rc = lc_err_set(err, LC_EFORMAT, "cannot parse '%s': too many rejected options",
		                t->file);
out:
	if (rc < 0 && tu) {
		clang_disposeTranslationUnit(tu);
		tu = NULL;
	}
	*out = tu;
	free(argv);
	return rc;
}

int an_parse_tu(struct an_summary **out, CXIndex idx, const struct an_tu *t,
                struct an_hashcache *hc, struct lc_err *err)
{
	CXTranslationUnit tu = NULL;
	struct walk w;
	int rc = 0;
	size_t j;

	*out = NULL;
	memset(&w, 0, sizeof(w));
	if (access(t->file, R_OK) != 0) {
		rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", t->file, strerror(errno));
		goto out;
	}
	rc = parse_retrying(&tu, idx, t, err);
	if (rc < 0)
		goto out;
	rc = an_summary_new(&w.s, t->file);
	if (rc < 0)
		goto out;
	w.tu = tu;
	w.dir = t->dir;
	/* pragmas first: the walk binds them to loops */
	rc = scan_files(&w, hc);
	if (rc < 0)
		goto out;
	clang_visitChildren(clang_getTranslationUnitCursor(tu), top_cb, &w);
	rc = w.rc;
	if (rc < 0) {
		lc_err_set(err, rc, "out of memory while summarising '%s'", t->file);
		goto out;
	}
	*out = w.s;
	w.s = NULL;
out:
	if (rc == LC_ENOMEM && err && !err->msg[0])
		lc_err_set(err, rc, "out of memory while summarising '%s'", t->file);
	an_summary_free(w.s);
	for (j = 0; j < w.nnames; j++)
		free(w.names[j].path);
	free(w.names);
	free(w.pb);
	an_map_fini(&w.fn);
	if (tu)
		clang_disposeTranslationUnit(tu);
	return rc;
}
