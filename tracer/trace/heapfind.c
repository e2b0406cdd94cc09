/* tracer/trace/heapfind.c - heap-guard sites of a trace (see heapfind.h). */
#include "trace/heapfind.h"

#include <stdlib.h>
#include <string.h>

#include "grow.h"

static struct trc_heap_site *find_site(struct trc_heapfind *h, const struct lc_trace_heap *e)
{
	uint64_t caller = e->nframes ? e->frames[0] : 0;
	size_t i;

	/* Sites are few (each is a defect to fix): a linear search is enough. */
	for (i = 0; i < h->nsites; i++)
		if (h->sites[i].root == e->root && h->sites[i].alloc == e->alloc &&
		    h->sites[i].caller == caller)
			return &h->sites[i];
	return NULL;
}

static int add_event(struct trc_heapfind *h, const struct lc_trace *t, uint32_t thread,
                     const struct lc_trace_rec *rec, const struct lc_trace_heap *e)
{
	struct trc_heap_site *s = find_site(h, e);

	if (s == NULL) {
		if (lc_grow(&h->sites, &h->capsites, h->nsites + 1u, sizeof(*h->sites), 8u) < 0)
			return LC_ENOMEM;
		s = &h->sites[h->nsites++];
		memset(s, 0, sizeof(*s));
		s->alloc = e->alloc;
		s->root = e->root;
		s->caller = e->nframes ? e->frames[0] : 0;
		s->first_ns = lc_trace_time_ns(t, rec->ticks);
		s->thread = thread;
		s->offset = rec->offset;
		s->nframes = e->nframes;
		memcpy(s->frames, e->frames, e->nframes * sizeof(e->frames[0]));
	}
	s->count++;
	if (e->size > s->max_size)
		s->max_size = e->size;
	return 0;
}

int trc_heapfind_run(struct trc_heapfind **out, const struct lc_trace *t, struct lc_err *err)
{
	struct trc_heapfind *h = calloc(1, sizeof(*h));
	size_t i, n = lc_trace_thread_count(t);
	int rc = 0;

	*out = NULL;
	if (h == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	if (lc_trace_header(t)->heap_events == 0)
		goto out;
	for (i = 0; i < n && rc == 0; i++) {
		struct lc_trace_iter it;
		struct lc_trace_rec rec;
		struct lc_trace_heap e;

		lc_trace_iter_init(&it, t, i);
		while (rc == 0 && lc_trace_iter_next(&it, &rec)) {
			if (rec.kind != LC_TRACE_EXT || rec.ext_type != LC_TRACE_EXT_HEAP)
				continue;
			h->events++;
			if (lc_trace_heap_decode(&e, &rec) < 0) {
				h->malformed++;
				continue;
			}
			if (add_event(h, t, lc_trace_thread(t, i)->index, &rec, &e) < 0)
				rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		}
	}
out:
	if (rc < 0) {
		trc_heapfind_free(h);
		h = NULL;
	}
	*out = h;
	return rc;
}

void trc_heapfind_free(struct trc_heapfind *h)
{
	if (h == NULL)
		return;
	free(h->sites);
	free(h);
}

const char *trc_heapfind_alloc_name(enum lc_trace_alloc a)
{
	static const char *const names[] = {"?",     "malloc",        "calloc",         "realloc",
	                                    "free",  "aligned_alloc", "posix_memalign", "memalign",
	                                    "valloc"};

	return (unsigned)a < sizeof(names) / sizeof(names[0]) ? names[a] : "?";
}
