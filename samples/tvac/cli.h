/*
 * cli.h - command-line options of the tvac demo (host only).
 *
 * Parsing fills a caller-provided struct and, on bad input, a message for
 * "tvac: error: <msg>"; it never prints and never exits, so tests call it.
 */
#ifndef TVAC_CLI_H
#define TVAC_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "fault.h"

#define TVAC_CLI_EUSAGE          (-2)
#define TVAC_CLI_MAX_SECONDS     1000000u /* ticks must fit in uint32_t */
#define TVAC_CLI_DEFAULT_SECONDS 30u

struct tvac_opts {
	uint64_t seed;
	uint32_t ticks; /* run length in control periods */
	bool realtime;
	bool help;
	float setpoint_c;
	const char *telemetry_path; /* borrowed from argv; NULL: not written */
	struct tvac_fault faults[TVAC_MAX_FAULTS];
	size_t nfaults;
};

/* Parses a time: "12.5s", "250ms" or "3" (seconds), rounded to whole control
 * periods. Returns 0 or TVAC_CLI_EUSAGE with a message in err. */
int tvac_cli_parse_time(uint32_t *out_ticks, const char *s, char *err, size_t errlen);

/* Parses "KIND@TIME". Returns 0 or TVAC_CLI_EUSAGE with a message in err. */
int tvac_cli_parse_fault(struct tvac_fault *out, const char *spec, char *err, size_t errlen);

/* Parses argv into *out (argv[0] is the program name). Returns 0 or
 * TVAC_CLI_EUSAGE with a message in err; out->help asks for the usage. */
int tvac_cli_parse(struct tvac_opts *out, int argc, char *const argv[], char *err, size_t errlen);

/* Prints the usage text to f. */
void tvac_cli_usage(FILE *f);

#endif /* TVAC_CLI_H */
