#include <stdlib.h>

int helper(int x)
{
	char *p = malloc(4);
	free(p);
	return x;
}
