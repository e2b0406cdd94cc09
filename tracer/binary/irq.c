/*
 * tracer/binary/irq.c - handlers, FPU use and the preemption chain of irq.h.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/irq.h"

#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

#ifndef SHT_ARM_ATTRIBUTES
#define SHT_ARM_ATTRIBUTES 0x70000003
#endif

void trc_irq_set_init(struct trc_irq_set *s)
{
	memset(s, 0, sizeof(*s));
}

void trc_irq_set_fini(struct trc_irq_set *s)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		free(s->v[i].name);
	free(s->v);
	memset(s, 0, sizeof(*s));
}

int trc_irq_add(struct trc_irq_set *s, const char *name, int priority)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->v[i].name, name) == 0) {
			if (priority < s->v[i].priority)
				s->v[i].priority = priority;
			return 0;
		}
	if (s->n == s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 16;
		void *nv = realloc(s->v, ncap * sizeof(*s->v));

		if (nv == NULL)
			return LC_ENOMEM;
		s->v = nv;
		s->cap = ncap;
	}
	memset(&s->v[s->n], 0, sizeof(s->v[s->n]));
	s->v[s->n].name = strdup(name);
	if (s->v[s->n].name == NULL)
		return LC_ENOMEM;
	s->v[s->n++].priority = priority;
	return 0;
}

static uint32_t rd32(const unsigned char *p, int big)
{
	return big ? (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3]
	           : (uint32_t)p[3] << 24 | (uint32_t)p[2] << 16 | (uint32_t)p[1] << 8 | p[0];
}

static int is_big(const struct trc_elf *e)
{
	GElf_Ehdr eh;

	return gelf_getehdr(e->elf, &eh) != NULL && eh.e_ident[EI_DATA] == ELFDATA2MSB;
}

int trc_irq_from_vectors(struct trc_irq_set *s, const struct trc_elf *e, struct lc_err *err)
{
	static const char *const names[] = {".isr_vector", ".vectors", ".vector_table",
	                                    ".isr_vectors"};
	const struct trc_elf_section *sec = NULL;
	Elf_Scn *scn;
	Elf_Data *d;
	size_t i, k, n;
	int big = is_big(e), seen_other = 0;

	if (e->machine != EM_ARM)
		return lc_err_set(err, LC_ENOTFOUND, "%s: not an ARM image", e->path);
	for (k = 0; k < sizeof(names) / sizeof(names[0]) && sec == NULL; k++)
		sec = trc_elf_section_by_name(e, names[k]);
	if (sec == NULL || sec->type == SHT_NOBITS)
		return lc_err_set(err, LC_ENOTFOUND, "%s: no vector table section (.isr_vector)",
		                  e->path);
	scn = elf_getscn(e->elf, sec->index);
	d = scn ? elf_rawdata(scn, NULL) : NULL;
	if (d == NULL || d->d_buf == NULL || d->d_size < 8)
		return lc_err_set(err, LC_EFORMAT, "%s: unreadable vector table '%s'", e->path,
		                  sec->name);
	n = d->d_size / 4;
	/* Word 0 is the initial SP, word 1 the reset handler (thread mode). */
	for (i = 2; i < n; i++) {
		uint32_t a = rd32((const unsigned char *)d->d_buf + 4 * i, big) & ~1u;
		const struct trc_elf_symbol *f;
		int prio;

		if (a == 0 || (f = trc_elf_func_at(e, a)) == NULL || f->addr != a)
			continue;
		/* NMI and HardFault have fixed priorities above all others; the
		 * rest are set at run time: each is assumed to preempt the others. */
		prio = i == 2 ? -2 : i == 3 ? -1 : 1000000 - (int)(seen_other++);
		if (trc_irq_add(s, f->name, prio) < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
	}
	s->from_vectors = 1;
	return 0;
}

static uint64_t uleb(const unsigned char **p, const unsigned char *end)
{
	uint64_t v = 0;
	unsigned shift = 0;

	while (*p < end) {
		unsigned char b = *(*p)++;

		if (shift < 64)
			v |= (uint64_t)(b & 0x7f) << shift;
		shift += 7;
		if (!(b & 0x80))
			break;
	}
	return v;
}

static int skip_str(const unsigned char **p, const unsigned char *end)
{
	while (*p < end && **p)
		(*p)++;
	if (*p >= end)
		return -1;
	(*p)++;
	return 0;
}

int trc_irq_fpu_of(int *fpu, const struct trc_elf *e, struct lc_err *err)
{
	const struct trc_elf_section *sec = NULL;
	const unsigned char *p, *end;
	Elf_Scn *scn;
	Elf_Data *d;
	size_t i;
	int big = is_big(e);
	uint64_t fp_arch = 0, vfp_args = 0;

	*fpu = -1;
	if (e->machine != EM_ARM)
		return 0;
	for (i = 1; i < e->nsections && sec == NULL; i++)
		if (e->sections[i].type == SHT_ARM_ATTRIBUTES)
			sec = &e->sections[i];
	if (sec == NULL)
		return 0;
	scn = elf_getscn(e->elf, sec->index);
	d = scn ? elf_rawdata(scn, NULL) : NULL;
	if (d == NULL || d->d_buf == NULL || d->d_size < 1 || ((const char *)d->d_buf)[0] != 'A')
		goto bad;
	p = (const unsigned char *)d->d_buf + 1;
	end = (const unsigned char *)d->d_buf + d->d_size;
	while (end - p >= 4) {
		uint32_t len = rd32(p, big);
		const unsigned char *sub_end = p + len, *q;

		if (len < 5 || len > (size_t)(end - p))
			goto bad;
		q = p + 4;
		if (strncmp((const char *)q, "aeabi", (size_t)(sub_end - q)) == 0 &&
		    skip_str(&q, sub_end) == 0) {
			while (sub_end - q >= 5) {
				unsigned tag = *q;
				uint32_t sz = rd32(q + 1, big);
				const unsigned char *a = q + 5, *a_end = q + sz;

				if (sz < 5 || sz > (size_t)(sub_end - q))
					goto bad;
				while (tag == 1 && a < a_end) { /* Tag_File: the attributes */
					uint64_t t = uleb(&a, a_end), v = 0;

					if (t == 4 || t == 5 || t == 67 || (t > 32 && (t & 1)))
						skip_str(&a, a_end);
					else if (t == 32) {
						uleb(&a, a_end);
						skip_str(&a, a_end);
					} else
						v = uleb(&a, a_end);
					if (t == 10)
						fp_arch = v;
					else if (t == 28)
						vfp_args = v;
				}
				q += sz;
			}
		}
		p = sub_end;
	}
	*fpu = fp_arch != 0 || vfp_args == 1;
	return 0;
bad:
	return lc_err_set(err, LC_EFORMAT, "%s: malformed .ARM.attributes section", e->path);
}

struct level {
	int priority;
	size_t best; /* index of the costliest handler at that priority */
};

static int level_cmp(const void *a, const void *b)
{
	const struct level *x = a, *y = b;

	return x->priority > y->priority ? -1 : x->priority < y->priority;
}

int trc_irq_chain(size_t **out, size_t *n, uint64_t *bytes, int *complete,
                  const struct trc_irq_set *s, unsigned max_nesting)
{
	struct level *lv = calloc(s->n ? s->n : 1, sizeof(*lv));
	size_t *chain = calloc(s->n ? s->n : 1, sizeof(*chain));
	size_t nl = 0, i, k, take;
	int rc = 0;

	*out = NULL;
	*n = 0;
	*bytes = 0;
	*complete = 1;
	if (lv == NULL || chain == NULL) {
		rc = LC_ENOMEM;
		goto out;
	}
	for (i = 0; i < s->n; i++) {
		for (k = 0; k < nl && lv[k].priority != s->v[i].priority; k++)
			;
		if (k == nl) {
			lv[nl].priority = s->v[i].priority;
			lv[nl++].best = i;
		} else if (s->v[i].cost > s->v[lv[k].best].cost ||
		           (s->v[i].cost == s->v[lv[k].best].cost && !s->v[i].complete)) {
			lv[k].best = i;
		}
	}
	/* With a nesting limit, keep the costliest levels (selection by cost,
	 * ties to the more urgent), then order them by priority. */
	take = max_nesting && max_nesting < nl ? max_nesting : nl;
	for (k = 0; k < take; k++) {
		size_t best = k;

		for (i = k + 1; i < nl; i++)
			if (s->v[lv[i].best].cost > s->v[lv[best].best].cost ||
			    (s->v[lv[i].best].cost == s->v[lv[best].best].cost &&
			     lv[i].priority < lv[best].priority))
				best = i;
		if (best != k) {
			struct level t = lv[k];

			lv[k] = lv[best];
			lv[best] = t;
		}
	}
	if (take > 1)
		qsort(lv, take, sizeof(*lv), level_cmp);
	for (k = 0; k < take; k++) {
		chain[k] = lv[k].best;
		*bytes += s->v[lv[k].best].cost;
		if (!s->v[lv[k].best].complete)
			*complete = 0;
	}
	*n = take;
	*out = chain;
	chain = NULL;
out:
	free(lv);
	free(chain);
	return rc;
}

void trc_irq_chain_free(size_t *chain)
{
	free(chain);
}

void trc_irq_main_fini(struct trc_irq_main *m)
{
	trc_irq_chain_free(m->chain);
	trc_irq_set_fini(&m->set);
	memset(m, 0, sizeof(*m));
}

int trc_irq_main_new(struct trc_irq_main *m, const struct trc_stack *s, const struct trc_elf *e,
                     int has_interrupts, const struct trc_irq_decl *decl, size_t ndecl, int fpu,
                     uint64_t exception_frame, unsigned max_nesting, struct lc_err *err)
{
	uint64_t chain_bytes = 0;
	size_t i, k, v;
	int rc = 0, declared = fpu >= 0, attr = 0;

	memset(m, 0, sizeof(*m));
	m->thread = (size_t)-1;
	trc_irq_set_init(&m->set);
	if (ndecl == 0) {
		rc = trc_irq_from_vectors(&m->set, e, err);
		if (rc == LC_ENOTFOUND && !has_interrupts) {
			lc_err_clear(err);
			return 0; /* no vector table: no interrupt model */
		}
	}
	for (i = 0; i < ndecl && rc >= 0; i++)
		if (trc_irq_add(&m->set, decl[i].handler, decl[i].priority) < 0)
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
	if (rc < 0)
		return rc;
	m->present = 1;
	if (fpu < 0) {
		if ((rc = trc_irq_fpu_of(&fpu, e, err)) < 0)
			return rc;
		attr = fpu >= 0;
		if (fpu < 0)
			fpu = 1; /* unknown: the larger frame */
	}
	m->fpu_text = declared ? (fpu ? "yes (declared)" : "no (declared)")
	              : attr   ? (fpu ? "yes (.ARM.attributes)" : "no (.ARM.attributes)")
	                       : "yes (unknown: assumed)";
	m->frame = exception_frame ? exception_frame : fpu ? 104 : 32;
	for (i = 0; i < m->set.n; i++) {
		v = trc_cg_find(s->cg, m->set.v[i].name);
		if (v == (size_t)-1)
			return lc_err_set(err, LC_ENOTFOUND,
			                  "interrupt handler '%s' is not in the binary or the call "
			                  "graph",
			                  m->set.v[i].name);
		m->set.v[i].cost = m->frame + s->funcs[v].depth;
		m->set.v[i].complete = s->funcs[v].complete;
	}
	for (i = 0; i < s->nroots; i++) {
		for (k = 0; k < m->set.n; k++)
			if (strcmp(m->set.v[k].name, s->cg->funcs[s->roots[i].func].name) == 0)
				break;
		if (k == m->set.n &&
		    (m->thread == (size_t)-1 || s->roots[i].bytes > s->roots[m->thread].bytes))
			m->thread = i;
	}
	if (m->thread == (size_t)-1)
		return 0;
	if (trc_irq_chain(&m->chain, &m->nchain, &chain_bytes, &m->complete, &m->set, max_nesting) <
	    0)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	m->complete = m->complete && s->roots[m->thread].complete;
	m->total = s->roots[m->thread].bytes + chain_bytes;
	return 0;
}
