/*
 * tracer/report/opt.c - the one option parser of latch-trace (see opt.h).
 *
 * No printing here: a usage error is an LC_EUSAGE with its message, and the
 * command prints it (cmd.c). The help is written to the FILE the command
 * passes.
 */
#define _GNU_SOURCE
#include "report/opt.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "report/units.h"

/* What an option was called on the command line, for messages. */
struct given {
	char buf[64];
};

static const char *given_name(struct given *g, const struct trc_opt_spec *s, int is_short,
                              const char *arg)
{
	if (is_short)
		snprintf(g->buf, sizeof(g->buf), "-%c", s->alias);
	else
		snprintf(g->buf, sizeof(g->buf), "%.*s", (int)strcspn(arg, "="), arg);
	return g->buf;
}

/* A non-negative integer: decimal, or hex after 0x; never octal. */
static int parse_uint(const char *s, unsigned long long *out)
{
	int base = 10;
	char *end = NULL;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (s[0] < '0' || (base == 10 && s[0] > '9') ||
	    (base == 16 && strchr("0123456789abcdefABCDEF", s[0]) == NULL))
		return -1;
	errno = 0;
	*out = strtoull(s, &end, base);
	return errno != 0 || *end != '\0' ? -1 : 0;
}

/* "a, b or c": the names of choices, each value once (synonyms left out). */
static void choice_list(const struct trc_opt_choice *c, char *buf, size_t n)
{
	size_t i, j, k = 0, count = 0, used = 0;

	for (i = 0; c[i].name != NULL; i++) {
		for (j = 0; j < i && c[j].value != c[i].value; j++)
			;
		if (j == i)
			count++;
	}
	buf[0] = '\0';
	for (i = 0; c[i].name != NULL; i++) {
		for (j = 0; j < i && c[j].value != c[i].value; j++)
			;
		if (j < i)
			continue;
		k++;
		used += (size_t)snprintf(buf + used, used < n ? n - used : 0, "%s%s",
		                         k == 1       ? ""
		                         : k == count ? " or "
		                                      : ", ",
		                         c[i].name);
		if (used >= n)
			break;
	}
}

static int bad_value(const struct trc_cmd_spec *cmd, const char *opt, const char *what,
                     const char *v, struct lc_err *err)
{
	return lc_err_set(err, LC_EUSAGE, "%s: %s takes %s, not '%s'", cmd->name, opt, what, v);
}

static int append(const struct trc_cmd_spec *cmd, const struct trc_opt_spec *s, const char *opt,
                  const char *v, struct lc_err *err)
{
	if (*s->count >= s->max)
		return lc_err_set(err, LC_EUSAGE, "%s: at most %zu %s", cmd->name, s->max,
		                  opt ? opt : s->value_name);
	((const char **)s->value)[(*s->count)++] = v;
	return 0;
}

/* The format a file name ends in, for several -o; -1 when none. */
static int fmt_of_name(enum trc_fmt *out, const char *path)
{
	static const struct {
		const char *ext;
		enum trc_fmt fmt;
	} exts[] = {{".txt", TRC_FMT_TEXT}, {".json", TRC_FMT_JSON}, {".csv", TRC_FMT_CSV},
	            {".md", TRC_FMT_MD},    {".xml", TRC_FMT_JUNIT}, {".junit", TRC_FMT_JUNIT},
	            {".html", TRC_FMT_HTML}};
	size_t i, n = strlen(path);

	for (i = 0; i < sizeof(exts) / sizeof(exts[0]); i++) {
		size_t e = strlen(exts[i].ext);

		if (n > e && strcmp(path + n - e, exts[i].ext) == 0) {
			*out = exts[i].fmt;
			return 0;
		}
	}
	return -1;
}

/* -o FILE. The second and later -o are further outputs when every name ends
 * in a format (each file is then written in its own); otherwise the last -o
 * wins, as with one. */
static int add_output(struct trc_out_opts *o, const struct trc_cmd_spec *cmd, const char *v,
                      struct lc_err *err)
{
	enum trc_fmt f0, f;

	if (o->path == NULL || fmt_of_name(&f, v) < 0 || fmt_of_name(&f0, o->path) < 0) {
		o->path = v;
		o->nmore = 0;
		return 0;
	}
	if (o->nmore == TRC_OUT_MORE)
		return lc_err_set(err, LC_EUSAGE, "%s: at most %d outputs (-o)", cmd->name,
		                  TRC_OUT_MORE + 1);
	o->fmt = f0;
	o->more[o->nmore].fmt = f;
	o->more[o->nmore++].path = v;
	return 0;
}

int trc_out_has(const struct trc_out_opts *o, enum trc_fmt f)
{
	size_t i;

	if (o->fmt == f)
		return 1;
	for (i = 0; i < o->nmore; i++)
		if (o->more[i].fmt == f)
			return 1;
	return 0;
}

unsigned trc_out_width(const struct trc_out_opts *o)
{
	struct winsize ws;

	if ((o->path == NULL || strcmp(o->path, "-") == 0) && isatty(STDOUT_FILENO) &&
	    ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 100)
		return ws.ws_col;
	return 100;
}

/* Stores the value v of option s (called opt on the command line). */
static int store(const struct trc_cmd_spec *cmd, const struct trc_opt_spec *s, const char *opt,
                 const char *v, struct lc_err *err)
{
	unsigned long long u;
	double d;
	char *end = NULL;
	size_t i;

	switch (s->type) {
	case TRC_OPT_STR:
		*(const char **)s->value = v;
		return 0;
	case TRC_OPT_LIST:
		return append(cmd, s, opt, v, err);
	case TRC_OPT_COUNT:
		if (parse_uint(v, &u) < 0 || u > SIZE_MAX)
			return bad_value(cmd, opt, "a non-negative number", v, err);
		*(size_t *)s->value = (size_t)u;
		return 0;
	case TRC_OPT_ID:
		if (parse_uint(v, &u) < 0 || u > (unsigned long long)LONG_MAX)
			return bad_value(cmd, opt, "a non-negative number", v, err);
		*(long *)s->value = (long)u;
		return 0;
	case TRC_OPT_NUM:
		errno = 0;
		d = strtod(v, &end);
		if (end == v || *end != '\0' || errno != 0 || !isfinite(d) || d < 0)
			return bad_value(cmd, opt, "a non-negative number", v, err);
		*(double *)s->value = d;
		return 0;
	case TRC_OPT_TIME:
		if (trc_units_parse_ns(v, &d) < 0)
			return bad_value(cmd, opt, "a duration such as 1ms or 250us", v, err);
		*(double *)s->value = d;
		return 0;
	case TRC_OPT_CHOICE:
		for (i = 0; s->choices[i].name != NULL; i++) {
			if (strcmp(v, s->choices[i].name) == 0) {
				*(int *)s->value = s->choices[i].value;
				return 0;
			}
		}
		{
			char names[256];

			choice_list(s->choices, names, sizeof(names));
			return bad_value(cmd, opt, names, v, err);
		}
	case TRC_OPT_FORMAT: {
		struct lc_err fe = {0, ""};

		if (trc_fmt_parse(&((struct trc_out_opts *)s->value)->fmt, v, &fe) < 0)
			return lc_err_set(err, LC_EUSAGE, "%s: %s", cmd->name, fe.msg);
		return 0;
	}
	case TRC_OPT_OUTPUT:
		return add_output((struct trc_out_opts *)s->value, cmd, v, err);
	case TRC_OPT_FLAG:
	case TRC_OPT_END:
	case TRC_OPT_OPERAND:
	case TRC_OPT_OPERANDS:
	case TRC_OPT_REST:
		break;
	}
	return lc_err_set(err, LC_EUSAGE, "%s: option %s cannot take a value", cmd->name, opt);
}

static const struct trc_opt_spec *find_type(const struct trc_cmd_spec *cmd, enum trc_opt_type t)
{
	const struct trc_opt_spec *s;

	for (s = cmd->opts; s->type != TRC_OPT_END; s++)
		if (s->type == t)
			return s;
	return NULL;
}

/* The option spelt by arg ("--top", "--top=3", "-o", "-oFILE"), or NULL;
 * *inline_v is the value written into arg itself, if any. */
static const struct trc_opt_spec *find_opt(const struct trc_cmd_spec *cmd, const char *arg,
                                           int *is_short, const char **inline_v)
{
	const struct trc_opt_spec *s;

	*inline_v = NULL;
	*is_short = arg[1] != '-';
	for (s = cmd->opts; s->type != TRC_OPT_END; s++) {
		if (s->type == TRC_OPT_OPERAND || s->type == TRC_OPT_OPERANDS ||
		    s->type == TRC_OPT_REST)
			continue;
		if (*is_short) {
			if (s->alias != 0 && arg[1] == s->alias) {
				*inline_v = arg[2] != '\0' ? arg + 2 : NULL;
				return s;
			}
		} else {
			size_t n = strcspn(arg + 2, "=");

			if ((strlen(s->name) == n && strncmp(arg + 2, s->name, n) == 0) ||
			    (s->alt != NULL && strlen(s->alt) == n &&
			     strncmp(arg + 2, s->alt, n) == 0)) {
				*inline_v = arg[2 + n] == '=' ? arg + 3 + n : NULL;
				return s;
			}
		}
	}
	return NULL;
}

static int operand(const struct trc_cmd_spec *cmd, int argc, char **argv, int i, int *stop,
                   struct lc_err *err)
{
	const struct trc_opt_spec *first = find_type(cmd, TRC_OPT_OPERAND);
	const struct trc_opt_spec *more = find_type(cmd, TRC_OPT_OPERANDS);
	const struct trc_opt_spec *rest = find_type(cmd, TRC_OPT_REST);

	if (rest != NULL) {
		*(char ***)rest->value = argv + i;
		*rest->count = (size_t)(argc - i);
		*stop = 1;
		return 0;
	}
	if (first != NULL && *(const char **)first->value == NULL) {
		*(const char **)first->value = argv[i];
		return 0;
	}
	if (more != NULL)
		return append(cmd, more, NULL, argv[i], err);
	if (first != NULL)
		return lc_err_set(err, LC_EUSAGE, "%s: more than one %s ('%s' and '%s')", cmd->name,
		                  first->value_name, *(const char **)first->value, argv[i]);
	return lc_err_set(err, LC_EUSAGE,
	                  "%s: unexpected argument '%s' (see latch-trace %s --help)", cmd->name,
	                  argv[i], cmd->name);
}

int trc_opt_parse(const struct trc_cmd_spec *cmd, int argc, char **argv, struct lc_err *err)
{
	const struct trc_opt_spec *s;
	int i, only_operands = 0, stop = 0, rc = 0;

	for (i = 1; i < argc && !stop && rc == 0; i++) {
		const char *a = argv[i], *v = NULL;
		struct given g;
		int is_short;

		if (!only_operands && strcmp(a, "--") == 0) {
			only_operands = 1;
			continue;
		}
		if (only_operands || a[0] != '-' || a[1] == '\0') {
			rc = operand(cmd, argc, argv, i, &stop, err);
			continue;
		}
		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			return TRC_OPT_HELP_SHOWN;
		s = find_opt(cmd, a, &is_short, &v);
		if (s == NULL) {
			rc = lc_err_set(err, LC_EUSAGE,
			                "%s: unknown option '%.*s' (see latch-trace %s --help)",
			                cmd->name, (int)strcspn(a, "="), a, cmd->name);
			continue;
		}
		if (s->type == TRC_OPT_FLAG) {
			if (v != NULL) {
				rc = lc_err_set(err, LC_EUSAGE, "%s: option '--%s' takes no value",
				                cmd->name, s->name);
				continue;
			}
			*(int *)s->value = 1;
			if (s->seen != NULL)
				*s->seen = 1;
			continue;
		}
		if (v == NULL && i + 1 >= argc) {
			rc = lc_err_set(err, LC_EUSAGE,
			                "%s: option '%s' needs a value (see latch-trace %s --help)",
			                cmd->name, given_name(&g, s, is_short, a), cmd->name);
			continue;
		}
		if (v == NULL)
			v = argv[++i];
		rc = store(cmd, s, given_name(&g, s, is_short, a), v, err);
		if (rc == 0 && s->seen != NULL)
			*s->seen = 1;
	}
	if (rc < 0)
		return rc;
	for (s = cmd->opts; s->type != TRC_OPT_END; s++) {
		int missing = 0;

		if (!(s->flags & TRC_OPT_REQUIRED))
			continue;
		if (s->type == TRC_OPT_OPERAND)
			missing = *(const char **)s->value == NULL;
		else if (s->type == TRC_OPT_REST)
			missing = *s->count == 0;
		if (missing)
			return lc_err_set(err, LC_EUSAGE, "%s: needs %s (usage: latch-trace %s)",
			                  cmd->name, s->help, cmd->usage);
	}
	return 0;
}

/* The left column of an option's help line: "-o, --output FILE". */
static size_t left_col(const struct trc_opt_spec *s, char *buf, size_t n)
{
	int k;

	if (s->alias != 0)
		k = snprintf(buf, n, "-%c, --%s%s%s", s->alias, s->name, s->value_name ? " " : "",
		             s->value_name ? s->value_name : "");
	else
		k = snprintf(buf, n, "--%s%s%s", s->name, s->value_name ? " " : "",
		             s->value_name ? s->value_name : "");
	return k < 0 ? 0 : (size_t)k;
}

void trc_opt_help(const struct trc_cmd_spec *cmd, FILE *f)
{
	const struct trc_opt_spec *s;
	size_t width = 0;
	char left[96];

	fprintf(f, "usage: latch-trace %s\n\n%s\n", cmd->usage, cmd->about);
	for (s = cmd->opts; s->type != TRC_OPT_END; s++) {
		size_t w;

		if (s->name == NULL)
			continue;
		w = left_col(s, left, sizeof(left));
		if (w > width)
			width = w;
	}
	fputs("\noptions:\n", f);
	for (s = cmd->opts; s->type != TRC_OPT_END; s++) {
		const char *h = s->help, *nl;

		if (s->name == NULL)
			continue;
		left_col(s, left, sizeof(left));
		fprintf(f, "  %-*s  ", (int)width, left);
		while ((nl = strchr(h, '\n')) != NULL) {
			fprintf(f, "%.*s\n%*s", (int)(nl - h), h, (int)width + 4, "");
			h = nl + 1;
		}
		fprintf(f, "%s\n", h);
	}
	fprintf(f, "  %-*s  %s\n", (int)width, "-h, --help", "show this help");
	if (cmd->footer != NULL)
		fprintf(f, "\n%s", cmd->footer);
}
