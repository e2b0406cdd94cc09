/*
 * tracer/binary/elf.h - one ELF file as memmap and stack see it: sections, program
 * headers and symbols, with every allocated section classified as flash
 * (it has a load image), RAM (it occupies writable memory at run time) or
 * both, the way the linker placed it.
 *
 * The classification reads the program headers: a section's load address
 * (LMA) is p_paddr + (sh_addr - p_vaddr) of the PT_LOAD segment holding it,
 * its run address (VMA) is sh_addr. A section with a load image (anything
 * but SHT_NOBITS) needs that many bytes of flash at its LMA; a NOBITS
 * section, or one whose LMA differs from its VMA (copied at start-up, such
 * as .data or a RAM function), needs that many bytes of RAM at its VMA.
 * A writable section whose LMA equals its VMA is RAM in a host program (the
 * loader maps it) but flash in a firmware image (an ELF where some section
 * is copied, LMA != VMA): there, .init_array stays in flash. So .data counts
 * once in flash and once in RAM, .bss only in RAM, .text and .rodata only
 * in flash, and the totals of a firmware image equal what the linker's
 * --print-memory-usage reports for its FLASH and RAM regions. NOBITS sections that reserve the
 * stack or the heap (.stack, .heap, ._user_heap_stack, ...) are RAM but flagged "reserved", so a
 * report can show them apart from real .bss.
 *
 * The file is elf.h, not elf.h, because a tracer/elf.h on the include
 * path would shadow the system <elf.h> that <libelf.h> includes. The module
 * is still "elf" (trc_elf_*, test_elf).
 *
 * Everything here is parsed defensively: a corrupt, truncated or non-ELF
 * input is an LC_EFORMAT error with a message, never a crash.
 */
#ifndef TRC_ELF_H
#define TRC_ELF_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

typedef struct Elf Elf;

/* Where a section's bytes live once the program runs. */
enum trc_mem {
	TRC_MEM_NONE = 0,  /* not allocated (debug info, symbol tables, ...) */
	TRC_MEM_FLASH = 1, /* load image only: .text, .rodata */
	TRC_MEM_RAM = 2,   /* run-time memory only: .bss */
	TRC_MEM_BOTH = 3   /* image in flash, copy in RAM: .data */
};

struct trc_elf_section {
	const char *name; /* borrowed from the ELF string table; "" if none */
	size_t index;     /* section header index */
	uint32_t type;    /* SHT_* */
	uint64_t flags;   /* SHF_* */
	uint64_t addr;    /* VMA: sh_addr */
	uint64_t lma;     /* load address; equals addr when no segment holds it */
	uint64_t size;    /* sh_size (memory size; file size is 0 for NOBITS) */
	uint64_t offset;  /* sh_offset */
	uint64_t align;   /* sh_addralign */
	enum trc_mem mem; /* flash / RAM / both / none */
	int reserved;     /* 1: a NOBITS stack or heap reservation */
	int in_size_a;    /* 1: `size -A` lists this section (and counts it in Total) */
	uint64_t flash;   /* bytes of load image: size, or 0 */
	uint64_t ram;     /* bytes of run-time memory: size, or 0 */
};

struct trc_elf_segment {
	size_t index;
	uint32_t type;  /* PT_* */
	uint32_t flags; /* PF_R | PF_W | PF_X */
	uint64_t offset, vaddr, paddr, filesz, memsz, align;
	uint64_t flash; /* PT_LOAD: filesz (the load image) */
	uint64_t ram;   /* PT_LOAD: memsz when writable or vaddr != paddr */
};

struct trc_elf_symbol {
	const char *name;    /* borrowed from the ELF string table */
	uint64_t addr;       /* st_value, with the Thumb bit cleared for ARM functions */
	uint64_t size;       /* st_size */
	unsigned char type;  /* STT_* */
	unsigned char bind;  /* STB_* */
	size_t shndx;        /* section index; 0 when undefined or absolute */
	enum trc_mem mem;    /* from the section holding it */
	char nm;             /* the letter `nm` would print: T t D d B b R r V W ... */
	unsigned char thumb; /* ARM: a Thumb function (bit 0 of st_value was set) */
};

struct trc_elf {
	Elf *elf;           /* libelf handle, for libdw (dwarf_begin_elf) */
	char *path;         /* as given */
	int fd;             /* -1 when opened from memory */
	uint64_t file_size; /* bytes of the file (or buffer) every header is checked against */
	int is64;           /* ELFCLASS64 */
	uint16_t machine;   /* EM_* */
	uint16_t etype;     /* ET_* */
	size_t nsections;
	struct trc_elf_section *sections; /* index 0 is the null section */
	size_t nsegments;
	struct trc_elf_segment *segments;
	size_t nsymbols;
	struct trc_elf_symbol *symbols; /* sized, defined FUNC/OBJECT/TLS/NOTYPE symbols */
	int symtab_source;              /* 2: .symtab, 1: .dynsym only (stripped), 0: none */
	int has_debug_info;             /* a .debug_info section is present */
	uint64_t flash;                 /* total bytes of load image of allocated sections (of
	                                 * PT_LOAD segments when there are no section headers) */
	uint64_t ram;                   /* total bytes of run-time memory, reserved included */
	uint64_t ram_reserved;          /* part of ram that is a stack/heap reservation */
	uint64_t size_a_total;          /* what `size -A` prints as Total */
};

/* Opens the ELF file at path and reads its sections, segments and symbols.
 * On success *out is owned by the caller (trc_elf_free). Returns 0,
 * LC_EIO (cannot open/read), LC_EFORMAT (not an ELF file, or corrupt) or
 * LC_ENOMEM, with err filled. */
int trc_elf_open(struct trc_elf **out, const char *path, struct lc_err *err);

/* Same from a buffer, which must stay alive and unchanged until
 * trc_elf_free. name is used in messages. */
int trc_elf_open_mem(struct trc_elf **out, const char *name, const void *buf, size_t len,
                     struct lc_err *err);

/* Releases everything; NULL does nothing. */
void trc_elf_free(struct trc_elf *e);

/* The section with that name, or NULL. Borrowed. */
const struct trc_elf_section *trc_elf_section_by_name(const struct trc_elf *e, const char *name);

/* The allocated section whose [addr, addr+size) holds addr, or NULL. */
const struct trc_elf_section *trc_elf_section_at(const struct trc_elf *e, uint64_t addr);

/* The sized FUNC symbol whose [addr, addr+size) holds addr, or NULL
 * (symbols are sorted by address, so this is a binary search). */
const struct trc_elf_symbol *trc_elf_func_at(const struct trc_elf *e, uint64_t addr);

/* "flash", "ram", "flash+ram" or "-". */
const char *trc_elf_mem_name(enum trc_mem m);

/* Human names of a section type (PROGBITS, NOBITS, ...) and a segment type
 * (LOAD, DYNAMIC, ...); unknown types give "0x...", in buf when needed. */
const char *trc_elf_sht_name(uint32_t type, char *buf, size_t len);
const char *trc_elf_pt_name(uint32_t type, char *buf, size_t len);

#endif /* TRC_ELF_H */
