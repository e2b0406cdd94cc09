/*
 * tracer/cmd_export.c - `latch-trace export TRACE --format chrome|folded`:
 * the trace for other tools.
 *
 *  - chrome: the Trace Event Format (JSON) that Perfetto and chrome://tracing
 *    open: one complete event ("ph": "X") per call, times in microseconds.
 *    Function names are escaped by jansson once each; the events themselves
 *    hold only numbers.
 *  - folded: one line per distinct call stack, "main;step;pid_step 1234",
 *    the value being self time in ns (hook cost subtracted as in report),
 *    the input of flamegraph.pl and speedscope.
 *
 * Both stream the records once per thread with a fixed shadow stack; folded
 * keeps one counter per distinct stack (bounded by the program's call
 * graph, not by the trace length).
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "trace/profile.h"
#include "cmd.h"
#include "trace.h"

#define MAX_DEPTH 256u

struct frame {
	uint64_t addr, start, child; /* child: corrected ticks of direct callees */
	uint64_t desc;
	uint32_t fn;   /* index into a->fns, or UINT32_MAX */
	uint32_t node; /* folded: stack node of this frame */
};

/* Folded stacks as a tree of (parent, function) nodes; node 0 is the root. */
struct node {
	uint32_t parent, fn;
	uint64_t self_ticks;
};

struct exporter {
	const struct trc_profile *a;
	FILE *f;
	int chrome;
	char **jnames; /* chrome: each function's name as a JSON string */
	struct node *nodes;
	size_t nnodes, capnodes;
	uint32_t *hkeys; /* (parent, fn) -> node + 1, open addressing */
	size_t hcap;
	int first_event;
	uint64_t t0;
	struct addr_idx *by_addr; /* a->fns sorted by address */
};

static void print_help(FILE *f)
{
	fprintf(f, "usage: latch-trace export [options] TRACE\n\n"
	           "Writes the trace for other tools.\n\n"
	           "options:\n"
	           "  --format chrome  Trace Event Format JSON (Perfetto, chrome://tracing)\n"
	           "  --format folded  folded stacks with self time in ns (flame graphs)\n"
	           "  -o FILE          write to FILE instead of stdout\n"
	           "  --exe PATH       the traced executable, when it moved\n");
}

struct addr_idx {
	uint64_t addr;
	uint32_t fn;
};

static int cmp_addr(const void *pa, const void *pb)
{
	const struct addr_idx *x = pa, *y = pb;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The function of an entry address (binary search), or UINT32_MAX. */
static uint32_t fn_index(const struct exporter *e, uint64_t addr)
{
	size_t lo = 0, hi = e->a->nfns;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2u;

		if (e->by_addr[mid].addr < addr)
			lo = mid + 1u;
		else
			hi = mid;
	}
	return lo < e->a->nfns && e->by_addr[lo].addr == addr ? e->by_addr[lo].fn : UINT32_MAX;
}

static int node_of(struct exporter *e, uint32_t parent, uint32_t fn, uint32_t *out)
{
	size_t h, mask;

	if ((e->nnodes + 1u) * 2u > e->hcap) {
		size_t cap = e->hcap ? e->hcap * 2u : 1024u, i;
		uint32_t *keys = calloc(cap, sizeof(*keys));

		if (keys == NULL)
			return LC_ENOMEM;
		for (i = 1; i < e->nnodes; i++) {
			size_t j = ((uint64_t)e->nodes[i].parent * 0x9E3779B1u + e->nodes[i].fn) &
			           (cap - 1u);

			while (keys[j] != 0)
				j = (j + 1u) & (cap - 1u);
			keys[j] = (uint32_t)i + 1u;
		}
		free(e->hkeys);
		e->hkeys = keys;
		e->hcap = cap;
	}
	mask = e->hcap - 1u;
	for (h = ((uint64_t)parent * 0x9E3779B1u + fn) & mask; e->hkeys[h] != 0;
	     h = (h + 1u) & mask) {
		const struct node *n = &e->nodes[e->hkeys[h] - 1u];

		if (n->parent == parent && n->fn == fn) {
			*out = e->hkeys[h] - 1u;
			return 0;
		}
	}
	if (e->nnodes == e->capnodes) {
		size_t cap = e->capnodes * 2u;
		struct node *nn = realloc(e->nodes, cap * sizeof(*nn));

		if (nn == NULL)
			return LC_ENOMEM;
		e->nodes = nn;
		e->capnodes = cap;
	}
	e->nodes[e->nnodes].parent = parent;
	e->nodes[e->nnodes].fn = fn;
	e->nodes[e->nnodes].self_ticks = 0;
	e->hkeys[h] = (uint32_t)e->nnodes + 1u;
	*out = (uint32_t)e->nnodes++;
	return 0;
}

static int run_thread(struct exporter *e, size_t thread)
{
	const struct trc_profile *a = e->a;
	const struct lc_trace_header *h = lc_trace_header(a->t);
	const struct lc_trace_thread *th = lc_trace_thread(a->t, thread);
	struct frame st[MAX_DEPTH];
	uint32_t depth = 0, over = 0;
	const uint8_t *recs;
	uint64_t off;
	size_t k, n, i;
	int gap, rc = 0;

	for (k = 0; rc == 0 && (n = lc_trace_chunk_records(a->t, thread, k, &recs, &off, &gap)) > 0;
	     k++) {
		for (i = 0; rc == 0 && i < n; i++) {
			uint64_t ticks, word, addr;
			unsigned kind;

			memcpy(&ticks, recs + i * 16u, 8);
			memcpy(&word, recs + i * 16u + 8u, 8);
			kind = (unsigned)(word >> 48) & 3u;
			addr = word & ((UINT64_C(1) << 48) - 1u);
			if (i == 0 && gap)
				depth = over = 0;
			if (kind == LC_TRACE_EXT) {
				i += ((word & 0xffffu) + 15u) / 16u;
				continue;
			}
			if (kind == LC_TRACE_ENTER) {
				if (depth == MAX_DEPTH || over > 0) {
					over++;
					continue;
				}
				st[depth].addr = addr;
				st[depth].start = ticks;
				st[depth].child = st[depth].desc = 0;
				st[depth].fn = fn_index(e, addr);
				if (!e->chrome)
					rc = node_of(e, depth ? st[depth - 1u].node : 0u,
					             st[depth].fn, &st[depth].node);
				depth++;
			} else if (kind == LC_TRACE_EXIT) {
				uint64_t raw, corr;
				struct frame *fr;

				if (over > 0) {
					over--;
					continue;
				}
				if (depth == 0 || st[depth - 1u].addr != addr)
					continue; /* unpaired: report counts these */
				fr = &st[--depth];
				raw = ticks > fr->start ? ticks - fr->start : 0;
				corr = trc_stats_corrected_call(raw, fr->desc, h->hook_cost_ticks,
				                                h->hook_residue_ticks);
				if (depth > 0) {
					st[depth - 1u].child += corr;
					st[depth - 1u].desc += fr->desc + 1u;
				}
				if (!e->chrome) {
					e->nodes[fr->node].self_ticks +=
					        corr > fr->child ? corr - fr->child : 0;
				} else if (fr->fn != UINT32_MAX) {
					double ts = (double)lc_trace_ticks_to_ns(
					                    a->t, fr->start - e->t0) /
					            1e3;
					double dur = (double)lc_trace_ticks_to_ns(a->t, corr) / 1e3;

					fprintf(e->f,
					        "%s\n{\"name\":%s,\"ph\":\"X\",\"ts\":%.3f,\"dur\":"
					        "%.3f,\"pid\":%u,\"tid\":%u}",
					        e->first_event ? "" : ",", e->jnames[fr->fn], ts,
					        dur, h->pid, th->tid);
					e->first_event = 0;
				}
			}
		}
	}
	return rc;
}

/* Writes node's stack "a;b;c" (root first). */
static void put_stack(const struct exporter *e, uint32_t node)
{
	if (node == 0)
		return;
	if (e->nodes[node].parent != 0) {
		put_stack(e, e->nodes[node].parent);
		fputc(';', e->f);
	}
	if (e->nodes[node].fn != UINT32_MAX)
		fputs(e->a->fns[e->nodes[node].fn].label, e->f);
	else
		fputs("?", e->f);
}

int trc_cmd_export(int argc, char **argv, const struct trc_opts *opts)
{
	struct exporter e = {0};
	struct trc_profile *a = NULL;
	struct lc_err err = {0};
	const char *trace = NULL, *out = NULL, *exe = NULL, *fmt = NULL;
	size_t i;
	int status = 2, rc = 0;

	(void)opts;
	for (i = 1; i < (size_t)argc; i++) {
		const char *v = i + 1 < (size_t)argc ? argv[i + 1] : NULL;

		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
			print_help(stdout);
			return 0;
		} else if ((strcmp(argv[i], "--format") == 0 || strcmp(argv[i], "-o") == 0 ||
		            strcmp(argv[i], "--exe") == 0) &&
		           v == NULL) {
			trc_fail("option '%s' needs a value", argv[i]);
			return 2;
		} else if (strcmp(argv[i], "--format") == 0) {
			fmt = argv[++i];
		} else if (strcmp(argv[i], "-o") == 0) {
			out = argv[++i];
		} else if (strcmp(argv[i], "--exe") == 0) {
			exe = argv[++i];
		} else if (argv[i][0] == '-') {
			trc_fail("unknown option '%s' (see latch-trace export --help)", argv[i]);
			return 2;
		} else {
			trace = argv[i];
		}
	}
	if (trace == NULL || fmt == NULL ||
	    (strcmp(fmt, "chrome") != 0 && strcmp(fmt, "folded") != 0)) {
		trc_fail("usage: latch-trace export TRACE --format chrome|folded [-o FILE]");
		return 2;
	}
	e.chrome = strcmp(fmt, "chrome") == 0;
	if (trc_profile_load(&a, trace, exe, -1, &err) < 0) {
		trc_fail("%s: %s", trace, err.msg);
		goto out;
	}
	if (a->summary_mode) {
		trc_fail("%s: a summary-mode trace holds no calls to export", trace);
		goto out;
	}
	e.a = a;
	e.first_event = 1;
	e.t0 = lc_trace_header(a->t)->start_ticks;
	e.f = out ? fopen(out, "w") : stdout;
	if (e.f == NULL) {
		trc_fail("cannot open '%s': %s", out, strerror(errno));
		goto out;
	}
	e.jnames = calloc(a->nfns ? a->nfns : 1, sizeof(*e.jnames));
	e.capnodes = 1024;
	e.nodes = calloc(e.capnodes, sizeof(*e.nodes));
	if (e.jnames == NULL || e.nodes == NULL)
		rc = LC_ENOMEM;
	e.nnodes = 1; /* the root */
	e.by_addr = calloc(a->nfns ? a->nfns : 1, sizeof(*e.by_addr));
	if (e.by_addr == NULL)
		rc = LC_ENOMEM;
	for (i = 0; rc == 0 && i < a->nfns; i++) {
		e.by_addr[i].addr = a->fns[i].st->addr;
		e.by_addr[i].fn = (uint32_t)i;
	}
	if (rc == 0)
		qsort(e.by_addr, a->nfns, sizeof(*e.by_addr), cmp_addr);
	for (i = 0; rc == 0 && e.chrome && i < a->nfns; i++) {
		json_t *s = json_string(a->fns[i].label);

		e.jnames[i] = s ? json_dumps(s, JSON_ENCODE_ANY) : NULL;
		json_decref(s);
		if (e.jnames[i] == NULL)
			rc = LC_ENOMEM;
	}
	if (rc == 0 && e.chrome)
		fputs("{\"displayTimeUnit\":\"ns\",\"traceEvents\":[", e.f);
	for (i = 0; rc == 0 && i < lc_trace_thread_count(a->t); i++)
		rc = run_thread(&e, i);
	if (rc == 0 && e.chrome)
		fputs("\n]}\n", e.f);
	for (i = 1; rc == 0 && !e.chrome && i < e.nnodes; i++) {
		if (e.nodes[i].self_ticks == 0)
			continue;
		put_stack(&e, (uint32_t)i);
		fprintf(e.f, " %" PRIu64 "\n", lc_trace_ticks_to_ns(a->t, e.nodes[i].self_ticks));
	}
	if (rc < 0) {
		trc_fail("out of memory");
		goto out;
	}
	if (fflush(e.f) != 0 || ferror(e.f)) {
		trc_fail("cannot write '%s': %s", out ? out : "stdout", strerror(errno));
		goto out;
	}
	status = trc_profile_print_problems(a) > 0 ? 2 : 0;
out:
	if (e.f != NULL && e.f != stdout)
		fclose(e.f);
	for (i = 0; e.jnames != NULL && i < a->nfns; i++)
		free(e.jnames[i]);
	free(e.jnames);
	free(e.nodes);
	free(e.hkeys);
	free(e.by_addr);
	trc_profile_free(a);
	return status;
}
