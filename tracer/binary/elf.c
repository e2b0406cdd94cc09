/*
 * tracer/binary/elf.c - sections, segments and symbols of one ELF file through
 * libelf, with the flash/RAM classification described in elf.h.
 *
 * Invariants: sections[i].index == i; symbols are sorted by address then
 * name; every string is borrowed from libelf's view of the file and lives
 * until trc_elf_free. Nothing read from the file is trusted: every libelf
 * call is checked and a failure becomes an LC_EFORMAT message.
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/elf.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static int name_is_reservation(const char *n)
{
	/* Start-up code and linker scripts reserve the main stack and the
	 * heap as NOBITS sections under many names: .stack, .heap,
	 * ._user_heap_stack (STM32Cube), .stack_dummy/.heap_dummy (CMSIS),
	 * .co_stack. They are RAM, but not variables. */
	return strstr(n, "stack") != NULL || strstr(n, "heap") != NULL;
}

static char nm_letter(const struct trc_elf *e, const GElf_Sym *s, size_t shndx)
{
	const struct trc_elf_section *sec;
	char c = '?';
	int type = GELF_ST_TYPE(s->st_info), bind = GELF_ST_BIND(s->st_info);

	if (bind == STB_WEAK)
		return type == STT_OBJECT ? 'V' : 'W';
	if (bind == STB_GNU_UNIQUE)
		return 'u';
	if (s->st_shndx == SHN_ABS)
		c = 'A';
	else if (s->st_shndx == SHN_COMMON)
		c = 'C';
	else if (shndx > 0 && shndx < e->nsections) {
		sec = &e->sections[shndx];
		if (sec->flags & SHF_EXECINSTR)
			c = 'T';
		else if (sec->type == SHT_NOBITS)
			c = 'B';
		else if (sec->flags & SHF_WRITE)
			c = 'D';
		else if (sec->flags & SHF_ALLOC)
			c = 'R';
		else
			c = 'N';
	}
	if (bind == STB_LOCAL && c >= 'A' && c <= 'Z')
		c = (char)(c - 'A' + 'a');
	return c;
}

static int sym_cmp(const void *a, const void *b)
{
	const struct trc_elf_symbol *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* Reads one symbol table section (SHT_SYMTAB or SHT_DYNSYM) into e->symbols. */
static int read_symtab(struct trc_elf *e, Elf_Scn *scn, const GElf_Shdr *sh, struct lc_err *err)
{
	Elf_Data *data;
	size_t n, i, k = 0;
	int rc = 0;

	data = elf_getdata(scn, NULL);
	if (data == NULL || sh->sh_entsize == 0) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: unreadable symbol table: %s", e->path,
		                elf_errmsg(-1));
		goto out;
	}
	n = data->d_size / (e->is64 ? sizeof(Elf64_Sym) : sizeof(Elf32_Sym));
	e->symbols = calloc(n ? n : 1, sizeof(*e->symbols));
	if (e->symbols == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory reading symbols");
		goto out;
	}
	for (i = 1; i < n; i++) {
		GElf_Sym s;
		const char *name;
		int type;
		struct trc_elf_symbol *o;

		if (gelf_getsym(data, (int)i, &s) == NULL)
			continue;
		type = GELF_ST_TYPE(s.st_info);
		if (type != STT_FUNC && type != STT_OBJECT && type != STT_TLS &&
		    type != STT_NOTYPE && type != STT_GNU_IFUNC)
			continue;
		if (s.st_shndx == SHN_UNDEF || s.st_shndx >= SHN_LORESERVE || s.st_size == 0)
			continue;
		name = elf_strptr(e->elf, sh->sh_link, s.st_name);
		if (name == NULL || name[0] == '\0')
			continue;
		o = &e->symbols[k++];
		o->name = name;
		o->addr = s.st_value;
		if (e->machine == EM_ARM && type == STT_FUNC) {
			o->thumb = (unsigned char)(o->addr & 1);
			o->addr &= ~(uint64_t)1;
		}
		o->size = s.st_size;
		o->type = (unsigned char)type;
		o->bind = (unsigned char)GELF_ST_BIND(s.st_info);
		o->shndx = s.st_shndx < e->nsections ? s.st_shndx : 0;
		o->mem = o->shndx ? e->sections[o->shndx].mem : TRC_MEM_NONE;
		o->nm = nm_letter(e, &s, o->shndx);
	}
	e->nsymbols = k;
	qsort(e->symbols, k, sizeof(*e->symbols), sym_cmp);
out:
	return rc;
}

/* Whether the size bytes at file offset off lie in the file (none do when
 * size is 0). */
static int in_file(const struct trc_elf *e, uint64_t off, uint64_t size)
{
	return size == 0 || (off <= e->file_size && size <= e->file_size - off);
}

/* The error for a header (what: "section 3 '.data'") whose bytes run past
 * the end of the file. Returns LC_EFORMAT. */
static int truncated(const struct trc_elf *e, const char *what, uint64_t off, uint64_t size,
                     struct lc_err *err)
{
	return lc_err_set(err, LC_EFORMAT,
	                  "%s: truncated: %s holds bytes 0x%llx..0x%llx of the file, which has "
	                  "only %llu bytes",
	                  e->path, what, (unsigned long long)off, (unsigned long long)(off + size),
	                  (unsigned long long)e->file_size);
}

static int read_segments(struct trc_elf *e, struct lc_err *err)
{
	size_t n = 0, i;
	int rc = 0;

	if (elf_getphdrnum(e->elf, &n) != 0) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: corrupt program headers: %s", e->path,
		                elf_errmsg(-1));
		goto out;
	}
	e->segments = calloc(n ? n : 1, sizeof(*e->segments));
	if (e->segments == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < n; i++) {
		GElf_Phdr ph;
		struct trc_elf_segment *s = &e->segments[e->nsegments];
		char pt[32];

		if (gelf_getphdr(e->elf, (int)i, &ph) == NULL) {
			rc = lc_err_set(err, LC_EFORMAT, "%s: corrupt program header %zu: %s",
			                e->path, i, elf_errmsg(-1));
			goto out;
		}
		s->index = i;
		s->type = ph.p_type;
		if (ph.p_type != PT_NULL && !in_file(e, ph.p_offset, ph.p_filesz)) {
			char what[LC_ERR_MSG_MAX];

			snprintf(what, sizeof(what), "program header %zu (%s)", i,
			         trc_elf_pt_name(ph.p_type, pt, sizeof(pt)));
			rc = truncated(e, what, ph.p_offset, ph.p_filesz, err);
			goto out;
		}
		s->flags = ph.p_flags;
		s->offset = ph.p_offset;
		s->vaddr = ph.p_vaddr;
		s->paddr = ph.p_paddr;
		s->filesz = ph.p_filesz;
		s->memsz = ph.p_memsz;
		s->align = ph.p_align;
		if (ph.p_type == PT_LOAD) {
			s->flash = ph.p_filesz;
			if ((ph.p_flags & PF_W) || ph.p_vaddr != ph.p_paddr)
				s->ram = ph.p_memsz;
		}
		e->nsegments++;
	}
out:
	return rc;
}

/* The load address of an allocated section: through the PT_LOAD segment
 * whose memory image holds it (and, for a section with contents, whose
 * file image holds its bytes, so that overlapping segments of TLS do not
 * confuse it). Without such a segment (relocatable objects) LMA = VMA. */
static uint64_t section_lma(const struct trc_elf *e, const GElf_Shdr *sh)
{
	size_t i;

	for (i = 0; i < e->nsegments; i++) {
		const struct trc_elf_segment *s = &e->segments[i];

		if (s->type != PT_LOAD || sh->sh_addr < s->vaddr ||
		    sh->sh_addr - s->vaddr > s->memsz ||
		    (sh->sh_size > 0 && sh->sh_addr - s->vaddr + sh->sh_size > s->memsz))
			continue;
		if (sh->sh_type != SHT_NOBITS && sh->sh_size > 0 &&
		    (sh->sh_offset < s->offset || sh->sh_offset - s->offset >= s->filesz))
			continue;
		return s->paddr + (sh->sh_addr - s->vaddr);
	}
	return sh->sh_addr;
}

static int read_sections(struct trc_elf *e, struct lc_err *err)
{
	size_t n = 0, shstrndx = 0, i, symtab = 0, dynsym = 0;
	GElf_Shdr symsh, dynsh;
	int rc = 0, rom_image = 0;

	if (elf_getshdrnum(e->elf, &n) != 0 ||
	    (n > 0 && elf_getshdrstrndx(e->elf, &shstrndx) != 0)) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: corrupt section headers: %s", e->path,
		                elf_errmsg(-1));
		goto out;
	}
	e->sections = calloc(n ? n : 1, sizeof(*e->sections));
	if (e->sections == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	e->nsections = n;
	for (i = 0; i < n; i++) {
		Elf_Scn *scn = elf_getscn(e->elf, i);
		GElf_Shdr sh;
		struct trc_elf_section *s = &e->sections[i];
		const char *name;

		s->index = i;
		s->name = "";
		if (scn == NULL || gelf_getshdr(scn, &sh) == NULL) {
			rc = lc_err_set(err, LC_EFORMAT, "%s: corrupt section header %zu: %s",
			                e->path, i, elf_errmsg(-1));
			goto out;
		}
		if (i == 0)
			continue;
		name = elf_strptr(e->elf, shstrndx, sh.sh_name);
		s->name = name ? name : "";
		if (sh.sh_type != SHT_NOBITS && sh.sh_type != SHT_NULL &&
		    !in_file(e, sh.sh_offset, sh.sh_size)) {
			char what[LC_ERR_MSG_MAX];

			snprintf(what, sizeof(what), "section %zu '%s'", i, s->name);
			rc = truncated(e, what, sh.sh_offset, sh.sh_size, err);
			goto out;
		}
		s->type = sh.sh_type;
		s->flags = sh.sh_flags;
		s->addr = sh.sh_addr;
		s->size = sh.sh_size;
		s->offset = sh.sh_offset;
		s->align = sh.sh_addralign;
		s->lma = sh.sh_addr;
		if (sh.sh_type == SHT_SYMTAB && symtab == 0) {
			symtab = i;
			symsh = sh;
		} else if (sh.sh_type == SHT_DYNSYM && dynsym == 0) {
			dynsym = i;
			dynsh = sh;
		}
		if (strcmp(s->name, ".debug_info") == 0 && sh.sh_size > 0)
			e->has_debug_info = 1;
		if (sh.sh_flags & SHF_ALLOC) {
			s->lma = section_lma(e, &sh);
			if (sh.sh_type != SHT_NOBITS && sh.sh_size > 0 && s->lma != s->addr)
				rom_image = 1;
		}
	}
	/* A writable section whose load and run addresses are equal lives in
	 * RAM when a loader maps the file (host programs), but in flash in a
	 * firmware image, where only what start-up code copies (LMA != VMA)
	 * or clears (NOBITS) is RAM: .init_array of a Cortex-M image is
	 * writable yet never leaves flash. An image with any copied section
	 * is taken for firmware. */
	for (i = 1; i < n; i++) {
		struct trc_elf_section *s = &e->sections[i];
		int nobits = s->type == SHT_NOBITS, in_ram;

		if (!(s->flags & SHF_ALLOC))
			continue;
		in_ram = nobits || s->lma != s->addr || (!rom_image && (s->flags & SHF_WRITE));
		s->flash = nobits ? 0 : s->size;
		s->ram = in_ram ? s->size : 0;
		s->mem = (nobits ? 0 : TRC_MEM_FLASH) | (in_ram ? TRC_MEM_RAM : 0);
		s->reserved = nobits && name_is_reservation(s->name);
		e->flash += s->flash;
		e->ram += s->ram;
		if (s->reserved)
			e->ram_reserved += s->ram;
	}
	/* What binutils' size -A lists: every section BFD makes a section of,
	 * which is all but the null section, the symbol table with its string
	 * table, the section-name string table, extended indices, and the
	 * relocation sections that apply to another section through .symtab
	 * (except allocated ones in executables and shared objects, which BFD
	 * shows as plain sections). */
	for (i = 1; i < n; i++) {
		struct trc_elf_section *s = &e->sections[i];
		int in = 1;

		if (s->type == SHT_SYMTAB || s->type == SHT_SYMTAB_SHNDX || s->type == SHT_NULL)
			in = 0;
		else if (s->type == SHT_STRTAB && (i == shstrndx || (symtab && symsh.sh_link == i)))
			in = 0;
		else if ((s->type == SHT_REL || s->type == SHT_RELA) && symtab &&
		         !((e->etype == ET_EXEC || e->etype == ET_DYN) && (s->flags & SHF_ALLOC))) {
			GElf_Shdr rsh;
			Elf_Scn *scn = elf_getscn(e->elf, i);

			if (scn && gelf_getshdr(scn, &rsh) && rsh.sh_link == symtab &&
			    rsh.sh_info != 0 && rsh.sh_info < n &&
			    e->sections[rsh.sh_info].type != SHT_REL &&
			    e->sections[rsh.sh_info].type != SHT_RELA)
				in = 0;
		}
		s->in_size_a = in;
		if (in)
			e->size_a_total += s->size;
	}
	if (symtab) {
		e->symtab_source = 2;
		rc = read_symtab(e, elf_getscn(e->elf, symtab), &symsh, err);
	} else if (dynsym) {
		e->symtab_source = 1;
		rc = read_symtab(e, elf_getscn(e->elf, dynsym), &dynsh, err);
	}
out:
	return rc;
}

/* The section and program header tables themselves must lie in the file. */
static int check_tables(const struct trc_elf *e, const GElf_Ehdr *eh, struct lc_err *err)
{
	uint64_t shend = eh->e_shoff + (uint64_t)eh->e_shnum * eh->e_shentsize;
	uint64_t phend = eh->e_phoff + (uint64_t)eh->e_phnum * eh->e_phentsize;

	if (eh->e_phnum > 0 && (eh->e_phoff > e->file_size || phend > e->file_size))
		return lc_err_set(err, LC_EFORMAT,
		                  "%s: truncated: the program header table ends at byte %llu, "
		                  "the file has only %llu bytes",
		                  e->path, (unsigned long long)phend,
		                  (unsigned long long)e->file_size);
	if (eh->e_shoff != 0 && (eh->e_shoff > e->file_size || shend > e->file_size))
		return lc_err_set(err, LC_EFORMAT,
		                  "%s: truncated: the section header table ends at byte %llu, "
		                  "the file has only %llu bytes",
		                  e->path, (unsigned long long)shend,
		                  (unsigned long long)e->file_size);
	return 0;
}

static int finish_open(struct trc_elf *e, struct lc_err *err)
{
	GElf_Ehdr eh;
	int rc = 0;

	if (e->elf != NULL && elf_kind(e->elf) == ELF_K_AR) {
		rc = lc_err_set(err, LC_EFORMAT,
		                "%s: an archive (ar), not an ELF file: give the linked program",
		                e->path);
		goto out;
	}
	if (e->elf == NULL || elf_kind(e->elf) != ELF_K_ELF) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: not an ELF file", e->path);
		goto out;
	}
	if (gelf_getehdr(e->elf, &eh) == NULL) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: corrupt ELF header: %s", e->path,
		                elf_errmsg(-1));
		goto out;
	}
	e->is64 = gelf_getclass(e->elf) == ELFCLASS64;
	e->machine = eh.e_machine;
	e->etype = eh.e_type;
	rc = check_tables(e, &eh, err);
	if (rc < 0)
		goto out;
	rc = read_segments(e, err);
	if (rc < 0)
		goto out;
	rc = read_sections(e, err);
	if (rc == 0 && e->nsections == 0) {
		/* No section headers (sstrip, a damaged file): the program
		 * headers still say what is loaded and what is RAM. */
		size_t i;

		for (i = 0; i < e->nsegments; i++) {
			e->flash += e->segments[i].flash;
			e->ram += e->segments[i].ram;
		}
	}
out:
	return rc;
}

/*
 * The one way in: a file (fd >= 0, buf NULL) or a buffer. The file size is
 * what every header is checked against, so a truncated file is an error
 * naming the first header that points past its end, as binutils says.
 */
static int open_common(struct trc_elf **out, const char *name, const char *path, const void *buf,
                       size_t len, struct lc_err *err)
{
	struct trc_elf *e = NULL;
	struct stat st;
	int rc = 0;

	*out = NULL;
	if (elf_version(EV_CURRENT) == EV_NONE) {
		rc = lc_err_set(err, LC_EINTERNAL, "libelf: %s", elf_errmsg(-1));
		goto out;
	}
	e = calloc(1, sizeof(*e));
	if (e == NULL || (e->path = strdup(name)) == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	e->fd = -1;
	if (path != NULL) {
		e->fd = open(path, O_RDONLY | O_CLOEXEC);
		if (e->fd < 0 || fstat(e->fd, &st) != 0) {
			rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", path, strerror(errno));
			goto out;
		}
		e->file_size = (uint64_t)st.st_size;
		e->elf = elf_begin(e->fd, ELF_C_READ_MMAP, NULL);
		if (e->elf == NULL) {
			rc = lc_err_set(err, LC_EFORMAT, "%s: not an ELF file: %s", path,
			                elf_errmsg(-1));
			goto out;
		}
	} else {
		e->file_size = len;
		/* libelf wants a writable pointer but does not write with ELF_C_READ. */
		e->elf = elf_memory((char *)(uintptr_t)buf, len);
	}
	rc = finish_open(e, err);
out:
	if (rc < 0) {
		trc_elf_free(e);
		e = NULL;
	}
	*out = e;
	return rc;
}

int trc_elf_open(struct trc_elf **out, const char *path, struct lc_err *err)
{
	return open_common(out, path, path, NULL, 0, err);
}

int trc_elf_open_mem(struct trc_elf **out, const char *name, const void *buf, size_t len,
                     struct lc_err *err)
{
	return open_common(out, name, NULL, buf, len, err);
}

void trc_elf_free(struct trc_elf *e)
{
	if (e == NULL)
		return;
	free(e->symbols);
	free(e->segments);
	free(e->sections);
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	free(e->path);
	free(e);
}

const struct trc_elf_section *trc_elf_section_by_name(const struct trc_elf *e, const char *name)
{
	size_t i;

	for (i = 1; i < e->nsections; i++)
		if (strcmp(e->sections[i].name, name) == 0)
			return &e->sections[i];
	return NULL;
}

const struct trc_elf_section *trc_elf_section_at(const struct trc_elf *e, uint64_t addr)
{
	size_t i;

	for (i = 1; i < e->nsections; i++) {
		const struct trc_elf_section *s = &e->sections[i];

		if ((s->flags & SHF_ALLOC) && !(s->flags & SHF_TLS) && addr >= s->addr &&
		    addr - s->addr < s->size)
			return s;
	}
	return NULL;
}

const struct trc_elf_symbol *trc_elf_func_at(const struct trc_elf *e, uint64_t addr)
{
	size_t lo = 0, hi = e->nsymbols, i;

	/* First symbol with address > addr, then scan back over the few that
	 * start at or before it (aliases share an address). */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->symbols[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (i = lo; i > 0; i--) {
		const struct trc_elf_symbol *s = &e->symbols[i - 1];

		if (s->type == STT_FUNC || s->type == STT_GNU_IFUNC) {
			if (addr - s->addr < s->size)
				return s;
			if (lo - i > 16)
				break;
		}
	}
	return NULL;
}

const char *trc_elf_mem_name(enum trc_mem m)
{
	switch (m) {
	case TRC_MEM_FLASH:
		return "flash";
	case TRC_MEM_RAM:
		return "ram";
	case TRC_MEM_BOTH:
		return "flash+ram";
	default:
		return "-";
	}
}

const char *trc_elf_sht_name(uint32_t type, char *buf, size_t len)
{
	static const char *const names[] = {
	        "NULL",
	        "PROGBITS",
	        "SYMTAB",
	        "STRTAB",
	        "RELA",
	        "HASH",
	        "DYNAMIC",
	        "NOTE",
	        "NOBITS",
	        "REL",
	        "SHLIB",
	        "DYNSYM",
	        "",
	        "",
	        "INIT_ARRAY",
	        "FINI_ARRAY",
	        "PREINIT_ARRAY",
	        "GROUP",
	        "SYMTAB_SHNDX",
	};

	if (type < sizeof(names) / sizeof(names[0]) && names[type][0])
		return names[type];
	switch (type) {
	case SHT_GNU_HASH:
		return "GNU_HASH";
	case SHT_GNU_verdef:
		return "VERDEF";
	case SHT_GNU_verneed:
		return "VERNEED";
	case SHT_GNU_versym:
		return "VERSYM";
	case 0x70000001:
		return "ARM_EXIDX";
	case 0x70000003:
		return "ARM_ATTRIBUTES";
	default:
		break;
	}
	snprintf(buf, len, "0x%x", (unsigned)type);
	return buf;
}

const char *trc_elf_pt_name(uint32_t type, char *buf, size_t len)
{
	switch (type) {
	case PT_NULL:
		return "NULL";
	case PT_LOAD:
		return "LOAD";
	case PT_DYNAMIC:
		return "DYNAMIC";
	case PT_INTERP:
		return "INTERP";
	case PT_NOTE:
		return "NOTE";
	case PT_PHDR:
		return "PHDR";
	case PT_TLS:
		return "TLS";
	case PT_GNU_EH_FRAME:
		return "GNU_EH_FRAME";
	case PT_GNU_STACK:
		return "GNU_STACK";
	case PT_GNU_RELRO:
		return "GNU_RELRO";
	case 0x6474e553:
		return "GNU_PROPERTY";
	case 0x70000001:
		return "ARM_EXIDX";
	default:
		break;
	}
	snprintf(buf, len, "0x%x", (unsigned)type);
	return buf;
}
