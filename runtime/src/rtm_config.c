/*
 * runtime/src/rtm_config.c - the LATCH_* settings (docs/trace-format.md).
 *
 * Read once per session start, never on the hot path. The environment is
 * reached through a lookup function so that the tests pass a table.
 */
#define _GNU_SOURCE
#include "rtm.h"

#include <latch/annotate.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

RTM_NOTRACE static int parse_u64(const char *s, uint64_t *out)
{
	char *end = NULL;
	unsigned long long v;

	if (s == NULL || *s == '\0')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || *end != '\0')
		return -EINVAL;
	*out = v;
	return 0;
}

RTM_NOTRACE int rtm_config_read(struct rtm_config *out, const char *path,
                                const char *(*get)(const char *))
{
	const char *v;
	uint64_t n;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	out->mode = RTM_MODE_STOP;
	out->buf_bytes = 64ull << 20;
	out->chunk_size = 1024u << 10;
	out->summary_cap = 512;
	out->clock = RTM_CLOCK_HW;
	if (path == NULL)
		path = get("LATCH_TRACE");
	if (path == NULL || *path == '\0') {
		rc = -ENOENT;
		goto out;
	}
	{
		/* %p -> pid, so that several processes can share one setting. */
		size_t o = 0;
		const char *s;

		LATCH_LOOP_BOUND(RTM_PATH_MAX); /* o grows by at least 1 per turn */
		for (s = path; *s != '\0' && o + 24 < sizeof(out->path); s++) {
			if (s[0] == '%' && s[1] == 'p') {
				o += (size_t)snprintf(out->path + o, sizeof(out->path) - o, "%ld",
				                      (long)getpid());
				s++;
			} else {
				out->path[o++] = *s;
			}
		}
		out->path[o] = '\0';
	}
	v = get("LATCH_MODE");
	if (v != NULL && *v != '\0') {
		if (strcmp(v, "stop") == 0)
			out->mode = RTM_MODE_STOP;
		else if (strcmp(v, "ring") == 0)
			out->mode = RTM_MODE_RING;
		else if (strcmp(v, "summary") == 0)
			out->mode = RTM_MODE_SUMMARY;
		else {
			rc = -EINVAL;
			goto out;
		}
	}
	v = get("LATCH_BUF_MB");
	if (v != NULL) {
		if (parse_u64(v, &n) < 0 || n == 0 || n > 65536) {
			rc = -EINVAL;
			goto out;
		}
		out->buf_bytes = n << 20;
	}
	v = get("LATCH_CHUNK_KB");
	if (v != NULL) {
		if (parse_u64(v, &n) < 0 || n < 4 || n > 4096 || (n & (n - 1)) != 0) {
			rc = -EINVAL;
			goto out;
		}
		out->chunk_size = (uint32_t)(n << 10);
	}
	if (out->chunk_size > out->buf_bytes)
		out->chunk_size = (uint32_t)out->buf_bytes;
	v = get("LATCH_SUM_FUNCS");
	if (v != NULL) {
		if (parse_u64(v, &n) < 0 || n == 0 || n > 65536) {
			rc = -EINVAL;
			goto out;
		}
		out->summary_cap = (uint32_t)n;
	}
	v = get("LATCH_CLOCK");
	if (v != NULL && strcmp(v, "mono") == 0)
		out->clock = RTM_CLOCK_MONO_RAW;
	v = get("LATCH_RUSAGE");
	out->rusage = !(v != NULL && strcmp(v, "0") == 0);
	v = get("LATCH_PREFAULT");
	if (v != NULL && strcmp(v, "0") == 0)
		out->prefault = RTM_PF_NONE;
	else if (v != NULL && strcmp(v, "all") == 0)
		out->prefault = RTM_PF_ALL;
	else
		out->prefault = RTM_PF_AHEAD;
	v = get("LATCH_HEAPGUARD");
	out->heapguard = v != NULL && strcmp(v, "1") == 0;
	v = get("LATCH_FORK");
	out->fork_follow = v != NULL && strcmp(v, "follow") == 0;
	v = get("LATCH_ROOTS");
	if (v != NULL)
		snprintf(out->roots, sizeof(out->roots), "%s", v);
out:
	return rc;
}
