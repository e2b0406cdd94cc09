/*
 * common/lc_yaml.h - a read-only view of one YAML document, with positions.
 *
 * Named lc_yaml.h, not yaml.h, so that it never shadows libyaml's <yaml.h>.
 *
 * A thin layer over libyaml's document loader: rule packs, .latch.yaml and
 * budgets are small, so the whole document is loaded and then queried by
 * node handle. Every node keeps its line and column, so a wrong value can be
 * reported as "file:line:col: ..." the way a compiler would.
 *
 * Handles are small integers valid for the life of the document; 0 is "no
 * node" and every query accepts it (returning 0, NULL or LC_Y_NONE), so
 * lookups chain without checks: lc_yaml_get(y, lc_yaml_get(y, root, "a"), "b").
 */
#ifndef LC_YAML_H
#define LC_YAML_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct lc_yaml;
typedef int lc_ynode;

enum lc_ykind { LC_Y_NONE, LC_Y_SCALAR, LC_Y_SEQ, LC_Y_MAP };

/* Loads the first document of the file at path. On success *out owns the
 * document (release with lc_yaml_free). A syntax error, a duplicate mapping
 * key or an unreadable file returns LC_EFORMAT or LC_EIO with a message of
 * the form "path:line:col: ..." in err. */
int lc_yaml_load_file(struct lc_yaml **out, const char *path, struct lc_err *err);

/* The same from memory; name is used in messages and copied. */
int lc_yaml_load_mem(struct lc_yaml **out, const char *name, const char *buf, size_t len,
                     struct lc_err *err);

/* Releases the document; NULL does nothing. */
void lc_yaml_free(struct lc_yaml *y);

/* The name given at load time (borrowed). */
const char *lc_yaml_name(const struct lc_yaml *y);

/* The root node, 0 for an empty document. */
lc_ynode lc_yaml_root(const struct lc_yaml *y);

enum lc_ykind lc_yaml_kind(const struct lc_yaml *y, lc_ynode n);

/* The text of a scalar (borrowed, NUL-terminated), NULL for other kinds. */
const char *lc_yaml_scalar(const struct lc_yaml *y, lc_ynode n);

/* The value for a scalar key in a mapping; 0 if absent or n is no mapping. */
lc_ynode lc_yaml_get(const struct lc_yaml *y, lc_ynode map, const char *key);

/* Items of a sequence, pairs of a mapping, 0 otherwise. */
size_t lc_yaml_len(const struct lc_yaml *y, lc_ynode n);

/* Item i of a sequence; key and value of pair i of a mapping; 0 when out of range. */
lc_ynode lc_yaml_at(const struct lc_yaml *y, lc_ynode seq, size_t i);
lc_ynode lc_yaml_key_at(const struct lc_yaml *y, lc_ynode map, size_t i);
lc_ynode lc_yaml_value_at(const struct lc_yaml *y, lc_ynode map, size_t i);

/* 1-based position of a node's start; 0 for no node. */
unsigned lc_yaml_line(const struct lc_yaml *y, lc_ynode n);
unsigned lc_yaml_col(const struct lc_yaml *y, lc_ynode n);

/* Typed readers. On a missing node or a value of the wrong form they fill err
 * with "file:line:col: expected ..., got '...'" and return LC_EFORMAT;
 * *out is written only on success. */
int lc_yaml_to_u64(const struct lc_yaml *y, lc_ynode n, uint64_t *out, struct lc_err *err);
int lc_yaml_to_double(const struct lc_yaml *y, lc_ynode n, double *out, struct lc_err *err);
int lc_yaml_to_bool(const struct lc_yaml *y, lc_ynode n, int *out, struct lc_err *err);

/* A byte size in the grammar of size.h: 4096, 0x1000, 4K, 4KiB, 1M, 2G. */
int lc_yaml_to_size(const struct lc_yaml *y, lc_ynode n, uint64_t *out, struct lc_err *err);

/* 1 when n is a plain scalar that YAML reads as null: empty, "~" or "null"
 * (`key:` with nothing after it); 0 otherwise, also for quoted "". */
int lc_yaml_is_null(const struct lc_yaml *y, lc_ynode n);

#endif /* LC_YAML_H */
