/* tracer/report/sect_marks.c - the report's marks table (see sect_marks.h). */
#include "report/sect_marks.h"

#include <inttypes.h>

#include "report/units.h"

static void ns_cell(struct trc_table *t, int col, uint64_t ns)
{
	char u[TRC_UNITS_BUF];

	trc_table_u64(t, col, ns, trc_units_ns(u, sizeof(u), (double)ns));
}

enum { M_KEY, M_KIND, M_COUNT, M_THREADS, M_N, M_MIN, M_MEAN, M_P99, M_MAX, M_FIRST, M_LAST };
static const struct trc_col_spec mark_cols[] = {{"mark", "mark", TRC_ALIGN_LEFT},
                                                {"kind", "kind", TRC_ALIGN_LEFT},
                                                {"count", "count", TRC_ALIGN_RIGHT},
                                                {"threads", "threads", TRC_ALIGN_RIGHT},
                                                {"intervals", "intervals", TRC_ALIGN_RIGHT},
                                                {"min_ns", "min", TRC_ALIGN_RIGHT},
                                                {"mean_ns", "mean", TRC_ALIGN_RIGHT},
                                                {"p99_ns", "p99", TRC_ALIGN_RIGHT},
                                                {"max_ns", "max", TRC_ALIGN_RIGHT},
                                                {"first_ns", "first", TRC_ALIGN_RIGHT},
                                                {"last_ns", "last", TRC_ALIGN_RIGHT}};

int trc_section_marks(struct trc_doc *d, const struct trc_marks *m)
{
	struct trc_table *t = NULL;
	size_t i;

	if (m == NULL || m->n == 0) {
		if (m != NULL && m->malformed > 0)
			trc_doc_note(d, "%" PRIu64 " mark record(s) without a readable name",
			             m->malformed);
		return trc_doc_status(d);
	}
	/* The builders' errors are sticky in d (report/doc.h): checked once. */
	trc_doc_add_table_cols(&t, d, "marks",
	                       "marks: count, and the time between consecutive marks of a key "
	                       "(on one thread, never across lost events)",
	                       mark_cols, sizeof(mark_cols) / sizeof(mark_cols[0]));
	trc_table_col_machine_only(t, M_FIRST);
	trc_table_col_machine_only(t, M_LAST);
	for (i = 0; i < m->n; i++) {
		const struct trc_mark *k = &m->m[i];

		trc_table_row(t);
		trc_table_str(t, M_KEY, k->label);
		trc_table_str(t, M_KIND, k->named ? "name" : "value");
		trc_table_u64(t, M_COUNT, k->count, NULL);
		trc_table_u64(t, M_THREADS, k->threads, NULL);
		trc_table_u64(t, M_N, k->iv.total, NULL);
		if (k->iv.total > 0) {
			ns_cell(t, M_MIN, k->iv.min);
			ns_cell(t, M_MEAN, k->iv_sum_ns / k->iv.total);
			ns_cell(t, M_P99, trc_hist_quantile(&k->iv, 0.99));
			ns_cell(t, M_MAX, k->iv.max);
		}
		trc_table_u64(t, M_FIRST, k->first_ns, NULL);
		trc_table_u64(t, M_LAST, k->last_ns, NULL);
	}
	if (m->malformed > 0)
		trc_doc_note(d, "%" PRIu64 " mark record(s) without a readable name", m->malformed);
	return trc_doc_status(d);
}
