/*
 * tracer/binary/frames.c - frame sizes from CFI (libdw), .su and .ci files (see
 * frames.h for the sources and their precedence).
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/frames.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <dirent.h>
#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

void trc_frames_init(struct trc_frames *f)
{
	memset(f, 0, sizeof(*f));
}

void trc_frames_fini(struct trc_frames *f)
{
	size_t i;

	for (i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].file);
		free(f->v[i].why);
	}
	free(f->v);
	memset(f, 0, sizeof(*f));
}

static int add(struct trc_frames *f, const char *name, int known, uint64_t bytes,
               enum trc_frame_src src, const char *file, unsigned line, unsigned col,
               const char *why)
{
	struct trc_frame *fr;

	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 256;
		struct trc_frame *nv = realloc(f->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return LC_ENOMEM;
		f->v = nv;
		f->cap = ncap;
	}
	fr = &f->v[f->n];
	memset(fr, 0, sizeof(*fr));
	fr->name = strdup(name);
	fr->file = file ? strdup(file) : NULL;
	fr->why = why ? strdup(why) : NULL;
	if (fr->name == NULL || (file && fr->file == NULL) || (why && fr->why == NULL)) {
		free(fr->name);
		free(fr->file);
		free(fr->why);
		return LC_ENOMEM;
	}
	fr->known = known;
	fr->bytes = bytes;
	fr->src = src;
	fr->line = line;
	fr->col = col;
	fr->merged = 1;
	f->n++;
	f->sorted = 0;
	return 0;
}

int trc_frames_sp_reg(const struct trc_elf *e)
{
	switch (e->machine) {
	case EM_X86_64:
		return 7;
	case EM_386:
		return 4;
	case EM_ARM:
		return 13;
	case EM_AARCH64:
		return 31;
	case EM_RISCV:
		return 2;
	default:
		return -1;
	}
}

/*
 * Walks the CFI rows covering [lo, hi). Returns 1 with *out the largest CFA
 * offset from sp; 0 with why set when the size cannot be known; -1 when
 * no row covers lo (no CFI for this function).
 */
static int cfi_frame(Dwarf_CFI *cfi, uint64_t lo, uint64_t hi, int sp, uint64_t *out,
                     const char **why)
{
	uint64_t pc = lo, best = 0;
	int rows = 0, r = 1;

	while (pc < hi && rows < 4096) {
		Dwarf_Frame *frame = NULL;
		Dwarf_Addr start, end;
		Dwarf_Op *ops = NULL;
		size_t nops = 0;

		if (dwarf_cfi_addrframe(cfi, pc, &frame) != 0) {
			if (rows == 0)
				return -1;
			break; /* trailing padding not covered by the FDE */
		}
		rows++;
		if (dwarf_frame_info(frame, &start, &end, NULL) < 0 || end <= pc ||
		    dwarf_frame_cfa(frame, &ops, &nops) != 0) {
			free(frame);
			*why = "unreadable call frame information";
			return 0;
		}
		if (nops != 1 || ops[0].atom != DW_OP_bregx) {
			*why = "CFA is a DWARF expression, not register + offset";
			r = 0;
		} else if ((int)ops[0].number != sp) {
			*why = "CFA moves to a frame pointer (alloca, a VLA, or a build without "
			       "-fomit-frame-pointer): give -fstack-usage files";
			r = 0;
		} else if ((int64_t)ops[0].number2 > (int64_t)best) {
			best = ops[0].number2;
		}
		free(frame);
		if (r == 0)
			return 0;
		pc = end;
	}
	*out = best;
	return 1;
}

int trc_frames_from_cfi(struct trc_frames *f, const struct trc_elf *e, struct lc_err *err)
{
	Dwarf *dw = NULL;
	Dwarf_CFI *dcfi = NULL, *ecfi = NULL;
	int sp = trc_frames_sp_reg(e), rc = 0;
	size_t i;

	if (sp < 0) {
		rc = lc_err_set(err, LC_ENOTFOUND,
		                "%s: stack analysis does not know this machine (e_machine %u)",
		                e->path, (unsigned)e->machine);
		goto out;
	}
	dw = dwarf_begin_elf(e->elf, DWARF_C_READ, NULL);
	if (dw)
		dcfi = dwarf_getcfi(dw);
	ecfi = dwarf_getcfi_elf(e->elf);
	if (dcfi == NULL && ecfi == NULL) {
		rc = lc_err_set(
		        err, LC_ENOTFOUND,
		        "%s: no call frame information (.debug_frame or .eh_frame): frame sizes "
		        "need CFI or -fstack-usage files",
		        e->path);
		goto out;
	}
	for (i = 0; i < e->nsymbols; i++) {
		const struct trc_elf_symbol *s = &e->symbols[i];
		uint64_t bytes = 0;
		const char *why = NULL;
		int r = -1;

		if (s->type != STT_FUNC || s->size == 0)
			continue;
		if (dcfi)
			r = cfi_frame(dcfi, s->addr, s->addr + s->size, sp, &bytes, &why);
		if (r < 0 && ecfi)
			r = cfi_frame(ecfi, s->addr, s->addr + s->size, sp, &bytes, &why);
		if (r < 0)
			why = "no call frame information (assembly, or a library built without it)";
		rc = add(f, s->name, r > 0, r > 0 ? bytes : 0, TRC_FRAME_CFI, NULL, 0, 0,
		         r > 0 ? NULL : why);
		if (rc < 0) {
			lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
	}
out:
	if (ecfi)
		dwarf_cfi_end(ecfi);
	if (dw)
		dwarf_end(dw);
	return rc;
}

/* Splits "file:line:col:name" at its last three colons. */
static int split_loc(char *s, char **file, unsigned *line, unsigned *col, char **name)
{
	char *c3 = strrchr(s, ':'), *c2, *c1;

	if (c3 == NULL)
		return -1;
	*c3 = '\0';
	c2 = strrchr(s, ':');
	if (c2 == NULL)
		return -1;
	*c2 = '\0';
	c1 = strrchr(s, ':');
	if (c1 == NULL)
		return -1;
	*c1 = '\0';
	*file = s;
	*line = (unsigned)strtoul(c1 + 1, NULL, 10);
	*col = (unsigned)strtoul(c2 + 1, NULL, 10);
	*name = c3 + 1;
	return **name ? 0 : -1;
}

/* Applies a -fstack-usage qualifier. Returns 1 known, 0 unknown (why set). */
static int qualifier_known(const char *q, const char **why)
{
	if (strstr(q, "dynamic") == NULL || strstr(q, "bounded") != NULL)
		return 1;
	*why = "dynamic stack allocation (a VLA or alloca) with no bound";
	return 0;
}

/* Opens the text file path for reading into *out (NULL on failure). */
static int open_text(FILE **out, const char *path, struct lc_err *err)
{
	*out = fopen(path, "r");
	if (*out == NULL)
		return lc_err_set(err, LC_EIO, "cannot open '%s': %s", path, strerror(errno));
	return 0;
}

int trc_frames_load_su(struct trc_frames *f, const char *path, struct lc_err *err)
{
	FILE *fp;
	char line[4096];
	unsigned lineno = 0;
	int rc = open_text(&fp, path, err);

	if (rc < 0)
		goto out;
	while (fgets(line, sizeof(line), fp)) {
		char *t1, *t2, *file, *name, *end;
		unsigned l, c;
		unsigned long long bytes;
		const char *why = NULL;
		int known;

		lineno++;
		line[strcspn(line, "\r\n")] = '\0';
		if (line[0] == '\0')
			continue;
		t1 = strchr(line, '\t');
		t2 = t1 ? strchr(t1 + 1, '\t') : NULL;
		if (t2 == NULL)
			goto bad;
		*t1 = *t2 = '\0';
		errno = 0;
		bytes = strtoull(t1 + 1, &end, 10);
		if (errno || *end != '\0' || end == t1 + 1 ||
		    split_loc(line, &file, &l, &c, &name) < 0)
			goto bad;
		known = qualifier_known(t2 + 1, &why);
		if (add(f, name, known, bytes, TRC_FRAME_SU, file, l, c, why) < 0) {
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
	}
	goto out;
bad:
	rc = lc_err_set(err, LC_EFORMAT,
	                "%s:%u: not a -fstack-usage line "
	                "(file:line:col:name<TAB>bytes<TAB>qualifier)",
	                path, lineno);
out:
	if (fp)
		fclose(fp);
	return rc;
}

/* Copies the quoted string that follows key in line into buf (GCC escapes
 * newlines in labels as \n, kept as the two characters). 0 or -1. */
static int quoted(const char *line, const char *key, char *buf, size_t len)
{
	const char *p = strstr(line, key);
	size_t n = 0;

	if (p == NULL)
		return -1;
	p += strlen(key);
	while (*p == ' ')
		p++;
	if (*p++ != '"')
		return -1;
	while (*p && *p != '"' && n + 1 < len) {
		if (*p == '\\' && p[1] != '\0')
			buf[n++] = *p++;
		buf[n++] = *p++;
	}
	buf[n] = '\0';
	return *p == '"' ? 0 : -1;
}

static int parse_ci_loc(const char *s, char *file, size_t flen, unsigned *line, unsigned *col)
{
	char tmp[1024], *f, *name;
	size_t n = strlen(s);

	/* "file:line:col" -> reuse split_loc with a dummy name appended. */
	if (n + 3 > sizeof(tmp))
		return -1;
	snprintf(tmp, sizeof(tmp), "%s:x", s);
	if (split_loc(tmp, &f, line, col, &name) < 0)
		return -1;
	snprintf(file, flen, "%s", f);
	return 0;
}

/* GCC names a file-static function "file:name" in .ci files; C names have
 * no colon, so the name is what follows the last one. */
static char *ci_name(char *title)
{
	char *c = strrchr(title, ':');

	return c ? c + 1 : title;
}

int trc_frames_load_ci(struct trc_frames *f, struct trc_cg *cg, const char *path,
                       struct lc_err *err)
{
	FILE *fp;
	char line[8192], title[1024], label[4096], src[1024], dst[1024], loc[1024], file[1024];
	unsigned lineno = 0;
	int rc = open_text(&fp, path, err);

	if (rc < 0)
		goto out;
	while (fgets(line, sizeof(line), fp)) {
		lineno++;
		if (strncmp(line, "node:", 5) == 0) {
			char *parts[4] = {0}, *p = label;
			size_t np = 0;
			unsigned l = 0, c = 0;
			unsigned long long bytes;
			char qual[64];
			const char *why = NULL, *name;
			size_t idx;
			int known;

			if (quoted(line, "title:", title, sizeof(title)) < 0 ||
			    quoted(line, "label:", label, sizeof(label)) < 0) {
				rc = lc_err_set(err, LC_EFORMAT, "%s:%u: malformed node", path,
				                lineno);
				goto out;
			}
			name = ci_name(title);
			/* label: name\nfile:line:col\nN bytes (qual)\n... */
			while (p && np < 4) {
				char *nl = strstr(p, "\\n");

				parts[np++] = p;
				if (nl) {
					*nl = '\0';
					p = nl + 2;
				} else {
					p = NULL;
				}
			}
			if (np < 3 || sscanf(parts[2], "%llu bytes (%63[^)])", &bytes, qual) != 2)
				continue; /* a declaration only (shape: ellipse): no frame */
			if (parse_ci_loc(parts[1], file, sizeof(file), &l, &c) < 0)
				file[0] = '\0';
			known = qualifier_known(qual, &why);
			if (add(f, name, known, bytes, TRC_FRAME_CI, file[0] ? file : NULL, l, c,
			        why) < 0)
				goto nomem;
			if (cg) {
				if (trc_cg_func(&idx, cg, name) < 0)
					goto nomem;
				cg->funcs[idx].defined = 1;
				cg->funcs[idx].src_calls = 1;
				if (cg->funcs[idx].file == NULL && file[0]) {
					cg->funcs[idx].file = strdup(file);
					cg->funcs[idx].line = l;
				}
			}
		} else if (strncmp(line, "edge:", 5) == 0 && cg) {
			size_t a, b;
			unsigned l = 0, c = 0;

			if (quoted(line, "sourcename:", src, sizeof(src)) < 0 ||
			    quoted(line, "targetname:", dst, sizeof(dst)) < 0) {
				rc = lc_err_set(err, LC_EFORMAT, "%s:%u: malformed edge", path,
				                lineno);
				goto out;
			}
			file[0] = '\0';
			if (quoted(line, "label:", loc, sizeof(loc)) == 0 &&
			    parse_ci_loc(loc, file, sizeof(file), &l, &c) < 0)
				file[0] = '\0';
			if (trc_cg_func(&a, cg, ci_name(src)) < 0)
				goto nomem;
			if (strcmp(ci_name(dst), "__indirect_call") == 0) {
				if (trc_cg_add_site(cg, a, file[0] ? file : NULL, l, c, 0) < 0)
					goto nomem;
				continue;
			}
			if (trc_cg_func(&b, cg, ci_name(dst)) < 0 ||
			    trc_cg_add_edge(cg, a, b, file[0] ? file : NULL, l, c,
			                    TRC_CG_COMPILER) < 0)
				goto nomem;
		}
	}
	goto out;
nomem:
	rc = lc_err_set(err, LC_ENOMEM, "out of memory");
out:
	if (fp)
		fclose(fp);
	return rc;
}

/* ------------------------------------------- .su / .ci files and folders */

struct file_list {
	char **v;
	size_t n, cap;
	const char *suffix;
};

static int list_add(struct file_list *l, const char *path)
{
	if (l->n == l->cap) {
		size_t ncap = l->cap ? l->cap * 2 : 64;
		char **nv = realloc(l->v, ncap * sizeof(*nv));

		if (nv == NULL)
			return -1;
		l->v = nv;
		l->cap = ncap;
	}
	l->v[l->n] = strdup(path);
	if (l->v[l->n] == NULL)
		return -1;
	l->n++;
	return 0;
}

static void list_free(struct file_list *l)
{
	size_t i;

	for (i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

/* Adds the *.suffix files under dir (depth-limited, symlinks not followed). */
static int walk_dir(struct file_list *l, const char *dir, int depth)
{
	DIR *dp;
	struct dirent *de;
	int rc = 0;

	if (depth > 32)
		return 0;
	dp = opendir(dir);
	if (dp == NULL)
		return -1;
	while (rc == 0 && (de = readdir(dp)) != NULL) {
		char path[4096];
		struct stat st;
		size_t n, k = strlen(l->suffix);

		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (snprintf(path, sizeof(path), "%s/%s", dir, de->d_name) >= (int)sizeof(path) ||
		    lstat(path, &st) != 0)
			continue;
		n = strlen(path);
		if (S_ISDIR(st.st_mode))
			rc = walk_dir(l, path, depth + 1);
		else if (S_ISREG(st.st_mode) && n > k && strcmp(path + n - k, l->suffix) == 0)
			rc = list_add(l, path);
	}
	closedir(dp);
	return rc;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Expands files and directories into a sorted list of *.suffix files. */
static int expand(struct file_list *l, const char *const *paths, size_t n, const char *suffix,
                  struct lc_err *err)
{
	size_t i;
	struct stat st;

	l->suffix = suffix;
	for (i = 0; i < n; i++) {
		if (stat(paths[i], &st) != 0)
			return lc_err_set(err, LC_EIO, "cannot open '%s': %s", paths[i],
			                  strerror(errno));
		if (S_ISDIR(st.st_mode)) {
			if (walk_dir(l, paths[i], 0) != 0)
				return lc_err_set(err, LC_EIO, "cannot read directory '%s'",
				                  paths[i]);
		} else if (list_add(l, paths[i]) < 0) {
			return lc_err_set(err, LC_ENOMEM, "out of memory");
		}
	}
	if (l->n > 1)
		qsort(l->v, l->n, sizeof(*l->v), str_cmp);
	return 0;
}

int trc_frames_load_paths(struct trc_frames *f, struct trc_cg *cg, const char *const *paths,
                          size_t n, int ci, size_t *nfiles, struct lc_err *err)
{
	struct file_list l;
	size_t i;
	int rc;

	memset(&l, 0, sizeof(l));
	rc = expand(&l, paths, n, ci ? ".ci" : ".su", err);
	for (i = 0; rc >= 0 && i < l.n; i++)
		rc = ci ? trc_frames_load_ci(f, cg, l.v[i], err)
		        : trc_frames_load_su(f, l.v[i], err);
	if (nfiles)
		*nfiles = l.n;
	list_free(&l);
	return rc;
}

static int frame_cmp(const void *a, const void *b)
{
	const struct trc_frame *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c != 0)
		return c;
	/* Better sources first: .ci/.su before CFI. */
	return (int)y->src - (int)x->src;
}

void trc_frames_finish(struct trc_frames *f)
{
	size_t i, w = 0;

	if (f->n > 1)
		qsort(f->v, f->n, sizeof(*f->v), frame_cmp);
	for (i = 0; i < f->n; i++) {
		struct trc_frame *cur = &f->v[i], *keep = w ? &f->v[w - 1] : NULL;

		if (keep && strcmp(keep->name, cur->name) == 0) {
			/* Same name. A worse source is dropped; the same kind of
			 * source (two file statics, or .su and .ci of one
			 * function) keeps the larger, and unknown wins. */
			int same = (keep->src == TRC_FRAME_CFI) == (cur->src == TRC_FRAME_CFI);

			if (!same && !keep->has_cfi) {
				/* keep is .su/.ci (sorted first), cur the CFI. */
				keep->has_cfi = 1;
				keep->cfi_known = cur->known;
				keep->cfi_bytes = cur->bytes;
			} else if (!same && cur->known &&
			           (!keep->cfi_known || cur->bytes > keep->cfi_bytes)) {
				keep->cfi_known = 1;
				keep->cfi_bytes = cur->bytes;
			}
			if (same) {
				if (!cur->known && keep->known) {
					struct trc_frame t = *keep;

					*keep = *cur;
					*cur = t;
				} else if (cur->known && keep->known && cur->bytes > keep->bytes) {
					keep->bytes = cur->bytes;
				}
				if (cur->src == keep->src &&
				    (cur->file == NULL || keep->file == NULL ||
				     strcmp(cur->file, keep->file) != 0 || cur->line != keep->line))
					keep->merged++;
			}
			free(cur->name);
			free(cur->file);
			free(cur->why);
			continue;
		}
		f->v[w++] = *cur;
	}
	f->n = w;
	/* The larger of the known figures of the binary and the frame files. */
	for (i = 0; i < f->n; i++) {
		struct trc_frame *fr = &f->v[i];

		if (fr->src_bytes == 0)
			fr->src_bytes = fr->bytes;
		if (fr->has_cfi && fr->cfi_known && fr->known && fr->cfi_bytes > fr->bytes)
			fr->bytes = fr->cfi_bytes;
	}
	f->sorted = 1;
}

int trc_frames_declare(struct trc_frames *f, const char *name, int has_bytes, uint64_t bytes,
                       uint64_t alloca_bound, const char *file, unsigned line)
{
	struct trc_frame *fr = (struct trc_frame *)trc_frames_find(f, name);

	if (fr == NULL) {
		if (add(f, name, has_bytes, bytes, TRC_FRAME_DECL, file, line, 0,
		        has_bytes ? NULL : "declared only with an alloca bound, no frame size") < 0)
			return LC_ENOMEM;
		trc_frames_finish(f);
		fr = (struct trc_frame *)trc_frames_find(f, name);
		fr->alloca_bound = alloca_bound;
		return 0;
	}
	if (has_bytes) {
		if (!fr->has_cfi && fr->src == TRC_FRAME_CFI) {
			fr->has_cfi = 1;
			fr->cfi_known = fr->known;
			fr->cfi_bytes = fr->bytes;
		}
		if (!fr->known || bytes > fr->bytes)
			fr->bytes = bytes;
		fr->known = 1;
		fr->src = TRC_FRAME_DECL;
		fr->src_bytes = bytes;
		free(fr->why);
		fr->why = NULL;
	}
	if (alloca_bound > 0 && !fr->known) {
		fr->bytes += alloca_bound;
		fr->known = 1;
		fr->alloca_bound = alloca_bound;
		free(fr->why);
		fr->why = NULL;
	}
	return 0;
}

const struct trc_frame *trc_frames_find(const struct trc_frames *f, const char *name)
{
	size_t lo = 0, hi = f->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = strcmp(f->v[mid].name, name);

		if (c == 0)
			return &f->v[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
