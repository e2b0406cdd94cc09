/*
 * tracer/trace/sym.c - symbolization through elfutils libdwfl (see sym.h).
 *
 * One Dwfl session per module, created lazily: most modules of a process
 * (libc, the loader, the vdso) hold no instrumented function, so they are
 * never opened. dwfl_report_elf() with add_p_vaddr = true takes the base as
 * the load bias, which is exactly what the runtime records (dlpi_addr).
 */
#define _GNU_SOURCE
#include "trace/sym.h"

#include <elfutils/libdwfl.h>
#include <errno.h>
#include <fcntl.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace.h"
#include "trace/symindex.h"

enum mod_state { MOD_UNTRIED = 0, MOD_OK, MOD_MISSING, MOD_MISMATCH };

struct mod {
	enum mod_state state;
	Dwfl *dwfl;
	Dwfl_Module *m;
	struct trc_symix ix;            /* names by binary search, dwfl where it must decide */
	char err[LC_ERR_MSG_MAX + 512]; /* the mismatch message, repeated on each lookup */
};

struct trc_sym {
	const struct lc_trace *t;
	char *exe; /* override of module 0's path, or NULL */
	struct mod *mods;
	size_t nmods;
};

static const Dwfl_Callbacks callbacks = {
        .find_elf = dwfl_build_id_find_elf,
        .find_debuginfo = dwfl_standard_find_debuginfo,
        .section_address = dwfl_offline_section_address,
};

static void hex(char *buf, size_t n, const uint8_t *id, size_t len)
{
	size_t i;

	buf[0] = '\0';
	for (i = 0; i < len && 2 * i + 2 < n; i++)
		snprintf(buf + 2 * i, n - 2 * i, "%02x", id[i]);
	if (len == 0)
		snprintf(buf, n, "none");
}

/* Opens module i of the trace, checking its build-id. */
static int mod_open(struct trc_sym *s, size_t i, struct lc_err *err)
{
	const struct lc_trace_module *tm = lc_trace_module(s->t, i);
	struct mod *md = &s->mods[i];
	const char *path = tm->path;
	const unsigned char *bits = NULL;
	GElf_Addr vaddr = 0;
	char want[80], got[80];
	int fd, len;

	if ((tm->flags & LC_TRACE_MOD_MAIN) && s->exe != NULL)
		path = s->exe;
	if ((tm->flags & LC_TRACE_MOD_VDSO) || path[0] == '\0') {
		md->state = MOD_MISSING;
		return 0;
	}
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		md->state = MOD_MISSING;
		return lc_err_set(err, LC_EIO, "cannot open '%s': %s", path, strerror(errno));
	}
	md->dwfl = dwfl_begin(&callbacks);
	if (md->dwfl == NULL) {
		close(fd);
		return lc_err_set(err, LC_EINTERNAL, "dwfl_begin: %s", dwfl_errmsg(dwfl_errno()));
	}
	dwfl_report_begin(md->dwfl);
	/* dwfl owns fd from here, whether or not the report succeeds. */
	md->m = dwfl_report_elf(md->dwfl, path, path, fd, tm->bias, true);
	dwfl_report_end(md->dwfl, NULL, NULL);
	if (md->m == NULL) {
		md->state = MOD_MISSING;
		return lc_err_set(err, LC_EFORMAT, "cannot read '%s': %s", path,
		                  dwfl_errmsg(dwfl_errno()));
	}
	len = dwfl_module_build_id(md->m, &bits, &vaddr);
	if (len < 0)
		len = 0;
	if ((size_t)len != tm->build_id_len ||
	    (len > 0 && memcmp(bits, tm->build_id, (size_t)len) != 0)) {
		hex(want, sizeof(want), tm->build_id, tm->build_id_len);
		hex(got, sizeof(got), bits, (size_t)len);
		md->state = MOD_MISMATCH;
		snprintf(md->err, sizeof(md->err),
		         "'%s' is not the binary that was traced: its build-id is %s, the trace's "
		         "is %s",
		         path, got, want);
		return lc_err_set(err, LC_EFORMAT, "%.255s", md->err);
	}
	trc_symix_init(&md->ix, md->m);
	md->state = MOD_OK;
	return 0;
}

int trc_sym_new(struct trc_sym **out, const struct lc_trace *t, const char *exe, struct lc_err *err)
{
	struct trc_sym *s = calloc(1, sizeof(*s));
	size_t i;
	int rc = 0;

	if (s == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	s->t = t;
	s->nmods = lc_trace_module_count(t);
	s->mods = calloc(s->nmods ? s->nmods : 1, sizeof(*s->mods));
	if (s->mods == NULL || (exe != NULL && (s->exe = strdup(exe)) == NULL)) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < s->nmods; i++) {
		if (lc_trace_module(t, i)->flags & LC_TRACE_MOD_MAIN) {
			rc = mod_open(s, i, err);
			if (rc < 0)
				goto out;
		}
	}
	*out = s;
	s = NULL;
out:
	trc_sym_free(s);
	return rc;
}

void trc_sym_free(struct trc_sym *s)
{
	size_t i;

	if (s == NULL)
		return;
	for (i = 0; i < s->nmods; i++) {
		trc_symix_fini(&s->mods[i].ix);
		if (s->mods[i].dwfl != NULL)
			dwfl_end(s->mods[i].dwfl);
	}
	free(s->mods);
	free(s->exe);
	free(s);
}

int trc_sym_lookup(struct trc_sym *s, uint64_t addr, struct trc_symbol *out, struct lc_err *err)
{
	const struct lc_trace_module *tm = lc_trace_module_of(s->t, addr);
	struct mod *md = NULL;
	GElf_Off off = 0;
	GElf_Sym sym;
	Dwfl_Line *line;
	size_t i;
	int lineno = 0;

	memset(out, 0, sizeof(*out));
	for (i = 0; tm != NULL && i < s->nmods; i++)
		if (lc_trace_module(s->t, i) == tm)
			md = &s->mods[i];
	if (md == NULL)
		return 0;
	out->module = tm->path;
	out->elf_addr = addr - tm->bias;
	if (md->state == MOD_UNTRIED) {
		struct lc_err ignored;

		/* A missing shared object only costs names (shown as addresses);
		 * a mismatching one is fatal, below. */
		mod_open(s, (size_t)(md - s->mods), &ignored);
	}
	if (md->state == MOD_MISMATCH)
		return lc_err_set(err, LC_EFORMAT, "%.255s", md->err);
	if (md->state != MOD_OK)
		return 0;
	out->module = dwfl_module_info(md->m, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
	out->name = trc_symix_find(&md->ix, addr, &out->offset);
	if (out->name == NULL) {
		out->name = dwfl_module_addrinfo(md->m, addr, &off, &sym, NULL, NULL, NULL);
		out->offset = off;
	}
	line = dwfl_module_getsrc(md->m, addr);
	if (line != NULL) {
		out->file = dwfl_lineinfo(line, NULL, &lineno, NULL, NULL, NULL);
		out->line = lineno > 0 ? (unsigned)lineno : 0u;
	}
	return 0;
}

static int mod_has(Dwfl_Module *m, const char *pattern)
{
	int n = dwfl_module_getsymtab(m), i;

	for (i = 1; i < n; i++) {
		GElf_Sym sym;
		GElf_Addr a;
		const char *name = dwfl_module_getsym_info(m, i, &sym, &a, NULL, NULL, NULL);

		if (name != NULL && GELF_ST_TYPE(sym.st_info) == STT_FUNC &&
		    sym.st_shndx != SHN_UNDEF && fnmatch(pattern, name, 0) == 0)
			return 1;
	}
	return 0;
}

int trc_sym_has_function(struct trc_sym *s, const char *pattern)
{
	size_t i;

	for (i = 0; i < s->nmods; i++)
		if (s->mods[i].state == MOD_OK && mod_has(s->mods[i].m, pattern))
			return 1;
	return 0;
}
