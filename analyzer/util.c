/*
 * analyzer/util.c - containers and path helpers for the analyzer.
 *
 * The map keeps keys in insertion-independent slots; iteration order is not
 * used anywhere, so output determinism never depends on hashing.
 */
#define _POSIX_C_SOURCE 200809L
#include "util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "path.h"

int an_util_grow(void **p, size_t *cap, size_t need, size_t elsz)
{
	size_t ncap;
	void *np;

	if (need <= *cap)
		return 0;
	ncap = *cap ? *cap : 8;
	while (ncap < need)
		ncap *= 2;
	np = realloc(*p, ncap * elsz);
	if (!np)
		return LC_ENOMEM;
	*p = np;
	*cap = ncap;
	return 0;
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

static size_t map_slot(const struct an_map *m, const char *key)
{
	size_t i = (size_t)an_hash_str(AN_HASH_INIT, key) & (m->cap - 1);

	while (m->keys[i] && strcmp(m->keys[i], key) != 0)
		i = (i + 1) & (m->cap - 1);
	return i;
}

int an_map_get(const struct an_map *m, const char *key)
{
	size_t i;

	if (!m->cap)
		return -1;
	i = map_slot(m, key);
	return m->keys[i] ? m->vals[i] : -1;
}

static int map_rehash(struct an_map *m)
{
	struct an_map n = {0};
	size_t i;

	n.cap = m->cap ? m->cap * 2 : 64;
	n.keys = calloc(n.cap, sizeof(*n.keys));
	n.vals = calloc(n.cap, sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return LC_ENOMEM;
	}
	for (i = 0; i < m->cap; i++) {
		if (m->keys[i]) {
			size_t s = map_slot(&n, m->keys[i]);
			n.keys[s] = m->keys[i];
			n.vals[s] = m->vals[i];
		}
	}
	n.len = m->len;
	free(m->keys);
	free(m->vals);
	*m = n;
	return 0;
}

int an_map_put(struct an_map *m, const char *key, int val, int *out_val)
{
	size_t i;
	int rc;

	if ((m->len + 1) * 2 > m->cap) {
		rc = map_rehash(m);
		if (rc < 0)
			return rc;
	}
	i = map_slot(m, key);
	if (m->keys[i]) {
		if (out_val)
			*out_val = m->vals[i];
		return 0;
	}
	m->keys[i] = strdup(key);
	if (!m->keys[i])
		return LC_ENOMEM;
	m->vals[i] = val;
	m->len++;
	if (out_val)
		*out_val = val;
	return 0;
}

void an_map_fini(struct an_map *m)
{
	size_t i;

	for (i = 0; i < m->cap; i++)
		free(m->keys[i]);
	free(m->keys);
	free(m->vals);
	memset(m, 0, sizeof(*m));
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
