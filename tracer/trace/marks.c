/* tracer/trace/marks.c - marks per key and the time between them (see marks.h). */
#include "trace/marks.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "grow.h"
#include "trace.h"

#define NAME_BIT (UINT64_C(1) << 63) /* map keys of names; values have 48 bits */

int trc_marks_new(struct trc_marks **out, const struct lc_trace *t, struct lc_err *err)
{
	struct trc_marks *m = calloc(1, sizeof(*m));

	*out = NULL;
	if (m == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	m->t = t;
	m->start_ticks = lc_trace_header(t)->start_ticks;
	lc_map_init(&m->index);
	*out = m;
	return 0;
}

void trc_marks_free(struct trc_marks *m)
{
	size_t i;

	if (m == NULL)
		return;
	for (i = 0; i < m->n; i++)
		trc_hist_fini(&m->m[i].iv);
	free(m->m);
	lc_map_fini(&m->index);
	free(m);
}

static uint64_t fnv1a(const uint8_t *p, size_t n)
{
	uint64_t h = UINT64_C(0xcbf29ce484222325);
	size_t i;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * UINT64_C(0x100000001b3);
	return h;
}

static void make_label(struct trc_mark *k)
{
	size_t i, o = 0;

	if (!k->named) {
		snprintf(k->label, sizeof(k->label), "%" PRIu64, k->value);
		return;
	}
	for (i = 0; i < k->name_len; i++) {
		uint8_t c = k->name[i];

		if (c >= 0x20 && c < 0x7f && c != '\\')
			k->label[o++] = (char)c;
		else
			o += (size_t)snprintf(k->label + o, sizeof(k->label) - o, "\\x%02x", c);
	}
	k->label[o] = '\0';
}

/* The key of a mark, created on first sight; NULL when out of memory. */
static struct trc_mark *key_of(struct trc_marks *m, int named, uint64_t value, const uint8_t *name,
                               size_t len)
{
	uint64_t h = named ? (fnv1a(name, len) | NAME_BIT) : value;
	struct trc_mark *k;
	int added;

	for (;;) {
		uint64_t *slot = lc_map_put(&m->index, h, &added);

		if (slot == NULL)
			return NULL;
		if (!added) {
			if (*slot >= m->n)
				return NULL; /* left by an earlier failure */
			k = &m->m[*slot];
			if (!named || (k->name_len == len && memcmp(k->name, name, len) == 0))
				return k;
			/* Two names with one hash: probe on, among names only. */
			h = (h * UINT64_C(0x9E3779B97F4A7C15) + 1u) | NAME_BIT;
			continue;
		}
		if (lc_grow(&m->m, &m->cap, m->n + 1u, sizeof(*m->m), 16u) < 0) {
			/* The slot stays, pointing past the end: make it harmless. */
			*slot = SIZE_MAX;
			return NULL;
		}
		*slot = m->n;
		k = &m->m[m->n++];
		memset(k, 0, sizeof(*k));
		k->named = named;
		k->value = value;
		k->name_len = len;
		if (named)
			memcpy(k->name, name, len);
		trc_hist_init(&k->iv);
		make_label(k);
		return k;
	}
}

int trc_marks_feed(struct trc_marks *m, uint32_t thread, uint64_t gaps, uint64_t offset)
{
	const uint8_t *name = NULL;
	struct lc_trace_slot x, *s = &x;
	struct trc_mark *k;
	size_t len = 0;
	uint64_t at;

	if (lc_trace_slot_at(m->t, offset, &x) < 0)
		return 0; /* not a record of this trace (a caller's bug, not the file's) */
	if (s->kind == LC_TRACE_EXT) {
		if (s->ext_type != LC_TRACE_EXT_MARK)
			return 0;
		name = lc_trace_slot_payload(m->t, s);
		len = s->ext_len;
		if (name == NULL || len > TRC_MARK_NAME_MAX) {
			m->malformed++;
			return 0;
		}
	} else if (s->kind != LC_TRACE_MARK) {
		return 0;
	}
	m->total++;
	k = key_of(m, name != NULL, s->addr, name, len);
	if (k == NULL) {
		m->oom = 1;
		return LC_ENOMEM;
	}
	at = s->ticks > m->start_ticks ? lc_trace_ticks_to_ns(m->t, s->ticks - m->start_ticks) : 0;
	if (k->count == 0)
		k->first_ns = at;
	k->last_ns = at > k->last_ns ? at : k->last_ns;
	k->count++;
	if (!k->has_prev || k->prev_thread != thread)
		k->threads++;
	else if (k->prev_gaps == gaps && s->ticks >= k->prev_ticks) {
		uint64_t d = lc_trace_ticks_to_ns(m->t, s->ticks - k->prev_ticks);

		if (trc_hist_add(&k->iv, d) < 0) {
			m->oom = 1;
			return LC_ENOMEM;
		}
		k->iv_sum_ns += d;
	}
	k->has_prev = 1;
	k->prev_thread = thread;
	k->prev_gaps = gaps;
	k->prev_ticks = s->ticks;
	return 0;
}

static int cmp_mark(const void *pa, const void *pb)
{
	const struct trc_mark *a = pa, *b = pb;
	size_t n;
	int c;

	if (a->named != b->named)
		return a->named ? -1 : 1;
	if (!a->named)
		return a->value < b->value ? -1 : a->value > b->value;
	n = a->name_len < b->name_len ? a->name_len : b->name_len;
	c = memcmp(a->name, b->name, n);
	if (c != 0)
		return c;
	return a->name_len < b->name_len ? -1 : a->name_len > b->name_len;
}

void trc_marks_finish(struct trc_marks *m)
{
	if (m->n > 1)
		qsort(m->m, m->n, sizeof(*m->m), cmp_mark);
	/* The index points at the old order: no feed may follow. */
	lc_map_fini(&m->index);
	lc_map_init(&m->index);
}

/* Parses a whole decimal or 0x-hex integer. */
static int parse_value(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return -1;
	v = strtoull(s, &end, (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) ? 16 : 10);
	if (end == s || *end != '\0')
		return -1;
	*out = (uint64_t)v;
	return 0;
}

const struct trc_mark *trc_marks_find(const struct trc_marks *m, const char *key)
{
	size_t i, len = strlen(key);
	uint64_t v;

	for (i = 0; i < m->n; i++)
		if (m->m[i].named && m->m[i].name_len == len && memcmp(m->m[i].name, key, len) == 0)
			return &m->m[i];
	if (parse_value(key, &v) < 0)
		return NULL;
	for (i = 0; i < m->n; i++)
		if (!m->m[i].named && m->m[i].value == v)
			return &m->m[i];
	return NULL;
}
