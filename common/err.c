/* common/err.c - the shared error record (see err.h). */
#include "err.h"

#include <stdarg.h>
#include <stdio.h>

int lc_err_set(struct lc_err *err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err == NULL)
		return code;
	err->code = code;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return code;
}

void lc_err_clear(struct lc_err *err)
{
	if (err == NULL)
		return;
	err->code = LC_OK;
	err->msg[0] = '\0';
}
