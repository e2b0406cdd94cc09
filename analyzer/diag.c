/*
 * analyzer/diag.c - sorting, filtering and the text form of findings.
 */
#define _POSIX_C_SOURCE 200809L
#include "diag.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const sev_names[] = {"off", "warning", "error"};

static int finding_cmp(const void *a, const void *b)
{
	const struct an_finding *x = a, *y = b;
	int c = an_util_loc_cmp(x->file, x->line, x->col, y->file, y->line, y->col);

	if (c)
		return c;
	if (x->rule != y->rule)
		return (int)x->rule - (int)y->rule;
	return strcmp(x->msg, y->msg);
}

void an_findings_sort(struct an_findings *fs)
{
	size_t i;

	if (fs->n)
		qsort(fs->v, fs->n, sizeof(*fs->v), finding_cmp);
	fs->nerrors = fs->nwarnings = fs->nsuppressed = 0;
	for (i = 0; i < fs->n; i++) {
		if (fs->v[i].supp)
			fs->nsuppressed++;
		else if (fs->v[i].sev == AN_SEV_ERROR)
			fs->nerrors++;
		else if (fs->v[i].sev == AN_SEV_WARNING)
			fs->nwarnings++;
	}
}

static int in_files(const char *path, const char *const *files, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		size_t len = strlen(files[i]);
		if (len && files[i][len - 1] == '/' ? strncmp(path, files[i], len) == 0
		                                    : strcmp(path, files[i]) == 0)
			return 1;
	}
	return 0;
}

void an_findings_filter(struct an_findings *fs, const struct an_graph *g, const char *const *files,
                        size_t nfiles)
{
	size_t i, j, w = 0;

	for (i = 0; i < fs->n; i++) {
		struct an_finding *f = &fs->v[i];
		int keep = in_files(f->file, files, nfiles);
		for (j = 0; j < f->npath && !keep; j++)
			keep = in_files(g->fns[f->path[j]].file, files, nfiles);
		if (keep) {
			fs->v[w++] = *f;
		} else {
			free(f->msg);
			free(f->path);
		}
	}
	fs->n = w;
	an_findings_sort(fs);
}

char *an_diag_display(const char *path, const char *cwd)
{
	return an_util_relpath(path, cwd);
}

/* Writes the "reached from" note of a finding. */
static void print_note(FILE *out, const struct an_finding *f, const struct an_graph *g,
                       const char *cwd)
{
	const struct an_fn *root;
	char *rf;
	size_t i;

	if (!f->npath)
		return;
	root = &g->fns[f->path[0]];
	rf = an_diag_display(root->file, cwd);
	if (f->npath == 1) {
		fprintf(out, "%s:%u:%u: note: in interlock root '%s'\n", rf ? rf : root->file,
		        root->line, root->col, root->name);
	} else {
		fprintf(out, "%s:%u:%u: note: reached from interlock root '%s' via ",
		        rf ? rf : root->file, root->line, root->col, root->name);
		for (i = 1; i < f->npath; i++)
			fprintf(out, "%s%s()", i > 1 ? " -> " : "", g->fns[f->path[i]].name);
		fputc('\n', out);
		/* each hop at its call site, as the SARIF codeFlow has them */
		for (i = 1; i < f->npath; i++) {
			const struct an_fn *fn = &g->fns[f->path[i]];
			const struct an_edge *e = &g->edges[fn->parent];
			char *ef = an_diag_display(e->file, cwd);
			fprintf(out, "%s:%u:%u: note: '%s' calls '%s'%s\n", ef ? ef : e->file,
			        e->line, e->col, g->fns[f->path[i - 1]].name, fn->name,
			        e->kind == AN_EDGE_DIRECT ? "" : " through a function pointer");
			free(ef);
		}
	}
	free(rf);
}

void an_diag_print_text(FILE *out, const struct an_findings *fs, const struct an_graph *g,
                        const char *cwd)
{
	size_t i;

	for (i = 0; i < fs->n; i++) {
		const struct an_finding *f = &fs->v[i];
		char *df;
		if (f->supp)
			continue;
		df = an_diag_display(f->file, cwd);
		fprintf(out, "%s:%u:%u: %s: %s [%s]\n", df ? df : f->file, f->line, f->col,
		        sev_names[f->sev], f->msg, an_rule_id(f->rule));
		free(df);
		print_note(out, f, g, cwd);
	}
}

void an_diag_print_summary(FILE *out, const struct an_findings *fs, const struct an_graph *g,
                           size_t ntus, const char *cwd)
{
	size_t i, nreach = 0;

	for (i = 0; i < fs->n; i++) {
		const struct an_finding *f = &fs->v[i];
		char *df, *sf;
		if (!f->supp)
			continue;
		df = an_diag_display(f->file, cwd);
		sf = an_diag_display(f->supp->file, cwd);
		fprintf(out, "latch-check: suppressed: %s:%u:%u: %s [%s]", df ? df : f->file,
		        f->line, f->col, f->msg, an_rule_id(f->rule));
		if (f->supp->bound >= 0)
			fprintf(out, " bound %ld", f->supp->bound);
		fprintf(out, " -- %s (%s:%u)\n", f->supp->reason, sf ? sf : f->supp->file,
		        f->supp->line);
		free(df);
		free(sf);
	}
	for (i = 0; i < g->nfns; i++)
		if (g->fns[i].reach >= 0)
			nreach++;
	fprintf(out,
	        "latch-check: %zu error%s, %zu warning%s, %zu suppressed; %zu function%s reachable "
	        "from %zu root%s in %zu translation unit%s\n",
	        fs->nerrors, fs->nerrors == 1 ? "" : "s", fs->nwarnings,
	        fs->nwarnings == 1 ? "" : "s", fs->nsuppressed, nreach, nreach == 1 ? "" : "s",
	        g->nroots, g->nroots == 1 ? "" : "s", ntus, ntus == 1 ? "" : "s");
}
