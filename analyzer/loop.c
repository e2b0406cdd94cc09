/*
 * analyzer/loop.c - the facts of the unbounded-loop rule: which loops have a
 * bound (a canonical counted loop, LATCH_LOOP_BOUND(n), a loopbound pragma)
 * and which are reported.
 */
#define _POSIX_C_SOURCE 200809L
#include "loop.h"

#include <stdlib.h>
#include <string.h>

/* A loop bound that is a constant: a literal, enum, sizeof, macro, or a
 * const-qualified object with a constant initialiser. */
static int is_const_bound(CXCursor c, long long *v)
{
	CXCursor s, ref;

	if (an__eval_int(c, v))
		return 1;
	s = an__strip(c);
	if (clang_getCursorKind(s) != CXCursor_DeclRefExpr)
		return 0;
	ref = clang_getCursorReferenced(s);
	if (clang_getCursorKind(ref) != CXCursor_VarDecl ||
	    !clang_isConstQualifiedType(clang_getCursorType(ref)) ||
	    clang_isVolatileQualifiedType(clang_getCursorType(ref)))
		return 0;
	return an__eval_int(ref, v);
}

/* The variable an expression names (after stripping), or a null cursor. */
static CXCursor var_of(CXCursor c)
{
	CXCursor s = an__strip(c), ref;

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
	struct an__kids kk;

	(void)parent;
	if (k == CXCursor_BinaryOperator || k == CXCursor_CompoundAssignOperator) {
		enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(c);
		if (op >= CXBinaryOperator_Assign && op <= CXBinaryOperator_OrAssign) {
			an__kids_get(&kk, c);
			if (kk.n > 0 && same_var(var_of(kk.v[0]), m->var))
				m->modified = 1;
			an__kids_fini(&kk);
		}
	} else if (k == CXCursor_UnaryOperator) {
		enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(c);
		if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PostDec ||
		    op == CXUnaryOperator_PreInc || op == CXUnaryOperator_PreDec ||
		    op == CXUnaryOperator_AddrOf) {
			an__kids_get(&kk, c);
			if (kk.n > 0 && same_var(var_of(kk.v[0]), m->var))
				m->modified = 1;
			an__kids_fini(&kk);
		}
	}
	return m->modified ? CXChildVisit_Break : CXChildVisit_Recurse;
}

static int is_cmp(CXCursor c, enum CXBinaryOperatorKind *op)
{
	c = an__strip(c);
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
	struct an__kids kk;
	long long step = 0, c;
	enum CXCursorKind k;

	inc = an__strip(inc);
	k = clang_getCursorKind(inc);
	an__kids_get(&kk, inc);
	if (k == CXCursor_UnaryOperator && kk.n == 1 && same_var(var_of(kk.v[0]), var)) {
		enum CXUnaryOperatorKind op = clang_getCursorUnaryOperatorKind(inc);
		if (op == CXUnaryOperator_PostInc || op == CXUnaryOperator_PreInc)
			step = 1;
		else if (op == CXUnaryOperator_PostDec || op == CXUnaryOperator_PreDec)
			step = -1;
	} else if (k == CXCursor_CompoundAssignOperator && kk.n == 2 &&
	           same_var(var_of(kk.v[0]), var) && an__eval_int(kk.v[1], &c) && c > 0) {
		enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(inc);
		if (op == CXBinaryOperator_AddAssign)
			step = c;
		else if (op == CXBinaryOperator_SubAssign)
			step = -c;
	}
	an__kids_fini(&kk);
	return step;
}

/* Is `cmp` (a comparison) `v OP const` with v stepped by `inc` toward the
 * bound and not written in `body`? */
static int bounded_by(CXCursor cmp, CXCursor inc, CXCursor body)
{
	enum CXBinaryOperatorKind op = CXBinaryOperator_Invalid;
	struct an__kids cond;
	CXCursor var = clang_getNullCursor();
	long long bound, step;
	int ok = 0;
	struct modscan m;

	if (!is_cmp(cmp, &op))
		return 0;
	an__kids_get(&cond, an__strip(cmp));
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
	an__kids_fini(&cond);
	return ok;
}

/* Does condition `c` bound the loop? A comparison must, or a conjunction
 * (`i < N && more`) in which one side does: the loop stops at the latest
 * when that side turns false. */
static int cond_bounds(CXCursor c, CXCursor inc, CXCursor body)
{
	struct an__kids kk;
	int ok = 0;
	size_t i;

	c = an__strip(c);
	if (clang_getCursorKind(c) == CXCursor_BinaryOperator &&
	    clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_LAnd) {
		an__kids_get(&kk, c);
		for (i = 0; i < kk.n && !ok; i++)
			ok = cond_bounds(kk.v[i], inc, body);
		an__kids_fini(&kk);
		return ok;
	}
	return bounded_by(c, inc, body);
}

static int is_cond_like(CXCursor c)
{
	enum CXBinaryOperatorKind op;

	c = an__strip(c);
	if (is_cmp(c, &op))
		return 1;
	return clang_getCursorKind(c) == CXCursor_BinaryOperator &&
	       clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_LAnd;
}

/* A canonical counted for: `init; v OP const [&& ...]; v++ / v-- / v += c`
 * where the body does not write v and the step moves v toward the bound.
 * libclang omits absent parts of a for header, so the condition is found
 * by its form and the increment is the child after it. */
static int for_is_canonical(const struct an__kids *k)
{
	size_t nb = k->n - 1, i, ci = (size_t)-1;

	for (i = 0; i < nb; i++)
		if (is_cond_like(k->v[i]))
			ci = i;
	if (ci == (size_t)-1 || ci + 1 >= nb)
		return 0; /* no comparison, or no increment after it */
	return cond_bounds(k->v[ci], k->v[ci + 1], k->v[k->n - 1]);
}

static long long pragma_bound(const struct an__walk *w, CXCursor loop)
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

void an__loop_check(struct an__walk *w, CXCursor c, const struct an__kids *k, long long bound)
{
	enum CXCursorKind kind = clang_getCursorKind(c);
	long long v;

	if (bound >= 0 || pragma_bound(w, c) >= 0 || k->n == 0)
		return;
	if (kind == CXCursor_ForStmt) {
		if (k->n == 1)
			an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP, "infinite loop 'for (;;)'");
		else if (!for_is_canonical(k))
			an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
			             "'for' loop without a constant bound");
		return;
	}
	{
		CXCursor cond = kind == CXCursor_WhileStmt ? k->v[0] : k->v[k->n - 1];
		const char *kw = kind == CXCursor_WhileStmt ? "while" : "do";
		if (an__eval_int(cond, &v)) {
			if (v != 0)
				an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
				             "infinite loop: '%s' condition is always true", kw);
			/* a constant-false condition runs the body at most once:
			 * the do { ... } while (0) macro idiom */
			return;
		}
		an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
		             "'%s' loop with a data-dependent condition", kw);
	}
}

/* The LATCH_LOOP_BOUND(n) marker: a call to latch__loop_bound. Returns the
 * bound (or -2 for a marker whose argument is not constant), -1 otherwise. */
long long an__loop_bound_marker(CXCursor c)
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
	name = an__take(clang_getCursorSpelling(ref));
	is_marker = name && strcmp(name, "latch__loop_bound") == 0;
	free(name);
	if (!is_marker)
		return -1;
	if (clang_Cursor_getNumArguments(c) != 1 ||
	    !an__eval_int(clang_Cursor_getArgument(c, 0), &v) || v < 0)
		return -2;
	return v;
}
