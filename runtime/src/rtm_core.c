/*
 * runtime/src/rtm_core.c - the runtime's logic, on an explicit state block.
 *
 * Everything here except rtm_event_slow/rtm_event_ext/rtm_summary_event runs
 * outside the hot path: at start, stop, a thread's first event, or when a
 * thread claims a chunk. The slow path runs with the thread's busy flag set
 * (by the caller), so nothing it calls can re-enter the hooks' recording.
 * Invariant of the file: a chunk's count is published after its records.
 */
#define _GNU_SOURCE
#include "rtm.h"
#include "rtm_hist.h"

#include <latch/annotate.h>

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <link.h>
#include <pthread.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

extern void *__libc_stack_end;

RTM_NOTRACE uint64_t rtm_mono_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

RTM_NOTRACE static uint64_t realtime_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

RTM_NOTRACE static int parse_u64(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

RTM_NOTRACE int rtm_config_read(struct rtm_config *out, const char *path,
                                const char *(*get)(const char *))
{
	const char *v;
	uint64_t n;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->mode = RTM_MODE_STOP;
	out->buf_bytes = 64ull << 20;
	out->chunk_size = 1024u << 10;
	out->summary_cap = 512;
	out->clock = RTM_CLOCK_HW;
	if (path == NULL)
		path = get("LATCH_TRACE");
	if (path == NULL || *path == '\0') {
		rc = -ENOENT;
		goto out;
	}
	{
		/* %p -> pid, so that several processes can share one setting. */
		size_t o = 0;
		const char *s;

		LATCH_LOOP_BOUND(RTM_PATH_MAX); /* o grows by at least 1 per turn */
		for (s = path; *s != '\0' && o + 24 < sizeof(out->path); s++) {
			if (s[0] == '%' && s[1] == 'p') {
				o += (size_t)snprintf(out->path + o, sizeof(out->path) - o, "%ld",
				                      (long)getpid());
				s++;
			} else {
				out->path[o++] = *s;
			}
		}
		out->path[o] = '\0';
	}
	v = get("LATCH_MODE");
	if (v != NULL && *v != '\0') {
		if (strcmp(v, "stop") == 0)
			out->mode = RTM_MODE_STOP;
		else if (strcmp(v, "ring") == 0)
			out->mode = RTM_MODE_RING;
		else if (strcmp(v, "summary") == 0)
			out->mode = RTM_MODE_SUMMARY;
		else {
			rc = -EINVAL;
			goto out;
		}
	}
	v = get("LATCH_BUF_MB");
	if (v != NULL) {
		if (parse_u64(v, &n) < 0 || n == 0 || n > 65536) {
			rc = -EINVAL;
			goto out;
		}
		out->buf_bytes = n << 20;
	}
	v = get("LATCH_CHUNK_KB");
	if (v != NULL) {
		if (parse_u64(v, &n) < 0 || n < 4 || n > 4096 || (n & (n - 1)) != 0) {
			rc = -EINVAL;
			goto out;
		}
		out->chunk_size = (uint32_t)(n << 10);
	}
	if (out->chunk_size > out->buf_bytes)
		out->chunk_size = (uint32_t)out->buf_bytes;
	v = get("LATCH_SUM_FUNCS");
	if (v != NULL) {
		if (parse_u64(v, &n) < 0 || n == 0 || n > 65536) {
			rc = -EINVAL;
			goto out;
		}
		out->summary_cap = (uint32_t)n;
	}
	v = get("LATCH_CLOCK");
	if (v != NULL && strcmp(v, "mono") == 0)
		out->clock = RTM_CLOCK_MONO_RAW;
	v = get("LATCH_RUSAGE");
	out->rusage = !(v != NULL && strcmp(v, "0") == 0);
	v = get("LATCH_PREFAULT");
	out->prefault = !(v != NULL && strcmp(v, "0") == 0);
	v = get("LATCH_HEAPGUARD");
	out->heapguard = v != NULL && strcmp(v, "1") == 0;
	v = get("LATCH_FORK");
	out->fork_follow = v != NULL && strcmp(v, "follow") == 0;
	v = get("LATCH_ROOTS");
	if (v != NULL)
		snprintf(out->roots, sizeof(out->roots), "%s", v);
out:
	return rc;
}

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

RTM_NOTRACE static void calibrate_pair(enum rtm_clock c, uint64_t *ticks, uint64_t *ns)
{
	uint64_t a = rtm_mono_ns();
	uint64_t t = rtm_ticks_of(c);
	uint64_t b = rtm_mono_ns();

	*ticks = t;
	*ns = a + (b - a) / 2u;
}

RTM_NOTRACE static void put_calibration(struct rtm_state *st, uint64_t t1, uint64_t n1)
{
	uint64_t dt = t1 - st->tick_ref, dn = n1 - st->ns_ref;
	uint64_t mult, hz;

	if (st->clock == RTM_CLOCK_MONO_RAW || dt == 0 || dn == 0) {
		mult = 1ull << 32;
		hz = 1000000000u;
	} else {
		mult = (uint64_t)(((unsigned __int128)dn << 32) / dt);
		hz = (uint64_t)(((unsigned __int128)dt * 1000000000u) / dn);
	}
	rtm_put64(st->map + RTM_H_TICK_HZ, hz);
	rtm_put64(st->map + RTM_H_NS_MULT, mult);
	rtm_put64(st->map + RTM_H_TICK_REF, st->tick_ref);
	rtm_put64(st->map + RTM_H_NS_REF, st->ns_ref);
}

RTM_NOTRACE void rtm_calibrate_update(struct rtm_state *st)
{
	uint64_t t1, n1;

	if (st->map == NULL)
		return;
	calibrate_pair(st->clock, &t1, &n1);
	if (n1 - st->ns_ref < 100000000u)
		return;
	put_calibration(st, t1, n1);
}

RTM_NOTRACE uint64_t rtm_hook_cost(enum rtm_clock c)
{
	uint8_t buf[64 * RTM_REC_SIZE];
	uint32_t cnt = 0;
	struct rtm_thread t;
	uint64_t best = UINT64_MAX;
	unsigned trial, i;

	memset(&t, 0, sizeof(t));
	t.recs = buf;
	t.countp = &cnt;
	/* The same work as the two hooks' fast path, in a scratch buffer. */
	for (trial = 0; trial < 64; trial++) {
		uint64_t t0 = rtm_ticks_of(c), t1;

		t.n = 0;
		for (i = 0; i < 32; i++) {
			uint64_t sp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
			uint32_t d = rtm_stack_units(sp + 256, sp);

			rtm_rec_put(&t, rtm_ticks_of(c), ((uint64_t)d << RTM_STACK_SHIFT) | i);
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
			rtm_rec_put(&t, rtm_ticks_of(c),
			            ((uint64_t)d << RTM_STACK_SHIFT) |
			                    ((uint64_t)RTM_K_EXIT << RTM_KIND_SHIFT) | i);
			__atomic_signal_fence(__ATOMIC_SEQ_CST);
		}
		t1 = rtm_ticks_of(c);
		if ((t1 - t0) / 32u < best)
			best = (t1 - t0) / 32u;
	}
	return best;
}

/* Makes every page of the mapping present and writable now, so that no
 * record write ever takes a page fault (a fault costs microseconds: more than
 * the whole budget of a traced control step). MADV_POPULATE_WRITE (Linux
 * 5.14) also runs the filesystem's page_mkwrite; older kernels get a write
 * of zero to each page, which the fresh file holds anyway. */
RTM_NOTRACE static void prefault(uint8_t *map, size_t size)
{
	size_t off;

#ifdef MADV_POPULATE_WRITE
	if (madvise(map, size, MADV_POPULATE_WRITE) == 0)
		return;
#endif
	LATCH_LOOP_BOUND(1u << 24); /* pages of at most 64 GiB */
	for (off = 0; off < size; off += 4096u)
		*(volatile uint8_t *)(map + off) = 0;
}

RTM_NOTRACE int rtm_session_open(struct rtm_state *st, const struct rtm_config *cfg, uint32_t gen)
{
	uint64_t module_off, thread_off, summary_off = 0, chunk_off = 0, size;
	uint32_t chunk_count = 0, esize = 0;
	uint8_t *map = MAP_FAILED;
	int fd = -1, rc = 0;
	ssize_t n;
	uint64_t t0, n0;

	memset(st, 0, sizeof(*st));
	st->fd = -1;
	st->cfg = *cfg;
	module_off = RTM_HDR_SIZE;
	thread_off = module_off + (uint64_t)RTM_MODULE_CAP * RTM_MOD_ESIZE;
	size = thread_off + (uint64_t)RTM_THREAD_CAP * RTM_THR_ESIZE;
	if (cfg->mode == RTM_MODE_SUMMARY) {
		esize = RTM_S_HIST + RTM_SUM_BUCKETS * 8u;
		summary_off = size;
		size += ((uint64_t)cfg->summary_cap * esize + 4095u) & ~4095ull;
	} else {
		chunk_count = (uint32_t)(cfg->buf_bytes / cfg->chunk_size);
		chunk_off = size;
		size += (uint64_t)chunk_count * cfg->chunk_size;
	}
	fd = open(cfg->path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		rc = -errno;
		goto out;
	}
	if (ftruncate(fd, (off_t)size) < 0) {
		rc = -errno;
		goto out;
	}
	map = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (map == MAP_FAILED) {
		rc = -errno;
		goto out;
	}
	if (cfg->prefault)
		prefault(map, size);
	st->map = map;
	st->map_size = size;
	st->fd = fd;
	st->pid = getpid();
	st->mode = cfg->mode;
	st->clock = cfg->clock;
	st->modules = map + module_off;
	st->threads = map + thread_off;
	st->chunks = chunk_off ? map + chunk_off : NULL;
	st->chunk_size = cfg->chunk_size;
	st->chunk_count = chunk_count;
	st->chunk_recs = (cfg->chunk_size - RTM_CHUNK_HDR) / RTM_REC_SIZE;
	st->summary = summary_off ? map + summary_off : NULL;
	st->summary_cap = summary_off ? cfg->summary_cap : 0;
	st->summary_esize = esize;
	st->heapguard = cfg->heapguard;
	st->fork_follow = cfg->fork_follow;

	memcpy(map + RTM_H_MAGIC, RTM_MAGIC, 8);
	rtm_put32(map + RTM_H_VERSION, RTM_VERSION);
	rtm_put32(map + RTM_H_ENDIAN, RTM_ENDIAN_MARK);
	rtm_put32(map + RTM_H_HEADER_SIZE, RTM_HDR_SIZE);
	rtm_put32(map + RTM_H_CLOCK, (uint32_t)st->clock);
	rtm_put32(map + RTM_H_MODE, (uint32_t)st->mode);
	rtm_put64(map + RTM_H_START_REALTIME, realtime_ns());
	rtm_put32(map + RTM_H_PID, (uint32_t)getpid());
	rtm_put32(map + RTM_H_PPID, (uint32_t)getppid());
	rtm_put32(map + RTM_H_CHUNK_SIZE, st->chunk_size);
	rtm_put32(map + RTM_H_CHUNK_COUNT, chunk_count);
	rtm_put64(map + RTM_H_MODULE_OFF, module_off);
	rtm_put32(map + RTM_H_MODULE_CAP, RTM_MODULE_CAP);
	rtm_put32(map + RTM_H_MODULE_ESIZE, RTM_MOD_ESIZE);
	rtm_put64(map + RTM_H_THREAD_OFF, thread_off);
	rtm_put32(map + RTM_H_THREAD_CAP, RTM_THREAD_CAP);
	rtm_put32(map + RTM_H_THREAD_ESIZE, RTM_THR_ESIZE);
	rtm_put64(map + RTM_H_SUMMARY_OFF, summary_off);
	rtm_put32(map + RTM_H_SUMMARY_CAP, st->summary_cap);
	rtm_put32(map + RTM_H_SUMMARY_ESIZE, esize);
	rtm_put32(map + RTM_H_HIST_BUCKETS, summary_off ? RTM_SUM_BUCKETS : 0);
	rtm_put32(map + RTM_H_HIST_SUB_BITS, RTM_HIST_SUB_BITS);
	rtm_put64(map + RTM_H_CHUNK_OFF, chunk_off);
	rtm_put64(map + RTM_H_FILE_SIZE, size);
	n = readlink("/proc/self/exe", (char *)map + RTM_H_EXE_PATH, RTM_EXE_PATH_MAX - 1);
	if (n < 0)
		map[RTM_H_EXE_PATH] = '\0';

	/* Calibration: a 10 ms window now, refined over the run at stop/flush. */
	calibrate_pair(st->clock, &t0, &n0);
	st->tick_ref = t0;
	st->ns_ref = n0;
	{
		struct timespec d = {0, 10000000};
		uint64_t t1, n1;

		nanosleep(&d, NULL);
		calibrate_pair(st->clock, &t1, &n1);
		put_calibration(st, t1, n1);
	}
	rtm_put64(map + RTM_H_HOOK_COST, rtm_hook_cost(st->clock));
	rtm_modules_refresh(st);
	if (st->heapguard && cfg->roots[0] != '\0')
		rtm_roots_resolve(st, cfg->roots);
	rtm_put64(map + RTM_H_START_TICKS, rtm_ticks_of(st->clock));
	st->gen = gen;
	map = MAP_FAILED;
	fd = -1;
out:
	if (map != MAP_FAILED) {
		munmap(map, size);
		st->map = NULL;
	}
	if (fd >= 0)
		close(fd);
	return rc;
}

RTM_NOTRACE void rtm_session_finish(struct rtm_state *st)
{
	uint64_t t1, n1;

	if (st->map == NULL)
		return;
	calibrate_pair(st->clock, &t1, &n1);
	if (n1 - st->ns_ref >= 100000000u)
		put_calibration(st, t1, n1);
	rtm_put64(st->map + RTM_H_STOP_TICKS, t1);
	if (st->summary != NULL)
		__atomic_fetch_add(RTM_A32(st->map + RTM_H_SUMMARY_FLUSHES), 1, __ATOMIC_RELAXED);
	__atomic_fetch_or(RTM_A32(st->map + RTM_H_FLAGS), RTM_F_FINISHED, __ATOMIC_RELEASE);
}

RTM_NOTRACE void rtm_session_close(struct rtm_state *st)
{
	st->gen = 0;
	if (st->map != NULL)
		munmap(st->map, st->map_size);
	if (st->fd >= 0)
		close(st->fd);
	st->map = NULL;
	st->fd = -1;
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

/* ---- threads and chunks ---- */

RTM_NOTRACE void rtm_lost(struct rtm_state *st, struct rtm_thread *t, uint64_t n)
{
	if (st->map == NULL)
		return;
	if (t->entry != NULL)
		__atomic_fetch_add(RTM_A64(t->entry + RTM_T_LOST), n, __ATOMIC_RELAXED);
	else
		__atomic_fetch_add(RTM_A64(st->map + RTM_H_LOST_NO_SLOT), n, __ATOMIC_RELAXED);
	__atomic_fetch_add(RTM_A64(st->map + RTM_H_LOST_TOTAL), n, __ATOMIC_RELAXED);
}

RTM_NOTRACE static void stack_of_thread(struct rtm_thread *t, uint8_t *e, int is_main)
{
	uint64_t base = (uint64_t)(uintptr_t)__builtin_frame_address(0), size = 0;
	uint32_t flags = is_main ? RTM_TF_MAIN : 0;

	if (is_main) {
		struct rlimit rl;

		base = (uint64_t)(uintptr_t)__libc_stack_end;
		flags |= RTM_TF_STACK_EXACT;
		// latch: allow(unknown-callee) -- once per thread, at its first event
		if (getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
			size = rl.rlim_cur;
	} else {
		pthread_attr_t a;
		void *addr = NULL;
		size_t sz = 0;

		/* glibc allocates inside pthread_getattr_np; the busy flag is held, so
		 * the heap guard ignores it. Once per thread, at its first event. */
		// latch: allow(unknown-callee) -- once per thread, at its first event
		if (pthread_getattr_np(pthread_self(), &a) == 0) {
			// latch: allow(unknown-callee) -- once per thread, at its first event
			if (pthread_attr_getstack(&a, &addr, &sz) == 0) {
				base = (uint64_t)(uintptr_t)addr + sz;
				size = sz;
				flags |= RTM_TF_STACK_EXACT;
			}
			// latch: allow(unknown-callee) -- once per thread, at its first event
			pthread_attr_destroy(&a);
		}
	}
	t->stack_base = base;
	rtm_put64(e + RTM_T_STACK_BASE, base);
	rtm_put64(e + RTM_T_STACK_SIZE, size);
	rtm_put32(e + RTM_T_FLAGS, flags);
}

RTM_NOTRACE void rtm_thread_attach(struct rtm_state *st, struct rtm_thread *t)
{
	uint32_t idx;
	uint8_t *e;
	// latch: allow(blocking-call) -- gettid never blocks; once per thread
	pid_t tid = (pid_t)syscall(SYS_gettid);

	t->gen = st->gen;
	t->n = 0;
	t->cap = 0;
	t->recs = NULL;
	t->countp = NULL;
	t->chunk = NULL;
	t->entry = NULL;
	t->dead = 0;
	t->events = 0;
	t->max_stack = 0;
	t->root_depth = 0;
	t->sdepth = 0;
	t->sover = 0;
	t->tid = (uint32_t)tid;
	t->prev_seq = 0;
	t->ru_fresh = 0;
	t->no_rusage = !st->cfg.rusage;
	t->stack_base = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	idx = __atomic_fetch_add(RTM_A32(st->map + RTM_H_THREAD_COUNT), 1, __ATOMIC_RELAXED);
	if (idx >= RTM_THREAD_CAP) {
		t->dead = 1;
		return;
	}
	t->index = idx;
	e = st->threads + (size_t)idx * RTM_THR_ESIZE;
	rtm_put32(e + RTM_T_TID, (uint32_t)tid);
	// latch: allow(unknown-callee) -- once per thread, at its first event
	stack_of_thread(t, e, tid == getpid());
	t->entry = e;
}

/* Reads the thread's context-switch counts into t->ru. This getrusage is
 * the one system call of a chunk change (about 350 ns on a VM): a change
 * reads it once and uses it both to seal the old chunk and to open the new. */
RTM_NOTRACE static void rusage_read(struct rtm_thread *t)
{
	struct rusage ru;

	if (t->no_rusage) {
		t->ru_fresh = 1;
		return;
	}
	// latch: allow(unknown-callee) -- the one syscall of a chunk change (LATCH_RUSAGE=0 drops it)
	if (getrusage(RUSAGE_THREAD, &ru) == 0) {
		t->ru_nvcsw = (uint32_t)ru.ru_nvcsw;
		t->ru_nivcsw = (uint32_t)ru.ru_nivcsw;
	}
	t->ru_fresh = 1;
}

RTM_NOTRACE static void rusage_put(struct rtm_thread *t, uint8_t *p)
{
	if (!t->ru_fresh)
		rusage_read(t);
	rtm_put32(p, t->ru_nvcsw);
	rtm_put32(p + 4, t->ru_nivcsw);
}

RTM_NOTRACE void rtm_thread_seal(struct rtm_state *st, struct rtm_thread *t, int exiting)
{
	(void)st;
	if (t->entry != NULL) {
		uint32_t ms = rtm_get32(t->entry + RTM_T_MAX_STACK);

		if (t->max_stack * RTM_STACK_UNIT > ms)
			rtm_put32(t->entry + RTM_T_MAX_STACK, t->max_stack * RTM_STACK_UNIT);
		if (exiting)
			__atomic_fetch_or(RTM_A32(t->entry + RTM_T_FLAGS), RTM_TF_EXITED,
			                  __ATOMIC_RELAXED);
	}
	if (t->chunk == NULL)
		return;
	rusage_put(t, t->chunk + RTM_C_NVCSW1);
	rtm_put32(t->chunk + RTM_C_EVENTS, t->events);
	t->prev_seq = rtm_get64(t->chunk + RTM_C_SEQ);
	if (t->entry != NULL)
		__atomic_fetch_add(RTM_A64(t->entry + RTM_T_RECORDS), t->events, __ATOMIC_RELAXED);
	__atomic_store_n(RTM_A32(t->chunk + RTM_C_STATE), RTM_CS_SEALED, __ATOMIC_RELEASE);
	t->chunk = NULL;
	t->recs = NULL;
	t->countp = NULL;
	t->n = 0;
	t->cap = 0;
	t->events = 0;
}

RTM_NOTRACE int rtm_chunk_claim(struct rtm_state *st, struct rtm_thread *t)
{
	uint64_t *claims = RTM_A64(st->map + RTM_H_CHUNK_CLAIMS);
	uint8_t *c = NULL;
	uint64_t seq = 0;
	uint32_t i;

	if (st->chunk_count == 0)
		return -1;
	LATCH_LOOP_BOUND(1u << 24); /* chunk_count: 64 GiB of 4 KiB chunks at most */
	for (i = 0; i < st->chunk_count; i++) {
		uint32_t state;

		seq = __atomic_add_fetch(claims, 1, __ATOMIC_RELAXED);
		if (st->mode != RTM_MODE_RING && seq > st->chunk_count)
			return -1;
		c = st->chunks + (size_t)((seq - 1) % st->chunk_count) * st->chunk_size;
		state = __atomic_load_n(RTM_A32(c + RTM_C_STATE), __ATOMIC_ACQUIRE);
		if (state == RTM_CS_OWNED ||
		    !__atomic_compare_exchange_n(RTM_A32(c + RTM_C_STATE), &state, RTM_CS_OWNED, 0,
		                                 __ATOMIC_ACQ_REL, __ATOMIC_RELAXED)) {
			c = NULL;
			continue;
		}
		if (state == RTM_CS_SEALED) {
			/* Ring mode recycles the oldest chunk: its events are lost. */
			uint32_t victim = rtm_get32(c + RTM_C_THREAD);
			uint32_t ev = rtm_get32(c + RTM_C_EVENTS);

			if (ev > 0 && victim < RTM_THREAD_CAP) {
				__atomic_fetch_add(RTM_A64(st->threads +
				                           (size_t)victim * RTM_THR_ESIZE +
				                           RTM_T_LOST),
				                   (uint64_t)ev, __ATOMIC_RELAXED);
				__atomic_fetch_add(RTM_A64(st->map + RTM_H_LOST_TOTAL),
				                   (uint64_t)ev, __ATOMIC_RELAXED);
			}
		}
		break;
	}
	if (c == NULL)
		return -1;
	__atomic_store_n(RTM_A64(c + RTM_C_SEQ), 0, __ATOMIC_RELAXED);
	__atomic_store_n(RTM_A32(c + RTM_C_COUNT), 0, __ATOMIC_RELEASE);
	rtm_put32(c + RTM_C_MAGIC, RTM_CHUNK_MAGIC);
	rtm_put32(c + RTM_C_TID, t->tid);
	rtm_put32(c + RTM_C_THREAD, t->index);
	rtm_put32(c + RTM_C_CAP, st->chunk_recs);
	rusage_put(t, c + RTM_C_NVCSW0);
	t->ru_fresh = 0;
	rtm_put32(c + RTM_C_NVCSW1, 0);
	rtm_put32(c + RTM_C_NIVCSW1, 0);
	rtm_put64(c + RTM_C_PREV_SEQ, t->prev_seq);
	rtm_put32(c + RTM_C_EVENTS, 0);
	__atomic_store_n(RTM_A64(c + RTM_C_SEQ), seq, __ATOMIC_RELEASE);
	__atomic_fetch_add(RTM_A32(t->entry + RTM_T_CHUNKS), 1, __ATOMIC_RELAXED);
	t->chunk = c;
	t->recs = c + RTM_CHUNK_HDR;
	t->countp = RTM_A32(c + RTM_C_COUNT);
	t->n = 0;
	t->events = 0;
	/* Heap-guard roots, and a clock other than the one the fast path reads,
	 * need every event on the slow path. */
	t->cap = ((st->heapguard && st->nroots > 0) || st->clock != RTM_CLOCK_HW) ? 0
	                                                                          : st->chunk_recs;
	return 0;
}

/* Makes room for `slots` record slots in the current chunk. 0 or -1 (lost). */
RTM_NOTRACE static int room(struct rtm_state *st, struct rtm_thread *t, uint32_t slots)
{
	if (t->dead)
		return -1;
	if (t->chunk != NULL && t->n + slots <= st->chunk_recs)
		return 0;
	if (t->chunk != NULL) {
		rusage_read(t);
		rtm_thread_seal(st, t, 0);
	}
	if (slots > st->chunk_recs || rtm_chunk_claim(st, t) < 0) {
		if (slots <= st->chunk_recs)
			t->dead = 1; /* stop mode: the file is full, for good */
		return -1;
	}
	return 0;
}

RTM_NOTRACE static int is_root(const struct rtm_state *st, uint64_t addr)
{
	uint32_t i, n = __atomic_load_n(&st->nroots, __ATOMIC_ACQUIRE);

	LATCH_LOOP_BOUND(RTM_MAX_ROOTS);
	for (i = 0; i < RTM_MAX_ROOTS && i < n; i++)
		if (st->roots[i] == addr)
			return 1;
	return 0;
}

RTM_NOTRACE void rtm_event_slow(struct rtm_state *st, struct rtm_thread *t, uint64_t addr,
                                uint32_t kind, uint64_t ticks, uint64_t sp)
{
	uint32_t d;

	if (t->gen != st->gen)
		rtm_thread_attach(st, t);
	d = rtm_stack_units(t->stack_base, sp);
	if (kind == RTM_K_ENTER && d > t->max_stack)
		t->max_stack = d;
	if (st->heapguard && st->nroots > 0) {
		if (kind == RTM_K_ENTER && is_root(st, addr)) {
			if (t->root_depth < RTM_ROOT_STACK)
				t->root_stack[t->root_depth] = addr;
			t->root_depth++;
		} else if (kind == RTM_K_EXIT && t->root_depth > 0 && is_root(st, addr)) {
			t->root_depth--;
		}
	}
	if (st->mode == RTM_MODE_SUMMARY) {
		if (t->dead)
			rtm_lost(st, t, 1);
		else
			rtm_summary_event(st, t, addr, kind, ticks, d);
		return;
	}
	if (room(st, t, 1) < 0) {
		rtm_lost(st, t, 1);
		return;
	}
	rtm_rec_put(t, ticks,
	            (addr & RTM_ADDR_MASK) | ((uint64_t)kind << RTM_KIND_SHIFT) |
	                    ((uint64_t)d << RTM_STACK_SHIFT));
}

RTM_NOTRACE int rtm_event_ext(struct rtm_state *st, struct rtm_thread *t, uint32_t type,
                              const void *payload, uint32_t len, uint64_t sp)
{
	uint32_t slots, d;
	uint8_t *r;
	uint64_t ticks = rtm_ticks_of(st->clock);

	if (t->gen != st->gen)
		rtm_thread_attach(st, t);
	if (st->mode == RTM_MODE_SUMMARY || len > RTM_EXT_PAYLOAD_MAX)
		return -1;
	slots = 1u + (len + RTM_REC_SIZE - 1u) / RTM_REC_SIZE;
	if (room(st, t, slots) < 0) {
		rtm_lost(st, t, 1);
		return -1;
	}
	d = rtm_stack_units(t->stack_base, sp);
	r = t->recs + (size_t)t->n * RTM_REC_SIZE;
	rtm_put64(r, ticks);
	rtm_put64(r + 8, (uint64_t)len | ((uint64_t)type << 16) |
	                         ((uint64_t)RTM_K_EXT << RTM_KIND_SHIFT) |
	                         ((uint64_t)d << RTM_STACK_SHIFT));
	memset(r + RTM_REC_SIZE, 0, (size_t)(slots - 1u) * RTM_REC_SIZE);
	memcpy(r + RTM_REC_SIZE, payload, len);
	t->n += slots;
	t->events++;
	__atomic_store_n(t->countp, t->n, __ATOMIC_RELEASE);
	return 0;
}

/* ---- summary mode ---- */

RTM_NOTRACE static uint32_t summary_slot(struct rtm_state *st, uint64_t addr)
{
	uint64_t h = addr * 0x9e3779b97f4a7c15ull;
	uint32_t i;

	for (i = 0; i < RTM_SUM_PROBES; i++) {
		uint32_t s = (uint32_t)((h >> 32) + i) % st->summary_cap;
		uint64_t *key = RTM_A64(st->summary + (size_t)s * st->summary_esize + RTM_S_ADDR);
		uint64_t cur = __atomic_load_n(key, __ATOMIC_ACQUIRE);

		if (cur == 0) {
			uint64_t zero = 0;

			/* min starts at "none"; a free slot is touched by nobody else. */
			__atomic_store_n(RTM_A64((uint8_t *)key + RTM_S_MIN), UINT64_MAX,
			                 __ATOMIC_RELAXED);
			if (__atomic_compare_exchange_n(key, &zero, addr, 0, __ATOMIC_ACQ_REL,
			                                __ATOMIC_ACQUIRE)) {
				return s + 1u;
			}
			cur = zero;
		}
		if (cur == addr)
			return s + 1u;
	}
	return 0;
}

RTM_NOTRACE static void atomic_min(uint64_t *p, uint64_t v)
{
	uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
	unsigned i;

	LATCH_LOOP_BOUND(64);
	for (i = 0; i < 64 && v < cur; i++)
		if (__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
}

RTM_NOTRACE static void atomic_max(uint64_t *p, uint64_t v)
{
	uint64_t cur = __atomic_load_n(p, __ATOMIC_RELAXED);
	unsigned i;

	LATCH_LOOP_BOUND(64);
	for (i = 0; i < 64 && v > cur; i++)
		if (__atomic_compare_exchange_n(p, &cur, v, 1, __ATOMIC_RELAXED, __ATOMIC_RELAXED))
			break;
}

RTM_NOTRACE void rtm_summary_event(struct rtm_state *st, struct rtm_thread *t, uint64_t addr,
                                   uint32_t kind, uint64_t ticks, uint32_t stack)
{
	struct rtm_shadow *s;
	uint8_t *e;
	uint64_t d;
	uint32_t i;

	if (kind == RTM_K_ENTER) {
		if (t->sdepth >= RTM_SHADOW_DEPTH) {
			t->sover++;
			rtm_lost(st, t, 1);
			return;
		}
		s = &t->shadow[t->sdepth++];
		s->fn = addr;
		s->ticks = ticks;
		s->stack = stack;
		s->slot = summary_slot(st, addr);
		if (s->slot == 0)
			rtm_lost(st, t, 1);
		return;
	}
	if (kind != RTM_K_EXIT)
		return;
	if (t->sover > 0) {
		t->sover--;
		return;
	}
	/* A longjmp or an exception may skip exits: unwind to the matching enter. */
	s = NULL;
	LATCH_LOOP_BOUND(RTM_SHADOW_DEPTH);
	for (i = 0; i < RTM_SHADOW_DEPTH && t->sdepth > 0; i++) {
		struct rtm_shadow *top = &t->shadow[--t->sdepth];

		if (top->fn == addr) {
			s = top;
			break;
		}
	}
	if (s == NULL || s->slot == 0)
		return;
	e = st->summary + (size_t)(s->slot - 1u) * st->summary_esize;
	d = ticks - s->ticks;
	__atomic_fetch_add(RTM_A64(e + RTM_S_COUNT), 1, __ATOMIC_RELAXED);
	__atomic_fetch_add(RTM_A64(e + RTM_S_SUM), d, __ATOMIC_RELAXED);
	atomic_min(RTM_A64(e + RTM_S_MIN), d);
	atomic_max(RTM_A64(e + RTM_S_MAX), d);
	atomic_max(RTM_A64(e + RTM_S_MAX_STACK), (uint64_t)s->stack * RTM_STACK_UNIT);
	__atomic_fetch_add(
	        RTM_A64(e + RTM_S_HIST + 8u * rtm_hist_bucket_clamped(d, RTM_SUM_BUCKETS)), 1,
	        __ATOMIC_RELAXED);
}
