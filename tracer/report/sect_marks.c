/* tracer/report/sect_marks.c - the report's marks table (see sect_marks.h). */
#include "report/sect_marks.h"

#include <inttypes.h>

#include "report/units.h"

static void ns_cell(struct trc_table *t, int col, uint64_t ns)
{
	char u[TRC_UNITS_BUF];

	trc_table_u64(t, col, ns, trc_units_ns(u, sizeof(u), (double)ns));
}

int trc_section_marks(struct trc_doc *d, const struct trc_marks *m)
{
	struct trc_table *t = NULL;
	int c_key, c_kind, c_count, c_thr, c_n, c_min, c_mean, c_p99, c_max, c_first, c_last;
	size_t i;

	if (m == NULL || m->n == 0) {
		if (m != NULL && m->malformed > 0)
			trc_doc_note(d, "%" PRIu64 " mark record(s) without a readable name",
			             m->malformed);
		return trc_doc_status(d);
	}
	/* The builders' errors are sticky in d (report/doc.h): checked once. */
	trc_doc_add_table(&t, d, "marks",
	                  "marks: count, and the time between consecutive marks of a key "
	                  "(on one thread, never across lost events)");
	c_key = trc_table_col(t, "mark", "mark", TRC_ALIGN_LEFT);
	c_kind = trc_table_col(t, "kind", "kind", TRC_ALIGN_LEFT);
	c_count = trc_table_col(t, "count", "count", TRC_ALIGN_RIGHT);
	c_thr = trc_table_col(t, "threads", "threads", TRC_ALIGN_RIGHT);
	c_n = trc_table_col(t, "intervals", "intervals", TRC_ALIGN_RIGHT);
	c_min = trc_table_col(t, "min_ns", "min", TRC_ALIGN_RIGHT);
	c_mean = trc_table_col(t, "mean_ns", "mean", TRC_ALIGN_RIGHT);
	c_p99 = trc_table_col(t, "p99_ns", "p99", TRC_ALIGN_RIGHT);
	c_max = trc_table_col(t, "max_ns", "max", TRC_ALIGN_RIGHT);
	c_first = trc_table_col(t, "first_ns", "first", TRC_ALIGN_RIGHT);
	c_last = trc_table_col(t, "last_ns", "last", TRC_ALIGN_RIGHT);
	trc_table_col_machine_only(t, c_first);
	trc_table_col_machine_only(t, c_last);
	for (i = 0; i < m->n; i++) {
		const struct trc_mark *k = &m->m[i];

		trc_table_row(t);
		trc_table_str(t, c_key, k->label);
		trc_table_str(t, c_kind, k->named ? "name" : "value");
		trc_table_u64(t, c_count, k->count, NULL);
		trc_table_u64(t, c_thr, k->threads, NULL);
		trc_table_u64(t, c_n, k->iv.total, NULL);
		if (k->iv.total > 0) {
			ns_cell(t, c_min, k->iv.min);
			ns_cell(t, c_mean, k->iv_sum_ns / k->iv.total);
			ns_cell(t, c_p99, trc_hist_quantile(&k->iv, 0.99));
			ns_cell(t, c_max, k->iv.max);
		}
		trc_table_u64(t, c_first, k->first_ns, NULL);
		trc_table_u64(t, c_last, k->last_ns, NULL);
	}
	if (m->malformed > 0)
		trc_doc_note(d, "%" PRIu64 " mark record(s) without a readable name", m->malformed);
	return trc_doc_status(d);
}
