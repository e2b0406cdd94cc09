/* tracer/trace/symindex.c - a sorted index of a module's symbols (see symindex.h). */
#include "trace/symindex.h"

#include <gelf.h>
#include <stdlib.h>

/* The sections of one ELF file in file order: the order libdwfl tries them
 * in when it decides which section an address lies in. */
struct scns {
	Elf *elf;
	GElf_Addr *addr, *size;
	size_t *ndx, n;
};

static int scns_load(struct scns *s, Elf *elf)
{
	Elf_Scn *scn = NULL;
	size_t cap = 0;

	s->elf = elf;
	s->n = 0;
	while ((scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr mem, *sh = gelf_getshdr(scn, &mem);

		if (sh == NULL)
			continue;
		if (s->n == cap) {
			size_t nc = cap ? 2 * cap : 64;
			GElf_Addr *a = realloc(s->addr, nc * sizeof(*a));
			GElf_Addr *z = a ? realloc(s->size, nc * sizeof(*z)) : NULL;
			size_t *x = z ? realloc(s->ndx, nc * sizeof(*x)) : NULL;

			if (a != NULL)
				s->addr = a;
			if (z != NULL)
				s->size = z;
			if (x == NULL)
				return -1;
			s->ndx = x;
			cap = nc;
		}
		s->addr[s->n] = sh->sh_addr;
		s->size[s->n] = sh->sh_size;
		s->ndx[s->n++] = elf_ndxscn(scn);
	}
	return 0;
}

/* 1 when the first section holding a (an address in the file) is shndx. */
static unsigned scns_first_is(const struct scns *s, GElf_Addr a, GElf_Word shndx)
{
	size_t i;

	for (i = 0; i < s->n; i++)
		if (a >= s->addr[i] && a < s->addr[i] + s->size[i])
			return s->ndx[i] == shndx;
	return 0;
}

static int by_lo(const void *pa, const void *pb)
{
	const struct trc_symix_ent *a = pa, *b = pb;

	return (a->lo > b->lo) - (a->lo < b->lo);
}

void trc_symix_init(struct trc_symix *x, Dwfl_Module *m)
{
	struct scns s = {0};
	int n = dwfl_module_getsymtab(m), i;
	size_t k;

	x->v = NULL;
	x->n = 0;
	/* ET_REL modules place each section on its own: left to dwfl. */
	if (n <= 1 || dwfl_module_relocations(m) > 1 ||
	    (x->v = calloc((size_t)n, sizeof(*x->v))) == NULL)
		goto out;
	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr value, bias = 0;
		GElf_Word shndx = 0;
		Elf *elf = NULL;
		const char *name = dwfl_module_getsym_info(m, i, &sym, &value, &shndx, &elf, &bias);
		struct trc_symix_ent *e = &x->v[x->n];

		/* the symbols libdwfl's address search considers */
		if (name == NULL || name[0] == '\0' || sym.st_shndx == SHN_UNDEF ||
		    GELF_ST_TYPE(sym.st_info) == STT_SECTION ||
		    GELF_ST_TYPE(sym.st_info) == STT_FILE || GELF_ST_TYPE(sym.st_info) == STT_TLS)
			continue;
		if (elf != NULL && elf != s.elf && scns_load(&s, elf) < 0) {
			x->n = 0;
			goto out;
		}
		e->lo = value;
		e->size = sym.st_size;
		e->name = name;
		e->shndx_ok = shndx >= SHN_LORESERVE ||
		              (elf != NULL && scns_first_is(&s, value - bias, shndx));
		x->n++;
	}
	qsort(x->v, x->n, sizeof(*x->v), by_lo);
	for (k = 0; k < x->n; k++) {
		uint64_t end = x->v[k].lo + x->v[k].size;

		x->v[k].hi_max = k > 0 && x->v[k - 1].hi_max > end ? x->v[k - 1].hi_max : end;
	}
out:
	free(s.addr);
	free(s.size);
	free(s.ndx);
}

void trc_symix_fini(struct trc_symix *x)
{
	free(x->v);
	x->v = NULL;
	x->n = 0;
}

const char *trc_symix_find(const struct trc_symix *x, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = x->n;
	const struct trc_symix_ent *e;

	while (lo < hi) { /* the first entry at or above addr */
		size_t mid = lo + (hi - lo) / 2;

		if (x->v[mid].lo < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == x->n)
		return NULL;
	e = &x->v[lo];
	/* one symbol at addr, sized, in the section of addr, and no sized
	 * symbol below it reaching over addr */
	if (e->lo != addr || e->size == 0 || !e->shndx_ok ||
	    (lo + 1 < x->n && x->v[lo + 1].lo == addr) || (lo > 0 && x->v[lo - 1].hi_max > addr))
		return NULL;
	*off = 0;
	return e->name;
}
