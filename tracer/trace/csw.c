/* tracer/trace/csw.c - involuntary context switches per chunk (see csw.h). */
#define _GNU_SOURCE
#include "trace/csw.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rtm_format.h"

struct chunk {
	uint64_t seq;
	uint32_t thread;
	uint32_t state;
	uint32_t niv0, niv1;
};

struct trc_csw {
	uint64_t chunk_off;
	uint32_t chunk_size, count;
	struct chunk *c;
};

static uint32_t le32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t le64(const uint8_t *p)
{
	return (uint64_t)le32(p) | (uint64_t)le32(p + 4) << 32;
}

int trc_csw_open(struct trc_csw **out, const char *path, struct lc_err *err)
{
	struct trc_csw *c = calloc(1, sizeof(*c));
	uint8_t hdr[RTM_CHUNK_HDR > 256 ? RTM_CHUNK_HDR : 256];
	struct stat st;
	uint32_t i;
	int fd = -1, rc = 0;

	if (c == NULL)
		return lc_err_set(err, LC_ENOMEM, "out of memory");
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	if (pread(fd, hdr, 256, 0) != 256 || memcmp(hdr, RTM_MAGIC, 8) != 0) {
		rc = lc_err_set(err, LC_EFORMAT, "'%s' is not a latch trace", path);
		goto out;
	}
	c->chunk_off = le64(hdr + RTM_H_CHUNK_OFF);
	c->chunk_size = le32(hdr + RTM_H_CHUNK_SIZE);
	c->count = le32(hdr + RTM_H_CHUNK_COUNT);
	if (c->chunk_off == 0 || c->chunk_size < RTM_CHUNK_HDR)
		c->count = 0;
	/* Only the chunks the file really holds. */
	if (c->count > 0 && (uint64_t)st.st_size > c->chunk_off &&
	    ((uint64_t)st.st_size - c->chunk_off) / c->chunk_size < c->count)
		c->count = (uint32_t)(((uint64_t)st.st_size - c->chunk_off) / c->chunk_size);
	else if ((uint64_t)st.st_size <= c->chunk_off)
		c->count = 0;
	c->c = calloc(c->count ? c->count : 1, sizeof(*c->c));
	if (c->c == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (i = 0; i < c->count; i++) {
		uint64_t off = c->chunk_off + (uint64_t)i * c->chunk_size;

		if (pread(fd, hdr, RTM_CHUNK_HDR, (off_t)off) != RTM_CHUNK_HDR ||
		    le32(hdr + RTM_C_MAGIC) != RTM_CHUNK_MAGIC)
			continue; /* seq stays 0: unknown */
		c->c[i].seq = le64(hdr + RTM_C_SEQ);
		c->c[i].thread = le32(hdr + RTM_C_THREAD);
		c->c[i].state = le32(hdr + RTM_C_STATE);
		c->c[i].niv0 = le32(hdr + RTM_C_NIVCSW0);
		c->c[i].niv1 = le32(hdr + RTM_C_NIVCSW1);
	}
	*out = c;
	c = NULL;
out:
	if (fd >= 0)
		close(fd);
	trc_csw_free(c);
	return rc;
}

void trc_csw_free(struct trc_csw *c)
{
	if (c == NULL)
		return;
	free(c->c);
	free(c);
}

static int index_of(const struct trc_csw *c, uint64_t off, uint32_t *out)
{
	uint64_t i;

	if (c->count == 0 || off < c->chunk_off)
		return -1;
	i = (off - c->chunk_off) / c->chunk_size;
	if (i >= c->count || c->c[i].seq == 0)
		return -1;
	*out = (uint32_t)i;
	return 0;
}

int trc_csw_preempted(const struct trc_csw *c, uint64_t enter_off, uint64_t exit_off)
{
	uint32_t a, b, i;
	uint64_t s0, s1;
	int unknown = 0;

	if (index_of(c, enter_off, &a) < 0 || index_of(c, exit_off, &b) < 0)
		return -1;
	s0 = c->c[a].seq;
	s1 = c->c[b].seq;
	/* Every chunk of the thread claimed between the two, inclusive. */
	for (i = 0; i < c->count; i++) {
		const struct chunk *k = &c->c[i];

		if (k->thread != c->c[a].thread || k->seq < s0 || k->seq > s1)
			continue;
		if (k->state != RTM_CS_SEALED) {
			unknown = 1;
			continue;
		}
		if (k->niv1 > k->niv0)
			return 1;
	}
	return unknown ? -1 : 0;
}
