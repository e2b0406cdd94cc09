/*
 * common/scc.c - iterative Tarjan (scc.h).
 */
#include "scc.h"

#include <stdlib.h>
#include <string.h>

void lc_scc_fini(struct lc_scc *s)
{
	free(s->comp);
	free(s->order);
	free(s->start);
	memset(s, 0, sizeof(*s));
}

int lc_scc_compute(struct lc_scc *out, size_t n, const size_t *succ_start, const size_t *succ,
                   const size_t *starts, size_t nstarts)
{
	size_t m = n ? n : 1, idx = 0, sp = 0, cs = 0, nord = 0, k;
	size_t *index = malloc(m * sizeof(size_t)), *low = malloc(m * sizeof(size_t));
	size_t *stk = malloc(m * sizeof(size_t)), *call_v = malloc(m * sizeof(size_t));
	size_t *call_e = malloc(m * sizeof(size_t));
	char *on = calloc(m, 1);
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->n = n;
	out->comp = malloc(m * sizeof(size_t));
	out->order = malloc(m * sizeof(size_t));
	out->start = malloc((m + 1) * sizeof(size_t));
	if (!index || !low || !stk || !call_v || !call_e || !on || !out->comp || !out->order ||
	    !out->start) {
		rc = -1;
		goto out;
	}
	for (k = 0; k < n; k++) {
		index[k] = LC_SCC_NONE;
		out->comp[k] = LC_SCC_NONE;
	}
	for (k = 0; k < (starts ? nstarts : n); k++) {
		size_t v = starts ? starts[k] : k;

		if (v >= n || index[v] != LC_SCC_NONE)
			continue;
		index[v] = low[v] = idx++;
		stk[sp++] = v;
		on[v] = 1;
		call_v[cs] = v;
		call_e[cs++] = succ_start[v];
		while (cs > 0) {
			size_t u = call_v[cs - 1], e = call_e[cs - 1];

			if (e < succ_start[u + 1]) {
				size_t t = succ[e];

				call_e[cs - 1]++;
				if (t == LC_SCC_SKIP || t >= n)
					continue;
				if (index[t] == LC_SCC_NONE) {
					index[t] = low[t] = idx++;
					stk[sp++] = t;
					on[t] = 1;
					call_v[cs] = t;
					call_e[cs++] = succ_start[t];
				} else if (on[t] && index[t] < low[u]) {
					low[u] = index[t];
				}
				continue;
			}
			if (low[u] == index[u]) {
				size_t x;

				out->start[out->ncomp] = nord;
				do {
					x = stk[--sp];
					on[x] = 0;
					out->comp[x] = out->ncomp;
					out->order[nord++] = x;
				} while (x != u);
				out->ncomp++;
			}
			cs--;
			if (cs > 0 && low[u] < low[call_v[cs - 1]])
				low[call_v[cs - 1]] = low[u];
		}
	}
	out->start[out->ncomp] = nord;
out:
	free(index);
	free(low);
	free(stk);
	free(call_v);
	free(call_e);
	free(on);
	return rc;
}
