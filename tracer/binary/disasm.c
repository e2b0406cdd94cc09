/*
 * tracer/binary/disasm.c - the machine-code call graph of disasm.h, decoded
 * with libcapstone (Debian libcapstone-dev).
 *
 * One pass over the sized function symbols (sorted by address, aliases
 * grouped). Each function's bytes are decoded with cs_disasm_iter (no
 * allocation per instruction) in the mode its mapping symbols give; a byte
 * sequence capstone cannot decode is skipped by the minimum instruction
 * size, never trusted as a branch.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/disasm.h"
#include "map.h"

#include <capstone.h>
#include <gelf.h>
#include <libelf.h>
#include <stdlib.h>
#include <string.h>

/* A mapping symbol: $a (ARM), $t (Thumb), $d (data) at addr. */
struct mapsym {
	uint64_t addr;
	size_t shndx;
	char kind; /* 'a', 't', 'd' */
};

/* A GOT slot named by its dynamic relocation; also a function symbol
 * without a size (assembly without .size), by its address. */
struct slot {
	uint64_t addr;
	const char *name; /* borrowed from libelf */
};

struct dctx {
	const struct trc_elf *e;
	struct trc_cg *cg;
	struct trc_disasm_stats st;
	csh h[2]; /* x86/AArch64/ARM; [1]: Thumb */
	cs_insn *insn;
	struct mapsym *maps;
	size_t nmaps;
	struct slot *slots;
	size_t nslots;
	struct slot *unsized; /* FUNC symbols of size 0, by address */
	size_t nunsized;
	size_t *callers; /* cg indexes of the aliases of the function being decoded */
	size_t ncallers, capcallers;
	struct lc_map edges; /* caller << 32 | callee already in the graph */
};

static int map_cmp(const void *a, const void *b)
{
	const struct mapsym *x = a, *y = b;

	if (x->shndx != y->shndx)
		return x->shndx < y->shndx ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int slot_cmp(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int add_slot(struct slot **v, size_t *n, size_t *cap, uint64_t addr, const char *name)
{
	if (*n == *cap) {
		size_t ncap = *cap ? *cap * 2 : 256;
		void *nv = realloc(*v, ncap * sizeof(**v));

		if (nv == NULL)
			return LC_ENOMEM;
		*v = nv;
		*cap = ncap;
	}
	(*v)[*n].addr = addr;
	(*v)[(*n)++].name = name;
	return 0;
}

/* Reads the ARM mapping symbols, the function symbols without a size and
 * the named GOT slots of the file. */
static int read_tables(struct dctx *c, struct lc_err *err)
{
	Elf_Scn *scn = NULL;
	size_t capm = 0, caps = 0, capu = 0;

	while ((scn = elf_nextscn(c->e->elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, n;

		if (gelf_getshdr(scn, &sh) == NULL || sh.sh_entsize == 0)
			continue;
		if (sh.sh_type == SHT_SYMTAB) {
			d = elf_getdata(scn, NULL);
			n = d ? d->d_size / sh.sh_entsize : 0;
			for (i = 1; i < n; i++) {
				GElf_Sym s;
				const char *nm;

				if (gelf_getsym(d, (int)i, &s) == NULL ||
				    (nm = elf_strptr(c->e->elf, sh.sh_link, s.st_name)) == NULL)
					continue;
				if (GELF_ST_TYPE(s.st_info) == STT_FUNC && s.st_size == 0 &&
				    s.st_shndx != SHN_UNDEF && s.st_shndx < SHN_LORESERVE &&
				    nm[0]) {
					if (add_slot(&c->unsized, &c->nunsized, &capu,
					             c->e->machine == EM_ARM ? s.st_value & ~1ull
					                                     : s.st_value,
					             nm) < 0)
						return lc_err_set(err, LC_ENOMEM, "out of memory");
					continue;
				}
				if (c->e->machine != EM_ARM || nm[0] != '$' ||
				    (nm[1] != 'a' && nm[1] != 't' && nm[1] != 'd') ||
				    (nm[2] != '\0' && nm[2] != '.'))
					continue;
				if (c->nmaps == capm) {
					void *nv;

					capm = capm ? capm * 2 : 256;
					nv = realloc(c->maps, capm * sizeof(*c->maps));
					if (nv == NULL)
						return lc_err_set(err, LC_ENOMEM, "out of memory");
					c->maps = nv;
				}
				c->maps[c->nmaps].addr = s.st_value;
				c->maps[c->nmaps].shndx = s.st_shndx;
				c->maps[c->nmaps++].kind = nm[1];
			}
		} else if ((sh.sh_type == SHT_RELA || sh.sh_type == SHT_REL) &&
		           (sh.sh_flags & SHF_ALLOC) && sh.sh_link != 0) {
			Elf_Scn *ss = elf_getscn(c->e->elf, sh.sh_link);
			GElf_Shdr ssh;
			Elf_Data *sd;

			d = elf_getdata(scn, NULL);
			if (ss == NULL || gelf_getshdr(ss, &ssh) == NULL || d == NULL ||
			    (sd = elf_getdata(ss, NULL)) == NULL)
				continue;
			n = d->d_size / sh.sh_entsize;
			for (i = 0; i < n; i++) {
				GElf_Rela r;
				GElf_Rel rl;
				GElf_Sym s;
				const char *nm;
				size_t si;

				if (sh.sh_type == SHT_RELA) {
					if (gelf_getrela(d, (int)i, &r) == NULL)
						continue;
				} else {
					if (gelf_getrel(d, (int)i, &rl) == NULL)
						continue;
					r.r_offset = rl.r_offset;
					r.r_info = rl.r_info;
				}
				si = c->e->is64 ? GELF_R_SYM(r.r_info) : ELF32_R_SYM(r.r_info);
				if (si == 0 || gelf_getsym(sd, (int)si, &s) == NULL ||
				    (nm = elf_strptr(c->e->elf, ssh.sh_link, s.st_name)) == NULL ||
				    nm[0] == '\0')
					continue;
				if (add_slot(&c->slots, &c->nslots, &caps, r.r_offset, nm) < 0)
					return lc_err_set(err, LC_ENOMEM, "out of memory");
			}
		}
	}
	if (c->nmaps > 1)
		qsort(c->maps, c->nmaps, sizeof(*c->maps), map_cmp);
	if (c->nslots > 1)
		qsort(c->slots, c->nslots, sizeof(*c->slots), slot_cmp);
	if (c->nunsized > 1)
		qsort(c->unsized, c->nunsized, sizeof(*c->unsized), slot_cmp);
	return 0;
}

static const char *find_slot(const struct slot *v, size_t n, uint64_t addr)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < n && v[lo].addr == addr ? v[lo].name : NULL;
}

static const char *slot_name(const struct dctx *c, uint64_t addr)
{
	return find_slot(c->slots, c->nslots, addr);
}

/* The index of the first mapping symbol after (shndx, addr) in the sorted
 * maps: the one in effect at addr is just before it. */
static size_t map_after(const struct dctx *c, size_t shndx, uint64_t addr)
{
	size_t lo = 0, hi = c->nmaps;
	struct mapsym key = {addr, shndx, 0};

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (map_cmp(&c->maps[mid], &key) <= 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The mapping kind in effect at addr of section shndx ('t' by default when
 * thumb, else 'a'). */
static char map_at(const struct dctx *c, size_t shndx, uint64_t addr, int thumb)
{
	size_t i = map_after(c, shndx, addr);

	if (i > 0 && c->maps[i - 1].shndx == shndx)
		return c->maps[i - 1].kind;
	return thumb ? 't' : 'a';
}

/* The first mapping symbol of shndx after addr, or end. */
static uint64_t map_next(const struct dctx *c, size_t shndx, uint64_t addr, uint64_t end)
{
	size_t i = map_after(c, shndx, addr);

	if (i < c->nmaps && c->maps[i].shndx == shndx && c->maps[i].addr < end)
		return c->maps[i].addr;
	return end;
}

static int add_edges_to(struct dctx *c, const char *callee)
{
	size_t k, t;

	if (trc_cg_func(&t, c->cg, callee) < 0)
		return LC_ENOMEM;
	for (k = 0; k < c->ncallers; k++) {
		int added;

		/* A call the source-level graph already has is not added twice. */
		if (lc_map_put(&c->edges, (uint64_t)c->callers[k] << 32 | t, &added) == NULL)
			return LC_ENOMEM;
		if (added &&
		    trc_cg_add_edge(c->cg, c->callers[k], t, NULL, 0, 0, TRC_CG_BINARY) < 0)
			return LC_ENOMEM;
	}
	c->st.edges++;
	return 0;
}

static int add_site(struct dctx *c, uint64_t addr, const char *what)
{
	size_t k;

	for (k = 0; k < c->ncallers; k++)
		if (trc_cg_add_binary_site(c->cg, c->callers[k], addr, what) < 0)
			return LC_ENOMEM;
	c->st.indirect++;
	return 0;
}

/* x86: the GOT slot a PLT stub at addr jumps through, named; or NULL. */
static const char *plt_name(struct dctx *c, uint64_t addr)
{
	const struct trc_elf_section *s = trc_elf_section_at(c->e, addr);
	Elf_Scn *scn;
	Elf_Data *d;
	const uint8_t *code;
	size_t size;
	uint64_t pc = addr;
	int i;

	if (s == NULL || strncmp(s->name, ".plt", 4) != 0 || s->type == SHT_NOBITS ||
	    (scn = elf_getscn(c->e->elf, s->index)) == NULL ||
	    (d = elf_getdata(scn, NULL)) == NULL || d->d_buf == NULL || addr - s->addr >= d->d_size)
		return NULL;
	code = (const uint8_t *)d->d_buf + (addr - s->addr);
	size = d->d_size - (addr - s->addr);
	for (i = 0; i < 3 && cs_disasm_iter(c->h[0], &code, &size, &pc, c->insn); i++) {
		const cs_x86 *x = &c->insn->detail->x86;

		if (c->insn->id == X86_INS_JMP && x->op_count == 1 &&
		    x->operands[0].type == X86_OP_MEM) {
			uint64_t slot = (uint64_t)x->operands[0].mem.disp;

			if (x->operands[0].mem.base == X86_REG_RIP)
				slot += c->insn->address + c->insn->size;
			else if (x->operands[0].mem.base != X86_REG_INVALID)
				return NULL;
			return slot_name(c, slot);
		}
	}
	return NULL;
}

/* A direct branch or call from function [lo, hi) to target. */
static int direct(struct dctx *c, uint64_t lo, uint64_t hi, uint64_t target, int call, uint64_t at)
{
	const struct trc_elf_symbol *g;
	const char *name;

	if (target >= lo && target < hi && !(call && target == lo))
		return 0; /* a branch inside the function */
	g = trc_elf_func_at(c->e, target);
	if (g != NULL)
		return add_edges_to(c, g->name);
	/* A function symbol without a size: named, never decoded (its frame and
	 * callees are unknown unless frames: declares them). */
	if ((name = find_slot(c->unsized, c->nunsized, target)) != NULL) {
		size_t t;

		if (trc_cg_func(&t, c->cg, name) < 0)
			return LC_ENOMEM;
		c->cg->funcs[t].in_binary = 1;
		return add_edges_to(c, name);
	}
	if ((c->e->machine == EM_X86_64 || c->e->machine == EM_386) &&
	    (name = plt_name(c, target)) != NULL)
		return add_edges_to(c, name);
	if (!call && trc_elf_section_at(c->e, target) == trc_elf_section_at(c->e, lo) &&
	    target >= lo && target < hi + 64)
		return 0; /* padding after the symbol's size, still this code */
	return add_site(c, at, "call outside");
}

static int dec_x86(struct dctx *c, uint64_t lo, uint64_t hi)
{
	const cs_insn *in = c->insn;
	const cs_x86 *x = &in->detail->x86;
	int call = in->id == X86_INS_CALL, jump;

	jump = in->id == X86_INS_JMP || cs_insn_group(c->h[0], in, CS_GRP_JUMP);
	if (!call && !jump)
		return 0;
	if (x->op_count == 1 && x->operands[0].type == X86_OP_IMM)
		return direct(c, lo, hi, (uint64_t)x->operands[0].imm, call, in->address);
	if (x->op_count == 1 && x->operands[0].type == X86_OP_MEM &&
	    x->operands[0].mem.index == X86_REG_INVALID &&
	    (x->operands[0].mem.base == X86_REG_RIP ||
	     x->operands[0].mem.base == X86_REG_INVALID)) {
		uint64_t slot = (uint64_t)x->operands[0].mem.disp;
		const char *name;

		if (x->operands[0].mem.base == X86_REG_RIP)
			slot += in->address + in->size;
		name = slot_name(c, slot);
		if (name != NULL)
			return add_edges_to(c, name); /* -fno-plt: through the GOT */
	}
	return add_site(c, in->address, call ? "indirect call" : "indirect jump");
}

static int arm_reg_in(const cs_arm *a, int reg)
{
	int i;

	for (i = 0; i < a->op_count; i++)
		if (a->operands[i].type == ARM_OP_REG && a->operands[i].reg == reg)
			return 1;
	return 0;
}

static int dec_arm(struct dctx *c, csh h, uint64_t lo, uint64_t hi)
{
	const cs_insn *in = c->insn;
	const cs_arm *a = &in->detail->arm;
	const cs_arm_op *op0 = a->op_count > 0 ? &a->operands[0] : NULL;

	(void)h;
	switch (in->id) {
	case ARM_INS_BL:
	case ARM_INS_BLX:
		if (op0 && op0->type == ARM_OP_IMM)
			return direct(c, lo, hi, (uint32_t)op0->imm & ~1u, 1, in->address);
		return add_site(c, in->address, "indirect call");
	case ARM_INS_B:
		if (op0 && op0->type == ARM_OP_IMM)
			return direct(c, lo, hi, (uint32_t)op0->imm & ~1u, 0, in->address);
		return 0;
	case ARM_INS_BX:
	case ARM_INS_BXJ:
		if (op0 && op0->type == ARM_OP_REG && op0->reg == ARM_REG_LR)
			return 0; /* return */
		return add_site(c, in->address, "indirect jump");
	case ARM_INS_MOV:
		if (op0 && op0->type == ARM_OP_REG && op0->reg == ARM_REG_PC && a->op_count > 1 &&
		    !(a->operands[1].type == ARM_OP_REG && a->operands[1].reg == ARM_REG_LR))
			return add_site(c, in->address, "indirect jump");
		return 0;
	case ARM_INS_LDR:
		if (op0 && op0->type == ARM_OP_REG && op0->reg == ARM_REG_PC && a->op_count > 1 &&
		    a->operands[1].type == ARM_OP_MEM && a->operands[1].mem.base != ARM_REG_SP &&
		    a->operands[1].mem.base != ARM_REG_PC)
			return add_site(c, in->address, "indirect jump");
		return 0; /* a pop of the return address, or a jump table */
	case ARM_INS_LDM:
		if (arm_reg_in(a, ARM_REG_PC) &&
		    !(op0 && op0->type == ARM_OP_REG && op0->reg == ARM_REG_SP))
			return add_site(c, in->address, "indirect jump");
		return 0;
	default:
		return 0; /* POP {..., pc} returns; TBB/TBH/CBZ stay inside */
	}
}

static int dec_a64(struct dctx *c, uint64_t lo, uint64_t hi)
{
	const cs_insn *in = c->insn;
	const cs_arm64 *a = &in->detail->arm64;
	int i;

	switch (in->id) {
	case ARM64_INS_BL:
	case ARM64_INS_B:
	case ARM64_INS_CBZ:
	case ARM64_INS_CBNZ:
	case ARM64_INS_TBZ:
	case ARM64_INS_TBNZ:
		for (i = a->op_count - 1; i >= 0; i--)
			if (a->operands[i].type == ARM64_OP_IMM)
				return direct(c, lo, hi, (uint64_t)a->operands[i].imm,
				              in->id == ARM64_INS_BL, in->address);
		return 0;
	case ARM64_INS_BLR:
		return add_site(c, in->address, "indirect call");
	case ARM64_INS_BR:
		return add_site(c, in->address, "indirect jump");
	default:
		return 0;
	}
}

/* Decodes [lo, hi) of the function whose bytes start at code (address lo). */
static int decode(struct dctx *c, const struct trc_elf_symbol *f, const uint8_t *code)
{
	uint64_t lo = f->addr, hi = f->addr + f->size, pc = lo;
	int arm = c->e->machine == EM_ARM, rc = 0;

	while (pc < hi && rc == 0) {
		char kind = arm ? map_at(c, f->shndx, pc, f->thumb) : 'x';
		uint64_t end = arm ? map_next(c, f->shndx, pc, hi) : hi;
		const uint8_t *p = code + (pc - lo);
		size_t size = (size_t)(end - pc);
		uint64_t at = pc;
		csh h = kind == 't' ? c->h[1] : c->h[0];
		size_t step = c->e->machine == EM_X86_64 || c->e->machine == EM_386 ? 1
		              : kind == 't'                                         ? 2
		                                                                    : 4;

		if (kind == 'd') {
			pc = end;
			continue;
		}
		while (rc == 0 && at < end) {
			if (!cs_disasm_iter(h, &p, &size, &at, c->insn)) {
				at += step; /* undecodable: skip, never a branch */
				if (at >= end)
					break;
				p = code + (at - lo);
				size = (size_t)(end - at);
				continue;
			}
			c->st.insns++;
			if (c->e->machine == EM_ARM)
				rc = dec_arm(c, h, lo, hi);
			else if (c->e->machine == EM_AARCH64)
				rc = dec_a64(c, lo, hi);
			else
				rc = dec_x86(c, lo, hi);
		}
		pc = end;
	}
	return rc;
}

int trc_disasm_supported(const struct trc_elf *e)
{
	return e->machine == EM_ARM || e->machine == EM_X86_64 || e->machine == EM_386 ||
	       e->machine == EM_AARCH64;
}

static int open_handles(struct dctx *c, struct lc_err *err)
{
	cs_arch arch;
	cs_mode mode = 0;
	int big = 0, nh = 1, i;
	GElf_Ehdr eh;

	if (gelf_getehdr(c->e->elf, &eh) != NULL && eh.e_ident[EI_DATA] == ELFDATA2MSB)
		big = 1;
	switch (c->e->machine) {
	case EM_ARM:
		arch = CS_ARCH_ARM;
		mode = CS_MODE_ARM;
		nh = 2;
		break;
	case EM_AARCH64:
		arch = CS_ARCH_ARM64;
		break;
	case EM_386:
		arch = CS_ARCH_X86;
		mode = CS_MODE_32;
		break;
	default:
		arch = CS_ARCH_X86;
		mode = CS_MODE_64;
		break;
	}
	if (big)
		mode |= CS_MODE_BIG_ENDIAN;
	for (i = 0; i < nh; i++) {
		cs_mode m = i == 1 ? (cs_mode)((mode & ~CS_MODE_ARM) | CS_MODE_THUMB) : mode;

		if (cs_open(arch, m, &c->h[i]) != CS_ERR_OK ||
		    cs_option(c->h[i], CS_OPT_DETAIL, CS_OPT_ON) != CS_ERR_OK)
			return lc_err_set(err, LC_EINTERNAL, "libcapstone: cannot open a decoder");
	}
	if (nh == 1)
		c->h[1] = c->h[0];
	c->insn = cs_malloc(c->h[0]);
	if (c->insn == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	return 0;
}

int trc_disasm_calls(struct trc_cg *cg, const struct trc_elf *e, struct trc_disasm_stats *st,
                     struct lc_err *err)
{
	struct dctx c;
	size_t i, j;
	int rc = 0;

	memset(&c, 0, sizeof(c));
	lc_map_init(&c.edges);
	c.e = e;
	c.cg = cg;
	if (!trc_disasm_supported(e)) {
		rc = lc_err_set(err, LC_ENOTFOUND, "%s: no machine-code decoder for machine %u",
		                e->path, (unsigned)e->machine);
		goto out;
	}
	if ((rc = open_handles(&c, err)) < 0 || (rc = read_tables(&c, err)) < 0)
		goto out;
	for (i = 0; i < cg->nedges; i++)
		if (lc_map_put(&c.edges, (uint64_t)cg->edges[i].caller << 32 | cg->edges[i].callee,
		               NULL) == NULL)
			goto nomem;
	for (i = 0; i < e->nsymbols; i = j) {
		const struct trc_elf_symbol *f = NULL;
		const struct trc_elf_section *sec;
		Elf_Scn *scn;
		Elf_Data *d;

		/* Aliases: every FUNC symbol at this address and size. */
		c.ncallers = 0;
		for (j = i; j < e->nsymbols && e->symbols[j].addr == e->symbols[i].addr; j++) {
			size_t idx;

			if (e->symbols[j].type != STT_FUNC && e->symbols[j].type != STT_GNU_IFUNC)
				continue;
			if (c.ncallers == c.capcallers) {
				size_t ncap = c.capcallers ? c.capcallers * 2 : 16;
				void *nv = realloc(c.callers, ncap * sizeof(*c.callers));

				if (nv == NULL)
					goto nomem;
				c.callers = nv;
				c.capcallers = ncap;
			}
			if (trc_cg_func(&idx, cg, e->symbols[j].name) < 0)
				goto nomem;
			cg->funcs[idx].defined = 1;
			cg->funcs[idx].in_binary = 1;
			c.callers[c.ncallers++] = idx;
			if (f == NULL || e->symbols[j].size > f->size)
				f = &e->symbols[j];
		}
		if (f == NULL)
			continue;
		sec = f->shndx ? &e->sections[f->shndx] : NULL;
		if (sec == NULL || !(sec->flags & SHF_EXECINSTR) || sec->type == SHT_NOBITS)
			continue;
		if (f->addr < sec->addr || f->addr - sec->addr > sec->size ||
		    f->size > sec->size - (f->addr - sec->addr)) {
			rc = lc_err_set(
			        err, LC_EFORMAT,
			        "%s: function '%s' (0x%llx, %llu bytes) runs past the end of "
			        "section '%s'",
			        e->path, f->name, (unsigned long long)f->addr,
			        (unsigned long long)f->size, sec->name);
			goto out;
		}
		scn = elf_getscn(e->elf, sec->index);
		d = scn ? elf_getdata(scn, NULL) : NULL;
		if (d == NULL || d->d_buf == NULL || d->d_size < sec->size) {
			rc = lc_err_set(err, LC_EFORMAT, "%s: unreadable section '%s': %s", e->path,
			                sec->name, elf_errmsg(-1));
			goto out;
		}
		c.st.funcs++;
		rc = decode(&c, f, (const uint8_t *)d->d_buf + (f->addr - sec->addr));
		if (rc < 0) {
			lc_err_set(err, rc, "out of memory");
			goto out;
		}
	}
	goto out;
nomem:
	rc = lc_err_set(err, LC_ENOMEM, "out of memory");
out:
	if (st)
		*st = c.st;
	if (c.insn)
		cs_free(c.insn, 1);
	if (c.h[1] && c.h[1] != c.h[0])
		cs_close(&c.h[1]);
	if (c.h[0])
		cs_close(&c.h[0]);
	free(c.maps);
	free(c.slots);
	free(c.unsized);
	free(c.callers);
	lc_map_fini(&c.edges);
	return rc;
}
