/*
 * analyzer/check.c - the driver of one latch-check run.
 *
 * Parsing is the cost, so it runs on -j worker threads, each with its own
 * CXIndex (libclang indexes are not shared between threads), pulling TUs
 * from a shared counter. Results land in a per-TU slot, so the merge order
 * (and therefore the output) does not depend on thread timing.
 */
#define _GNU_SOURCE
#include "check.h"

#include <clang-c/Index.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compdb.h"
#include "config.h"
#include "diag.h"
#include "graph.h"
#include "out.h"
#include "parse.h"
#include "cache.h"
#include "summary.h"

#ifndef AN_VERSION
#define AN_VERSION "0.0.0"
#endif

void an_check_version(char *buf, size_t n)
{
	CXString v = clang_getClangVersion();

	snprintf(buf, n, "latch-check %s (%s)", AN_VERSION, clang_getCString(v));
	clang_disposeString(v);
}

/* Rewrites absolute paths under cwd in a message as relative ones, the way
 * findings are printed. */
static void rel_msg(char *msg, size_t n, const char *cwd)
{
	char pre[PATH_MAX + 2], *p;
	size_t lp;

	snprintf(pre, sizeof(pre), "%s/", cwd);
	lp = strlen(pre);
	if (lp < 3)
		return;
	while ((p = strstr(msg, pre)) != NULL)
		memmove(p, p + lp, strlen(p + lp) + 1);
	(void)n;
}

struct pool {
	const struct an_compdb *db;
	const struct an_opts *o;
	struct an_hashcache *hc;
	const char *cache_dir;
	const char *version;
	struct an_summary **sums;
	struct lc_err *errs;
	pthread_mutex_t lock;
	size_t next, done, parsed;
	int progress;
};

static void progress_line(struct pool *p, const char *file)
{
	const char *base = strrchr(file, '/');

	fprintf(stderr, "\r\033[Klatch-check: [%zu/%zu] %s", p->done, p->db->ntus,
	        base ? base + 1 : file);
	fflush(stderr);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	CXIndex idx = clang_createIndex(0, 0);

	for (;;) {
		size_t i;
		const struct an_tu *t;
		struct an_summary *s = NULL;
		uint64_t key;
		int rc = 0, parsed = 0;

		pthread_mutex_lock(&p->lock);
		i = p->next++;
		pthread_mutex_unlock(&p->lock);
		if (i >= p->db->ntus)
			break;
		t = &p->db->tus[i];
		key = an_summary_key(t->file, (const char *const *)t->argv, t->argc, p->version);
		if (p->cache_dir)
			rc = an_summary_cache_load(&s, p->cache_dir, key, p->hc);
		if (rc == 0 && !s) {
			rc = an_parse_tu(&s, idx, t, p->hc, &p->errs[i]);
			parsed = 1;
			if (rc == 0 && p->cache_dir) {
				struct lc_err e = {0};
				/* a cache that cannot be written only costs time */
				(void)an_summary_cache_store(s, p->cache_dir, key, &e);
			}
		}
		if (rc < 0 && !p->errs[i].msg[0])
			lc_err_set(&p->errs[i], rc, "cannot summarise '%s'", t->file);
		p->sums[i] = s;
		pthread_mutex_lock(&p->lock);
		p->done++;
		p->parsed += (size_t)parsed;
		if (p->progress)
			progress_line(p, t->file);
		pthread_mutex_unlock(&p->lock);
	}
	clang_disposeIndex(idx);
	return NULL;
}

/* The directories holding the shipped rule packs, most specific first:
 * --rules-dir, then the loader's defaults (lc_config_rules_dirs). */
static void rules_dirs(const char **dirs, size_t cap, char *exe_rel, size_t n,
                       const struct an_opts *o)
{
	size_t k = 0;

	if (o->rules_dir)
		dirs[k++] = o->rules_dir;
	lc_config_rules_dirs(dirs + k, cap - k, exe_rel, n);
}

static int resolve_files(char ***out, const struct an_opts *o, const char *cwd, struct lc_err *err)
{
	char **v = calloc(o->nfiles + 1, sizeof(*v));
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!v)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < o->nfiles; i++) {
		char buf[PATH_MAX];
		if (!realpath(o->files[i], buf)) {
			rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", o->files[i],
			                strerror(errno));
			goto out;
		}
		(void)cwd;
		{
			/* a directory stands for every file below it: kept with a
			 * trailing slash, matched as a prefix by the filter */
			struct stat st;
			size_t n = strlen(buf);
			if (stat(buf, &st) == 0 && S_ISDIR(st.st_mode) && n + 1 < sizeof(buf) &&
			    buf[n - 1] != '/') {
				buf[n] = '/';
				buf[n + 1] = '\0';
			}
		}
		v[i] = strdup(buf);
		if (!v[i]) {
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
	}
	*out = v;
	v = NULL;
out:
	if (v) {
		for (i = 0; i < o->nfiles; i++)
			free(v[i]);
		free(v);
	}
	return rc;
}

/* Keeps the TUs whose source lies under dir: a build directory may hold
 * several programs (firmware images, tests), and the whole-program checks
 * need one. */
static int keep_under(struct an_compdb *db, const char *dir, struct lc_err *err)
{
	char real[PATH_MAX], pre[PATH_MAX + 2];
	size_t i, w = 0, n;

	if (!realpath(dir, real))
		return lc_err_set(err, LC_EIO, "cannot open '%s': %s", dir, strerror(errno));
	snprintf(pre, sizeof(pre), "%s/", strcmp(real, "/") == 0 ? "" : real);
	n = strlen(pre);
	for (i = 0; i < db->ntus; i++) {
		if (strncmp(db->tus[i].file, pre, n) == 0) {
			db->tus[w++] = db->tus[i];
		} else {
			struct an_tu *t = &db->tus[i];
			int k;
			for (k = 0; k < t->argc; k++)
				free(t->argv[k]);
			free(t->argv);
			free(t->file);
			free(t->dir);
		}
	}
	db->ntus = w;
	if (!w)
		return lc_err_set(err, LC_ENOTFOUND,
		                  "no translation unit of the compilation database is under '%s'",
		                  dir);
	return 0;
}

/* Drops the entries that an `exclude:` glob of the rules file matches. */
static int drop_excluded(struct an_compdb *db, const struct an_config *cfg, int verbose,
                         struct lc_err *err)
{
	size_t i, w = 0, n = db->ntus;

	for (i = 0; i < n; i++) {
		struct an_tu *t = &db->tus[i];
		const char *g = an_config_excluded(cfg, t->file);
		int k;

		if (!g) {
			db->tus[w++] = *t;
			continue;
		}
		if (verbose)
			fprintf(stderr, "latch-check: not analysed: %s (exclude: '%s')\n", t->file,
			        g);
		for (k = 0; k < t->argc; k++)
			free(t->argv[k]);
		free(t->argv);
		free(t->file);
		free(t->dir);
	}
	db->ntus = w;
	if (n && !w)
		return lc_err_set(
		        err, LC_ENOTFOUND,
		        "exclude: leaves no translation unit of the compilation database");
	return 0;
}

int an_check_run(const struct an_opts *o, int *out_status, struct lc_err *err)
{
	struct an_config cfg;
	struct an_compdb db = {0};
	struct an_graph g;
	struct an_findings fs;
	struct pool p;
	pthread_t *th = NULL;
	char cwd[PATH_MAX], cache_dir[PATH_MAX], version[512], exe_rel[PATH_MAX + 64];
	const char *dirs[8];
	char **files = NULL;
	FILE *out = stdout;
	size_t i, nthreads, nbad = 0;
	int rc = 0, cfg_ok = 0;

	*out_status = 2;
	memset(&cfg, 0, sizeof(cfg));
	memset(&g, 0, sizeof(g));
	memset(&fs, 0, sizeof(fs));
	memset(&p, 0, sizeof(p));
	pthread_mutex_init(&p.lock, NULL);
	if (!getcwd(cwd, sizeof(cwd))) {
		rc = lc_err_set(err, LC_EIO, "cannot get the working directory: %s",
		                strerror(errno));
		goto out;
	}
	an_check_version(version, sizeof(version));
	rules_dirs(dirs, sizeof(dirs) / sizeof(dirs[0]), exe_rel, sizeof(exe_rel), o);
	rc = an_config_load(&cfg, o->config, cwd, dirs, err);
	if (rc < 0)
		goto out;
	cfg_ok = 1;
	if (o->resolve_type)
		cfg.resolve_type = 1;
	rc = resolve_files(&files, o, cwd, err);
	if (rc < 0)
		goto out;
	rc = an_compdb_load(&db, o->build_dir,
	                    o->resource_dir ? o->resource_dir : AN_CLANG_RESOURCE_DIR, err);
	if (rc < 0)
		goto out;

	if (o->only_under) {
		rc = keep_under(&db, o->only_under, err);
		if (rc < 0)
			goto out;
	}
	rc = drop_excluded(&db, &cfg, o->verbose, err);
	if (rc < 0)
		goto out;
	p.db = &db;
	p.o = o;
	/* the cache key includes the analyzer binary itself, so a rebuilt
	 * latch-check never trusts summaries made by an older one */
	{
		struct stat st;
		size_t l = strlen(version);
		if (stat("/proc/self/exe", &st) == 0)
			snprintf(version + l, sizeof(version) - l, " exe:%lld:%lld",
			         (long long)st.st_size,
			         (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
	}
	p.version = version;
	p.progress = o->progress < 0 ? isatty(2) && db.ntus > 1 : o->progress;
	snprintf(cache_dir, sizeof(cache_dir), "%s/.latch-cache", o->build_dir);
	p.cache_dir = o->no_cache ? NULL : cache_dir;
	p.sums = calloc(db.ntus, sizeof(*p.sums));
	p.errs = calloc(db.ntus, sizeof(*p.errs));
	rc = an_hashcache_new(&p.hc);
	if (rc < 0 || !p.sums || !p.errs) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	nthreads = o->jobs > 0 ? (size_t)o->jobs : (size_t)sysconf(_SC_NPROCESSORS_ONLN);
	if (nthreads < 1)
		nthreads = 1;
	if (nthreads > db.ntus)
		nthreads = db.ntus;
	th = calloc(nthreads, sizeof(*th));
	if (!th) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < nthreads; i++) {
		if (pthread_create(&th[i], NULL, worker, &p) != 0) {
			nthreads = i;
			break;
		}
	}
	if (nthreads == 0)
		worker(&p);
	for (i = 0; i < nthreads; i++)
		pthread_join(th[i], NULL);
	if (p.progress)
		fprintf(stderr, "\r\033[K");
	if (o->verbose)
		fprintf(stderr, "latch-check: %zu translation units, %zu parsed, %zu from cache\n",
		        db.ntus, p.parsed, db.ntus - p.parsed);
	/* fail closed: every TU that could not be summarised is named */
	for (i = 0; i < db.ntus; i++) {
		if (p.errs[i].code < 0 || !p.sums[i]) {
			rel_msg(p.errs[i].msg, sizeof(p.errs[i].msg), cwd);
			fprintf(stderr, "latch-check: error: %s\n",
			        p.errs[i].msg[0] ? p.errs[i].msg
			                         : "cannot summarise a translation unit");
			nbad++;
		}
	}
	if (nbad) {
		rc = lc_err_set(err, LC_EFORMAT, "%zu translation unit%s could not be checked",
		                nbad, nbad == 1 ? "" : "s");
		goto out;
	}
	rc = an_graph_build(&g, p.sums, db.ntus, err);
	if (rc < 0)
		goto out;
	if (g.nconflicts) {
		/* the merge stays conservative (it keeps the calls of both
		 * definitions), but the user most likely meant one program */
		char *a = an_diag_display(g.conflict_file[0], cwd);
		char *b = an_diag_display(g.conflict_file[1], cwd);
		fprintf(stderr,
		        "latch-check: warning: '%s' is defined twice (%s:%u and %s:%u)%s: the "
		        "compilation database holds more than one program and their call graphs "
		        "are "
		        "merged; use --only-under DIR to check one\n",
		        g.conflict_name, a ? a : g.conflict_file[0], g.conflict_line[0],
		        b ? b : g.conflict_file[1], g.conflict_line[1],
		        g.nconflicts > 1 ? ", among other functions" : "");
		free(a);
		free(b);
	}
	for (i = 0; i < g.nsupps; i++) {
		const struct an_ssupp *s = g.supps[i];
		if (s->error) {
			char *d = an_diag_display(s->file, cwd);
			fprintf(stderr, "latch-check: error: %s:%u:%u: %s\n", d ? d : s->file,
			        s->line, s->col, s->error);
			free(d);
			nbad++;
		}
	}
	if (nbad) {
		rc = lc_err_set(err, LC_EFORMAT, "%zu malformed suppression%s", nbad,
		                nbad == 1 ? "" : "s");
		goto out;
	}
	rc = an_graph_resolve(&g, &cfg, cfg.resolve_type, err);
	if (rc < 0)
		goto out;
	if (o->output) {
		out = fopen(o->output, "w");
		if (!out) {
			out = stdout;
			rc = lc_err_set(err, LC_EIO, "cannot write '%s': %s", o->output,
			                strerror(errno));
			goto out;
		}
	}
	if (o->callgraph != AN_CG_NONE) {
		rc = o->callgraph == AN_CG_JSON ? an_callgraph_json(out, &g, cwd)
		                                : an_callgraph_dot(out, &g, cwd);
		if (rc < 0) {
			lc_err_set(err, rc, "cannot write the call graph");
			goto out;
		}
		*out_status = 0;
		goto out;
	}
	rc = an_rules_check(&fs, &g, &cfg, err);
	if (rc < 0)
		goto out;
	if (o->nfiles)
		an_findings_filter(&fs, &g, (const char *const *)files, o->nfiles);
	switch (o->format) {
	case AN_FMT_TEXT:
		an_diag_print_text(out, &fs, &g, cwd);
		an_diag_print_summary(out, &fs, &g, db.ntus, cwd);
		break;
	case AN_FMT_JSON:
		rc = an_out_json(out, &fs, &g, db.ntus, cwd);
		an_diag_print_summary(stderr, &fs, &g, db.ntus, cwd);
		break;
	case AN_FMT_SARIF:
		an_check_version(version, sizeof(version));
		rc = an_out_sarif(out, &fs, &g, version, cwd);
		an_diag_print_summary(stderr, &fs, &g, db.ntus, cwd);
		break;
	}
	if (rc < 0) {
		lc_err_set(err, rc, "cannot write the findings");
		goto out;
	}
	*out_status = fs.nerrors ? 1 : 0;
out:
	if (out != stdout && fclose(out) != 0 && rc == 0) {
		rc = lc_err_set(err, LC_EIO, "cannot write '%s'", o->output);
		*out_status = 2;
	}
	an_findings_fini(&fs);
	an_graph_fini(&g);
	if (p.sums)
		for (i = 0; i < db.ntus; i++)
			an_summary_free(p.sums[i]);
	free(p.sums);
	free(p.errs);
	free(th);
	an_hashcache_free(p.hc);
	pthread_mutex_destroy(&p.lock);
	an_compdb_fini(&db);
	if (cfg_ok)
		an_config_fini(&cfg);
	if (files) {
		for (i = 0; i < o->nfiles; i++)
			free(files[i]);
		free(files);
	}
	if (rc < 0) {
		*out_status = 2;
		if (err)
			rel_msg(err->msg, sizeof(err->msg), cwd);
	}
	return rc;
}
