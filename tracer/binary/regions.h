/*
 * tracer/binary/regions.h - memory regions (FLASH, RAM, ...) and how much of each
 * an ELF file uses.
 *
 * Regions come from the command line (--regions FLASH=0x08000000:512K,...)
 * or from the "Memory Configuration" table of a GNU ld map file (-Map).
 * A section uses the region holding its run address (VMA); a section with
 * a load image stored elsewhere (LMA != VMA, e.g. .data) also uses the
 * region holding its load address. "used" is measured like ld's
 * --print-memory-usage: from the region's origin to the highest byte placed
 * in it, so alignment padding between sections counts.
 */
#ifndef TRC_REGIONS_H
#define TRC_REGIONS_H

#include <stddef.h>
#include <stdint.h>

#include "binary/elf.h"
#include "err.h"

#define TRC_REGIONS_MAX     32
#define TRC_REGION_NAME_MAX 48

struct trc_region {
	char name[TRC_REGION_NAME_MAX];
	uint64_t origin;
	uint64_t length;
	uint64_t used;    /* highest byte placed - origin (0 if nothing) */
	uint64_t sum;     /* sum of the sizes placed (no padding) */
	size_t nsections; /* sections (or load images) placed in it */
};

struct trc_regions {
	size_t n;
	struct trc_region r[TRC_REGIONS_MAX];
	uint64_t outside; /* allocated bytes that fall in no region */
};

/* Parses a size in the one grammar of common/size.h (decimal, never octal,
 * or 0x hex; K, KiB, M, MiB, G, GiB are powers of 1024). Returns 0 or
 * LC_EUSAGE. */
int trc_regions_parse_size(uint64_t *out, const char *s, struct lc_err *err);

/* Appends the regions of "NAME=ORIGIN:LENGTH[,NAME=ORIGIN:LENGTH...]" to
 * *out (which the caller zero-initialises). Returns 0, LC_EUSAGE with a
 * message naming the bad item, or LC_ELIMIT beyond TRC_REGIONS_MAX. */
int trc_regions_parse(struct trc_regions *out, const char *spec, struct lc_err *err);

/* Appends the regions of the "Memory Configuration" table of a GNU ld map
 * file (the *default* row excluded). Returns 0, LC_EIO, or LC_EFORMAT when
 * the file has no such table or the table lists no region (a link without
 * MEMORY{}: no region is invented). */
int trc_regions_load_map(struct trc_regions *out, const char *path, struct lc_err *err);

/* Regions that overlap are an error (LC_EUSAGE naming both); a name given
 * twice or a length of 0 is already refused when a region is added.
 * Returns 0 or LC_EUSAGE. */
int trc_regions_check(const struct trc_regions *r, struct lc_err *err);

/* Fills used/sum/nsections of every region, and outside, from e. */
void trc_regions_measure(struct trc_regions *r, const struct trc_elf *e);

/* The region whose name equals name ignoring case, or NULL. */
const struct trc_region *trc_regions_find(const struct trc_regions *r, const char *name);

#endif /* TRC_REGIONS_H */
