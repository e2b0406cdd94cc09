/*
 * analyzer/util.c - the grow helper, hashes and path helpers for the
 * analyzer.
 */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "grow.h"
#include "path.h"

int an_util_grow(void **p, size_t *cap, size_t need, size_t elsz)
{
	return lc_grow(p, cap, need, elsz, 8);
}

uint64_t an_hash(uint64_t h, const void *data, size_t len)
{
	const unsigned char *b = data;
	size_t i;

	for (i = 0; i < len; i++) {
		h ^= b[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

uint64_t an_hash_str(uint64_t h, const char *s)
{
	/* The terminating NUL is hashed too, so ("ab","c") != ("a","bc"). */
	return an_hash(h, s, strlen(s) + 1);
}

int an_util_loc_cmp(const char *fa, unsigned la, unsigned ca, const char *fb, unsigned lb,
                    unsigned cb)
{
	int c = strcmp(fa, fb);

	if (c)
		return c;
	if (la != lb)
		return la < lb ? -1 : 1;
	if (ca != cb)
		return ca < cb ? -1 : 1;
	return 0;
}

int an_util_read_file(char **out, size_t *out_len, const char *path)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0, n;
	int rc = 0;

	*out = NULL;
	f = fopen(path, "rb");
	if (!f) {
		rc = LC_EIO;
		goto out;
	}
	for (;;) {
		if (cap - len < 4097) {
			rc = an_util_grow((void **)&buf, &cap, len + 65536, 1);
			if (rc < 0)
				goto out;
		}
		n = fread(buf + len, 1, cap - len - 1, f);
		len += n;
		if (n == 0)
			break;
	}
	if (ferror(f)) {
		rc = LC_EIO;
		goto out;
	}
	if (!buf) {
		buf = malloc(1);
		if (!buf) {
			rc = LC_ENOMEM;
			goto out;
		}
	}
	buf[len] = '\0';
	*out = buf;
	buf = NULL;
	if (out_len)
		*out_len = len;
out:
	free(buf);
	if (f)
		fclose(f);
	return rc;
}

void an_util_normpath(char *path)
{
	/* Components are copied down in place; ".." pops the last one kept. */
	char *w = path, *r = path;
	int abs = path[0] == '/';

	if (abs) {
		r++;
		w++;
	}
	while (*r) {
		char *end = strchr(r, '/');
		size_t n = end ? (size_t)(end - r) : strlen(r);

		if (n == 0 || (n == 1 && r[0] == '.') ||
		    (abs && n == 2 && r[0] == '.' && r[1] == '.' && w == path + abs)) {
			/* skip: "." and empty components, and ".." at the root */
		} else if (n == 2 && r[0] == '.' && r[1] == '.' && w > path + abs) {
			char *p = w - 1;
			if (p > path + abs && *p == '/')
				p--;
			while (p > path + abs && p[-1] != '/')
				p--;
			w = p;
		} else {
			if (w > path + abs && w[-1] != '/')
				*w++ = '/';
			memmove(w, r, n);
			w += n;
		}
		r += n;
		if (*r == '/')
			r++;
	}
	if (w > path + abs && w[-1] == '/')
		w--;
	*w = '\0';
	if (w == path) {
		path[0] = abs ? '/' : '.';
		path[1] = '\0';
	}
}

char *an_util_abspath(const char *path, const char *dir)
{
	char *s;

	if (path[0] == '/' || !dir || !dir[0]) {
		s = strdup(path);
	} else {
		size_t n = strlen(dir) + strlen(path) + 2;
		s = malloc(n);
		if (s)
			snprintf(s, n, "%s/%s", dir, path);
	}
	if (s)
		an_util_normpath(s);
	return s;
}

char *an_util_relpath(const char *path, const char *cwd)
{
	return strdup(lc_path_under(path, cwd)); /* the one display-path rule */
}
