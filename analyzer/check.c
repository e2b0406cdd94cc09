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
#include <stdarg.h>
#include <time.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "baseline.h"
#include "compdb.h"
#include "config.h"
#include "driver.h"
#include "diag.h"
#include "graph.h"
#include "out.h"
#include "parse.h"
#include "cache.h"
#include "summary.h"
#include "util.h"

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

/* The messages of one run: each goes to o->report; errors are also kept for
 * the SARIF file a failed run still writes. */
struct msgs {
	const struct an_opts *o;
	char **errors;
	size_t nerrors, cap;
};

static void say(struct msgs *m, const char *sev, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

static void say(struct msgs *m, const char *sev, const char *fmt, ...)
{
	char buf[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (m->o->report)
		m->o->report(m->o->ctx, sev, buf);
	if (sev && strcmp(sev, "error") == 0 &&
	    an_util_grow((void **)&m->errors, &m->cap, m->nerrors + 1, sizeof(*m->errors)) == 0 &&
	    (m->errors[m->nerrors] = strdup(buf)) != NULL)
		m->nerrors++;
}

/* Sends what a FILE-writing printer wrote, line by line, as summary lines. */
static void say_stream(struct msgs *m, char *text)
{
	char *line, *save = NULL;

	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (m->o->report)
			m->o->report(m->o->ctx, NULL, line);
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
		if (p->progress && p->o->progress_cb)
			p->o->progress_cb(p->o->ctx, p->done, p->db->ntus, t->file);
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

/* Is FILE the rules file (or a rule pack)? A change to it can change every
 * finding, so a pre-commit run that names it shows them all. */
static int is_rules_file(const char *real, const struct an_config *cfg)
{
	const char *b = strrchr(real, '/');

	b = b ? b + 1 : real;
	return strcmp(b, ".latch.yaml") == 0 || strcmp(b, ".latch.yml") == 0 ||
	       (cfg->path && strcmp(real, cfg->path) == 0) ||
	       (cfg->pack && strcmp(real, cfg->pack) == 0);
}

static int resolve_files(char ***out, int *rules_changed, const struct an_opts *o,
                         const struct an_config *cfg, const char *cwd, struct lc_err *err)
{
	char **v = calloc(o->nfiles + 1, sizeof(*v));
	size_t i;
	int rc = 0;

	*out = NULL;
	if (!v)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	for (i = 0; i < o->nfiles; i++) {
		char buf[PATH_MAX];
		const char *b = strrchr(o->files[i], '/');
		b = b ? b + 1 : o->files[i];
		if (strcmp(b, ".latch.yaml") == 0 || strcmp(b, ".latch.yml") == 0) {
			/* the rules file (also when the commit deletes it) */
			*rules_changed = 1;
		}
		if (!realpath(o->files[i], buf)) {
			if (*rules_changed &&
			    (strcmp(b, ".latch.yaml") == 0 || strcmp(b, ".latch.yml") == 0)) {
				v[i] = strdup("/");
				if (!v[i]) {
					rc = lc_err_set(err, LC_ENOMEM, "out of memory");
					goto out;
				}
				continue;
			}
			rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", o->files[i],
			                strerror(errno));
			goto out;
		}
		(void)cwd;
		if (is_rules_file(buf, cfg))
			*rules_changed = 1;
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
			an_compdb_tu_fini(&db->tus[i]);
		}
	}
	db->ntus = w;
	if (!w)
		return lc_err_set(err, LC_ENOTFOUND,
		                  "no translation unit of the compilation database is under '%s'",
		                  dir);
	return 0;
}

void an_check_cache_dir(char *buf, size_t n, const struct an_opts *o)
{
	const char *xdg = getenv("XDG_CACHE_HOME");
	char real[PATH_MAX];

	if (o->cache_dir) {
		snprintf(buf, n, "%s", o->cache_dir);
	} else if (xdg && xdg[0] == '/') {
		/* one folder per build directory, so two builds never share keys
		 * they would have to tell apart */
		if (!realpath(o->build_dir, real))
			snprintf(real, sizeof(real), "%s", o->build_dir);
		snprintf(buf, n, "%s/latch/%016llx", xdg,
		         (unsigned long long)an_hash_str(AN_HASH_INIT, real));
	} else {
		snprintf(buf, n, "%s/.latch-cache", o->build_dir);
	}
}

/* mkdir -p; a directory that cannot be made only disables the cache. */
static void make_dirs(const char *path)
{
	char buf[PATH_MAX];
	char *p;

	snprintf(buf, sizeof(buf), "%s", path);
	for (p = buf + 1; *p; p++) {
		if (*p == '/') {
			*p = '\0';
			(void)mkdir(buf, 0777);
			*p = '/';
		}
	}
	(void)mkdir(buf, 0777);
}

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

/* What a TU that failed to parse needs said beside the error: a missing
 * header names the compiler and what it was asked. */
static void tu_hint(struct msgs *m, const struct an_tu *t, const char *msg)
{
	char what[2048];

	if (!strstr(msg, "file not found") && !strstr(msg, "failed to parse"))
		return;
	if (t->drv && strstr(msg, "failed to parse") && t->drv->triple && !t->drv->native) {
		say(m, "note",
		    "compiler '%s' reports target '%s': the clang of latch-check may not support "
		    "it; pass a target it knows with --extra-arg=--target=<TRIPLE>",
		    t->drv->name, t->drv->triple);
	} else if (t->drv) {
		an_driver_describe(t->drv, what, sizeof(what));
		say(m, "note",
		    "%s; add a directory with --extra-arg=-isystem<DIR>, or a target with "
		    "--extra-arg=--target=<TRIPLE>",
		    what);
	} else {
		say(m, "note",
		    "the entry's compiler is not a gcc driver and was not asked for its include "
		    "directories; add them with --extra-arg=-isystem<DIR>");
	}
}

static void list_skipped(struct msgs *m, const struct an_compdb *db, const char *cwd)
{
	size_t i;

	for (i = 0; i < db->nskipped; i++) {
		char *d = an_diag_display(db->skipped[i].file, cwd);
		const char *f = d ? d : db->skipped[i].file;
		switch (db->skipped[i].lang) {
		case AN_LANG_ASM:
			say(m, "note", "not analysed: assembler: %s", f);
			break;
		case AN_LANG_CXX:
			say(m, "note",
			    "not analysed: C++: %s (its extern \"C\" functions count as having no "
			    "body)",
			    f);
			break;
		default:
			say(m, "note", "not analysed: not C: %s", f);
			break;
		}
		free(d);
	}
}

/* With --format sarif -o FILE a failed run still writes FILE: code scanning
 * then shows why there are no results. */
static void write_failure_sarif(const struct an_opts *o, struct msgs *m, const char *cwd,
                                const struct lc_err *err)
{
	FILE *f;
	char version[512];

	if (o->format != AN_FMT_SARIF || !o->output || o->callgraph != AN_CG_NONE)
		return;
	f = fopen(o->output, "w");
	if (!f)
		return;
	an_check_version(version, sizeof(version));
	(void)an_out_sarif_failure(f, version, cwd, (const char *const *)m->errors, m->nerrors,
	                           err && err->msg[0] ? err->msg : NULL);
	fclose(f);
}

int an_check_run(const struct an_opts *o, int *out_status, struct lc_err *err)
{
	struct an_config cfg;
	struct an_compdb db = {0};
	struct an_compdb_opts dbo;
	struct an_graph g;
	struct an_findings fs;
	struct an_baseline *base = NULL;
	struct pool p;
	struct msgs m;
	pthread_t *th = NULL;
	char cwd[PATH_MAX], cache_dir[PATH_MAX], version[512], exe_rel[PATH_MAX + 64];
	const char *dirs[8];
	char **files = NULL;
	FILE *out = stdout;
	size_t i, nthreads, nbad = 0;
	int rc = 0, cfg_ok = 0, rules_changed = 0;
	double t0;
	char **excl = NULL;
	size_t nexcl = 0;

	*out_status = 2;
	memset(&cfg, 0, sizeof(cfg));
	memset(&g, 0, sizeof(g));
	memset(&fs, 0, sizeof(fs));
	memset(&p, 0, sizeof(p));
	memset(&m, 0, sizeof(m));
	memset(&dbo, 0, sizeof(dbo));
	m.o = o;
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
	rc = resolve_files(&files, &rules_changed, o, &cfg, cwd, err);
	if (rc < 0)
		goto out;
	if (o->baseline) {
		rc = an_baseline_load(&base, o->baseline, err);
		if (rc < 0)
			goto out;
	}
	an_check_cache_dir(cache_dir, sizeof(cache_dir), o);
	if (!o->no_cache)
		make_dirs(cache_dir);
	dbo.resource_dir = o->resource_dir ? o->resource_dir : AN_CLANG_RESOURCE_DIR;
	dbo.cwd = cwd;
	dbo.cache_dir = o->no_cache ? NULL : cache_dir;
	/* --exclude, then the rules file's exclude: */
	rc = an_config_exclude_globs(&cfg, o->exclude, o->nexclude, &excl, &nexcl, err);
	if (rc < 0)
		goto out;
	dbo.exclude = (const char *const *)excl;
	dbo.nexclude = nexcl;
	dbo.query = o->query_driver;
	dbo.nquery = o->nquery_driver;
	dbo.extra = o->extra_args;
	dbo.nextra = o->nextra_args;
	dbo.extra_before = o->extra_args_before;
	dbo.nextra_before = o->nextra_args_before;
	t0 = now_ms();
	rc = an_compdb_load(&db, o->build_dir, &dbo, err);
	if (rc < 0)
		goto out;
	if (o->verbose) {
		say(&m, NULL, "latch-check: database read in %.1f ms, %zu compiler%s",
		    now_ms() - t0, db.ndrivers, db.ndrivers == 1 ? "" : "s");
		for (i = 0; i < db.ndrivers; i++) {
			char what[2048];
			an_driver_describe(db.drivers[i], what, sizeof(what));
			say(&m, NULL, "latch-check: %s%s", what,
			    db.drivers[i]->from_cache ? " (cached)" : "");
		}
	}
	list_skipped(&m, &db, cwd);

	if (o->only_under) {
		rc = keep_under(&db, o->only_under, err);
		if (rc < 0)
			goto out;
	}
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
	if (p.progress && o->progress_cb)
		o->progress_cb(o->ctx, p.done, db.ntus, NULL);
	if (o->verbose)
		say(&m, NULL, "latch-check: %zu translation units, %zu parsed, %zu from cache",
		    db.ntus, p.parsed, db.ntus - p.parsed);
	/* fail closed: every TU that could not be summarised is named */
	for (i = 0; i < db.ntus; i++) {
		if (p.errs[i].code < 0 || !p.sums[i]) {
			rel_msg(p.errs[i].msg, sizeof(p.errs[i].msg), cwd);
			say(&m, "error", "%s",
			    p.errs[i].msg[0] ? p.errs[i].msg
			                     : "cannot summarise a translation unit");
			tu_hint(&m, &db.tus[i], p.errs[i].msg);
			nbad++;
		} else if (p.sums[i]->note) {
			char *d = an_diag_display(db.tus[i].file, cwd);
			char note[1600];
			snprintf(note, sizeof(note), "%s", p.sums[i]->note);
			rel_msg(note, sizeof(note), cwd);
			say(&m, "note", "%s: %s", d ? d : db.tus[i].file, note);
			free(d);
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
		say(&m, "warning",
		    "'%s' is defined twice (%s:%u and %s:%u)%s: the "
		    "compilation database holds more than one program and their call graphs "
		    "are "
		    "merged; use --only-under DIR to check one",
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
			say(&m, "error", "%s:%u:%u: %s", d ? d : s->file, s->line, s->col,
			    s->error);
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
	if (o->nfiles && !rules_changed)
		an_findings_filter(&fs, &g, (const char *const *)files, o->nfiles);
	if (base) {
		size_t hidden = an_baseline_filter(&fs, base, cwd);
		say(&m, "note", "%zu finding%s of baseline '%s' not shown", hidden,
		    hidden == 1 ? "" : "s", o->baseline);
	}
	switch (o->format) {
	case AN_FMT_TEXT:
		an_diag_print_text(out, &fs, &g, cwd);
		an_diag_print_summary(out, &fs, &g, db.ntus, cwd);
		break;
	case AN_FMT_JSON:
	case AN_FMT_SARIF: {
		char *text = NULL;
		size_t tlen = 0;
		FILE *mem;
		if (o->format == AN_FMT_JSON) {
			rc = an_out_json(out, &fs, &g, db.ntus, cwd);
		} else {
			an_check_version(version, sizeof(version));
			rc = an_out_sarif(out, &fs, &g, version, cwd);
		}
		mem = open_memstream(&text, &tlen);
		if (mem) {
			an_diag_print_summary(mem, &fs, &g, db.ntus, cwd);
			fclose(mem);
			say_stream(&m, text);
		}
		free(text);
		break;
	}
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
	if (rc < 0) {
		*out_status = 2;
		if (err)
			rel_msg(err->msg, sizeof(err->msg), cwd);
		write_failure_sarif(o, &m, cwd, err);
	}
	an_findings_fini(&fs);
	an_graph_fini(&g);
	an_baseline_free(base);
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
	an_config_globs_free(excl, nexcl);
	if (files) {
		for (i = 0; i < o->nfiles; i++)
			free(files[i]);
		free(files);
	}
	for (i = 0; i < m.nerrors; i++)
		free(m.errors[i]);
	free(m.errors);
	return rc;
}
