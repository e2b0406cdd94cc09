/*
 * tracer/binary/stackrules.c - the stack keys of the rules YAML (stackrules.h).
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/stackrules.h"

#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

void trc_stack_rules_fini(struct trc_stack_rules *r)
{
	free(r->targets);
	free(r->bounds);
	free(r->names);
	free(r->frames);
	free(r->irqs);
	memset(r, 0, sizeof(*r));
}

static int at(struct lc_err *err, const struct lc_yaml *y, lc_ynode n, const char *what)
{
	return lc_err_set(err, LC_EFORMAT, "%s:%u:%u: %s", lc_yaml_name(y), lc_yaml_line(y, n),
	                  lc_yaml_col(y, n), what);
}

/* Counts the scalars a name list (scalar or sequence) will need. */
static size_t list_len(const struct lc_yaml *y, lc_ynode v)
{
	return lc_yaml_kind(y, v) == LC_Y_SEQ ? lc_yaml_len(y, v) : 1;
}

/* indirect_targets and recursion_bounds come from the one loader
 * (common/lc_config.h), so the packs a file extends count. */
static int load_notes(struct trc_stack_rules *nt, const struct lc_config *cfg, size_t extra,
                      struct lc_err *err)
{
	size_t i, j, total = 0, used = 0;

	for (i = 0; cfg && i < cfg->nind; i++)
		total += cfg->ind[i].targets.n;
	nt->targets = calloc((cfg ? cfg->nind : 0) + 1, sizeof(*nt->targets));
	nt->names = calloc(total + extra + 1, sizeof(*nt->names));
	nt->bounds = calloc((cfg ? cfg->nrbounds : 0) + 1, sizeof(*nt->bounds));
	if (!nt->targets || !nt->names || !nt->bounds)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; cfg && i < cfg->nind; i++) {
		struct trc_stack_target_note *t = &nt->targets[nt->ntargets++];

		t->caller = cfg->ind[i].caller.pat;
		t->targets = nt->names + used;
		for (j = 0; j < cfg->ind[i].targets.n; j++)
			nt->names[used++] = cfg->ind[i].targets.v[j].pat;
		t->ntargets = cfg->ind[i].targets.n;
	}
	for (i = 0; cfg && i < cfg->nrbounds; i++) {
		nt->bounds[nt->nbounds].func = cfg->rbounds[i].func.pat;
		nt->bounds[nt->nbounds++].depth = cfg->rbounds[i].depth;
	}
	return 0;
}

static int load_frames(struct trc_stack_rules *r, const struct lc_yaml *y, lc_ynode fr,
                       size_t *used, struct lc_err *err)
{
	size_t i, j;

	r->frames = calloc(lc_yaml_len(y, fr) + 1, sizeof(*r->frames));
	if (r->frames == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < lc_yaml_len(y, fr); i++) {
		lc_ynode k = lc_yaml_key_at(y, fr, i), v = lc_yaml_value_at(y, fr, i);
		struct trc_stack_frame_decl *d = &r->frames[r->nframes++];
		int rc;

		d->func = lc_yaml_scalar(y, k);
		d->line = lc_yaml_line(y, k);
		if (d->func == NULL)
			return at(err, y, k, "expected a function name or glob");
		if (lc_yaml_kind(y, v) == LC_Y_SCALAR) {
			if ((rc = lc_yaml_to_size(y, v, &d->bytes, err)) < 0)
				return rc;
			d->has_bytes = 1;
			continue;
		}
		if (lc_yaml_kind(y, v) != LC_Y_MAP)
			return at(err, y, v,
			          "a frames: entry is a size or { frame: N, callees: [...], "
			          "alloca: N }");
		for (j = 0; j < lc_yaml_len(y, v); j++) {
			lc_ynode fk = lc_yaml_key_at(y, v, j), fv = lc_yaml_value_at(y, v, j);
			const char *key = lc_yaml_scalar(y, fk);
			size_t m;

			if (key && strcmp(key, "frame") == 0) {
				if ((rc = lc_yaml_to_size(y, fv, &d->bytes, err)) < 0)
					return rc;
				d->has_bytes = 1;
			} else if (key && strcmp(key, "alloca") == 0) {
				if ((rc = lc_yaml_to_size(y, fv, &d->alloca_bound, err)) < 0)
					return rc;
			} else if (key && strcmp(key, "callees") == 0) {
				d->has_callees = 1;
				d->callees = r->names + *used;
				for (m = 0; m < lc_yaml_len(y, fv); m++) {
					lc_ynode c = lc_yaml_kind(y, fv) == LC_Y_SEQ
					                     ? lc_yaml_at(y, fv, m)
					                     : fv;

					if (lc_yaml_scalar(y, c) == NULL)
						return at(err, y, c, "expected a function name");
					r->names[(*used)++] = lc_yaml_scalar(y, c);
					if (lc_yaml_kind(y, fv) != LC_Y_SEQ)
						break;
				}
				d->ncallees = (size_t)(r->names + *used - d->callees);
			} else {
				return at(
				        err, y, fk,
				        "unknown frames: key (expected frame, callees or alloca)");
			}
		}
		if (!d->has_bytes && d->alloca_bound == 0 && !d->has_callees)
			return at(err, y, v, "a frames: entry declares nothing");
	}
	return 0;
}

static int to_priority(int *out, const struct lc_yaml *y, lc_ynode v, struct lc_err *err)
{
	const char *s = lc_yaml_scalar(y, v);
	char *end = NULL;
	long p;

	if (s == NULL)
		return at(err, y, v, "expected a priority (an integer, lower preempts higher)");
	p = strtol(s, &end, 0);
	if (end == s || *end != '\0' || p < -3 || p > 65535)
		return at(err, y, v, "expected a priority (an integer, lower preempts higher)");
	*out = (int)p;
	return 0;
}

static int load_irqs(struct trc_stack_rules *r, const struct lc_yaml *y, lc_ynode ir,
                     struct lc_err *err)
{
	size_t i, j;
	int rc;

	if (lc_yaml_kind(y, ir) != LC_Y_MAP)
		return at(err, y, ir,
		          "interrupts: must be a map (fpu, exception_frame, "
		          "max_nesting, handlers)");
	r->has_interrupts = 1;
	r->fpu = -1;
	for (i = 0; i < lc_yaml_len(y, ir); i++) {
		lc_ynode k = lc_yaml_key_at(y, ir, i), v = lc_yaml_value_at(y, ir, i);
		const char *key = lc_yaml_scalar(y, k), *val = lc_yaml_scalar(y, v);
		uint64_t u;

		if (key && strcmp(key, "fpu") == 0) {
			if (val && strcmp(val, "auto") == 0)
				r->fpu = -1;
			else if ((rc = lc_yaml_to_bool(y, v, &r->fpu, err)) < 0)
				return at(err, y, v, "fpu: is auto, yes or no");
		} else if (key && strcmp(key, "exception_frame") == 0) {
			if ((rc = lc_yaml_to_size(y, v, &r->exception_frame, err)) < 0)
				return rc;
		} else if (key && strcmp(key, "max_nesting") == 0) {
			if ((rc = lc_yaml_to_u64(y, v, &u, err)) < 0)
				return rc;
			if (u == 0 || u > 1024)
				return at(err, y, v, "max_nesting is at least 1");
			r->max_nesting = (unsigned)u;
		} else if (key && strcmp(key, "handlers") == 0) {
			if (lc_yaml_kind(y, v) != LC_Y_MAP)
				return at(err, y, v, "handlers: maps a handler to its priority");
			r->irqs = calloc(lc_yaml_len(y, v) + 1, sizeof(*r->irqs));
			if (r->irqs == NULL)
				return lc_err_set(err, LC_ENOMEM, "out of memory");
			for (j = 0; j < lc_yaml_len(y, v); j++) {
				lc_ynode hk = lc_yaml_key_at(y, v, j),
				         hv = lc_yaml_value_at(y, v, j);
				struct trc_irq_decl *d = &r->irqs[r->nirqs++];

				d->handler = lc_yaml_scalar(y, hk);
				if (d->handler == NULL)
					return at(err, y, hk, "expected a handler name");
				if (lc_yaml_kind(y, hv) == LC_Y_MAP) {
					lc_ynode pv = lc_yaml_get(y, hv, "priority");

					if (pv == 0 || lc_yaml_len(y, hv) != 1)
						return at(err, y, hv,
						          "a handler is { priority: N } or N");
					hv = pv;
				}
				if ((rc = to_priority(&d->priority, y, hv, err)) < 0)
					return rc;
			}
		} else {
			return at(err, y, k,
			          "unknown interrupts: key (expected fpu, exception_frame, "
			          "max_nesting or handlers)");
		}
	}
	return 0;
}

int trc_stack_rules_load(struct trc_stack_rules *r, const struct lc_config *cfg,
                         const struct lc_yaml *y, struct lc_err *err)
{
	lc_ynode root = lc_yaml_root(y), fr = lc_yaml_get(y, root, "frames");
	lc_ynode ir = lc_yaml_get(y, root, "interrupts");
	size_t i, j, total = 0, used;
	int rc;

	memset(r, 0, sizeof(*r));
	r->fpu = -1;
	if (fr && lc_yaml_kind(y, fr) != LC_Y_MAP)
		return at(err, y, fr, "frames: must map a function to its frame");
	/* Callee names share one array with the targets. */
	for (i = 0; i < lc_yaml_len(y, fr); i++) {
		lc_ynode v = lc_yaml_value_at(y, fr, i);

		for (j = 0; lc_yaml_kind(y, v) == LC_Y_MAP && j < lc_yaml_len(y, v); j++)
			total += list_len(y, lc_yaml_value_at(y, v, j));
	}
	rc = load_notes(r, cfg, total, err);
	if (rc < 0)
		return rc;
	for (used = 0, i = 0; i < r->ntargets; i++)
		used += r->targets[i].ntargets;
	if (fr && (rc = load_frames(r, y, fr, &used, err)) < 0)
		return rc;
	if (ir && (rc = load_irqs(r, y, ir, err)) < 0)
		return rc;
	return 0;
}

int trc_stack_is_glob(const char *s)
{
	return strpbrk(s, "*?[") != NULL;
}

/* Adds DECLARED edges from caller to every defined function matching pat
 * (a glob) or to the function named pat. */
static int add_callees(struct trc_cg *cg, size_t caller, const char *pat)
{
	size_t j, n = cg->nfuncs, t;

	if (!trc_stack_is_glob(pat)) {
		if (trc_cg_func(&t, cg, pat) < 0)
			return LC_ENOMEM;
		return trc_cg_add_edge(cg, caller, t, NULL, 0, 0, TRC_CG_DECLARED);
	}
	for (j = 0; j < n; j++)
		if (cg->funcs[j].defined && fnmatch(pat, cg->funcs[j].name, 0) == 0 &&
		    trc_cg_add_edge(cg, caller, j, NULL, 0, 0, TRC_CG_DECLARED) < 0)
			return LC_ENOMEM;
	return 0;
}

static int apply_one(const struct trc_stack_frame_decl *d, struct trc_frames *frames,
                     struct trc_cg *cg, size_t v)
{
	size_t k;

	if ((d->has_bytes || d->alloca_bound) &&
	    trc_frames_declare(frames, cg->funcs[v].name, d->has_bytes, d->bytes, d->alloca_bound,
	                       NULL, d->line) < 0)
		return LC_ENOMEM;
	if (!d->has_callees)
		return 0;
	trc_cg_drop_binary(cg, v);
	for (k = 0; k < d->ncallees; k++)
		if (add_callees(cg, v, d->callees[k]) < 0)
			return LC_ENOMEM;
	return 0;
}

int trc_stack_rules_apply(const struct trc_stack_rules *r, const char *yaml_name,
                          struct trc_frames *frames, struct trc_cg *cg, struct lc_err *err)
{
	size_t i, v, n;

	for (i = 0; i < r->nframes; i++) {
		const struct trc_stack_frame_decl *d = &r->frames[i];
		size_t matched = 0;

		if (!trc_stack_is_glob(d->func)) {
			if (trc_cg_func(&v, cg, d->func) < 0 || apply_one(d, frames, cg, v) < 0)
				return lc_err_set(err, LC_ENOMEM, "out of memory");
			continue;
		}
		n = cg->nfuncs;
		for (v = 0; v < n; v++) {
			if (fnmatch(d->func, cg->funcs[v].name, 0) != 0)
				continue;
			matched++;
			if (apply_one(d, frames, cg, v) < 0)
				return lc_err_set(err, LC_ENOMEM, "out of memory");
		}
		if (matched == 0)
			return lc_err_set(
			        err, LC_ENOTFOUND,
			        "%s:%u: frames: '%s' matches no function of the binary or "
			        "the call graph",
			        yaml_name, d->line, d->func);
	}
	return 0;
}
