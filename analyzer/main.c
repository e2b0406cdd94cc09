/*
 * analyzer/main.c - latch-check's command line; all work is in an_core.
 */
#define _GNU_SOURCE
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "err.h"

static void print_help(FILE *f)
{
	fputs("usage: latch-check -p BUILD_DIR [options] [FILES...]\n"
	      "\n"
	      "Checks that nothing reachable from an interlock root allocates, loops\n"
	      "without a bound, recurses, calls through an undeclared pointer, blocks,\n"
	      "or calls a function with no body that is not on the allowlist.\n"
	      "FILES restrict the findings shown to those touching them (pre-commit);\n"
	      "reachability is always computed over the whole program.\n"
	      "\n"
	      "  -p, --build-dir DIR        directory holding compile_commands.json\n"
	      "  -c, --config FILE          rules file (default: .latch.yaml searched upward)\n"
	      "  -f, --format FMT           text (default), json or sarif\n"
	      "  -o, --output FILE          write findings or the call graph to FILE\n"
	      "  -j, --jobs N               parse N translation units at once (default: cores)\n"
	      "      --only-under DIR       the program is the TUs whose source is under DIR\n"
	      "      --callgraph FMT        write the merged call graph (json or dot) and stop\n"
	      "      --resolve-indirect M   none (default) or type: a call through a pointer\n"
	      "                             reaches every address-taken function of its type\n"
	      "      --no-cache             do not read or write the cache\n"
	      "      --cache-dir DIR        cache summaries in DIR (default: "
	      "BUILD_DIR/.latch-cache,\n"
	      "                             or $XDG_CACHE_HOME/latch/... when that is set)\n"
	      "      --baseline FILE        JSON or SARIF of an earlier run: report only new "
	      "findings\n"
	      "      --exclude GLOB         leave out the entries whose source matches GLOB\n"
	      "      --query-driver GLOB    only compilers matching GLOB are asked for their "
	      "target\n"
	      "                             and include directories (default: every gcc driver)\n"
	      "      --extra-arg ARG        append ARG to every compile command\n"
	      "      --extra-arg-before ARG put ARG right after the compiler of every command\n"
	      "      --progress, --no-progress  progress line (default: on a terminal)\n"
	      "      --rules-dir DIR        where shipped rule packs live\n"
	      "      --resource-dir DIR     clang resource directory\n"
	      "  -v, --verbose              say how many TUs were parsed and cached\n"
	      "      --version              print the version\n"
	      "  -h, --help                 this help\n"
	      "\n"
	      "Exit status: 0 clean, 1 violations, 2 the check could not be done.\n",
	      f);
}

enum {
	OPT_ONLY_UNDER = 255,
	OPT_CALLGRAPH = 256,
	OPT_RESOLVE,
	OPT_NOCACHE,
	OPT_PROGRESS,
	OPT_NOPROGRESS,
	OPT_RULESDIR,
	OPT_RESDIR,
	OPT_VERSION,
	OPT_CACHEDIR,
	OPT_BASELINE,
	OPT_EXCLUDE,
	OPT_QUERY,
	OPT_EXTRA,
	OPT_EXTRA_BEFORE
};

static const struct option long_opts[] = {
        {"build-dir", required_argument, NULL, 'p'},
        {"config", required_argument, NULL, 'c'},
        {"format", required_argument, NULL, 'f'},
        {"output", required_argument, NULL, 'o'},
        {"jobs", required_argument, NULL, 'j'},
        {"only-under", required_argument, NULL, OPT_ONLY_UNDER},
        {"callgraph", required_argument, NULL, OPT_CALLGRAPH},
        {"resolve-indirect", required_argument, NULL, OPT_RESOLVE},
        {"no-cache", no_argument, NULL, OPT_NOCACHE},
        {"progress", no_argument, NULL, OPT_PROGRESS},
        {"no-progress", no_argument, NULL, OPT_NOPROGRESS},
        {"rules-dir", required_argument, NULL, OPT_RULESDIR},
        {"resource-dir", required_argument, NULL, OPT_RESDIR},
        {"cache-dir", required_argument, NULL, OPT_CACHEDIR},
        {"baseline", required_argument, NULL, OPT_BASELINE},
        {"exclude", required_argument, NULL, OPT_EXCLUDE},
        {"query-driver", required_argument, NULL, OPT_QUERY},
        {"extra-arg", required_argument, NULL, OPT_EXTRA},
        {"extra-arg-before", required_argument, NULL, OPT_EXTRA_BEFORE},
        {"verbose", no_argument, NULL, 'v'},
        {"version", no_argument, NULL, OPT_VERSION},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0},
};

static int usage(const char *msg, const char *arg)
{
	fprintf(stderr, "latch-check: error: %s%s%s%s\n", msg, arg ? " '" : "", arg ? arg : "",
	        arg ? "'" : "");
	fprintf(stderr, "Try 'latch-check --help'.\n");
	return 2;
}

/* Every message of the run: "latch-check: SEVERITY: MSG", or a summary line
 * as it is. */
static void report(void *ctx, const char *sev, const char *msg)
{
	(void)ctx;
	if (sev)
		fprintf(stderr, "latch-check: %s: %s\n", sev, msg);
	else
		fprintf(stderr, "%s\n", msg);
}

static void progress(void *ctx, size_t done, size_t total, const char *file)
{
	const char *base = file ? strrchr(file, '/') : NULL;

	(void)ctx;
	if (file)
		fprintf(stderr, "\r\033[Klatch-check: [%zu/%zu] %s", done, total,
		        base ? base + 1 : file);
	else
		fprintf(stderr, "\r\033[K");
	fflush(stderr);
}

/* Appends a (borrowed) argument to one of the list options. */
static void add_list(const char **v, size_t *n, const char *a)
{
	v[(*n)++] = a;
}

/* --query-driver takes a comma-separated list, as clangd's does. */
static int add_globs(const char **v, size_t *n, size_t cap, char *a)
{
	char *save = NULL, *g;

	for (g = strtok_r(a, ",", &save); g; g = strtok_r(NULL, ",", &save)) {
		if (*n >= cap)
			return -1;
		v[(*n)++] = g;
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct an_opts o;
	struct lc_err err = {0};
	int c, status = 2;
	char *end;
	char ver[512];

	const char **excl = calloc((size_t)argc + 1, sizeof(*excl));
	const char **query = calloc((size_t)argc * 8 + 1, sizeof(*query));
	const char **extra = calloc((size_t)argc + 1, sizeof(*extra));
	const char **before = calloc((size_t)argc + 1, sizeof(*before));

	memset(&o, 0, sizeof(o));
	o.progress = -1;
	o.report = report;
	o.progress_cb = progress;
	if (!excl || !query || !extra || !before) {
		fprintf(stderr, "latch-check: error: out of memory\n");
		goto done;
	}
	o.exclude = excl;
	o.query_driver = query;
	o.extra_args = extra;
	o.extra_args_before = before;
	while ((c = getopt_long(argc, argv, "p:c:f:o:j:vh", long_opts, NULL)) != -1) {
		switch (c) {
		case 'p':
			o.build_dir = optarg;
			break;
		case 'c':
			o.config = optarg;
			break;
		case 'f':
			if (strcmp(optarg, "text") == 0)
				o.format = AN_FMT_TEXT;
			else if (strcmp(optarg, "json") == 0)
				o.format = AN_FMT_JSON;
			else if (strcmp(optarg, "sarif") == 0)
				o.format = AN_FMT_SARIF;
			else {
				status = usage("unknown format", optarg);
				goto done;
			}
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end || o.jobs < 1 || o.jobs > 1024) {
				status = usage("-j needs a number of jobs from 1 to 1024, got",
				               optarg);
				goto done;
			}
			break;
		case OPT_ONLY_UNDER:
			o.only_under = optarg;
			break;
		case OPT_CALLGRAPH:
			if (strcmp(optarg, "json") == 0)
				o.callgraph = AN_CG_JSON;
			else if (strcmp(optarg, "dot") == 0)
				o.callgraph = AN_CG_DOT;
			else {
				status = usage("unknown call graph format", optarg);
				goto done;
			}
			break;
		case OPT_RESOLVE:
			if (strcmp(optarg, "type") == 0)
				o.resolve_type = 1;
			else if (strcmp(optarg, "none") != 0) {
				status = usage("--resolve-indirect takes 'none' or 'type', got",
				               optarg);
				goto done;
			}
			break;
		case OPT_NOCACHE:
			o.no_cache = 1;
			break;
		case OPT_PROGRESS:
			o.progress = 1;
			break;
		case OPT_NOPROGRESS:
			o.progress = 0;
			break;
		case OPT_RULESDIR:
			o.rules_dir = optarg;
			break;
		case OPT_RESDIR:
			o.resource_dir = optarg;
			break;
		case OPT_CACHEDIR:
			o.cache_dir = optarg;
			break;
		case OPT_BASELINE:
			o.baseline = optarg;
			break;
		case OPT_EXCLUDE:
			add_list(excl, &o.nexclude, optarg);
			break;
		case OPT_QUERY:
			if (add_globs(query, &o.nquery_driver, (size_t)argc * 8, optarg) < 0) {
				status = usage("too many --query-driver globs", NULL);
				goto done;
			}
			break;
		case OPT_EXTRA:
			add_list(extra, &o.nextra_args, optarg);
			break;
		case OPT_EXTRA_BEFORE:
			add_list(before, &o.nextra_args_before, optarg);
			break;
		case 'v':
			o.verbose = 1;
			break;
		case OPT_VERSION:
			an_check_version(ver, sizeof(ver));
			printf("%s\n", ver);
			status = 0;
			goto done;
		case 'h':
			print_help(stdout);
			status = 0;
			goto done;
		default:
			fprintf(stderr, "Try 'latch-check --help'.\n");
			status = 2;
			goto done;
		}
	}
	if (!o.build_dir) {
		status = usage("missing -p BUILD_DIR (the directory of compile_commands.json)",
		               NULL);
		goto done;
	}
	o.files = (const char *const *)argv + optind;
	o.nfiles = (size_t)(argc - optind);
	if (an_check_run(&o, &status, &err) < 0)
		fprintf(stderr, "latch-check: error: %s\n", err.msg);
done:
	free(excl);
	free(query);
	free(extra);
	free(before);
	return status;
}
