/*
 * analyzer/compdb.h - the compilation database, read through libclang's
 * clang_CompilationDatabase_* API, and the cleaning of each command into
 * arguments libclang accepts.
 *
 * Databases written for gcc (by CMake or by `bear` around a gcc build) carry
 * flags clang rejects or that would turn a warning into a parse failure; the
 * cleaning drops those so a TU fails only for a real error.
 */
#ifndef AN_COMPDB_H
#define AN_COMPDB_H

#include <stddef.h>

#include "err.h"

struct an_tu {
	char *file;  /* absolute, normalised source path */
	char *dir;   /* the entry's working directory */
	char **argv; /* cleaned arguments, argv[0] is "clang"; no source file */
	int argc;
};

struct an_compdb {
	struct an_tu *tus; /* sorted by file; duplicates (same file and args) removed */
	size_t ntus;
};

/* Loads BUILD_DIR/compile_commands.json. The JSON is first validated with
 * jansson so a malformed database is reported with its line number, then the
 * commands are read through libclang. `resource_dir` (may be NULL) is passed
 * as -resource-dir so clang's own headers (stddef.h...) are found.
 * Returns 0, LC_EIO, LC_EFORMAT or LC_ENOMEM; err names the file. */
int an_compdb_load(struct an_compdb *out, const char *build_dir, const char *resource_dir,
                   struct lc_err *err);
void an_compdb_fini(struct an_compdb *db);

/* Cleans one command line (args[0] is the compiler) into *out (argv[0] is
 * "clang", source file removed, -o/-c/-M* dropped, gcc-only and -W flags
 * dropped, -D__LATCH_CHECK__ -w added). Exposed for unit tests.
 * Returns 0 or LC_ENOMEM. */
int an_compdb_clean_args(char ***out, int *out_argc, const char *const *args, int nargs,
                         const char *source, const char *dir, const char *resource_dir);

#endif /* AN_COMPDB_H */
