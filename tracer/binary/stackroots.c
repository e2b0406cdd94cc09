/* tracer/binary/stackroots.c - the roots of latch-trace stack (see stackroots.h). */
#define _XOPEN_SOURCE 700
#include "binary/stackroots.h"

#include <fnmatch.h>
#include <stdlib.h>

/* Adds to cg the functions of fr that glob matches, so that a root known
 * only from the binary has a place in the graph. Returns 0 or LC_ENOMEM. */
static int add_matching_frames(struct trc_cg *cg, const struct trc_frames *fr, const char *glob)
{
	size_t j, idx;

	for (j = 0; j < fr->n; j++)
		if (fnmatch(glob, fr->v[j].name, 0) == 0 &&
		    trc_cg_func(&idx, cg, fr->v[j].name) < 0)
			return LC_ENOMEM;
	return 0;
}

/* Fills roots (room for every function cg may come to hold) and *n. */
static int pick(size_t *roots, size_t *n, char *chosen, struct trc_cg *cg,
                const struct trc_frames *fr, const char *const *globs, size_t nglobs,
                struct lc_err *err)
{
	size_t i, j;

	*n = 0;
	for (i = 0; i < nglobs; i++) {
		size_t before = *n;

		if (add_matching_frames(cg, fr, globs[i]) < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
		for (j = 0; j < cg->nfuncs; j++) {
			if (fnmatch(globs[i], cg->funcs[j].name, 0) != 0)
				continue;
			if (!chosen[j])
				roots[(*n)++] = j;
			else if (*n == before)
				before = (size_t)-1; /* matched, though only roots already chosen */
			chosen[j] = 1;
		}
		if (*n == before)
			return lc_err_set(err, LC_ENOTFOUND,
			                  "no function '%s' in the call graph or the binary",
			                  globs[i]);
	}
	if (nglobs == 0)
		for (j = 0; j < cg->nfuncs; j++)
			if (cg->funcs[j].root)
				roots[(*n)++] = j;
	return 0;
}

int trc_stack_roots_pick(size_t **out, size_t *nout, struct trc_cg *cg, const struct trc_frames *fr,
                         const char *const *globs, size_t nglobs, struct lc_err *err)
{
	/* Every root is a distinct function of the graph, which the globs may
	 * grow by the binary's functions: at most nfuncs + fr->n. */
	size_t *roots = calloc(cg->nfuncs + fr->n + 1, sizeof(*roots));
	char *chosen = calloc(cg->nfuncs + fr->n + 1, 1);
	int rc = LC_ENOMEM;

	if (roots == NULL || chosen == NULL)
		lc_err_set(err, LC_ENOMEM, "out of memory");
	else
		rc = pick(roots, nout, chosen, cg, fr, globs, nglobs, err);
	free(chosen);
	if (rc < 0)
		free(roots);
	else
		*out = roots;
	return rc;
}
