/* tests/fuzz/fuzz_config.c - libFuzzer target for latch-check's rules file
 * loader (analyzer/config.c): any .latch.yaml must load or fail with a
 * message; nothing it says may crash the checker or leak. The input is
 * handed over as a file (a memfd), the way the checker reads it. */
#define _GNU_SOURCE
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <unistd.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *dirs[] = {AN_FUZZ_RULES_DIR, NULL};
	struct an_config cfg;
	struct lc_err err = {0};
	char path[64];
	int fd = memfd_create("latch-yaml", 0);

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		if (an_config_load(&cfg, path, "/", dirs, &err) == 0) {
			size_t i;
			for (i = 0; i < cfg.roots.n; i++)
				(void)an_plist_match(&cfg.allocators, cfg.roots.pat[i]);
			an_config_fini(&cfg);
		}
	}
	close(fd);
	return 0;
}
