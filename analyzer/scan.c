/*
 * analyzer/scan.c - what is read from the files of a TU rather than from its
 * AST: the dependencies (for the cache), `#pragma loopbound` (clang drops it
 * from the AST, so it is found with the tokenizer and bound to the loop whose
 * keyword is the next token) and `latch: allow(...)` suppression comments.
 */
#define _POSIX_C_SOURCE 200809L
#include "scan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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
static void scan_pragmas(struct an__walk *w, CXFile f, size_t len)
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
		an__set_nomem(w);
		goto out;
	}
	for (i = 0; i < n; i++)
		sp[i] = an__take(clang_getTokenSpelling(w->tu, toks[i]));
	for (i = 0; i + 2 < n; i++) {
		long long b = -1;
		unsigned next = 0, pl, pc, po;
		CXFile pf;
		struct an__pbound *p;

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
			an__set_nomem(w);
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
static void parse_supp(struct an__walk *w, const char *path, unsigned line, unsigned col, int alone,
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
		an__set_nomem(w);
}

static void scan_suppressions(struct an__walk *w, const char *path, const char *text)
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

int an__scan_files(struct an__walk *w, struct an_hashcache *hc)
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
		const struct an__fname *fn = an__file_name(w, in.files[i]);
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
