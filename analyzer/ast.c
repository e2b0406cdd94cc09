/*
 * analyzer/ast.c - the AST walk: functions defined and referenced, calls
 * (direct by USR, indirect with the pointee type), addresses taken, VLAs and
 * backward gotos. Loops are handed to loop.c.
 *
 * The AST is walked by hand (children collected, then visited in order)
 * rather than with one recursive visitor, because two facts depend on order
 * and position: the statement before a loop (LATCH_LOOP_BOUND) and whether a
 * function name is the callee of a call or has its address taken.
 */
#define _POSIX_C_SOURCE 200809L
#include "ast.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loop.h"

static enum CXChildVisitResult collect_cb(CXCursor c, CXCursor parent, CXClientData d)
{
	struct an__kids *k = d;

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

void an__kids_get(struct an__kids *k, CXCursor c)
{
	k->v = k->inl;
	k->cap = sizeof(k->inl) / sizeof(k->inl[0]);
	k->n = 0;
	clang_visitChildren(c, collect_cb, k);
}

void an__kids_fini(struct an__kids *k)
{
	if (k->v != k->inl)
		free(k->v);
}

char *an__take(CXString s)
{
	const char *c = clang_getCString(s);
	char *d = strdup(c ? c : "");

	clang_disposeString(s);
	return d;
}

void an__set_nomem(struct an__walk *w)
{
	if (w->rc == 0)
		w->rc = LC_ENOMEM;
}

const struct an__fname *an__file_name(struct an__walk *w, CXFile f)
{
	size_t i;
	struct an__fname *n;
	char *p;

	for (i = w->nnames; i-- > 0;)
		if (w->names[i].file == f)
			return &w->names[i];
	p = an__take(clang_File_tryGetRealPathName(f));
	if (p && !p[0]) {
		free(p);
		p = an__take(clang_getFileName(f));
	}
	if (!p ||
	    an_util_grow((void **)&w->names, &w->capnames, w->nnames + 1, sizeof(*w->names)) < 0) {
		free(p);
		an__set_nomem(w);
		return NULL;
	}
	n = &w->names[w->nnames++];
	n->file = f;
	n->path = an_util_abspath(p, w->dir);
	free(p);
	if (!n->path) {
		w->nnames--;
		an__set_nomem(w);
		return NULL;
	}
	n->user = !clang_Location_isInSystemHeader(clang_getLocationForOffset(w->tu, f, 0));
	return n;
}

/* Where a cursor is, as the user sees it: the expansion location, so a call
 * hidden in a macro is reported at the macro's use. Returns the path or NULL. */
const char *an__cursor_loc(struct an__walk *w, CXCursor c, unsigned *line, unsigned *col,
                           CXFile *fout)
{
	CXFile f = NULL;
	unsigned off;
	const struct an__fname *n;

	clang_getExpansionLocation(clang_getCursorLocation(c), &f, line, col, &off);
	if (fout)
		*fout = f;
	if (!f)
		return NULL;
	n = an__file_name(w, f);
	return n ? n->path : NULL;
}

static int has_interlock_attr(CXCursor fn)
{
	struct an__kids k;
	size_t i;
	int yes = 0;

	an__kids_get(&k, fn);
	for (i = 0; i < k.n && !yes; i++) {
		if (clang_getCursorKind(k.v[i]) == CXCursor_AnnotateAttr) {
			char *s = an__take(clang_getCursorSpelling(k.v[i]));
			yes = s && strcmp(s, "latch.interlock") == 0;
			free(s);
		}
	}
	an__kids_fini(&k);
	return yes;
}

static char *usr_of(CXCursor c)
{
	char *u = an__take(clang_getCursorUSR(c));

	if (u && !u[0]) {
		/* builtins have no USR; name them the way clang names externs */
		char *name = an__take(clang_getCursorSpelling(c));
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
static const char *note_func(struct an__walk *w, CXCursor c, unsigned flags, int decl)
{
	char *usr = usr_of(c);
	size_t *idx;
	struct an_sfunc *f;
	int defined = clang_isCursorDefinition(c);
	unsigned line = 0, col = 0;
	const char *path;
	CXFile file;
	int system = clang_Location_isInSystemHeader(clang_getCursorLocation(c));

	if (!usr) {
		an__set_nomem(w);
		return NULL;
	}
	/* A system header's inline body counts as external (see parse.h). */
	if (defined && !system)
		flags |= AN_FN_DEFINED;
	if (decl && has_interlock_attr(c))
		flags |= AN_FN_ROOT;
	idx = lc_strmap_get(&w->fn, usr);
	if (idx == NULL) {
		struct an_sfunc nf = {0};
		path = an__cursor_loc(w, c, &line, &col, &file);
		nf.name = an__take(clang_getCursorSpelling(c));
		nf.usr = usr;
		nf.file = (char *)(path ? path : "");
		nf.line = line;
		nf.col = col;
		nf.type = an__take(
		        clang_getTypeSpelling(clang_getCanonicalType(clang_getCursorType(c))));
		nf.flags = flags;
		if (!nf.name || !nf.type || an_summary_add_func(w->s, &nf) < 0 ||
		    (idx = lc_strmap_put(&w->fn, usr, NULL)) == NULL) {
			an__set_nomem(w);
			free(nf.name);
			free(nf.type);
			free(usr);
			return NULL;
		}
		*idx = w->s->nfuncs - 1;
		free(nf.name);
		free(nf.type);
		free(usr);
		return w->s->funcs[w->s->nfuncs - 1].usr;
	}
	f = &w->s->funcs[*idx];
	if ((flags & AN_FN_DEFINED) && !(f->flags & AN_FN_DEFINED)) {
		path = an__cursor_loc(w, c, &line, &col, &file);
		if (path) {
			char *p = strdup(path);
			if (!p) {
				an__set_nomem(w);
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

void an__add_viol(struct an__walk *w, CXCursor at, enum an_rule rule, const char *fmt, ...)
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
	v.file = (char *)an__cursor_loc(w, at, &v.line, &v.col, NULL);
	v.msg = msg;
	if (!v.file)
		return;
	if (an_summary_add_viol(w->s, &v) < 0)
		an__set_nomem(w);
}

CXCursor an__strip(CXCursor c)
{
	for (;;) {
		enum CXCursorKind k = clang_getCursorKind(c);
		struct an__kids kk;
		CXCursor next;

		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr &&
		    k != CXCursor_CStyleCastExpr)
			return c;
		an__kids_get(&kk, c);
		if (kk.n == 0) {
			an__kids_fini(&kk);
			return c;
		}
		/* a C cast's children are the type reference(s), then the operand */
		next = kk.v[kk.n - 1];
		an__kids_fini(&kk);
		c = next;
	}
}

int an__eval_int(CXCursor c, long long *v)
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

/* A readable name for the callee of an indirect call: the variable or
 * member it goes through. */
static char *callee_expr_name(CXCursor c)
{
	enum CXCursorKind k = clang_getCursorKind(c);
	struct an__kids kk;
	char *n = NULL;
	size_t i;

	if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr) {
		n = an__take(clang_getCursorSpelling(c));
		if (n && n[0])
			return n;
		free(n);
		n = NULL;
	}
	an__kids_get(&kk, c);
	for (i = 0; i < kk.n && !n; i++)
		n = callee_expr_name(kk.v[i]);
	an__kids_fini(&kk);
	return n;
}

static void walk(struct an__walk *w, CXCursor c, int callee_pos, long long bound);

/* The function an expression names (through parentheses, & and implicit
 * decay), or a null cursor. */
static CXCursor fn_named(CXCursor c)
{
	for (;;) {
		enum CXCursorKind k = clang_getCursorKind(c);
		struct an__kids kk;
		CXCursor next;
		if (k == CXCursor_DeclRefExpr) {
			CXCursor ref = clang_getCursorReferenced(c);
			return clang_getCursorKind(ref) == CXCursor_FunctionDecl
			               ? ref
			               : clang_getNullCursor();
		}
		if (k != CXCursor_UnexposedExpr && k != CXCursor_ParenExpr &&
		    !(k == CXCursor_UnaryOperator &&
		      clang_getCursorUnaryOperatorKind(c) == CXUnaryOperator_AddrOf))
			return clang_getNullCursor();
		an__kids_get(&kk, c);
		if (kk.n != 1) {
			an__kids_fini(&kk);
			return clang_getNullCursor();
		}
		next = kk.v[0];
		an__kids_fini(&kk);
		c = next;
	}
}

static int is_fn_ptr(CXType t)
{
	t = clang_getCanonicalType(t);
	return t.kind == CXType_Pointer &&
	       (clang_getCanonicalType(clang_getPointeeType(t)).kind == CXType_FunctionProto ||
	        clang_getCanonicalType(clang_getPointeeType(t)).kind == CXType_FunctionNoProto);
}

/* A conversion (cast or implicit) that type-based resolution must know
 * about (see struct an_scast): a function converted to another function
 * pointer type or to a non-function type, or a non-function value converted
 * to a function pointer type. Null pointer constants are not recorded. */
static void note_cast(struct an__walk *w, CXCursor c)
{
	struct an__kids kk;
	CXType to = clang_getCanonicalType(clang_getCursorType(c)), from;
	CXCursor op, fn;
	struct an_scast sc = {0};
	char *to_s = NULL, *usr = NULL;
	long long v;

	an__kids_get(&kk, c);
	if (kk.n == 0 || to.kind == CXType_Invalid || to.kind == CXType_Void) {
		an__kids_fini(&kk);
		return;
	}
	op = kk.v[kk.n - 1];
	an__kids_fini(&kk);
	from = clang_getCanonicalType(clang_getCursorType(op));
	fn = fn_named(op);
	if (!clang_Cursor_isNull(fn)) {
		char *ft = an__take(
		        clang_getTypeSpelling(clang_getCanonicalType(clang_getCursorType(fn))));
		if (is_fn_ptr(to))
			to_s = an__take(clang_getTypeSpelling(
			        clang_getCanonicalType(clang_getPointeeType(to))));
		/* to a function type of its own: nothing new; else a target of
		 * calls of the new type, or (to_s NULL) of any call */
		if (!ft || (to_s && strcmp(ft, to_s) == 0) ||
		    (!to_s && to.kind != CXType_Pointer &&
		     !(to.kind >= CXType_Char_U && to.kind <= CXType_Int128))) {
			free(ft);
			free(to_s);
			return;
		}
		free(ft);
		usr = (char *)note_func(w, fn, AN_FN_ADDR_TAKEN, 0);
		sc.usr = usr;
	} else if (is_fn_ptr(to) && from.kind != CXType_Pointer && from.kind != CXType_Invalid &&
	           !(an__eval_int(op, &v) && v == 0)) {
		/* an integer (a fixed address, a table read from flash): no
		 * function of the program, so the targets found cannot be all;
		 * a void * only carries the functions converted into one */
		to_s = an__take(
		        clang_getTypeSpelling(clang_getCanonicalType(clang_getPointeeType(to))));
	} else {
		return;
	}
	sc.type = to_s;
	sc.file = (char *)an__cursor_loc(w, c, &sc.line, &sc.col, NULL);
	if (sc.file && w->rc == 0 && (sc.usr || sc.type) && an_summary_add_cast(w->s, &sc) < 0)
		an__set_nomem(w);
	free(to_s);
}

static void handle_call(struct an__walk *w, CXCursor c, const struct an__kids *k)
{
	CXCursor ref = clang_getCursorReferenced(c);
	struct an_scall call = {0};
	char *name = NULL, *type = NULL;
	CXType t;

	if (!w->cur_usr)
		return;
	call.caller_usr = (char *)w->cur_usr;
	call.trips = w->trips;
	call.file = (char *)an__cursor_loc(w, c, &call.line, &call.col, NULL);
	if (!call.file)
		return;
	if (clang_getCursorKind(ref) == CXCursor_FunctionDecl) {
		call.kind = AN_CALL_DIRECT;
		call.callee_usr = (char *)note_func(w, ref, 0, 0);
		name = an__take(clang_getCursorSpelling(ref));
		call.callee_name = name;
	} else {
		call.kind = AN_CALL_INDIRECT;
		name = k->n ? callee_expr_name(k->v[0]) : NULL;
		call.callee_name = name ? name : (char *)"function pointer";
		if (k->n) {
			t = clang_getCanonicalType(clang_getCursorType(k->v[0]));
			if (t.kind == CXType_Pointer)
				t = clang_getCanonicalType(clang_getPointeeType(t));
			type = an__take(clang_getTypeSpelling(t));
			call.fptr_type = type;
		}
	}
	if (w->rc == 0 && (!call.callee_name || an_summary_add_call(w->s, &call) < 0))
		an__set_nomem(w);
	free(name);
	free(type);
}

/* outer * (n + extra), saturating to AN_TRIPS_UNBOUNDED; n < 0 is unknown.
 * A loop that never runs still counts as 1, so a trip count stays >= 1. */
static uint64_t loop_trips(uint64_t outer, long long n, int extra)
{
	uint64_t t;

	if (n < 0 || outer == AN_TRIPS_UNBOUNDED)
		return AN_TRIPS_UNBOUNDED;
	t = (uint64_t)n + (uint64_t)extra;
	if (t == 0)
		t = 1;
	if (outer > (AN_TRIPS_UNBOUNDED - 1) / t)
		return AN_TRIPS_UNBOUNDED;
	return outer * t;
}

static void walk_kids(struct an__walk *w, const struct an__kids *k, size_t from)
{
	size_t i;

	for (i = from; i < k->n; i++)
		walk(w, k->v[i], 0, -1);
}

static void walk(struct an__walk *w, CXCursor c, int callee_pos, long long bound)
{
	enum CXCursorKind kind = clang_getCursorKind(c);
	struct an__kids k;
	size_t i;
	CXCursor ref;

	CXCursor prev = w->prev;

	/* the statement before this one, set only by its enclosing block */
	w->prev = clang_getNullCursor();
	if (w->rc < 0)
		return;
	an__kids_get(&k, c);
	if (kind == CXCursor_CStyleCastExpr || kind == CXCursor_UnexposedExpr)
		note_cast(w, c);
	switch (kind) {
	case CXCursor_CallExpr:
		if (an__loop_bound_marker(c) != -1)
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
			char *n = an__take(clang_getCursorSpelling(c));
			an__add_viol(w, c, AN_RULE_HEAP_ALLOC,
			             "variable-length array '%s' in interlock path", n ? n : "");
			free(n);
		}
		walk_kids(w, &k, 0);
		break;
	case CXCursor_CompoundStmt: {
		long long pending = -1;
		for (i = 0; i < k.n; i++) {
			long long mk = an__loop_bound_marker(k.v[i]);
			if (mk != -1) {
				pending = mk;
				continue;
			}
			w->prev = i > 0 ? k.v[i - 1] : clang_getNullCursor();
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
	case CXCursor_DoStmt: {
		long long n = an__loop_check(w, c, &k, bound, prev);
		uint64_t outer = w->trips;
		size_t body = kind == CXCursor_DoStmt ? 0 : k.n - 1;

		/* The body runs n times; the condition (and, conservatively, the
		 * rest of the header) n + 1 times; the do body's condition n. */
		for (i = 0; i < k.n; i++) {
			w->trips =
			        loop_trips(outer, n, i == body || kind == CXCursor_DoStmt ? 0 : 1);
			walk(w, k.v[i], 0, -1);
		}
		w->trips = outer;
		break;
	}
	case CXCursor_GotoStmt: {
		CXCursor lbl = clang_getCursorReferenced(c);
		unsigned gl, gc, ll, lc, off;
		CXFile gf, lf;
		if (bound >= 0 || clang_Cursor_isNull(lbl))
			break;
		clang_getExpansionLocation(clang_getCursorLocation(c), &gf, &gl, &gc, &off);
		clang_getExpansionLocation(clang_getCursorLocation(lbl), &lf, &ll, &lc, &off);
		if (gf == lf && (ll < gl || (ll == gl && lc < gc))) {
			char *n = an__take(clang_getCursorSpelling(lbl));
			an__add_viol(w, c, AN_RULE_UNBOUNDED_LOOP,
			             "backward 'goto %s' forms a loop without a bound", n ? n : "");
			free(n);
		}
		break;
	}
	default:
		walk_kids(w, &k, 0);
		break;
	}
	an__kids_fini(&k);
}

static void handle_function(struct an__walk *w, CXCursor c)
{
	const char *usr;
	struct an__kids k;
	size_t i;
	char *name = an__take(clang_getCursorSpelling(c));
	int marker = name && strcmp(name, "latch__loop_bound") == 0;

	free(name);
	if (marker)
		return; /* the LATCH_LOOP_BOUND marker is no function of the program */
	usr = note_func(w, c, 0, 1);
	if (!usr || !clang_isCursorDefinition(c))
		return;
	an__kids_get(&k, c);
	w->cur_usr = usr;
	w->trips = 1;
	for (i = 0; i < k.n; i++)
		if (clang_getCursorKind(k.v[i]) == CXCursor_CompoundStmt)
			walk(w, k.v[i], 0, -1);
	w->cur_usr = NULL;
	an__kids_fini(&k);
}

static enum CXChildVisitResult top_cb(CXCursor c, CXCursor parent, CXClientData d)
{
	struct an__walk *w = d;

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

void an__ast_walk(struct an__walk *w)
{
	clang_visitChildren(clang_getTranslationUnitCursor(w->tu), top_cb, w);
}
