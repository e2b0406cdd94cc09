/*
 * common/err.h - the error record shared by latch's host tools.
 *
 * A function that can fail returns 0 or a negative LC_E* code and writes the
 * human-readable detail into a struct lc_err the caller owns. There is no
 * global "last error": the message travels with the call.
 */
#ifndef LC_ERR_H
#define LC_ERR_H

#define LC_ERR_MSG_MAX 256

enum lc_errcode {
	LC_OK = 0,
	LC_EIO = -1,       /* a file could not be opened, read or written */
	LC_EFORMAT = -2,   /* input is malformed: trace, ELF, YAML, JSON */
	LC_ENOMEM = -3,    /* an allocation failed */
	LC_EUSAGE = -4,    /* bad command line or configuration value */
	LC_ENOTFOUND = -5, /* a named thing (function, rule, file) does not exist */
	LC_ELIMIT = -6,    /* a fixed limit of the tool was reached */
	LC_EINTERNAL = -7  /* a library we call failed in an unexpected way */
};

struct lc_err {
	int code;
	char msg[LC_ERR_MSG_MAX];
};

/* Sets err->code and formats err->msg (truncated to fit). err may be NULL.
 * Returns code, so a caller can write `return lc_err_set(err, LC_EIO, ...)`. */
int lc_err_set(struct lc_err *err, int code, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Clears the record to LC_OK and an empty message. err may be NULL. */
void lc_err_clear(struct lc_err *err);

#endif /* LC_ERR_H */
