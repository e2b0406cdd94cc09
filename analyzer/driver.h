/*
 * analyzer/driver.h - toolchain discovery: what a compilation database's
 * compiler means to clang, asked of the compiler itself, as clangd's
 * --query-driver does.
 *
 * A cross gcc (`arm-none-eabi-gcc`, `riscv64-unknown-elf-gcc`, `avr-gcc`)
 * knows its target, sysroot and built-in include directories (newlib's
 * string.h...); clang parsing for the host knows none of them. Each distinct
 * compiler is run once (`CC -dumpmachine`, `CC -print-sysroot`,
 * `CC -E -v -x c /dev/null`) and the answer mapped to clang flags
 * (`--target=`, `--sysroot=`, `-isystem DIR`). gcc's private directories
 * (lib/gcc/TRIPLE/VER/include, include-fixed) are left out: clang's resource
 * directory provides the same freestanding headers in clang's dialect.
 * Answers are cached on disk, keyed by the compiler's path, size and mtime.
 */
#ifndef AN_DRIVER_H
#define AN_DRIVER_H

#include <stddef.h>

#include "err.h"

struct an_driver {
	char *name;     /* argv[0] as in the database */
	char *path;     /* resolved executable, or NULL when absent */
	char *dir;      /* the directory a relative name was resolved in (compdb.c) */
	char *flags;    /* the entry's flags that change the answer, one per line */
	char *triple;   /* -dumpmachine, or NULL when not queried */
	char *sysroot;  /* -print-sysroot, or NULL when empty */
	char **isystem; /* built-in include directories clang must be told */
	size_t nisystem;
	int native;     /* the host's own compiler: clang needs no flags */
	int queried;    /* the driver was run (or its answer was cached) */
	int from_cache; /* the answer came from the disk cache */
};

/* Is argv0 a compiler driver latch-check knows how to ask (a gcc or g++,
 * with or without a target prefix and version suffix)? */
int an_driver_is_gcc(const char *argv0);

/* The target prefix of a compiler name ("arm-none-eabi-gcc-12" ->
 * "arm-none-eabi", "avr-gcc" -> "avr") into buf; 0 when it has none. */
int an_driver_name_triple(char *buf, size_t n, const char *argv0);

/* The flags of a command that change what its driver answers (--specs=,
 * --sysroot, -nostdinc, -mmcu=, ...), joined by '\n' into a malloc'd
 * string ("" when none); NULL on out of memory. */
char *an_driver_flags(const char *const *args, int nargs);

/* Fills d for compiler argv0 (dir: the entry's directory, for a relative
 * path) with `flags` (from an_driver_flags, copied; passed to the driver).
 * The driver is run only when `allowed` (the --query-driver globs
 * match, or none were given); cache_dir may be NULL (no disk cache).
 * An absent compiler is not an error here: d->path stays NULL.
 * Returns 0, LC_ENOMEM, or LC_EFORMAT when the driver ran but failed (err
 * names the compiler and quotes its output). */
int an_driver_query(struct an_driver *d, const char *argv0, const char *dir, const char *flags,
                    int allowed, const char *cache_dir, struct lc_err *err);
void an_driver_fini(struct an_driver *d);

/* "target arm-none-eabi, -isystem /usr/lib/arm-none-eabi/include" or
 * "not run" into buf: what was tried, for a missing-header message. */
void an_driver_describe(const struct an_driver *d, char *buf, size_t n);

#endif /* AN_DRIVER_H */
