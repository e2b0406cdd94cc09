/*
 * common/trace_trim.c - lc_trace_trim(): cuts a trace file to its header,
 * tables and the chunks in use, as the runtime does at a clean stop (see
 * trace.h and docs/trace-format.md, "Start-up, reservation and trim"). Works
 * on the file with pread/pwrite/ftruncate: the trace is never mapped.
 */
#define _GNU_SOURCE
#include "trace.h"

#include "rtm_format.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

static void put_le(uint8_t *p, uint64_t v, unsigned n)
{
	unsigned i;

	for (i = 0; i < n; i++)
		p[i] = (uint8_t)(v >> (8u * i));
}

static uint64_t get_le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;
	unsigned i;

	for (i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8u * i);
	return v;
}

int lc_trace_trim(struct lc_trace_trim_result *out, const char *path, int force, struct lc_err *err)
{
	uint8_t h[RTM_HDR_SIZE];
	struct stat sb;
	uint64_t chunk_off, claims, want;
	uint32_t flags, csize, count, used;
	int fd = -1, rc = 0;

	memset(out, 0, sizeof(*out));
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0) {
		rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (!S_ISREG(sb.st_mode) || sb.st_size < (off_t)RTM_HDR_SIZE ||
	    pread(fd, h, sizeof(h), 0) != (ssize_t)sizeof(h) ||
	    memcmp(h + RTM_H_MAGIC, RTM_MAGIC, 8) != 0 ||
	    get_le(h + RTM_H_ENDIAN, 4) != RTM_ENDIAN_MARK) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: not a latch trace", path);
		goto out;
	}
	if (get_le(h + RTM_H_VERSION, 4) != RTM_VERSION) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: unsupported trace version %u", path,
		                (unsigned)get_le(h + RTM_H_VERSION, 4));
		goto out;
	}
	/* The runtime holds an exclusive lock while it writes; the kernel drops
	 * it when the writer dies, however it dies. */
	if (!force && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		rc = lc_err_set(err, LC_EIO,
		                "%s: still being written (process %u holds it); cutting it would "
		                "kill its writer",
		                path, (unsigned)get_le(h + RTM_H_PID, 4));
		goto out;
	}
	flags = (uint32_t)get_le(h + RTM_H_FLAGS, 4);
	csize = (uint32_t)get_le(h + RTM_H_CHUNK_SIZE, 4);
	count = (uint32_t)get_le(h + RTM_H_CHUNK_COUNT, 4);
	chunk_off = get_le(h + RTM_H_CHUNK_OFF, 8);
	claims = get_le(h + RTM_H_CHUNK_CLAIMS, 8) & ~RTM_CLAIMS_CLOSED;
	out->size_before = out->size_after = (uint64_t)sb.st_size;
	out->chunk_count = count;
	if (get_le(h + RTM_H_MODE, 4) == RTM_MODE_SUMMARY || chunk_off == 0) {
		out->already = 1; /* no chunk area: nothing to cut */
		goto out;
	}
	if (csize < 4096 || (csize & (csize - 1)) != 0 || chunk_off < RTM_HDR_SIZE ||
	    (chunk_off & 4095u) != 0) {
		rc = lc_err_set(err, LC_EFORMAT, "%s: corrupt chunk geometry in the header", path);
		goto out;
	}
	used = claims < count ? (uint32_t)claims : count;
	if ((flags & RTM_F_TRIMMED) && get_le(h + RTM_H_CHUNKS_KEPT, 4) < used)
		used = (uint32_t)get_le(h + RTM_H_CHUNKS_KEPT, 4);
	out->chunks_used = used;
	want = chunk_off + (uint64_t)used * csize;
	if (want >= (uint64_t)sb.st_size) {
		out->already = 1;
		goto out;
	}
	put_le(h + RTM_H_CHUNKS_KEPT, used, 4);
	put_le(h + RTM_H_FILE_SIZE, want, 8);
	put_le(h + RTM_H_FLAGS, flags | RTM_F_TRIMMED, 4);
	if (pwrite(fd, h + RTM_H_FLAGS, 4, RTM_H_FLAGS) != 4 ||
	    pwrite(fd, h + RTM_H_FILE_SIZE, 8, RTM_H_FILE_SIZE) != 8 ||
	    pwrite(fd, h + RTM_H_CHUNKS_KEPT, 4, RTM_H_CHUNKS_KEPT) != 4 ||
	    ftruncate(fd, (off_t)want) < 0) {
		rc = lc_err_set(err, LC_EIO, "cannot cut '%s': %s", path, strerror(errno));
		goto out;
	}
	out->size_after = want;
out:
	if (fd >= 0)
		close(fd);
	return rc;
}
