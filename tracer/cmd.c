/*
 * tracer/cmd.c - what every subcommand file shares: printing usage errors,
 * help and failures, and writing the document a command built (commands
 * print, the library does not; see cmd.h).
 */
#include "cmd.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <inttypes.h>

#include "lc_exit.h"
#include "report/budget.h"
#include "report/doc.h"
#include "trace.h"
#include "trace/profile.h"

size_t trc_cmd_print_problems(const struct trc_profile *a)
{
	size_t i, n = lc_trace_problem_count(a->t);

	for (i = 0; i < n; i++) {
		const struct lc_trace_problem *p = lc_trace_problem(a->t, i);

		fprintf(stderr, "latch-trace: error: %s: offset %" PRIu64 " (0x%" PRIx64 "): %s\n",
		        a->path, p->offset, p->offset, p->msg);
	}
	return n;
}

void trc_fail(const char *fmt, ...)
{
	va_list ap;

	fputs("latch-trace: error: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int trc_cmd_args(const struct trc_cmd_spec *spec, int argc, char **argv, int *exit_status)
{
	struct lc_err err = {0, ""};
	int rc = trc_opt_parse(spec, argc, argv, &err);

	if (rc == 0)
		return 0;
	if (rc == TRC_OPT_HELP_SHOWN) {
		trc_opt_help(spec, stdout);
		*exit_status = LC_EXIT_CLEAN;
	} else {
		trc_fail("%s", err.msg);
		*exit_status = LC_EXIT_ERROR;
	}
	return 1;
}

static int fail(const struct lc_err *err)
{
	trc_fail("%s", err->msg);
	return LC_EXIT_ERROR;
}

int trc_cmd_doc_init(struct trc_cmd_doc *c, const char *command, const char *budgets_path,
                     struct lc_err *err)
{
	int rc;

	memset(c, 0, sizeof(*c));
	if (budgets_path != NULL && (rc = trc_budgets_load(&c->budgets, budgets_path, err)) < 0)
		return rc;
	if ((rc = trc_doc_new(&c->doc, command, err)) < 0)
		return rc;
	if (c->budgets != NULL && (rc = trc_budget_results_new(&c->res, err)) < 0)
		return rc;
	trc_doc_set_budgets(c->doc, c->res);
	return 0;
}

static int emit(const struct trc_cmd_doc *c, struct trc_out_opts *out, const struct trc_opts *opts,
                size_t findings)
{
	struct lc_err err = {0, ""};
	int status;

	out->embed = opts->embed; /* latch-trace html: a section of its page */
	if (trc_doc_check(c->doc, &err) < 0 || trc_doc_emit(c->doc, out, opts->color, &err) < 0)
		return fail(&err);
	status = c->res ? trc_budget_results_exit(c->res) : LC_EXIT_CLEAN;
	if (findings > 0 && status == LC_EXIT_CLEAN)
		status = LC_EXIT_FINDINGS;
	return status;
}

int trc_cmd_doc_end(struct trc_cmd_doc *c, const struct lc_err *err, struct trc_out_opts *out,
                    const struct trc_opts *opts, size_t findings)
{
	int status;

	if (err->code < 0 && c->subject != NULL) {
		trc_fail("%s: %s", c->subject, err->msg);
		status = LC_EXIT_ERROR;
	} else {
		status = err->code < 0 ? fail(err) : emit(c, out, opts, findings);
	}

	trc_doc_free(c->doc);
	trc_budget_results_free(c->res);
	trc_budgets_free(c->budgets);
	memset(c, 0, sizeof(*c));
	return status;
}
