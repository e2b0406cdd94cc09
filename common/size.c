/* common/size.c - the byte-size grammar (see size.h). */
#include "size.h"

#include <string.h>

#include "err.h"

/* Parses an unsigned number in base 10 or 16 filling the whole of [s, end);
 * returns 0 or -1. */
static int parse_digits(const char *s, const char *end, unsigned base, uint64_t *out)
{
	uint64_t v = 0;
	int digits = 0;

	for (; s < end; s++) {
		unsigned d;

		if (*s >= '0' && *s <= '9')
			d = (unsigned)(*s - '0');
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = (unsigned)(*s - 'a' + 10);
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = (unsigned)(*s - 'A' + 10);
		else if (*s == '_' && digits > 0 && s + 1 < end)
			continue;
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
		digits++;
	}
	if (digits == 0)
		return -1;
	*out = v;
	return 0;
}

int lc_size_parse(const char *s, uint64_t *out)
{
	static const struct {
		const char *suffix;
		unsigned shift;
		int hex_ok; /* may follow a hexadecimal number */
	} units[] = {
	        {"KiB", 10, 1}, {"KB", 10, 1}, {"K", 10, 1}, {"k", 10, 1},
	        {"MiB", 20, 1}, {"MB", 20, 1}, {"M", 20, 1}, {"GiB", 30, 1},
	        {"GB", 30, 1},  {"G", 30, 1},  {"B", 0, 0},
	};
	const char *end, *digits;
	unsigned shift = 0, base = 10;
	size_t i, len;
	uint64_t v;

	if (s == NULL)
		return LC_EFORMAT;
	len = strlen(s);
	end = s + len;
	digits = s;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		digits = s + 2;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		size_t sl = strlen(units[i].suffix);

		if ((base == 10 || units[i].hex_ok) && (size_t)(end - digits) > sl &&
		    strcmp(end - sl, units[i].suffix) == 0) {
			end -= sl;
			shift = units[i].shift;
			break;
		}
	}
	while (end > digits && end[-1] == ' ')
		end--;
	if (parse_digits(digits, end, base, &v) < 0 || (shift && v > (UINT64_MAX >> shift)))
		return LC_EFORMAT;
	*out = v << shift;
	return 0;
}
