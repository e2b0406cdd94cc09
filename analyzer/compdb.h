/*
 * analyzer/compdb.h - the compilation database (compile_commands.json, read
 * with jansson), the toolchain of each entry and the cleaning of each
 * command into arguments libclang accepts.
 *
 * Databases written for gcc (by CMake or by `bear` around a gcc build) carry
 * flags clang rejects or that would turn a warning into a parse failure; the
 * cleaning drops those so a TU fails only for a real error.
 */
#ifndef AN_COMPDB_H
#define AN_COMPDB_H

#include <stddef.h>

#include "err.h"

struct an_driver;

struct an_tu {
	char *file;  /* absolute, normalised source path */
	char *dir;   /* the entry's working directory (absolute) */
	char **argv; /* cleaned arguments, argv[0] is "clang"; no source file */
	int argc;
	const struct an_driver *drv; /* the entry's compiler, or NULL; owned by the db */
};

enum an_lang { AN_LANG_C, AN_LANG_ASM, AN_LANG_CXX, AN_LANG_OTHER };

/* An entry that is not analysed: assembler, C++, or another language. */
struct an_skip {
	char *file;
	enum an_lang lang;
};

struct an_compdb {
	struct an_tu *tus; /* sorted by file; duplicates (same file and args) removed */
	size_t ntus;
	struct an_skip *skipped; /* sorted by file, each file once */
	size_t nskipped, capskipped;
	struct an_driver **drivers; /* one per distinct compiler */
	size_t ndrivers;
};

/* How the database is read; every member may be zero. */
struct an_compdb_opts {
	const char *resource_dir;   /* passed as -resource-dir so clang's stddef.h... are found */
	const char *cwd;            /* relative --exclude globs match paths relative to it */
	const char *cache_dir;      /* where driver answers are cached, or NULL */
	const char *const *exclude; /* --exclude globs on the source path */
	size_t nexclude;
	const char *const *query; /* --query-driver globs: compilers that may be run */
	size_t nquery;
	const char *const *extra; /* --extra-arg: appended to every command */
	size_t nextra;
	const char *const *extra_before; /* --extra-arg-before: right after the compiler */
	size_t nextra_before;
};

/* The clang warnings (by option name, without -W) that are errors in clang
 * but warnings in gcc; NULL-terminated. */
extern const char *const an_compdb_demoted[];

/* Loads BUILD_DIR/compile_commands.json (never compile_flags.txt: it lists
 * no files). A relative `directory` is taken relative to BUILD_DIR, a
 * relative `file` relative to its directory. Entries matching an --exclude
 * glob are dropped; assembler and C++ entries are listed in `skipped`, not
 * analysed. Each gcc-like compiler is asked once for its toolchain
 * (driver.h); a cross compiler (target-prefixed name) that is absent is an
 * error (LC_ENOTFOUND) unless --query-driver leaves it out.
 * o may be NULL. Returns 0, LC_EIO, LC_EFORMAT, LC_ENOTFOUND or LC_ENOMEM;
 * err names the file. */
int an_compdb_load(struct an_compdb *out, const char *build_dir, const struct an_compdb_opts *o,
                   struct lc_err *err);
void an_compdb_fini(struct an_compdb *db);
/* Releases one TU's strings (for a caller that drops TUs from db->tus). */
void an_compdb_tu_fini(struct an_tu *t);
/* Does an --exclude glob of o match file (absolute)? */
int an_compdb_excluded(const char *file, const struct an_compdb_opts *o);

/* Cleans one command line (args[0] is the compiler) into *out (argv[0] is
 * "clang", source file removed, -o/-c/-M* dropped, gcc-only flags and -W
 * flags other than -Wno-X dropped, -D__LATCH_CHECK__ added and the clang-only
 * errors of an_compdb_demoted made warnings). The target comes from the
 * compiler's name here (no driver is run). Exposed for unit tests.
 * Returns 0 or LC_ENOMEM. */
int an_compdb_clean_args(char ***out, int *out_argc, const char *const *args, int nargs,
                         const char *source, const char *dir, const char *resource_dir);

#endif /* AN_COMPDB_H */
