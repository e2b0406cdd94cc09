/*
 * tracer/cmd_html.c - `latch-trace html -o latch.html`: one self-contained
 * page of a CI run - the verdict of every budget first, then timing (the
 * WCET table with a histogram per function), the control step's period and
 * a timeline of the run, coverage of the interlock path, the memory map and
 * the worst-case stack.
 *
 * Orchestration only: the sections are the documents of report, hist,
 * memmap and stack, run in this process with their output redirected into
 * the page (struct trc_html_embed), so the page shows the same columns and
 * verdicts as the text reports. The trace is loaded once and lent to report
 * and hist (struct trc_opts.profile).
 *
 * Exit status: the worst of the sections' (0 all budgets met, 1 a budget
 * broken or a deadline missed with --expect, 2 a section could not be made:
 * the page is still written, saying which).
 */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binary/callgraph.h"
#include "cmd.h"
#include "report/out.h"
#include "report/write_html.h"
#include "report/sections.h"
#include "trace/profile.h"

#define MAX_LIST 16 /* --ci, --su, --root */

struct html_args {
	const char *trace, *exe, *elf, *base, *budgets, *callgraph;
	const char *period, *expect, *tolerance, *trip;
	const char *regions, *map, *top, *title;
	const char *ci[MAX_LIST], *su[MAX_LIST], *roots[MAX_LIST];
	size_t nci, nsu, nroots;
	struct trc_out_opts out;
};

/* The command line: one table, the help generated from it (report/opt.h). */
static int parse_args(struct html_args *a, int argc, char **argv, int *exit_status)
{
	const struct trc_opt_spec opts[] = {
	        {TRC_OPT_STR, "trace", 0, NULL, &a->trace, NULL, 0, NULL, 0, NULL, "T",
	         "a latch trace: timing, histograms, period, coverage"},
	        TRC_OPT_EXE(&a->exe),
	        {TRC_OPT_STR, "budgets", 0, NULL, &a->budgets, NULL, 0, NULL, 0, NULL, "FILE",
	         "the budgets: section of a rules YAML file"},
	        {TRC_OPT_STR, "period", 0, NULL, &a->period, NULL, 0, NULL, 0, NULL, "FUNC",
	         "the periodic task drawn on the timeline"},
	        {TRC_OPT_STR, "expect", 0, NULL, &a->expect, NULL, 0, NULL, 0, NULL, "TIME",
	         "its expected period (1ms): late activations, overruns"},
	        {TRC_OPT_STR, "tolerance", 0, NULL, &a->tolerance, NULL, 0, NULL, 0, NULL, "PCT",
	         "lateness allowed before a miss (default 10)"},
	        {TRC_OPT_STR, "trip", 0, NULL, &a->trip, NULL, 0, NULL, 0, NULL, "FUNC",
	         "entries of FUNC that begin a run are interlock trips"},
	        {TRC_OPT_STR, "callgraph", 0, NULL, &a->callgraph, NULL, 0, NULL, 0, NULL, "CG",
	         "latch-check's call graph: coverage and stack"},
	        {TRC_OPT_STR, "elf", 0, NULL, &a->elf, NULL, 0, NULL, 0, NULL, "E",
	         "the firmware image: memory map and stack"},
	        {TRC_OPT_STR, "base", 0, NULL, &a->base, NULL, 0, NULL, 0, NULL, "BASE.elf",
	         "what grew since BASE"},
	        {TRC_OPT_STR, "regions", 0, NULL, &a->regions, NULL, 0, NULL, 0, NULL, "R",
	         "memory regions NAME=ORIGIN:LENGTH[,...] (as memmap)"},
	        {TRC_OPT_STR, "map", 0, NULL, &a->map, NULL, 0, NULL, 0, NULL, "FILE",
	         "the regions from a GNU ld map file"},
	        {TRC_OPT_LIST, "ci", 0, NULL, a->ci, &a->nci, MAX_LIST, NULL, 0, NULL, "DIR",
	         "-fcallgraph-info files for stack (repeatable)"},
	        {TRC_OPT_LIST, "su", 0, NULL, a->su, &a->nsu, MAX_LIST, NULL, 0, NULL, "DIR",
	         "-fstack-usage files for stack (repeatable)"},
	        {TRC_OPT_LIST, "root", 0, NULL, a->roots, &a->nroots, MAX_LIST, NULL, 0, NULL,
	         "NAME", "a stack and coverage root (repeatable)"},
	        {TRC_OPT_STR, "top", 0, NULL, &a->top, NULL, 0, NULL, 0, NULL, "N",
	         "rows of the largest CUs, symbols and growth (default 15)"},
	        {TRC_OPT_STR, "title", 0, NULL, &a->title, NULL, 0, NULL, 0, NULL, "TEXT",
	         "the page's title"},
	        {TRC_OPT_OUTPUT, "output", 'o', NULL, &a->out, NULL, 0, NULL, 0, NULL, "FILE",
	         "the page to write (default latch.html)"},
	        TRC_OPT_TABLE_END};
	const struct trc_cmd_spec spec = {
	        "html", "html -o FILE [--trace T] [--elf E] [options]",
	        "One self-contained HTML page (no network, no other file) of a run: every\n"
	        "budget's verdict, the WCET table with a latency histogram per function, the\n"
	        "period and timeline of the control step, coverage of the interlock path, the\n"
	        "memory map and the worst-case stack. The trace is read once.",
	        opts,
	        "exit status: 0 all budgets met, 1 a budget broken or a deadline missed,\n"
	        "2 usage error or a section could not be made (the page says which).\n"};
	const char *why = NULL;

	if (trc_cmd_args(&spec, argc, argv, exit_status) != 0)
		return 1;
	if (a->out.nmore > 0)
		why = "html: writes one page (one -o)";
	else if (a->trace == NULL && a->elf == NULL)
		why = "html: nothing to show: give --trace T and/or --elf E (see latch-trace html "
		      "--help)";
	else if ((a->period || a->expect || a->trip) && a->trace == NULL)
		why = "html: --period, --expect and --trip need --trace";
	else if ((a->expect || a->trip) && a->period == NULL)
		why = "html: --expect and --trip need --period FUNC";
	else if (a->base != NULL && a->elf == NULL)
		why = "html: --base needs --elf";
	if (why != NULL) {
		trc_fail("%s", why);
		*exit_status = LC_EXIT_ERROR;
		return 1;
	}
	return 0;
}

/* The state of the page being built. */
struct page {
	struct trc_html_embed e;
	char *body, *verdicts, *passed, *problems;
	size_t nbody, nverdicts, npassed, nproblems;
	FILE *prob; /* the sections that could not be made, one line each */
	int status;
	char nav[2048];
};

/* Runs one command into the page as section `id` titled `title`. */
static void run(struct page *p, const struct trc_opts *base, const char *id, const char *title,
                int (*fn)(int, char **, const struct trc_opts *), char **argv)
{
	struct trc_opts o = *base;
	int argc = 0, st;

	while (argv[argc] != NULL)
		argc++;
	o.embed = &p->e;
	o.color = 0;
	p->e.id = id;
	p->e.title = title;
	/* The image's facts once, in its first memmap section. */
	p->e.no_meta = strcmp(id, "cus") == 0 || strcmp(id, "symbols") == 0;
	st = fn(argc, argv, &o);
	if (st == 2)
		fprintf(p->prob,
		        "%s could not be made (latch-trace %s exited 2; its message is on "
		        "stderr)\n",
		        title, argv[0]);
	if (st > p->status)
		p->status = st;
	if (strstr(p->nav, id) == NULL &&
	    strlen(p->nav) + strlen(id) + strlen(title) + 40 < sizeof(p->nav)) {
		size_t n = strlen(p->nav);

		snprintf(p->nav + n, sizeof(p->nav) - n, "%s=%s\n", id, title);
	}
}

/* Pushes the argument vector of one command. */
struct argv {
	char *v[64];
	size_t n;
};

static void av(struct argv *a, const char *s)
{
	if (s != NULL && a->n + 1 < sizeof(a->v) / sizeof(a->v[0]))
		a->v[a->n++] = (char *)s; /* the commands never write to argv */
	a->v[a->n] = NULL;
}

static void av2(struct argv *a, const char *opt, const char *val)
{
	if (val != NULL) {
		av(a, opt);
		av(a, val);
	}
}

/* The coverage section: a document of its own, written like the others
 * (the same tables as report --coverage, report/sections.c). */
static int coverage(struct page *p, const struct trc_profile *prof, const struct html_args *a)
{
	struct trc_cg cg;
	struct trc_doc *d = NULL;
	struct trc_out_opts out = {.fmt = TRC_FMT_HTML, .embed = &p->e};
	struct lc_err err = {0, ""};
	size_t n;
	int rc;

	trc_cg_init(&cg);
	if ((rc = trc_cg_load_json(&cg, a->callgraph, &err)) < 0 ||
	    (rc = trc_doc_new(&d, "coverage", &err)) < 0)
		goto fail;
	/* Sticky on the document: trc_section_coverage() reports it. */
	trc_doc_meta_str(d, "callgraph", "call graph", a->callgraph);
	if ((rc = trc_section_coverage(d, NULL, NULL, &cg, prof, a->roots, a->nroots, &err)) < 0)
		goto fail;
	p->e.id = "coverage";
	p->e.title = "Coverage of the interlock path";
	if (trc_doc_emit(d, &out, 0, &err) < 0) {
		rc = LC_ENOMEM;
		goto out;
	}
	n = strlen(p->nav);
	snprintf(p->nav + n, sizeof(p->nav) - n, "coverage=Coverage\n");
	goto out;
fail:
	trc_fail("html: coverage: %s", err.msg);
	fprintf(p->prob, "coverage could not be made: %s\n", err.msg);
out:
	trc_doc_free(d);
	trc_cg_fini(&cg);
	return rc;
}

static void write_nav(FILE *f, const char *nav)
{
	const char *s = nav;

	fputs("<nav><a href=\"#verdict\">Verdict</a>", f);
	while (*s) {
		const char *eq = strchr(s, '='), *nl = strchr(s, '\n');
		char id[64], title[128];

		if (eq == NULL || nl == NULL)
			break;
		snprintf(id, sizeof(id), "%.*s", (int)(eq - s), s);
		snprintf(title, sizeof(title), "%.*s", (int)(nl - eq - 1), eq + 1);
		fputs("<a href=\"#sec-", f);
		trc_html_esc(f, id);
		fputs("\">", f);
		trc_html_esc(f, title);
		fputs("</a>", f);
		s = nl + 1;
	}
	fputs("</nav>\n", f);
}

int trc_cmd_html(int argc, char **argv, const struct trc_opts *opts)
{
	struct html_args a;
	struct page p;
	struct trc_profile *prof = NULL;
	struct trc_opts base = *opts;
	struct lc_err err = {0, ""};
	const char *path, *top;
	char sub[1024];
	FILE *f = NULL;
	size_t i;
	int rc;

	memset(&a, 0, sizeof(a));
	memset(&p, 0, sizeof(p));
	if (parse_args(&a, argc, argv, &rc) != 0)
		return rc;
	path = a.out.path != NULL ? a.out.path : "latch.html";
	top = a.top != NULL ? a.top : "15";
	p.e.body = open_memstream(&p.body, &p.nbody);
	p.e.verdicts = open_memstream(&p.verdicts, &p.nverdicts);
	p.e.passed = open_memstream(&p.passed, &p.npassed);
	p.prob = open_memstream(&p.problems, &p.nproblems);
	if (p.e.body == NULL || p.e.verdicts == NULL || p.e.passed == NULL || p.prob == NULL) {
		trc_fail("out of memory");
		p.status = 2;
		goto out;
	}
	if (a.trace != NULL) {
		if (trc_profile_load(&prof, a.trace, a.exe, -1, &err) < 0) {
			trc_fail("%s: %s", a.trace, err.msg);
			fprintf(p.prob, "the trace %s could not be read: %s\n", a.trace, err.msg);
			p.status = 2;
		} else if (trc_cmd_print_problems(prof) > 0) {
			fprintf(p.prob,
			        "the trace %s has problems (listed on stderr): its sections "
			        "cover the readable part only\n",
			        a.trace);
			p.status = 2;
		}
	}
	base.profile = prof;
	if (prof != NULL) {
		struct argv r = {{0}, 0}, h = {{0}, 0};

		av(&r, "report");
		av(&r, a.trace);
		av2(&r, "--budgets", a.budgets);
		av2(&r, "--exe", a.exe);
		run(&p, &base, "timing", "Timing: worst case per function", trc_cmd_report, r.v);
		if (a.period != NULL) {
			av(&h, "hist");
			av(&h, a.trace);
			av2(&h, "--period", a.period);
			av2(&h, "--expect", a.expect);
			av2(&h, "--tolerance", a.tolerance);
			av2(&h, "--trip", a.trip);
			run(&p, &base, "period", "Control period and timeline", trc_cmd_hist, h.v);
		}
		if (a.callgraph != NULL && coverage(&p, prof, &a) < 0 && p.status < 2)
			p.status = 2;
	}
	base.profile = NULL;
	if (a.elf != NULL) {
		struct argv m = {{0}, 0}, cu = {{0}, 0}, sy = {{0}, 0}, df = {{0}, 0},
		            st = {{0}, 0};

		av(&m, "memmap");
		av(&m, a.elf);
		av2(&m, "--regions", a.regions);
		av2(&m, "--map", a.map);
		av2(&m, "--budgets", a.budgets);
		run(&p, &base, "memory", "Memory map: regions and sections", trc_cmd_memmap, m.v);
		av(&cu, "memmap");
		av(&cu, a.elf);
		av2(&cu, "--by", "cu");
		av2(&cu, "--top", top);
		run(&p, &base, "cus", "Memory: largest compile units", trc_cmd_memmap, cu.v);
		av(&sy, "memmap");
		av(&sy, a.elf);
		av2(&sy, "--by", "symbol");
		av2(&sy, "--top", top);
		run(&p, &base, "symbols", "Memory: largest symbols", trc_cmd_memmap, sy.v);
		if (a.base != NULL) {
			av(&df, "memmap");
			av(&df, a.elf);
			av2(&df, "--diff", a.base);
			av2(&df, "--top", top);
			run(&p, &base, "growth", "Memory: what grew since the base image",
			    trc_cmd_memmap, df.v);
		}
		av(&st, "stack");
		av(&st, a.elf);
		av2(&st, "--callgraph", a.callgraph);
		for (i = 0; i < a.nci; i++)
			av2(&st, "--ci", a.ci[i]);
		for (i = 0; i < a.nsu; i++)
			av2(&st, "--su", a.su[i]);
		for (i = 0; i < a.nroots; i++)
			av2(&st, "--root", a.roots[i]);
		av2(&st, "--budgets", a.budgets);
		run(&p, &base, "stack", "Worst-case stack per root", trc_cmd_stack, st.v);
	}
	/* The passed verdicts after the broken ones. */
	if (fflush(p.e.passed) == 0 && p.passed != NULL)
		fputs(p.passed, p.e.verdicts);
	if (fclose(p.e.body) | fclose(p.e.verdicts) | fclose(p.e.passed) | fclose(p.prob)) {
		p.e.body = p.e.verdicts = p.e.passed = p.prob = NULL;
		trc_fail("out of memory");
		p.status = 2;
		goto out;
	}
	p.e.body = p.e.verdicts = p.e.passed = p.prob = NULL;
	f = fopen(path, "w");
	if (f == NULL) {
		trc_fail("cannot open '%s': %m", path);
		p.status = 2;
		goto out;
	}
	snprintf(sub, sizeof(sub), "%s%s%s%s%s", a.trace ? "trace " : "", a.trace ? a.trace : "",
	         a.trace && a.elf ? " \xc2\xb7 " : "", a.elf ? "image " : "", a.elf ? a.elf : "");
	trc_html_page_begin(f, a.title ? a.title : "latch report", sub);
	write_nav(f, p.nav);
	fputs("<main>\n", f);
	trc_html_verdict(f, p.verdicts, p.e.pass, p.e.fail, p.e.error,
	                 p.problems[0] ? p.problems : NULL);
	fwrite(p.body, 1, p.nbody, f);
	trc_html_page_end(f);
	if (ferror(f) | fclose(f)) {
		trc_fail("cannot write '%s'", path);
		p.status = 2;
	}
	printf("html report: %s\n", path);
out:
	if (p.e.body != NULL)
		fclose(p.e.body);
	if (p.e.verdicts != NULL)
		fclose(p.e.verdicts);
	if (p.e.passed != NULL)
		fclose(p.e.passed);
	if (p.prob != NULL)
		fclose(p.prob);
	free(p.body);
	free(p.verdicts);
	free(p.passed);
	free(p.problems);
	trc_profile_free(prof);
	return p.status;
}
