/* common/path.c - file names as a person wants to read them (see path.h). */
#include "path.h"

#include <string.h>

const char *lc_path_under(const char *path, const char *dir)
{
	size_t n;

	if (path == NULL || dir == NULL || dir[0] == '\0' || path[0] != '/')
		return path;
	n = strlen(dir);
	if (n == 1 && dir[0] == '/')
		return path[1] ? path + 1 : path;
	if (strncmp(path, dir, n) == 0 && path[n] == '/' && path[n + 1] != '\0')
		return path + n + 1;
	return path;
}
