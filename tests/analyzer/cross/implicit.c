/* gcc-clean (gcc 12 warns), clang >= 16 errors: an implicit declaration,
 * an int-to-pointer conversion and an incompatible function pointer. */
#include <latch/annotate.h>

typedef void (*cb_fn)(int);

static void on_event(long v)
{
	(void)v;
}

LATCH_INTERLOCK int implicit_root(int x)
{
	int *p = x;
	cb_fn cb = on_event;

	cb(x);
	return helper(x) + (p != 0);
}
