/*
 * runtime/src/rtm_modules.c - what the trace needs to symbolize: the module
 * map (dl_iterate_phdr, build-ids) and the heap guard's interlock roots
 * (LATCH_ROOTS, resolved against the executable's symbol tables).
 *
 * Runs at start, at dlopen, at flush; never on the hot path.
 */
#define _GNU_SOURCE
#include "rtm.h"

#include <latch/annotate.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <link.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

/* Build-id of a loaded object from its PT_NOTE segments (already mapped). */
RTM_NOTRACE static uint32_t note_build_id(const struct dl_phdr_info *info, uint8_t *id)
{
	int i;

	LATCH_LOOP_BOUND(64);
	for (i = 0; i < info->dlpi_phnum && i < 64; i++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[i];
		const uint8_t *p, *end;

		if (ph->p_type != PT_NOTE)
			continue;
		p = (const uint8_t *)(info->dlpi_addr + ph->p_vaddr);
		end = p + ph->p_memsz;
		LATCH_LOOP_BOUND(4096); /* notes in one segment */
		while (p + sizeof(ElfW(Nhdr)) <= end) {
			const ElfW(Nhdr) *nh = (const ElfW(Nhdr) *)(const void *)p;
			const uint8_t *name = p + sizeof(*nh);
			const uint8_t *desc = name + ((nh->n_namesz + 3u) & ~3u);

			if (desc + nh->n_descsz > end)
				break;
			if (nh->n_type == NT_GNU_BUILD_ID && nh->n_namesz == 4 &&
			    memcmp(name, "GNU", 4) == 0) {
				uint32_t len = nh->n_descsz < RTM_BUILD_ID_MAX ? nh->n_descsz
				                                               : RTM_BUILD_ID_MAX;
				memcpy(id, desc, len);
				return len;
			}
			p = desc + ((nh->n_descsz + 3u) & ~3u);
		}
	}
	return 0;
}

struct mod_walk {
	struct rtm_state *st;
	uint32_t index;
};

RTM_NOTRACE static int mod_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct mod_walk *w = arg;
	struct rtm_state *st = w->st;
	uint64_t lo = UINT64_MAX, hi = 0;
	uint32_t count = rtm_get32(st->map + RTM_H_MODULE_COUNT);
	uint32_t i, flags = 0;
	uint8_t *e;
	const char *name = info->dlpi_name;
	int j;

	(void)size;
	LATCH_LOOP_BOUND(64);
	for (j = 0; j < info->dlpi_phnum && j < 64; j++) {
		const ElfW(Phdr) *ph = &info->dlpi_phdr[j];

		if (ph->p_type != PT_LOAD)
			continue;
		if (info->dlpi_addr + ph->p_vaddr < lo)
			lo = info->dlpi_addr + ph->p_vaddr;
		if (info->dlpi_addr + ph->p_vaddr + ph->p_memsz > hi)
			hi = info->dlpi_addr + ph->p_vaddr + ph->p_memsz;
	}
	if (w->index == 0)
		flags |= RTM_MOD_F_MAIN;
	w->index++;
	if (lo == UINT64_MAX)
		return 0;
	LATCH_LOOP_BOUND(RTM_MODULE_CAP);
	for (i = 0; i < count && i < RTM_MODULE_CAP; i++) {
		e = st->modules + (size_t)i * RTM_MOD_ESIZE;
		if (rtm_get64(e + RTM_M_BIAS) == info->dlpi_addr &&
		    rtm_get64(e + RTM_M_START) == lo)
			return 0;
	}
	if (count >= RTM_MODULE_CAP)
		return 0;
	e = st->modules + (size_t)count * RTM_MOD_ESIZE;
	memset(e, 0, RTM_MOD_ESIZE);
	rtm_put64(e + RTM_M_BIAS, info->dlpi_addr);
	rtm_put64(e + RTM_M_START, lo);
	rtm_put64(e + RTM_M_END, hi);
	rtm_put32(e + RTM_M_BUILD_ID_LEN, note_build_id(info, e + RTM_M_BUILD_ID));
	if (flags & RTM_MOD_F_MAIN) {
		name = (const char *)st->map + RTM_H_EXE_PATH;
	} else if (name != NULL && strncmp(name, "linux-vdso", 10) == 0) {
		flags |= RTM_MOD_F_VDSO;
	}
	rtm_put32(e + RTM_M_FLAGS, flags);
	if (name != NULL)
		strncpy((char *)e + RTM_M_PATH, name, RTM_MOD_PATH_MAX - 1);
	__atomic_store_n(RTM_A32(st->map + RTM_H_MODULE_COUNT), count + 1, __ATOMIC_RELEASE);
	if (flags & RTM_MOD_F_MAIN) {
		uint32_t len = rtm_get32(e + RTM_M_BUILD_ID_LEN);

		rtm_put32(st->map + RTM_H_BUILD_ID_LEN, len);
		memcpy(st->map + RTM_H_BUILD_ID, e + RTM_M_BUILD_ID, len);
	}
	return 0;
}

RTM_NOTRACE void rtm_modules_refresh(struct rtm_state *st)
{
	struct mod_walk w = {st, 0};
	uint32_t *gen;

	if (st->map == NULL)
		return;
	/* One refresher at a time; a concurrent caller skips (the one running
	 * will see the same modules or a superset). */
	if (__atomic_exchange_n(&st->module_lock, 1, __ATOMIC_ACQUIRE) != 0)
		return;
	gen = RTM_A32(st->map + RTM_H_MODULE_GEN);
	__atomic_fetch_add(gen, 1, __ATOMIC_RELEASE);
	dl_iterate_phdr(mod_cb, &w);
	__atomic_fetch_add(gen, 1, __ATOMIC_RELEASE);
	__atomic_store_n(&st->module_lock, 0, __ATOMIC_RELEASE);
}

/* ---- symbols for LATCH_ROOTS ---- */

struct root_walk {
	uint64_t bias;
	int found;
};

RTM_NOTRACE static int main_bias_cb(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct root_walk *w = arg;

	(void)size;
	w->bias = info->dlpi_addr;
	w->found = 1;
	return 1; /* the first object is the executable */
}

RTM_NOTRACE static int root_add(struct rtm_state *st, uint64_t addr)
{
	uint32_t i;

	LATCH_LOOP_BOUND(RTM_MAX_ROOTS);
	for (i = 0; i < st->nroots; i++)
		if (st->roots[i] == addr)
			return 0;
	if (st->nroots >= RTM_MAX_ROOTS)
		return -ENOSPC;
	st->roots[st->nroots] = addr;
	__atomic_store_n(&st->nroots, st->nroots + 1, __ATOMIC_RELEASE);
	return 0;
}

RTM_NOTRACE static int pattern_match(const char *patterns, const char *name)
{
	char pat[128];
	const char *p = patterns;

	LATCH_LOOP_BOUND(512); /* patterns is at most 512 bytes */
	while (*p != '\0') {
		size_t len = strcspn(p, ",");

		if (len > 0 && len < sizeof(pat)) {
			memcpy(pat, p, len);
			pat[len] = '\0';
			if (fnmatch(pat, name, 0) == 0)
				return 1;
		}
		p += len;
		if (*p == ',')
			p++;
	}
	return 0;
}

RTM_NOTRACE uint32_t rtm_roots_resolve(struct rtm_state *st, const char *patterns)
{
	struct root_walk w = {0, 0};
	struct stat sb;
	uint8_t *img = MAP_FAILED;
	uint32_t added = 0;
	int fd = -1;
	const ElfW(Ehdr) * eh;
	const ElfW(Shdr) * sh;
	size_t i;

	dl_iterate_phdr(main_bias_cb, &w);
	fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0 || (size_t)sb.st_size < sizeof(ElfW(Ehdr)))
		goto out;
	img = mmap(NULL, (size_t)sb.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	if (img == MAP_FAILED)
		goto out;
	eh = (const ElfW(Ehdr) *)(const void *)img;
	if (memcmp(eh->e_ident, ELFMAG, SELFMAG) != 0 || eh->e_shoff == 0 ||
	    eh->e_shoff + (uint64_t)eh->e_shnum * sizeof(ElfW(Shdr)) > (uint64_t)sb.st_size)
		goto out;
	sh = (const ElfW(Shdr) *)(const void *)(img + eh->e_shoff);
	LATCH_LOOP_BOUND(65535); /* e_shnum is 16 bits; start-up only */
	for (i = 0; i < eh->e_shnum; i++) {
		const ElfW(Shdr) * strs;
		const ElfW(Sym) * syms;
		size_t j, nsyms;

		if (sh[i].sh_type != SHT_SYMTAB && sh[i].sh_type != SHT_DYNSYM)
			continue;
		if (sh[i].sh_link >= eh->e_shnum ||
		    sh[i].sh_offset + sh[i].sh_size > (uint64_t)sb.st_size)
			continue;
		strs = &sh[sh[i].sh_link];
		if (strs->sh_offset + strs->sh_size > (uint64_t)sb.st_size)
			continue;
		syms = (const ElfW(Sym) *)(const void *)(img + sh[i].sh_offset);
		nsyms = sh[i].sh_size / sizeof(ElfW(Sym));
		LATCH_LOOP_BOUND(1u << 28); /* symbols of one section; start-up only */
		for (j = 0; j < nsyms; j++) {
			const char *name;

			if (ELF64_ST_TYPE(syms[j].st_info) != STT_FUNC || syms[j].st_value == 0 ||
			    syms[j].st_shndx == SHN_UNDEF || syms[j].st_name >= strs->sh_size)
				continue;
			name = (const char *)img + strs->sh_offset + syms[j].st_name;
			if (memchr(name, '\0', strs->sh_size - syms[j].st_name) == NULL)
				continue;
			if (pattern_match(patterns, name) &&
			    root_add(st, syms[j].st_value + w.bias) == 0)
				added++;
		}
	}
out:
	if (img != MAP_FAILED)
		munmap(img, (size_t)sb.st_size);
	if (fd >= 0)
		close(fd);
	return added;
}

RTM_NOTRACE int rtm__root_add(struct rtm_state *st, uint64_t addr)
{
	return root_add(st, addr);
}
