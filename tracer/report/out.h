/*
 * tracer/report/out.h - kept so that existing includes keep working: the
 * document model is report/doc.h, the writers report/write_*.c, the
 * command-line options report/opt.h. New code includes those directly.
 */
#ifndef TRC_OUT_H
#define TRC_OUT_H

#include "report/doc.h"
#include "report/opt.h"

#endif /* TRC_OUT_H */
