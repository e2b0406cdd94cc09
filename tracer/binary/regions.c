/*
 * tracer/binary/regions.c - memory regions from --regions or an ld map file, and
 * their use by an ELF file (see regions.h for the rules).
 */
#define _POSIX_C_SOURCE 200809L
#include "binary/regions.h"

#include <errno.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "size.h"

int trc_regions_parse_size(uint64_t *out, const char *s, struct lc_err *err)
{
	*out = 0;
	if (s == NULL || s[0] < '0' || s[0] > '9')
		return lc_err_set(err, LC_EUSAGE, "'%s' is not a size", s ? s : "");
	if (lc_size_parse(s, out) < 0)
		return lc_err_set(err, LC_EUSAGE,
		                  "'%s' is not a size (use 4096, 0x1000, 4K, 512KiB, 1M)", s);
	return 0;
}

static int add_region(struct trc_regions *out, const char *name, size_t nlen, uint64_t origin,
                      uint64_t length, struct lc_err *err)
{
	size_t i;

	struct trc_region *r;

	if (out->n >= TRC_REGIONS_MAX)
		return lc_err_set(err, LC_ELIMIT, "more than %d memory regions", TRC_REGIONS_MAX);
	if (nlen == 0 || nlen >= TRC_REGION_NAME_MAX)
		return lc_err_set(err, LC_EUSAGE, "a region name must have 1 to %d characters",
		                  TRC_REGION_NAME_MAX - 1);
	for (i = 0; i < out->n; i++)
		if (strlen(out->r[i].name) == nlen && strncasecmp(out->r[i].name, name, nlen) == 0)
			return lc_err_set(err, LC_EUSAGE, "memory region '%.*s' is given twice",
			                  (int)nlen, name);
	if (length == 0)
		return lc_err_set(err, LC_EUSAGE, "memory region '%.*s' has length 0", (int)nlen,
		                  name);
	r = &out->r[out->n++];
	memset(r, 0, sizeof(*r));
	memcpy(r->name, name, nlen);
	r->name[nlen] = '\0';
	r->origin = origin;
	r->length = length;
	return 0;
}

int trc_regions_parse(struct trc_regions *out, const char *spec, struct lc_err *err)
{
	char *copy = strdup(spec), *item, *save = NULL;
	int rc = 0;

	if (copy == NULL) {
		rc = lc_err_set(err, LC_ENOMEM, "out of memory");
		goto out;
	}
	for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(item, '='), *colon;
		uint64_t origin, length;
		struct lc_err sub;

		colon = eq ? strchr(eq, ':') : NULL;
		if (eq == NULL || colon == NULL) {
			rc = lc_err_set(err, LC_EUSAGE,
			                "--regions: '%s' is not NAME=ORIGIN:LENGTH (e.g. "
			                "FLASH=0x08000000:512K)",
			                item);
			goto out;
		}
		*colon = '\0';
		if (trc_regions_parse_size(&origin, eq + 1, &sub) < 0 ||
		    trc_regions_parse_size(&length, colon + 1, &sub) < 0) {
			rc = lc_err_set(err, LC_EUSAGE, "--regions: %s", sub.msg);
			goto out;
		}
		rc = add_region(out, item, (size_t)(eq - item), origin, length, err);
		if (rc < 0)
			goto out;
	}
	if (out->n == 0)
		rc = lc_err_set(err, LC_EUSAGE, "--regions: no region given");
out:
	free(copy);
	return rc;
}

int trc_regions_load_map(struct trc_regions *out, const char *path, struct lc_err *err)
{
	FILE *f = fopen(path, "r");
	char line[1024];
	int state = 0, rc = 0; /* 0 looking for the title, 1 for the header, 2 rows */

	if (f == NULL) {
		rc = lc_err_set(err, LC_EIO, "cannot open '%s': %s", path, strerror(errno));
		goto out;
	}
	while (state < 3 && fgets(line, sizeof(line), f)) {
		char name[TRC_REGION_NAME_MAX + 1];
		unsigned long long origin, length;

		if (state == 0 && strncmp(line, "Memory Configuration", 20) == 0)
			state = 1;
		else if (state == 1 && strncmp(line, "Name", 4) == 0)
			state = 2;
		else if (state == 2) {
			if (line[0] == '\n' || line[0] == '\0' || line[0] == '\r')
				state = 3; /* the table ends at its first blank line */
			else if (sscanf(line, "%48s %llx %llx", name, &origin, &length) == 3 &&
			         strcmp(name, "*default*") != 0) {
				rc = add_region(out, name, strlen(name), origin, length, err);
				if (rc < 0)
					goto out;
			}
		}
	}
	if (out->n == 0 && state < 2)
		rc = lc_err_set(err, LC_EFORMAT,
		                "%s: no \"Memory Configuration\" table (is it a GNU ld map file?)",
		                path);
	else if (out->n == 0)
		rc = lc_err_set(err, LC_EFORMAT,
		                "%s: the link declares no memory regions (its linker script has no "
		                "MEMORY{}, the map lists only *default*): give them with --regions",
		                path);
out:
	if (f)
		fclose(f);
	return rc;
}

static struct trc_region *region_at(struct trc_regions *r, uint64_t addr)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (addr >= r->r[i].origin && addr - r->r[i].origin < r->r[i].length)
			return &r->r[i];
	return NULL;
}

static void place(struct trc_regions *r, uint64_t addr, uint64_t size)
{
	struct trc_region *g = region_at(r, addr);

	if (g == NULL) {
		r->outside += size;
		return;
	}
	g->sum += size;
	g->nsections++;
	if (addr - g->origin + size > g->used)
		g->used = addr - g->origin + size;
}

void trc_regions_measure(struct trc_regions *r, const struct trc_elf *e)
{
	size_t i;

	for (i = 0; i < r->n; i++) {
		r->r[i].used = r->r[i].sum = 0;
		r->r[i].nsections = 0;
	}
	r->outside = 0;
	for (i = 1; i < e->nsections; i++) {
		const struct trc_elf_section *s = &e->sections[i];

		if (!(s->flags & SHF_ALLOC) || s->size == 0)
			continue;
		place(r, s->addr, s->size);
		if (s->type != SHT_NOBITS && s->lma != s->addr)
			place(r, s->lma, s->size);
	}
}

int trc_regions_check(const struct trc_regions *r, struct lc_err *err)
{
	size_t i, j;

	for (i = 0; i < r->n; i++)
		for (j = i + 1; j < r->n; j++) {
			const struct trc_region *a = &r->r[i], *b = &r->r[j];

			if (a->origin < b->origin + b->length && b->origin < a->origin + a->length)
				return lc_err_set(
				        err, LC_EUSAGE,
				        "memory regions '%s' (0x%llx, %llu bytes) and '%s' "
				        "(0x%llx, %llu bytes) overlap",
				        a->name, (unsigned long long)a->origin,
				        (unsigned long long)a->length, b->name,
				        (unsigned long long)b->origin,
				        (unsigned long long)b->length);
		}
	return 0;
}

const struct trc_region *trc_regions_find(const struct trc_regions *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->n; i++)
		if (strcasecmp(r->r[i].name, name) == 0)
			return &r->r[i];
	return NULL;
}
