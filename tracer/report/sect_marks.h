/*
 * tracer/report/sect_marks.h - the report's "marks" table: per mark key
 * (trace/marks.h) its count, the threads that recorded it, and the time
 * between consecutive marks of the key on one thread (min, mean, p99, max).
 */
#ifndef TRC_SECT_MARKS_H
#define TRC_SECT_MARKS_H

#include "report/doc.h"
#include "trace/marks.h"

/* Adds the "marks" table when m holds at least one mark (a trace without
 * marks keeps the report it had), and a note for malformed mark records.
 * Returns 0 or LC_ENOMEM (the document's sticky error). */
int trc_section_marks(struct trc_doc *d, const struct trc_marks *m);

#endif /* TRC_SECT_MARKS_H */
