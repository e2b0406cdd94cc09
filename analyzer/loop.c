/*
 * analyzer/loop.c - the facts of the unbounded-loop rule: which loops have a
 * bound (a canonical counted loop, LATCH_LOOP_BOUND(n), a loopbound pragma)
 * and which are reported.
 */
#define _POSIX_C_SOURCE 200809L
#include "loop.h"

#include <stdio.h>
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

/* Why a loop of counted shape is not bounded (LOOP_OK: it is). */
enum verdict { LOOP_OK, LOOP_NOBOUND, LOOP_START, LOOP_WRAP };

struct counted {
	CXCursor var;
	long long start, bound, step;
	enum CXBinaryOperatorKind op;
	long long trips; /* iterations, when the verdict is LOOP_OK */
	char why[160];
};

/* Iterations of `v OP bound` from start, stepping by step toward bound
 * (the caller has checked the direction and that the type holds it). */
static long long trip_count(enum CXBinaryOperatorKind op, long long start, long long bound,
                            long long step)
{
	long long d = step > 0 ? bound - start : start - bound, s = step > 0 ? step : -step;

	switch (op) {
	case CXBinaryOperator_LT:
	case CXBinaryOperator_GT:
		return d > 0 ? (d + s - 1) / s : 0;
	case CXBinaryOperator_LE:
	case CXBinaryOperator_GE:
		return d >= 0 ? d / s + 1 : 0;
	default: /* != with a step of 1 or -1 that reaches the bound */
		return d > 0 ? d : 0;
	}
}

/* A pointer into a fixed-size array: `arr`, `&arr[K]`, `arr + K` with K
 * constant. Returns 1 with the array's declaration and the offset. */
static int ptr_off(CXCursor c, CXCursor *arr, long long *off)
{
	CXCursor s = an__strip(c), ref;
	struct an__kids kk;
	enum CXCursorKind k = clang_getCursorKind(s);
	int ok = 0;

	if (k == CXCursor_DeclRefExpr) {
		ref = clang_getCursorReferenced(s);
		if (clang_getCursorKind(ref) == CXCursor_VarDecl &&
		    clang_getCursorType(ref).kind == CXType_ConstantArray) {
			*arr = ref;
			*off = 0;
			return 1;
		}
		return 0;
	}
	an__kids_get(&kk, s);
	if (k == CXCursor_UnaryOperator &&
	    clang_getCursorUnaryOperatorKind(s) == CXUnaryOperator_AddrOf && kk.n == 1) {
		CXCursor sub = an__strip(kk.v[0]);
		struct an__kids ks;
		if (clang_getCursorKind(sub) == CXCursor_ArraySubscriptExpr) {
			an__kids_get(&ks, sub);
			ok = ks.n == 2 && ptr_off(ks.v[0], arr, off) && *off == 0 &&
			     an__eval_int(ks.v[1], off);
			an__kids_fini(&ks);
		}
	} else if (k == CXCursor_BinaryOperator &&
	           clang_getCursorBinaryOperatorKind(s) == CXBinaryOperator_Add && kk.n == 2) {
		long long base = 0, add = 0;
		ok = (ptr_off(kk.v[0], arr, &base) && an__eval_int(kk.v[1], &add)) ||
		     (ptr_off(kk.v[1], arr, &base) && an__eval_int(kk.v[0], &add));
		*off = base + add;
	}
	an__kids_fini(&kk);
	return ok;
}

/* The range of an integer type; 0 when t is not an integer type. 8-byte
 * unsigned types are given the signed range (conservative). */
static int int_range(CXType t, long long *lo, long long *hi)
{
	long long size;
	int is_signed;

	t = clang_getCanonicalType(t);
	if (t.kind == CXType_Enum)
		t = clang_getCanonicalType(
		        clang_getEnumDeclIntegerType(clang_getTypeDeclaration(t)));
	switch (t.kind) {
	case CXType_Bool:
	case CXType_Char_U:
	case CXType_UChar:
	case CXType_UShort:
	case CXType_UInt:
	case CXType_ULong:
	case CXType_ULongLong:
	case CXType_Char16:
	case CXType_Char32:
		is_signed = 0;
		break;
	case CXType_Char_S:
	case CXType_SChar:
	case CXType_Short:
	case CXType_Int:
	case CXType_Long:
	case CXType_LongLong:
	case CXType_WChar:
		is_signed = 1;
		break;
	default:
		return 0;
	}
	size = clang_Type_getSizeOf(t);
	if (size <= 0 || size > 8)
		return 0;
	if (size == 8) {
		*lo = is_signed ? -0x7fffffffffffffffLL - 1 : 0;
		*hi = 0x7fffffffffffffffLL;
	} else if (is_signed) {
		*hi = (1LL << (size * 8 - 1)) - 1;
		*lo = -*hi - 1;
	} else {
		*lo = 0;
		*hi = (1LL << (size * 8)) - 1;
	}
	return 1;
}

/* The value the loop starts from: the initialiser of `var` in `init` (a
 * declaration, an assignment, or a comma list of them). */
static int start_of(CXCursor init, CXCursor var, CXCursor *val)
{
	enum CXCursorKind k;
	struct an__kids kk;
	size_t i;
	int ok = 0;

	if (clang_Cursor_isNull(init))
		return 0;
	k = clang_getCursorKind(init);
	an__kids_get(&kk, init);
	if (k == CXCursor_DeclStmt) {
		for (i = 0; i < kk.n && !ok; i++)
			ok = start_of(kk.v[i], var, val);
	} else if (k == CXCursor_VarDecl) {
		if (clang_equalCursors(init, var)) {
			for (i = kk.n; i-- > 0 && !ok;)
				if (clang_isExpression(clang_getCursorKind(kk.v[i]))) {
					*val = kk.v[i];
					ok = 1;
				}
		}
	} else if (k == CXCursor_BinaryOperator && kk.n == 2) {
		enum CXBinaryOperatorKind op = clang_getCursorBinaryOperatorKind(init);
		if (op == CXBinaryOperator_Assign && same_var(var_of(kk.v[0]), var)) {
			*val = kk.v[1];
			ok = 1;
		} else if (op == CXBinaryOperator_Comma) {
			ok = start_of(kk.v[1], var, val) || start_of(kk.v[0], var, val);
		}
	} else if (k == CXCursor_UnexposedExpr || k == CXCursor_ParenExpr) {
		ok = kk.n == 1 && start_of(kk.v[0], var, val);
	}
	an__kids_fini(&kk);
	return ok;
}

/* Does the loop body write the counter? With skip_last, its last statement
 * (the step of a canonical while) is left out. */
static int body_writes(CXCursor body, CXCursor var, int skip_last)
{
	struct modscan m;
	struct an__kids kk;
	size_t i;

	m.var = var;
	m.modified = 0;
	if (!skip_last) {
		/* the body itself may be the write (`for (...) i--;`), then its parts */
		modscan_cb(body, body, &m);
		if (!m.modified)
			clang_visitChildren(body, modscan_cb, &m);
		return m.modified;
	}
	an__kids_get(&kk, body);
	for (i = 0; i + 1 < kk.n && !m.modified; i++) {
		modscan_cb(kk.v[i], body, &m);
		if (!m.modified)
			clang_visitChildren(kk.v[i], modscan_cb, &m);
	}
	an__kids_fini(&kk);
	return m.modified;
}

/* Is `cmp` (a comparison) `v OP bound` with v stepped by `inc` toward the
 * bound from a constant start in `init`, not written in `body`, and of a
 * type that can hold every value it takes until the comparison fails? */
static enum verdict bounded_by(CXCursor cmp, CXCursor inc, CXCursor body, CXCursor init,
                               int skip_last, struct counted *lc)
{
	enum CXBinaryOperatorKind op = CXBinaryOperator_Invalid;
	struct an__kids cond;
	CXCursor var = clang_getNullCursor(), sv, arr = clang_getNullCursor(), sarr;
	long long bound = 0, step, start, lo, hi, size = 0;
	enum verdict v = LOOP_NOBOUND;
	int ptr = 0;
	char *name = NULL;

	if (!is_cmp(cmp, &op))
		return LOOP_NOBOUND;
	an__kids_get(&cond, an__strip(cmp));
	if (cond.n != 2)
		goto out;
	if (!clang_Cursor_isNull(var_of(cond.v[0])) &&
	    (is_const_bound(cond.v[1], &bound) || (ptr = ptr_off(cond.v[1], &arr, &bound)))) {
		var = var_of(cond.v[0]);
	} else if (!clang_Cursor_isNull(var_of(cond.v[1])) &&
	           (is_const_bound(cond.v[0], &bound) ||
	            (ptr = ptr_off(cond.v[0], &arr, &bound)))) {
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
	if (body_writes(body, var, skip_last))
		goto out;
	name = an__take(clang_getCursorSpelling(var));
	if (!start_of(init, var, &sv) ||
	    !(ptr ? ptr_off(sv, &sarr, &start) && clang_equalCursors(sarr, arr)
	          : is_const_bound(sv, &start))) {
		snprintf(lc->why, sizeof(lc->why), "'%s' does not start from a constant",
		         name ? name : "");
		v = LOOP_START;
		goto out;
	}
	if (ptr) {
		/* a pointer may go one past the end of its array, no further */
		size = clang_getArraySize(clang_getCursorType(arr));
		lo = 0;
		hi = size;
	} else if (!int_range(clang_getCursorType(var), &lo, &hi)) {
		goto out; /* a floating-point counter: no exact trip count */
	}
	v = LOOP_OK;
	if (op == CXBinaryOperator_LT && bound + step - 1 > hi)
		v = LOOP_WRAP;
	else if (op == CXBinaryOperator_LE && bound + step > hi)
		v = LOOP_WRAP;
	else if (op == CXBinaryOperator_GT && bound + step + 1 < lo)
		v = LOOP_WRAP;
	else if (op == CXBinaryOperator_GE && bound + step < lo)
		v = LOOP_WRAP;
	else if (op == CXBinaryOperator_NE &&
	         (bound < lo || bound > hi || (step > 0 ? start > bound : start < bound)))
		v = LOOP_WRAP;
	else if (start < lo || start > hi)
		v = LOOP_WRAP;
	if (v == LOOP_OK)
		lc->trips = trip_count(op, start, bound, step);
	if (v == LOOP_WRAP && ptr) {
		char *an = an__take(clang_getCursorSpelling(arr));
		snprintf(lc->why, sizeof(lc->why), "'%s' goes past the end of '%s' (%lld elements)",
		         name ? name : "", an ? an : "", size);
		free(an);
	} else if (v == LOOP_WRAP) {
		CXString ts = clang_getTypeSpelling(clang_getCursorType(var));
		snprintf(lc->why, sizeof(lc->why), "'%s' of type '%s' never %s %lld",
		         name ? name : "", clang_getCString(ts),
		         op == CXBinaryOperator_NE ? "reaches" : "passes", bound);
		clang_disposeString(ts);
	}
out:
	free(name);
	an__kids_fini(&cond);
	return v;
}

/* Does condition `c` bound the loop? A comparison must, or a conjunction
 * (`i < N && more`) in which one side does: the loop stops at the latest
 * when that side turns false. The first reason found is kept. */
static enum verdict cond_bounds(CXCursor c, CXCursor inc, CXCursor body, CXCursor init,
                                int skip_last, struct counted *lc)
{
	struct an__kids kk;
	enum verdict v = LOOP_NOBOUND, r;
	size_t i;

	c = an__strip(c);
	if (clang_getCursorKind(c) == CXCursor_BinaryOperator &&
	    clang_getCursorBinaryOperatorKind(c) == CXBinaryOperator_LAnd) {
		an__kids_get(&kk, c);
		for (i = 0; i < kk.n && v != LOOP_OK; i++) {
			r = cond_bounds(kk.v[i], inc, body, init, skip_last, lc);
			if (r == LOOP_OK || v == LOOP_NOBOUND)
				v = r;
		}
		an__kids_fini(&kk);
		return v;
	}
	return bounded_by(c, inc, body, init, skip_last, lc);
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

/* A canonical counted for: `v = C; v OP const [&& ...]; v++ / v-- / v += c`
 * where the body does not write v and the step moves v toward the bound.
 * libclang omits absent parts of a for header, so the condition is found
 * by its form, the increment is the child after it and the init the one
 * before it. */
static enum verdict for_is_canonical(const struct an__kids *k, struct counted *lc)
{
	size_t nb = k->n - 1, i, ci = (size_t)-1;

	for (i = 0; i < nb; i++)
		if (is_cond_like(k->v[i]))
			ci = i;
	if (ci == (size_t)-1 || ci + 1 >= nb)
		return LOOP_NOBOUND; /* no comparison, or no increment after it */
	return cond_bounds(k->v[ci], k->v[ci + 1], k->v[k->n - 1],
	                   ci > 0 ? k->v[ci - 1] : clang_getNullCursor(), 0, lc);
}

struct contscan {
	int found;
};

/* A `continue` of this loop (not of a nested one) would skip the step. */
static enum CXChildVisitResult cont_cb(CXCursor c, CXCursor parent, CXClientData d)
{
	struct contscan *s = d;
	enum CXCursorKind k = clang_getCursorKind(c);

	(void)parent;
	if (k == CXCursor_ContinueStmt) {
		s->found = 1;
		return CXChildVisit_Break;
	}
	if (k == CXCursor_ForStmt || k == CXCursor_WhileStmt || k == CXCursor_DoStmt)
		return CXChildVisit_Continue;
	return CXChildVisit_Recurse;
}

/* A while of the same canonical shape: `v = C;` as the statement before it,
 * `while (v OP const)`, and the step as the last statement of its body,
 * with no `continue` that would skip it. */
static enum verdict while_is_canonical(const struct an__kids *k, CXCursor prev, struct counted *lc)
{
	struct an__kids body;
	struct contscan cs = {0};
	enum verdict v = LOOP_NOBOUND;

	if (k->n != 2 || clang_getCursorKind(k->v[1]) != CXCursor_CompoundStmt ||
	    clang_Cursor_isNull(prev) || !is_cond_like(k->v[0]))
		return LOOP_NOBOUND;
	an__kids_get(&body, k->v[1]);
	clang_visitChildren(k->v[1], cont_cb, &cs);
	if (body.n >= 1 && !cs.found)
		v = cond_bounds(k->v[0], body.v[body.n - 1], k->v[1], prev, 1, lc);
	an__kids_fini(&body);
	return v;
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

long long an__loop_check(struct an__walk *w, CXCursor c, const struct an__kids *k, long long bound,
                         CXCursor prev)
{
	enum CXCursorKind kind = clang_getCursorKind(c);
	long long v;
	struct counted lc;
	enum verdict vd;

	memset(&lc, 0, sizeof(lc));
	if (bound >= 0)
		return bound;
	if (pragma_bound(w, c) >= 0)
		return pragma_bound(w, c);
	if (k->n == 0)
		return -1;
	if (kind == CXCursor_ForStmt) {
		if (k->n == 1) {
			an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP, "infinite loop 'for (;;)'");
			return -1;
		}
		vd = for_is_canonical(k, &lc);
		if (vd == LOOP_NOBOUND)
			an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
			             "'for' loop without a constant bound");
		else if (vd != LOOP_OK)
			an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP, "'for' loop without a bound: %s",
			             lc.why);
		return vd == LOOP_OK ? lc.trips : -1;
	}
	{
		CXCursor cond = kind == CXCursor_WhileStmt ? k->v[0] : k->v[k->n - 1];
		const char *kw = kind == CXCursor_WhileStmt ? "while" : "do";
		if (an__eval_int(cond, &v)) {
			if (v != 0) {
				an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
				             "infinite loop: '%s' condition is always true", kw);
				return -1;
			}
			/* a constant-false condition runs the body at most once:
			 * the do { ... } while (0) macro idiom */
			return 1;
		}
		vd = kind == CXCursor_WhileStmt ? while_is_canonical(k, prev, &lc) : LOOP_NOBOUND;
		if (vd == LOOP_OK)
			return lc.trips;
		if (vd == LOOP_WRAP || vd == LOOP_START)
			an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
			             "'while' loop without a bound: %s", lc.why);
		else
			an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
			             "'%s' loop with a data-dependent condition", kw);
	}
	return -1;
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
