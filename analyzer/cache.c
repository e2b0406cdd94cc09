/*
 * analyzer/cache.c - content hashes of the files a TU depends on, the cache
 * key of a TU, and the on-disk cache of summaries.
 *
 * Cache entries are JSON (jansson), one file per TU. A corrupt or foreign
 * entry is a miss, never an error: the TU is simply parsed again.
 */
#define _POSIX_C_SOURCE 200809L
#include "cache.h"

#include <jansson.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "strmap.h"
#include "util.h"

#define AN_CACHE_FORMAT 6

/* ---- content hashes ---------------------------------------------------- */

struct an_hashcache {
	pthread_mutex_t lock;
	struct lc_strmap map; /* path -> index into ents */
	struct an_sdep *ents; /* path borrowed from map keys is not kept: own copy */
	size_t n, cap;
};

int an_hashcache_new(struct an_hashcache **out)
{
	struct an_hashcache *hc = calloc(1, sizeof(*hc));

	*out = NULL;
	if (!hc)
		return LC_ENOMEM;
	pthread_mutex_init(&hc->lock, NULL);
	*out = hc;
	return 0;
}

void an_hashcache_free(struct an_hashcache *hc)
{
	size_t i;

	if (!hc)
		return;
	for (i = 0; i < hc->n; i++)
		free(hc->ents[i].path);
	free(hc->ents);
	lc_strmap_fini(&hc->map);
	pthread_mutex_destroy(&hc->lock);
	free(hc);
}

static int hash_file(struct an_sdep *d, const char *path)
{
	struct stat st;
	char *buf = NULL;
	size_t len = 0;
	int rc;

	if (stat(path, &st) != 0)
		return LC_EIO;
	rc = an_util_read_file(&buf, &len, path);
	if (rc < 0)
		return rc;
	d->size = (int64_t)st.st_size;
	d->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	d->hash = an_hash(AN_HASH_INIT, buf, len);
	free(buf);
	return 0;
}

int an_hashcache_dep(struct an_hashcache *hc, struct an_sdep *d, const char *path)
{
	const size_t *idx;
	int rc = 0, known;
	struct an_sdep tmp = {0};

	memset(d, 0, sizeof(*d));
	pthread_mutex_lock(&hc->lock);
	idx = lc_strmap_get(&hc->map, path);
	known = idx != NULL;
	if (known)
		tmp = hc->ents[*idx];
	pthread_mutex_unlock(&hc->lock);
	if (!known) {
		/* Hash outside the lock; two threads may hash the same file once
		 * each, which is harmless. */
		rc = hash_file(&tmp, path);
		if (rc < 0)
			return rc;
		pthread_mutex_lock(&hc->lock);
		if (lc_strmap_get(&hc->map, path) == NULL) {
			rc = an_util_grow((void **)&hc->ents, &hc->cap, hc->n + 1,
			                  sizeof(*hc->ents));
			if (rc == 0) {
				size_t *slot = NULL;

				hc->ents[hc->n] = tmp;
				hc->ents[hc->n].path = strdup(path);
				if (hc->ents[hc->n].path)
					slot = lc_strmap_put(&hc->map, path, NULL);
				if (slot) {
					*slot = hc->n++;
				} else {
					free(hc->ents[hc->n].path);
					rc = LC_ENOMEM;
				}
			}
		}
		pthread_mutex_unlock(&hc->lock);
		if (rc < 0)
			return rc;
	}
	*d = tmp;
	d->path = strdup(path);
	return d->path ? 0 : LC_ENOMEM;
}

/* Checks a recorded dependency against the file now on disk: the mtime and
 * size pre-check avoids reading unchanged files, like git's index. */
static int dep_unchanged(struct an_hashcache *hc, const struct an_sdep *d)
{
	struct stat st;
	struct an_sdep now;
	int same;

	if (stat(d->path, &st) != 0)
		return 0;
	if ((int64_t)st.st_size == d->size &&
	    (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec == d->mtime_ns)
		return 1;
	if (an_hashcache_dep(hc, &now, d->path) < 0)
		return 0;
	same = now.hash == d->hash && now.size == d->size;
	free(now.path);
	return same;
}

uint64_t an_summary_key(const char *file, const char *const *argv, int argc,
                        const char *tool_version)
{
	uint64_t h = AN_HASH_INIT;
	int i;
	char fmt[16];

	snprintf(fmt, sizeof(fmt), "fmt%d", AN_CACHE_FORMAT);
	h = an_hash_str(h, fmt);
	h = an_hash_str(h, tool_version);
	h = an_hash_str(h, file);
	for (i = 0; i < argc; i++)
		h = an_hash_str(h, argv[i]);
	return h;
}

/* ---- JSON (de)serialisation ---------------------------------------------- */

static void entry_path(char *buf, size_t n, const char *dir, uint64_t key)
{
	snprintf(buf, n, "%s/%016llx.json", dir, (unsigned long long)key);
}

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *summary_to_json(const struct an_summary *s)
{
	json_t *o = json_object(), *a;
	size_t i;

	json_object_set_new(o, "format", json_integer(AN_CACHE_FORMAT));
	json_object_set_new(o, "tu", json_string(s->tu_file));
	a = json_array();
	for (i = 0; i < s->nfuncs; i++) {
		const struct an_sfunc *f = &s->funcs[i];
		json_array_append_new(a, json_pack("[s s s i i o i]", f->name, f->usr, f->file,
		                                   (int)f->line, (int)f->col, jstr(f->type),
		                                   (int)f->flags));
	}
	json_object_set_new(o, "funcs", a);
	a = json_array();
	for (i = 0; i < s->ncalls; i++) {
		const struct an_scall *c = &s->calls[i];
		/* trips: -1 for AN_TRIPS_UNBOUNDED (json integers are signed) */
		json_array_append_new(
		        a, json_pack("[s o s s i i i o I]", c->caller_usr, jstr(c->callee_usr),
		                     c->callee_name, c->file, (int)c->line, (int)c->col,
		                     (int)c->kind, jstr(c->fptr_type),
		                     c->trips == AN_TRIPS_UNBOUNDED ? (json_int_t)-1
		                                                    : (json_int_t)c->trips));
	}
	json_object_set_new(o, "calls", a);
	a = json_array();
	for (i = 0; i < s->nviols; i++) {
		const struct an_sviol *v = &s->viols[i];
		json_array_append_new(a, json_pack("[i s s i i s]", (int)v->rule, v->func_usr,
		                                   v->file, (int)v->line, (int)v->col, v->msg));
	}
	json_object_set_new(o, "viols", a);
	a = json_array();
	for (i = 0; i < s->nsupps; i++) {
		const struct an_ssupp *p = &s->supps[i];
		json_array_append_new(a, json_pack("[s i i i i I o o]", p->file, (int)p->line,
		                                   (int)p->col, (int)p->alone, (int)p->rules,
		                                   (json_int_t)p->bound, jstr(p->reason),
		                                   jstr(p->error)));
	}
	json_object_set_new(o, "supps", a);
	a = json_array();
	for (i = 0; i < s->ndeps; i++) {
		const struct an_sdep *d = &s->deps[i];
		char h[32];
		snprintf(h, sizeof(h), "%016llx", (unsigned long long)d->hash);
		json_array_append_new(a, json_pack("[s I I s]", d->path, (json_int_t)d->size,
		                                   (json_int_t)d->mtime_ns, h));
	}
	json_object_set_new(o, "deps", a);
	a = json_array();
	for (i = 0; i < s->ncasts; i++) {
		const struct an_scast *c = &s->casts[i];
		json_array_append_new(a, json_pack("[o o s i i]", jstr(c->usr), jstr(c->type),
		                                   c->file, (int)c->line, (int)c->col));
	}
	json_object_set_new(o, "casts", a);
	json_object_set_new(o, "note", jstr(s->note));
	return o;
}

static int summary_from_json(struct an_summary **out, json_t *o)
{
	struct an_summary *s = NULL;
	json_t *a, *e;
	size_t i;
	int rc = LC_EFORMAT;
	const char *tu = NULL;
	int fmt = 0;

	*out = NULL;
	if (json_unpack(o, "{s:i s:s}", "format", &fmt, "tu", &tu) != 0 || fmt != AN_CACHE_FORMAT)
		goto out;
	if (an_summary_new(&s, tu) < 0) {
		rc = LC_ENOMEM;
		goto out;
	}
	a = json_object_get(o, "funcs");
	json_array_foreach(a, i, e)
	{
		struct an_sfunc f = {0};
		int line, col, flags;
		json_t *type;
		if (json_unpack(e, "[s s s i i o i]", &f.name, &f.usr, &f.file, &line, &col, &type,
		                &flags) != 0)
			goto out;
		f.type = (char *)json_string_value(type);
		f.line = (unsigned)line;
		f.col = (unsigned)col;
		f.flags = (unsigned)flags;
		if (an_summary_add_func(s, &f) < 0)
			goto out;
	}
	a = json_object_get(o, "calls");
	json_array_foreach(a, i, e)
	{
		struct an_scall c = {0};
		int line, col, kind;
		json_int_t trips;
		json_t *cu, *ft;
		if (json_unpack(e, "[s o s s i i i o I]", &c.caller_usr, &cu, &c.callee_name,
		                &c.file, &line, &col, &kind, &ft, &trips) != 0 ||
		    (trips < 1 && trips != -1))
			goto out;
		c.trips = trips == -1 ? AN_TRIPS_UNBOUNDED : (uint64_t)trips;
		c.callee_usr = (char *)json_string_value(cu);
		c.fptr_type = (char *)json_string_value(ft);
		c.line = (unsigned)line;
		c.col = (unsigned)col;
		c.kind = (enum an_call_kind)kind;
		if (an_summary_add_call(s, &c) < 0)
			goto out;
	}
	a = json_object_get(o, "viols");
	json_array_foreach(a, i, e)
	{
		struct an_sviol v = {0};
		int rule, line, col;
		if (json_unpack(e, "[i s s i i s]", &rule, &v.func_usr, &v.file, &line, &col,
		                &v.msg) != 0)
			goto out;
		v.rule = (enum an_rule)rule;
		v.line = (unsigned)line;
		v.col = (unsigned)col;
		if (an_summary_add_viol(s, &v) < 0)
			goto out;
	}
	a = json_object_get(o, "supps");
	json_array_foreach(a, i, e)
	{
		struct an_ssupp p = {0};
		int line, col, alone, rules;
		json_int_t bound;
		json_t *reason, *error;
		if (json_unpack(e, "[s i i i i I o o]", &p.file, &line, &col, &alone, &rules,
		                &bound, &reason, &error) != 0)
			goto out;
		p.alone = (unsigned)alone;
		p.reason = (char *)json_string_value(reason);
		p.error = (char *)json_string_value(error);
		p.line = (unsigned)line;
		p.col = (unsigned)col;
		p.rules = (unsigned)rules;
		p.bound = (long)bound;
		if (an_summary_add_supp(s, &p) < 0)
			goto out;
	}
	a = json_object_get(o, "deps");
	json_array_foreach(a, i, e)
	{
		struct an_sdep d = {0};
		json_int_t size, mt;
		const char *h;
		if (json_unpack(e, "[s I I s]", &d.path, &size, &mt, &h) != 0)
			goto out;
		d.size = size;
		d.mtime_ns = mt;
		d.hash = strtoull(h, NULL, 16);
		if (an_summary_add_dep(s, &d) < 0)
			goto out;
	}
	a = json_object_get(o, "casts");
	json_array_foreach(a, i, e)
	{
		struct an_scast c = {0};
		int line, col;
		json_t *u, *t;
		if (json_unpack(e, "[o o s i i]", &u, &t, &c.file, &line, &col) != 0)
			goto out;
		c.usr = (char *)json_string_value(u);
		c.type = (char *)json_string_value(t);
		c.line = (unsigned)line;
		c.col = (unsigned)col;
		if (an_summary_add_cast(s, &c) < 0)
			goto out;
	}
	if (json_is_string(json_object_get(o, "note")) &&
	    an_summary_set_note(s, json_string_value(json_object_get(o, "note"))) < 0)
		goto out;
	*out = s;
	s = NULL;
	rc = 0;
out:
	an_summary_free(s);
	return rc;
}

int an_summary_cache_load(struct an_summary **out, const char *dir, uint64_t key,
                          struct an_hashcache *hc)
{
	char path[4096];
	json_t *o = NULL;
	struct an_summary *s = NULL;
	size_t i;
	int rc = 0;

	*out = NULL;
	entry_path(path, sizeof(path), dir, key);
	o = json_load_file(path, 0, NULL);
	if (!o)
		goto out;
	rc = summary_from_json(&s, o);
	if (rc == LC_EFORMAT) {
		rc = 0;
		goto out;
	}
	if (rc < 0)
		goto out;
	for (i = 0; i < s->ndeps; i++) {
		if (!dep_unchanged(hc, &s->deps[i]))
			goto out;
	}
	s->from_cache = 1;
	*out = s;
	s = NULL;
out:
	an_summary_free(s);
	json_decref(o);
	return rc;
}

int an_summary_cache_store(const struct an_summary *s, const char *dir, uint64_t key,
                           struct lc_err *err)
{
	char path[4096], tmp[4200];
	json_t *o = NULL;
	int rc = 0;

	if (mkdir(dir, 0777) != 0) {
		struct stat st;
		if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode)) {
			rc = lc_err_set(err, LC_EIO, "cannot create cache directory '%s'", dir);
			goto out;
		}
	}
	entry_path(path, sizeof(path), dir, key);
	snprintf(tmp, sizeof(tmp), "%s.%ld.%p.tmp", path, (long)getpid(), (const void *)s);
	o = summary_to_json(s);
	if (!o || json_dump_file(o, tmp, JSON_COMPACT) != 0 || rename(tmp, path) != 0) {
		unlink(tmp);
		rc = lc_err_set(err, LC_EIO, "cannot write cache entry '%s'", path);
		goto out;
	}
out:
	json_decref(o);
	return rc;
}
