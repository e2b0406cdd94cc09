/*
 * analyzer/summary.c - summary construction and release; the cache of
 * summaries is cache.c, the rule ids rule.c.
 */
#define _POSIX_C_SOURCE 200809L
#include "summary.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "util.h"

int an_summary_new(struct an_summary **out, const char *tu_file)
{
	struct an_summary *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (!s)
		return LC_ENOMEM;
	s->tu_file = strdup(tu_file);
	if (!s->tu_file) {
		free(s);
		return LC_ENOMEM;
	}
	*out = s;
	return 0;
}

void an_summary_free(struct an_summary *s)
{
	size_t i;

	if (!s)
		return;
	for (i = 0; i < s->nfuncs; i++) {
		free(s->funcs[i].name);
		free(s->funcs[i].usr);
		free(s->funcs[i].file);
		free(s->funcs[i].type);
	}
	for (i = 0; i < s->ncalls; i++) {
		free(s->calls[i].caller_usr);
		free(s->calls[i].callee_usr);
		free(s->calls[i].callee_name);
		free(s->calls[i].file);
		free(s->calls[i].fptr_type);
	}
	for (i = 0; i < s->nviols; i++) {
		free(s->viols[i].func_usr);
		free(s->viols[i].file);
		free(s->viols[i].msg);
	}
	for (i = 0; i < s->nsupps; i++) {
		free(s->supps[i].file);
		free(s->supps[i].reason);
		free(s->supps[i].error);
	}
	for (i = 0; i < s->ndeps; i++)
		free(s->deps[i].path);
	for (i = 0; i < s->ncasts; i++) {
		free(s->casts[i].usr);
		free(s->casts[i].type);
		free(s->casts[i].file);
	}
	free(s->casts);
	free(s->note);
	free(s->funcs);
	free(s->calls);
	free(s->viols);
	free(s->supps);
	free(s->deps);
	free(s->tu_file);
	free(s);
}

/* strdup that maps NULL to NULL; *bad is set when a copy fails. */
static char *dup_opt(const char *s, int *bad)
{
	char *d;

	if (!s)
		return NULL;
	d = strdup(s);
	if (!d)
		*bad = 1;
	return d;
}

int an_summary_add_func(struct an_summary *s, const struct an_sfunc *f)
{
	struct an_sfunc *d = lc_grow_slot(&s->funcs, &s->capfuncs, s->nfuncs, sizeof(*d), 8);
	int bad = 0;

	if (!d)
		return LC_ENOMEM;
	s->nfuncs++;
	*d = *f;
	d->name = dup_opt(f->name, &bad);
	d->usr = dup_opt(f->usr, &bad);
	d->file = dup_opt(f->file, &bad);
	d->type = dup_opt(f->type, &bad);
	return bad ? LC_ENOMEM : 0;
}

int an_summary_add_call(struct an_summary *s, const struct an_scall *c)
{
	struct an_scall *d = lc_grow_slot(&s->calls, &s->capcalls, s->ncalls, sizeof(*d), 8);
	int bad = 0;

	if (!d)
		return LC_ENOMEM;
	s->ncalls++;
	*d = *c;
	d->caller_usr = dup_opt(c->caller_usr, &bad);
	d->callee_usr = dup_opt(c->callee_usr, &bad);
	d->callee_name = dup_opt(c->callee_name, &bad);
	d->file = dup_opt(c->file, &bad);
	d->fptr_type = dup_opt(c->fptr_type, &bad);
	return bad ? LC_ENOMEM : 0;
}

int an_summary_add_viol(struct an_summary *s, const struct an_sviol *v)
{
	struct an_sviol *d = lc_grow_slot(&s->viols, &s->capviols, s->nviols, sizeof(*d), 8);
	int bad = 0;

	if (!d)
		return LC_ENOMEM;
	s->nviols++;
	*d = *v;
	d->func_usr = dup_opt(v->func_usr, &bad);
	d->file = dup_opt(v->file, &bad);
	d->msg = dup_opt(v->msg, &bad);
	return bad ? LC_ENOMEM : 0;
}

int an_summary_add_supp(struct an_summary *s, const struct an_ssupp *p)
{
	struct an_ssupp *d = lc_grow_slot(&s->supps, &s->capsupps, s->nsupps, sizeof(*d), 8);
	int bad = 0;

	if (!d)
		return LC_ENOMEM;
	s->nsupps++;
	*d = *p;
	d->file = dup_opt(p->file, &bad);
	d->reason = dup_opt(p->reason, &bad);
	d->error = dup_opt(p->error, &bad);
	return bad ? LC_ENOMEM : 0;
}

int an_summary_add_dep(struct an_summary *s, const struct an_sdep *dep)
{
	struct an_sdep *d = lc_grow_slot(&s->deps, &s->capdeps, s->ndeps, sizeof(*d), 8);
	int bad = 0;

	if (!d)
		return LC_ENOMEM;
	s->ndeps++;
	*d = *dep;
	d->path = dup_opt(dep->path, &bad);
	return bad ? LC_ENOMEM : 0;
}

int an_summary_add_cast(struct an_summary *s, const struct an_scast *c)
{
	struct an_scast *d = lc_grow_slot(&s->casts, &s->capcasts, s->ncasts, sizeof(*d), 8);
	int bad = 0;

	if (!d)
		return LC_ENOMEM;
	s->ncasts++;
	*d = *c;
	d->usr = dup_opt(c->usr, &bad);
	d->type = dup_opt(c->type, &bad);
	d->file = dup_opt(c->file, &bad);
	return bad ? LC_ENOMEM : 0;
}

int an_summary_set_note(struct an_summary *s, const char *note)
{
	char *d = note ? strdup(note) : NULL;

	if (note && !d)
		return LC_ENOMEM;
	free(s->note);
	s->note = d;
	return 0;
}
