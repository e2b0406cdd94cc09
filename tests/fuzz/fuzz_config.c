/* tests/fuzz/fuzz_config.c - libFuzzer target for the one rules file loader
 * (common/lc_config*.c) and latch-check's view of it (analyzer/config.c):
 * any .latch.yaml must load or fail with a message; nothing it says may
 * crash a tool or leak. The document is loaded from memory (extends resolve
 * against the shipped packs), then once more as a file through the
 * analyzer's view, the way latch-check reads it. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"
#include "lc_config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Touches every value the loader returned, so a dangling pointer shows. */
static size_t walk(const struct lc_config *c)
{
	size_t i, sum = 0;

	for (i = 0; i < c->roots.n; i++)
		sum += strlen(c->roots.v[i].pat) + c->roots.v[i].at.line;
	for (i = 0; i < c->nind; i++)
		sum += c->ind[i].targets.n + strlen(c->ind[i].caller.pat);
	for (i = 0; i < c->nsupps; i++)
		sum += strlen(c->supps[i].reason) + c->supps[i].rules;
	for (i = 0; i < c->nbudgets; i++)
		sum += strlen(c->budgets[i].subject) + strlen(c->budgets[i].at.file);
	for (i = 0; i < c->nrbounds; i++)
		sum += (size_t)c->rbounds[i].depth;
	return sum;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dirs[] = {AN_FUZZ_RULES_DIR, NULL};
	struct lc_config lc;
	struct an_config cfg;
	struct lc_err err = {0};
	char path[64];
	int fd;

	if (lc_config_load_mem(&lc, "fuzz.yaml", (const char *)data, size, 1, dirs, &err) == 0)
		(void)walk(&lc);
	else if (err.msg[0] == '\0')
		__builtin_trap(); /* every failure says why */
	lc_config_fini(&lc);
	fd = memfd_create("latch-yaml", 0);
	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (an_config_load(&cfg, path, "/", dirs, &err) == 0) {
			size_t i;

			for (i = 0; i < cfg.roots.n; i++)
				(void)an_config_is_allocator(&cfg, cfg.roots.pat[i]);
			(void)an_config_suppression(&cfg, AN_RULE_HEAP_ALLOC, "/src/a.c", 3, "f");
			(void)an_config_excluded(&cfg, "/src/vendor/x.c");
			an_config_fini(&cfg);
		}
	}
	close(fd);
	return 0;
}
