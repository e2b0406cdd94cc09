/*
 * analyzer/driver.c - asks a database's compiler for its target, sysroot
 * and built-in include directories (see driver.h).
 *
 * The driver runs with LC_ALL=C (its -v output is parsed) and with stdin
 * closed; stdout and stderr are read through one pipe. Nothing is passed
 * through a shell.
 */
#define _GNU_SOURCE
#include "driver.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util.h"

#define AN_DRIVER_CACHE_FORMAT 1

/* basename of argv0 without a version suffix ("gcc-12", "gcc-12.2"). */
static void tool_base(char *buf, size_t n, const char *argv0)
{
	const char *b = strrchr(argv0, '/');
	char *dash;

	snprintf(buf, n, "%s", b ? b + 1 : argv0);
	dash = strrchr(buf, '-');
	if (dash && dash[1] >= '0' && dash[1] <= '9' &&
	    strspn(dash + 1, "0123456789.") == strlen(dash + 1))
		*dash = '\0';
}

static int ends_with(const char *s, const char *suf)
{
	size_t a = strlen(s), b = strlen(suf);

	return a >= b && strcmp(s + a - b, suf) == 0;
}

int an_driver_is_gcc(const char *argv0)
{
	char b[256];

	tool_base(b, sizeof(b), argv0);
	if (strstr(b, "clang"))
		return 0;
	return ends_with(b, "gcc") || ends_with(b, "g++") || strcmp(b, "cc") == 0 ||
	       strcmp(b, "c++") == 0 || ends_with(b, "-cc") || ends_with(b, "-c++");
}

int an_driver_name_triple(char *buf, size_t n, const char *argv0)
{
	char b[256], *dash;

	tool_base(b, sizeof(b), argv0);
	dash = strrchr(b, '-');
	if (!dash || dash == b)
		return 0;
	if (strcmp(dash + 1, "gcc") != 0 && strcmp(dash + 1, "g++") != 0 &&
	    strcmp(dash + 1, "cc") != 0 && strcmp(dash + 1, "c++") != 0 &&
	    strcmp(dash + 1, "clang") != 0)
		return 0;
	*dash = '\0';
	if ((size_t)snprintf(buf, n, "%s", b) >= n)
		return 0;
	return 1;
}

/* The executable argv0 names: a path (relative to dir) or a PATH lookup.
 * Returns a malloc'd real path or NULL. */
static char *find_exe(const char *argv0, const char *dir)
{
	char buf[PATH_MAX], real[PATH_MAX];
	const char *path = getenv("PATH");

	if (strchr(argv0, '/')) {
		if (argv0[0] == '/')
			snprintf(buf, sizeof(buf), "%s", argv0);
		else
			snprintf(buf, sizeof(buf), "%s/%s", dir, argv0);
		return access(buf, X_OK) == 0 && realpath(buf, real) ? strdup(buf) : NULL;
	}
	while (path && *path) {
		const char *colon = strchr(path, ':');
		size_t l = colon ? (size_t)(colon - path) : strlen(path);
		struct stat st;

		snprintf(buf, sizeof(buf), "%.*s/%s", (int)l, l ? path : ".", argv0);
		if (stat(buf, &st) == 0 && S_ISREG(st.st_mode) && access(buf, X_OK) == 0)
			return strdup(buf);
		path = colon ? colon + 1 : NULL;
	}
	return NULL;
}

char *an_driver_flags(const char *const *args, int nargs)
{
	static const char *const pre[] = {
	        "--specs=",     "-specs=", "--sysroot=", "-isysroot", "-nostdinc",
	        "-nostdlibinc", "-mmcu=",  "-march=",    "-mabi=",    "-mcpu=",
	        "-mfloat-abi=", "-mthumb", "-marm",      NULL};
	size_t len = 1, k;
	int i;
	char *s;

	for (i = 1; i < nargs; i++)
		len += strlen(args[i]) + 1;
	s = calloc(1, len + 16);
	if (!s)
		return NULL;
	for (i = 1; i < nargs; i++) {
		int take = 0, next = 0;
		for (k = 0; pre[k] && !take; k++)
			take = strncmp(args[i], pre[k], strlen(pre[k])) == 0;
		if (strcmp(args[i], "--sysroot") == 0 || strcmp(args[i], "-isysroot") == 0 ||
		    strcmp(args[i], "-specs") == 0)
			take = next = 1;
		if (!take)
			continue;
		strcat(s, args[i]);
		strcat(s, "\n");
		if (next && i + 1 < nargs) {
			strcat(s, args[++i]);
			strcat(s, "\n");
		}
	}
	return s;
}

/* Runs argv, returns its stdout+stderr (malloc'd) and exit status. */
static int run_capture(char **out, int *status, char *const argv[])
{
	int fds[2], st = 0;
	pid_t pid;
	char *buf = NULL;
	size_t len = 0, cap = 0;
	ssize_t r;

	*out = NULL;
	if (pipe2(fds, O_CLOEXEC) != 0)
		return LC_EIO;
	pid = fork();
	if (pid < 0) {
		close(fds[0]);
		close(fds[1]);
		return LC_EIO;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		setenv("LC_ALL", "C", 1);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		if (an_util_grow((void **)&buf, &cap, len + 4097, 1) < 0) {
			len = 0;
			break;
		}
		r = read(fds[0], buf + len, 4096);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		len += (size_t)r;
	}
	close(fds[0]);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (!buf) {
		return LC_ENOMEM;
	}
	buf[len] = '\0';
	*out = buf;
	*status = WIFEXITED(st) ? WEXITSTATUS(st) : 128;
	return 0;
}

static char *first_line(const char *s)
{
	size_t n = strcspn(s, "\r\n");
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = '\0';
	}
	return d;
}

/* gcc's own lib/gcc/TRIPLE/VERSION/include{,-fixed}: clang brings its own. */
static int is_gcc_private(const char *dir)
{
	return strstr(dir, "/lib/gcc/") &&
	       (ends_with(dir, "/include") || ends_with(dir, "/include-fixed"));
}

/* Appends p (owned; NULL stands for a failed copy) to d->isystem. */
static int push_isystem(struct an_driver *d, char *p)
{
	char **nv;

	if (!p)
		return LC_ENOMEM;
	nv = realloc(d->isystem, (d->nisystem + 1) * sizeof(*nv));
	if (!nv) {
		free(p);
		return LC_ENOMEM;
	}
	d->isystem = nv;
	d->isystem[d->nisystem++] = p;
	return 0;
}

static int add_isystem(struct an_driver *d, const char *dir)
{
	char real[PATH_MAX];
	size_t i;

	if (!realpath(dir, real))
		return 0; /* a listed directory that does not exist adds nothing */
	if (is_gcc_private(real))
		return 0;
	for (i = 0; i < d->nisystem; i++)
		if (strcmp(d->isystem[i], real) == 0)
			return 0;
	return push_isystem(d, strdup(real));
}

/* Reads the "#include <...> search starts here:" list of `gcc -v`. */
static int parse_search_list(struct an_driver *d, const char *text)
{
	const char *p = strstr(text, "#include <...> search starts here:");
	int rc = 0;

	if (!p)
		return 0;
	p = strchr(p, '\n');
	while (p && rc == 0) {
		const char *e;
		char dir[PATH_MAX];
		size_t n;

		p++;
		if (strncmp(p, "End of search list.", 19) == 0 || *p != ' ')
			break;
		e = strchr(p, '\n');
		n = e ? (size_t)(e - p) : strlen(p);
		while (n && (*p == ' ' || *p == '\t')) {
			p++;
			n--;
		}
		if (n < sizeof(dir)) {
			memcpy(dir, p, n);
			dir[n] = '\0';
			/* macOS-style " (framework directory)" never appears for gcc */
			rc = add_isystem(d, dir);
		}
		p = e;
	}
	return rc;
}

static int is_native(const char *triple)
{
	struct utsname u;

	if (uname(&u) != 0)
		return 0;
	return strncmp(triple, u.machine, strlen(u.machine)) == 0 && strstr(triple, "linux");
}

static void cache_file(char *buf, size_t n, const char *cache_dir, const char *path,
                       const char *flags)
{
	struct stat st;
	uint64_t h = an_hash_str(an_hash_str(AN_HASH_INIT, path), flags);
	char tag[64];

	if (stat(path, &st) == 0) {
		snprintf(tag, sizeof(tag), "%d:%lld:%lld", AN_DRIVER_CACHE_FORMAT,
		         (long long)st.st_size,
		         (long long)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec);
		h = an_hash_str(h, tag);
	}
	snprintf(buf, n, "%s/driver-%016llx.json", cache_dir, (unsigned long long)h);
}

static int cache_load(struct an_driver *d, const char *file)
{
	json_t *o = json_load_file(file, 0, NULL), *a, *v;
	size_t i;
	int rc = -1;

	if (!o)
		return -1;
	if (!json_is_string(json_object_get(o, "triple")) ||
	    !json_is_array(a = json_object_get(o, "isystem")))
		goto out;
	d->triple = strdup(json_string_value(json_object_get(o, "triple")));
	if (json_is_string(json_object_get(o, "sysroot")))
		d->sysroot = strdup(json_string_value(json_object_get(o, "sysroot")));
	json_array_foreach(a, i, v)
	{
		if (push_isystem(d, json_is_string(v) ? strdup(json_string_value(v)) : NULL) < 0)
			goto out;
	}
	rc = d->triple ? 0 : -1;
out:
	json_decref(o);
	return rc;
}

static void cache_store(const struct an_driver *d, const char *cache_dir, const char *file)
{
	json_t *o = json_object(), *a = json_array();
	char tmp[PATH_MAX + 128];
	size_t i;

	if (!o || !a)
		goto out;
	json_object_set_new(o, "triple", json_string(d->triple));
	json_object_set_new(o, "sysroot", d->sysroot ? json_string(d->sysroot) : json_null());
	for (i = 0; i < d->nisystem; i++)
		json_array_append_new(a, json_string(d->isystem[i]));
	json_object_set(o, "isystem", a);
	(void)mkdir(cache_dir, 0777);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", file, (int)getpid());
	/* a cache that cannot be written only costs time */
	if (json_dump_file(o, tmp, 0) == 0 && rename(tmp, file) != 0)
		(void)unlink(tmp);
out:
	json_decref(a);
	json_decref(o);
}

/* Runs the driver with the entry's flags (one per line in `flags`), then
 * `tail`; see run_capture. */
static int run_driver(char **out, int *status, const struct an_driver *d, const char *flags,
                      const char *const *tail)
{
	size_t n = 2, k = 0, i;
	const char *p;
	char **av = NULL, *copy = strdup(flags), *save = NULL, *tok;
	int rc;

	for (p = flags; *p; p++)
		n += *p == '\n';
	for (i = 0; tail[i]; i++)
		n++;
	av = calloc(n + 1, sizeof(*av));
	if (!av || !copy) {
		rc = LC_ENOMEM;
		goto out;
	}
	av[k++] = d->path;
	for (tok = strtok_r(copy, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save))
		av[k++] = tok;
	for (i = 0; tail[i]; i++)
		av[k++] = (char *)tail[i];
	av[k] = NULL;
	rc = run_capture(out, status, av);
out:
	free(av);
	free(copy);
	return rc;
}

int an_driver_query(struct an_driver *d, const char *argv0, const char *dir, const char *flags,
                    int allowed, const char *cache_dir, struct lc_err *err)
{
	char *out = NULL, *out2 = NULL, cfile[PATH_MAX + 64];
	int status = 0, rc = 0;

	memset(d, 0, sizeof(*d));
	d->name = strdup(argv0);
	d->flags = strdup(flags ? flags : "");
	if (!d->name || !d->flags)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	flags = d->flags;
	d->path = find_exe(argv0, dir);
	if (!d->path || !allowed)
		goto out;
	if (cache_dir) {
		cache_file(cfile, sizeof(cfile), cache_dir, d->path, flags);
		if (cache_load(d, cfile) == 0) {
			d->queried = d->from_cache = 1;
			d->native = is_native(d->triple);
			goto out;
		}
		{
			char *keep = d->flags;
			d->flags = NULL;
			an_driver_fini(d);
			d->flags = keep;
		}
		flags = d->flags;
		d->name = strdup(argv0);
		d->path = find_exe(argv0, dir);
		if (!d->name || !d->path) {
			rc = lc_err_set(err, LC_ENOMEM, "out of memory");
			goto out;
		}
	}
	{
		static const char *const tail[] = {"-dumpmachine", NULL};
		rc = run_driver(&out, &status, d, flags, tail);
		if (rc < 0 || status != 0 || !out[0]) {
			rc = lc_err_set(
			        err, LC_EFORMAT,
			        "cannot ask compiler '%s' for its target: '%s -dumpmachine' "
			        "%s%.200s",
			        argv0, d->path,
			        rc < 0 ? "could not be run" : "failed: ", rc < 0 ? "" : out);
			goto out;
		}
		d->triple = first_line(out);
		free(out);
		out = NULL;
	}
	{
		static const char *const tail[] = {"-print-sysroot", NULL};
		if (run_driver(&out, &status, d, flags, tail) == 0 && status == 0 &&
		    out[0] == '/') {
			struct stat st;
			char *s = first_line(out);
			if (s && stat(s, &st) == 0 && S_ISDIR(st.st_mode))
				d->sysroot = s;
			else
				free(s);
		}
	}
	{
		static const char *const tail[] = {"-E",        "-v", "-x",        "c",
		                                   "/dev/null", "-o", "/dev/null", NULL};
		rc = run_driver(&out2, &status, d, flags, tail);
		if (rc < 0 || status != 0) {
			rc = lc_err_set(
			        err, LC_EFORMAT,
			        "cannot ask compiler '%s' for its include directories: '%s -E "
			        "-v -x c /dev/null' %s%.300s",
			        argv0, d->path,
			        rc < 0 ? "could not be run" : "failed: ", rc < 0 ? "" : out2);
			goto out;
		}
		rc = parse_search_list(d, out2);
		if (rc < 0) {
			lc_err_set(err, rc, "out of memory");
			goto out;
		}
	}
	if (!d->triple) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	d->queried = 1;
	d->native = is_native(d->triple);
	if (cache_dir)
		cache_store(d, cache_dir, cfile);
out:
	free(out);
	free(out2);
	return rc;
}

void an_driver_fini(struct an_driver *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->nisystem; i++)
		free(d->isystem[i]);
	free(d->isystem);
	free(d->name);
	free(d->path);
	free(d->dir);
	free(d->flags);
	free(d->triple);
	free(d->sysroot);
	memset(d, 0, sizeof(*d));
}

void an_driver_describe(const struct an_driver *d, char *buf, size_t n)
{
	size_t l;
	size_t i;

	if (!d->path) {
		snprintf(buf, n,
		         "compiler '%s' not found, so it was not asked for its include "
		         "directories",
		         d->name);
		return;
	}
	if (!d->queried) {
		snprintf(buf, n,
		         "compiler '%s' not asked for its include directories (not "
		         "matched by --query-driver)",
		         d->name);
		return;
	}
	snprintf(buf, n, "compiler '%s' (%s) reports target %s%s%s", d->name, d->path, d->triple,
	         d->sysroot ? ", sysroot " : "", d->sysroot ? d->sysroot : "");
	for (i = 0; i < d->nisystem; i++) {
		l = strlen(buf);
		snprintf(buf + l, n - l, "%s%s", i ? ", " : "; searched ", d->isystem[i]);
	}
	if (!d->nisystem && !d->native) {
		l = strlen(buf);
		snprintf(buf + l, n - l, "; it lists no include directory of its own");
	}
}
