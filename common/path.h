/*
 * common/path.h - file names as a person wants to read them.
 */
#ifndef LC_PATH_H
#define LC_PATH_H

/* Returns path relative to dir when path lies below dir (dir without a
 * trailing slash, as getcwd gives it), else path itself. The result points
 * into path: nothing is allocated. dir may be NULL or empty. */
const char *lc_path_under(const char *path, const char *dir);

#endif /* LC_PATH_H */
