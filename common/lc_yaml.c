/*
 * common/lc_yaml.c - a read-only YAML document with positions (see lc_yaml.h).
 *
 * libyaml's yaml_document_t already is a node array with marks; this file
 * adds bounds-checked accessors, duplicate-key detection (a rules file that
 * says `max_us:` twice is a mistake, not a choice) and typed readers whose
 * messages name the file, line and column.
 */
#define _POSIX_C_SOURCE 200809L
#include "lc_yaml.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <yaml.h>

#include "size.h"

struct lc_yaml {
	yaml_document_t doc;
	int loaded; /* doc must be deleted */
	char *name;
};

static yaml_node_t *node(const struct lc_yaml *y, lc_ynode n)
{
	yaml_document_t *doc;

	if (y == NULL || !y->loaded || n <= 0)
		return NULL;
	doc = (yaml_document_t *)&y->doc;
	if (doc->nodes.start + n - 1 >= doc->nodes.top)
		return NULL;
	return doc->nodes.start + n - 1;
}

/* Rejects a mapping that repeats a scalar key; pairs are few, so O(n^2). */
static int check_duplicates(struct lc_yaml *y, struct lc_err *err)
{
	yaml_node_t *it;
	int id = 1;

	for (it = y->doc.nodes.start; it < y->doc.nodes.top; it++, id++) {
		size_t n, i, j;

		if (it->type != YAML_MAPPING_NODE)
			continue;
		n = lc_yaml_len(y, id);
		for (i = 0; i < n; i++) {
			const char *a = lc_yaml_scalar(y, lc_yaml_key_at(y, id, i));

			if (a == NULL)
				continue;
			for (j = i + 1; j < n; j++) {
				lc_ynode kj = lc_yaml_key_at(y, id, j);
				const char *b = lc_yaml_scalar(y, kj);

				if (b != NULL && strcmp(a, b) == 0)
					return lc_err_set(err, LC_EFORMAT,
					                  "%s:%u:%u: duplicate key '%s'", y->name,
					                  lc_yaml_line(y, kj), lc_yaml_col(y, kj),
					                  b);
			}
		}
	}
	return 0;
}

/* Colours each collection reachable from node n: 1 while on the DFS stack,
 * 2 when done. An alias can make a node contain itself (`&a [*a]`), which
 * would send any consumer walking the document into an endless loop, so it
 * is rejected at load. Returns the node that closes a cycle, or 0. */
static lc_ynode find_cycle(const struct lc_yaml *y, lc_ynode n, unsigned char *colour)
{
	size_t i, len;

	if (lc_yaml_kind(y, n) != LC_Y_SEQ && lc_yaml_kind(y, n) != LC_Y_MAP)
		return 0;
	if (colour[n] == 1)
		return n;
	if (colour[n] == 2)
		return 0;
	colour[n] = 1;
	len = lc_yaml_len(y, n);
	for (i = 0; i < len; i++) {
		lc_ynode c = lc_yaml_kind(y, n) == LC_Y_SEQ ? lc_yaml_at(y, n, i)
		                                            : lc_yaml_value_at(y, n, i);
		lc_ynode hit = find_cycle(y, c, colour);

		if (hit == 0 && lc_yaml_kind(y, n) == LC_Y_MAP)
			hit = find_cycle(y, lc_yaml_key_at(y, n, i), colour);
		if (hit != 0)
			return hit;
	}
	colour[n] = 2;
	return 0;
}

static int check_acyclic(const struct lc_yaml *y, struct lc_err *err)
{
	size_t count = (size_t)(y->doc.nodes.top - y->doc.nodes.start);
	unsigned char *colour = calloc(count + 1, 1);
	lc_ynode hit;
	int rc = 0;

	if (colour == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory loading '%s'", y->name);
	hit = find_cycle(y, lc_yaml_root(y), colour);
	if (hit != 0)
		rc = lc_err_set(err, LC_EFORMAT,
		                "%s:%u:%u: an alias makes this node contain itself", y->name,
		                lc_yaml_line(y, hit), lc_yaml_col(y, hit));
	free(colour);
	return rc;
}

int lc_yaml_load_mem(struct lc_yaml **out, const char *name, const char *buf, size_t len,
                     struct lc_err *err)
{
	yaml_parser_t parser;
	struct lc_yaml *y = NULL;
	int parser_ok = 0;
	int rc = 0;

	*out = NULL;
	y = calloc(1, sizeof(*y));
	if (y == NULL || (y->name = strdup(name)) == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory loading '%s'", name);
		goto out;
	}
	if (!yaml_parser_initialize(&parser)) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory loading '%s'", name);
		goto out;
	}
	parser_ok = 1;
	yaml_parser_set_input_string(&parser, (const unsigned char *)buf, len);
	if (!yaml_parser_load(&parser, &y->doc)) {
		rc = lc_err_set(err, LC_EFORMAT, "%s:%zu:%zu: %s%s%s", name,
		                parser.problem_mark.line + 1, parser.problem_mark.column + 1,
		                parser.problem ? parser.problem : "malformed YAML",
		                parser.context ? " " : "", parser.context ? parser.context : "");
		goto out;
	}
	y->loaded = 1;
	rc = check_duplicates(y, err);
	if (rc < 0)
		goto out;
	rc = check_acyclic(y, err);
	if (rc < 0)
		goto out;
	*out = y;
	y = NULL;
out:
	if (parser_ok)
		yaml_parser_delete(&parser);
	lc_yaml_free(y);
	return rc;
}

int lc_yaml_load_file(struct lc_yaml **out, const char *path, struct lc_err *err)
{
	FILE *f = NULL;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	int rc = 0;

	*out = NULL;
	f = fopen(path, "rb");
	if (f == NULL) {
		rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	for (;;) {
		size_t got;

		if (cap - len < 4096) {
			char *nb = realloc(buf, cap ? cap * 2 : 8192);

			if (nb == NULL) {
				rc = lc_err_set(err, LC_ENOMEM, "out of memory reading '%s'", path);
				goto out;
			}
			buf = nb;
			cap = cap ? cap * 2 : 8192;
		}
		got = fread(buf + len, 1, cap - len, f);
		len += got;
		if (got == 0)
			break;
	}
	if (ferror(f)) {
		rc = lc_err_set(err, LC_EIO, "cannot read '%s': %s", path, strerror(errno));
		goto out;
	}
	rc = lc_yaml_load_mem(out, path, buf ? buf : "", len, err);
out:
	if (f != NULL)
		fclose(f);
	free(buf);
	return rc;
}

void lc_yaml_free(struct lc_yaml *y)
{
	if (y == NULL)
		return;
	if (y->loaded)
		yaml_document_delete(&y->doc);
	free(y->name);
	free(y);
}

const char *lc_yaml_name(const struct lc_yaml *y)
{
	return y ? y->name : "";
}

lc_ynode lc_yaml_root(const struct lc_yaml *y)
{
	return node(y, 1) ? 1 : 0;
}

enum lc_ykind lc_yaml_kind(const struct lc_yaml *y, lc_ynode n)
{
	const yaml_node_t *nd = node(y, n);

	if (nd == NULL)
		return LC_Y_NONE;
	switch (nd->type) {
	case YAML_SCALAR_NODE:
		return LC_Y_SCALAR;
	case YAML_SEQUENCE_NODE:
		return LC_Y_SEQ;
	case YAML_MAPPING_NODE:
		return LC_Y_MAP;
	default:
		return LC_Y_NONE;
	}
}

const char *lc_yaml_scalar(const struct lc_yaml *y, lc_ynode n)
{
	const yaml_node_t *nd = node(y, n);

	if (nd == NULL || nd->type != YAML_SCALAR_NODE)
		return NULL;
	return (const char *)nd->data.scalar.value;
}

size_t lc_yaml_len(const struct lc_yaml *y, lc_ynode n)
{
	const yaml_node_t *nd = node(y, n);

	if (nd == NULL)
		return 0;
	if (nd->type == YAML_SEQUENCE_NODE)
		return (size_t)(nd->data.sequence.items.top - nd->data.sequence.items.start);
	if (nd->type == YAML_MAPPING_NODE)
		return (size_t)(nd->data.mapping.pairs.top - nd->data.mapping.pairs.start);
	return 0;
}

lc_ynode lc_yaml_at(const struct lc_yaml *y, lc_ynode seq, size_t i)
{
	const yaml_node_t *nd = node(y, seq);

	if (nd == NULL || nd->type != YAML_SEQUENCE_NODE || i >= lc_yaml_len(y, seq))
		return 0;
	return nd->data.sequence.items.start[i];
}

lc_ynode lc_yaml_key_at(const struct lc_yaml *y, lc_ynode map, size_t i)
{
	const yaml_node_t *nd = node(y, map);

	if (nd == NULL || nd->type != YAML_MAPPING_NODE || i >= lc_yaml_len(y, map))
		return 0;
	return nd->data.mapping.pairs.start[i].key;
}

lc_ynode lc_yaml_value_at(const struct lc_yaml *y, lc_ynode map, size_t i)
{
	const yaml_node_t *nd = node(y, map);

	if (nd == NULL || nd->type != YAML_MAPPING_NODE || i >= lc_yaml_len(y, map))
		return 0;
	return nd->data.mapping.pairs.start[i].value;
}

lc_ynode lc_yaml_get(const struct lc_yaml *y, lc_ynode map, const char *key)
{
	size_t i, n = lc_yaml_len(y, map);

	if (lc_yaml_kind(y, map) != LC_Y_MAP)
		return 0;
	for (i = 0; i < n; i++) {
		const char *k = lc_yaml_scalar(y, lc_yaml_key_at(y, map, i));

		if (k != NULL && strcmp(k, key) == 0)
			return lc_yaml_value_at(y, map, i);
	}
	return 0;
}

unsigned lc_yaml_line(const struct lc_yaml *y, lc_ynode n)
{
	const yaml_node_t *nd = node(y, n);

	return nd ? (unsigned)nd->start_mark.line + 1 : 0;
}

unsigned lc_yaml_col(const struct lc_yaml *y, lc_ynode n)
{
	const yaml_node_t *nd = node(y, n);

	return nd ? (unsigned)nd->start_mark.column + 1 : 0;
}

static int expected(const struct lc_yaml *y, lc_ynode n, const char *what, struct lc_err *err)
{
	const char *s = lc_yaml_scalar(y, n);

	if (node(y, n) == NULL)
		return lc_err_set(err, LC_EFORMAT, "%s: expected %s, got nothing", lc_yaml_name(y),
		                  what);
	return lc_err_set(err, LC_EFORMAT, "%s:%u:%u: expected %s, got %s%s%s", lc_yaml_name(y),
	                  lc_yaml_line(y, n), lc_yaml_col(y, n), what, s ? "'" : "",
	                  s ? s : (lc_yaml_kind(y, n) == LC_Y_MAP ? "a mapping" : "a sequence"),
	                  s ? "'" : "");
}

/* Parses an unsigned decimal or 0x hexadecimal number filling the whole of
 * [s, end); returns 0 or -1. */
static int parse_u64(const char *s, const char *end, uint64_t *out)
{
	uint64_t v = 0;
	int base = 10, digits = 0;

	if (end - s > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	for (; s < end; s++) {
		int d;

		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else if (*s == '_' && digits > 0)
			continue;
		else
			return -1;
		if (v > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
			return -1;
		v = v * (uint64_t)base + (uint64_t)d;
		digits++;
	}
	if (digits == 0)
		return -1;
	*out = v;
	return 0;
}

int lc_yaml_to_u64(const struct lc_yaml *y, lc_ynode n, uint64_t *out, struct lc_err *err)
{
	const char *s = lc_yaml_scalar(y, n);
	uint64_t v;

	if (s == NULL || parse_u64(s, s + strlen(s), &v) < 0)
		return expected(y, n, "a non-negative integer", err);
	*out = v;
	return 0;
}

int lc_yaml_to_double(const struct lc_yaml *y, lc_ynode n, double *out, struct lc_err *err)
{
	const char *s = lc_yaml_scalar(y, n);
	char *end = NULL;
	double v;

	if (s == NULL || *s == '\0')
		return expected(y, n, "a number", err);
	errno = 0;
	v = strtod(s, &end);
	if (errno != 0 || end == s || *end != '\0' || v != v)
		return expected(y, n, "a number", err);
	*out = v;
	return 0;
}

int lc_yaml_to_bool(const struct lc_yaml *y, lc_ynode n, int *out, struct lc_err *err)
{
	static const char *const yes[] = {"true", "yes", "on"};
	static const char *const no[] = {"false", "no", "off"};
	const char *s = lc_yaml_scalar(y, n);
	size_t i;

	for (i = 0; s != NULL && i < sizeof(yes) / sizeof(yes[0]); i++) {
		if (strcasecmp(s, yes[i]) == 0) {
			*out = 1;
			return 0;
		}
		if (strcasecmp(s, no[i]) == 0) {
			*out = 0;
			return 0;
		}
	}
	return expected(y, n, "true or false", err);
}

int lc_yaml_to_size(const struct lc_yaml *y, lc_ynode n, uint64_t *out, struct lc_err *err)
{
	if (lc_size_parse(lc_yaml_scalar(y, n), out) < 0)
		return expected(y, n, "a size such as " LC_SIZE_EXAMPLES, err);
	return 0;
}

int lc_yaml_is_null(const struct lc_yaml *y, lc_ynode n)
{
	const yaml_node_t *nd = node(y, n);
	const char *s;

	if (nd == NULL || nd->type != YAML_SCALAR_NODE ||
	    nd->data.scalar.style != YAML_PLAIN_SCALAR_STYLE)
		return 0;
	s = (const char *)nd->data.scalar.value;
	return s[0] == '\0' || strcmp(s, "~") == 0 || strcmp(s, "null") == 0 ||
	       strcmp(s, "Null") == 0 || strcmp(s, "NULL") == 0;
}
