/* tracer/trace/profile.c - load, aggregate and symbolize a trace (see profile.h). */
#define _GNU_SOURCE
#include "trace/profile.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "trace/interfere.h"
#include "trace/marks.h"
#include "path.h"
#include "report/out.h"
#include "trace.h"
#include "report/units.h"

void trc_profile_free(struct trc_profile *a)
{
	if (a == NULL)
		return;
	free(a->fns);
	trc_sym_free(a->sym);
	trc_stats_free(a->stats);
	trc_marks_free(a->marks);
	lc_trace_close(a->t);
	free(a);
}

static int load_summary(struct trc_profile *a, struct lc_err *err)
{
	size_t i, n = lc_trace_summary_count(a->t);

	for (i = 0; i < n; i++) {
		const struct lc_trace_summary *e = lc_trace_summary(a->t, i);

		if (trc_stats_add_summary(a->stats, e->addr, e->count, e->min, e->max, e->sum,
		                          e->max_stack, e->buckets, e->nbuckets) < 0)
			return lc_err_set(err, LC_ENOMEM, "out of memory");
	}
	return 0;
}

static int symbolize(struct trc_profile *a, const char *exe, struct lc_err *err)
{
	char cwd[4096];
	size_t i;
	int rc;

	/* source paths are shown relative to the working directory when under it */
	if (getcwd(cwd, sizeof(cwd)) == NULL)
		cwd[0] = '\0';
	rc = trc_sym_new(&a->sym, a->t, exe, err);
	if (rc < 0)
		return rc;
	a->nfns = trc_stats_count(a->stats);
	a->fns = calloc(a->nfns ? a->nfns : 1, sizeof(*a->fns));
	if (a->fns == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < a->nfns; i++) {
		struct trc_fn *f = &a->fns[i];

		f->st = trc_stats_at(a->stats, i);
		rc = trc_sym_lookup(a->sym, f->st->addr, &f->sym, err);
		if (rc < 0)
			return rc;
		if (f->sym.name != NULL)
			snprintf(f->label, sizeof(f->label), "%s", f->sym.name);
		else
			snprintf(f->label, sizeof(f->label), "0x%" PRIx64, f->st->addr);
		if (f->sym.file != NULL && f->sym.line > 0)
			snprintf(f->where, sizeof(f->where), "%s:%u",
			         lc_path_under(f->sym.file, cwd), f->sym.line);
	}
	return 0;
}

int trc_profile_load(struct trc_profile **out, const char *path, const char *exe, long thread,
                     struct lc_err *err)
{
	struct trc_profile *a = calloc(1, sizeof(*a));
	const struct lc_trace_header *h;
	int rc;

	if (a == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	a->path = path;
	rc = lc_trace_open(&a->t, path, err);
	if (rc < 0)
		goto out;
	h = lc_trace_header(a->t);
	a->lost = h->lost_total;
	a->summary_mode = h->mode == LC_TRACE_MODE_SUMMARY;
	rc = trc_stats_new(&a->stats, h->ns_mult, h->hook_cost_ticks, err);
	if (rc < 0)
		goto out;
	trc_stats_set_residue(a->stats, h->hook_residue_ticks);
	rc = trc_marks_new(&a->marks, a->t, err);
	if (rc < 0)
		goto out;
	trc_stats_set_marks(a->stats, a->marks);
	if (a->summary_mode)
		rc = load_summary(a, err);
	else
		rc = trc_stats_run(a->stats, a->t, thread, err);
	if (rc == 0 && (trc_stats_finish(a->stats) < 0 || a->marks->oom))
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
	trc_marks_finish(a->marks);
	if (rc < 0)
		goto out;
	a->records = trc_stats_counts(a->stats)->records;
	if (h->stop_ticks > h->start_ticks)
		a->duration_ns = lc_trace_ticks_to_ns(a->t, h->stop_ticks - h->start_ticks);
	rc = symbolize(a, exe, err);
	if (rc < 0)
		goto out;
	trc_interf_run(a, 0);
	*out = a;
	a = NULL;
out:
	trc_profile_free(a);
	return rc;
}

int trc_profile_meta(const struct trc_profile *a, struct trc_doc *d)
{
	const struct lc_trace_header *h = lc_trace_header(a->t);
	const struct trc_stats_counts *c = trc_stats_counts(a->stats);
	char buf[256], u[TRC_UNITS_BUF];

	/* The builders' errors are sticky in d (report/doc.h): checked once. */
	trc_doc_meta_str(d, "trace", "trace", a->path);
	trc_doc_meta_str(d, "program", "program", h->exe_path);
	snprintf(buf, sizeof(buf), "%s, %.3f MHz", lc_trace_clock_name(h->clock),
	         (double)h->tick_hz / 1e6);
	trc_doc_meta_str(d, "clock", "clock", buf);
	trc_doc_meta_str(d, "mode", "mode", lc_trace_mode_name(h->mode));
	trc_doc_meta_u64(d, "duration_ns", "duration", a->duration_ns,
	                 a->duration_ns ? trc_units_ns(u, sizeof(u), (double)a->duration_ns)
	                                : "unknown (not stopped cleanly)");
	trc_doc_meta_u64(d, "threads", "threads", lc_trace_thread_count(a->t), NULL);
	trc_doc_meta_u64(d, "records", "records", a->records, NULL);
	snprintf(buf, sizeof(buf), "%" PRIu64 "%s", a->lost,
	         a->lost ? " (events were dropped: the tables undercount)" : "");
	trc_doc_meta_u64(d, "lost_events", "lost events", a->lost, buf);
	if (a->summary_mode)
		snprintf(buf, sizeof(buf), "%s per enter+exit pair (summary mode: not subtracted)",
		         trc_units_ns(u, sizeof(u), (double)h->hook_cost_ns));
	else
		snprintf(buf, sizeof(buf),
		         "%s per traced callee, subtracted from inclusive and self times",
		         trc_units_ns(u, sizeof(u), (double)h->hook_cost_ns));
	trc_doc_meta_u64(d, "hook_cost_ns", "hook cost", h->hook_cost_ns, buf);
	if ((h->flags & (LC_TRACE_F_STEAL | LC_TRACE_F_STEAL_END)) ==
	    (LC_TRACE_F_STEAL | LC_TRACE_F_STEAL_END)) {
		uint64_t steal = h->steal_stop_ns - h->steal_start_ns;
		char pct[64] = "";

		if (a->duration_ns > 0 && h->ncpus > 0)
			snprintf(pct, sizeof(pct), ", %.3f%% of their time",
			         100.0 * (double)steal / ((double)a->duration_ns * h->ncpus));
		snprintf(buf, sizeof(buf), "%s over the run, all %u CPUs summed%s",
		         trc_units_ns(u, sizeof(u), (double)steal), h->ncpus, pct);
		trc_doc_meta_u64(d, "steal_ns", "steal time", steal, buf);
		trc_doc_meta_u64(d, "steal_cpus", NULL, h->ncpus, NULL);
	} else if (h->flags & LC_TRACE_F_STEAL) {
		trc_doc_note(d, "steal time unknown: the run did not stop cleanly, so its end "
		                "was never read");
	}
	trc_doc_meta_u64(d, "unmatched_exits", "unmatched exits", c->unmatched, NULL);
	trc_doc_meta_u64(d, "abandoned_frames", "abandoned frames", c->abandoned, NULL);
	trc_doc_meta_u64(d, "unfinished_calls", "unfinished calls", c->unfinished, NULL);
	if (!(h->flags & LC_TRACE_F_FINISHED))
		trc_doc_note(
		        d,
		        "the traced program did not stop cleanly (crash or kill): the trace ends "
		        "where it died");
	return trc_doc_status(d);
}

static const char *label_of(const struct trc_profile *a, uint64_t addr, char *buf, size_t n)
{
	size_t i;

	/* fns[i] is the stats' function i (symbolize), so its table names it */
	if (trc_stats_find(a->stats, addr, &i) == 0 && i < a->nfns)
		return a->fns[i].label;
	snprintf(buf, n, "0x%" PRIx64, addr);
	return buf;
}

char *trc_profile_path(const struct trc_profile *a, const struct trc_fn *f, char *buf, size_t n)
{
	size_t len = 0;
	uint32_t i;
	char tmp[32];

	buf[0] = '\0';
	if (f->st->worst_depth > f->st->worst_npath)
		len += (size_t)snprintf(buf, n, "... > ");
	for (i = 0; i < f->st->worst_npath && len < n; i++)
		len += (size_t)snprintf(buf + len, n - len, "%s%s", i ? " > " : "",
		                        label_of(a, f->st->worst_path[i], tmp, sizeof(tmp)));
	return buf;
}

const struct trc_fn *trc_profile_find(const struct trc_profile *a, const char *name)
{
	size_t i;

	for (i = 0; i < a->nfns; i++)
		if (strcmp(a->fns[i].label, name) == 0)
			return &a->fns[i];
	return NULL;
}
