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
	      "      --no-cache             do not read or write BUILD_DIR/.latch-cache\n"
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
	OPT_VERSION
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

int main(int argc, char **argv)
{
	struct an_opts o;
	struct lc_err err = {0};
	int c, status = 2;
	char *end;
	char ver[512];

	memset(&o, 0, sizeof(o));
	o.progress = -1;
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
			else
				return usage("unknown format", optarg);
			break;
		case 'o':
			o.output = optarg;
			break;
		case 'j':
			o.jobs = (int)strtol(optarg, &end, 10);
			if (*end || o.jobs < 1 || o.jobs > 1024)
				return usage("-j needs a number of jobs from 1 to 1024, got",
				             optarg);
			break;
		case OPT_ONLY_UNDER:
			o.only_under = optarg;
			break;
		case OPT_CALLGRAPH:
			if (strcmp(optarg, "json") == 0)
				o.callgraph = AN_CG_JSON;
			else if (strcmp(optarg, "dot") == 0)
				o.callgraph = AN_CG_DOT;
			else
				return usage("unknown call graph format", optarg);
			break;
		case OPT_RESOLVE:
			if (strcmp(optarg, "type") == 0)
				o.resolve_type = 1;
			else if (strcmp(optarg, "none") != 0)
				return usage("--resolve-indirect takes 'none' or 'type', got",
				             optarg);
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
		case 'v':
			o.verbose = 1;
			break;
		case OPT_VERSION:
			an_check_version(ver, sizeof(ver));
			printf("%s\n", ver);
			return 0;
		case 'h':
			print_help(stdout);
			return 0;
		default:
			fprintf(stderr, "Try 'latch-check --help'.\n");
			return 2;
		}
	}
	if (!o.build_dir)
		return usage("missing -p BUILD_DIR (the directory of compile_commands.json)", NULL);
	o.files = (const char *const *)argv + optind;
	o.nfiles = (size_t)(argc - optind);
	if (an_check_run(&o, &status, &err) < 0)
		fprintf(stderr, "latch-check: error: %s\n", err.msg);
	return status;
}
