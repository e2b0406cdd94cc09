/*
 * cli.c - option parsing for the tvac demo.
 *
 * Hand-rolled rather than getopt_long: getopt prints its own messages in its
 * own format and keeps global state, and the demo must answer every bad input
 * with one "tvac: error: ..." line and exit status 2.
 */
#include "cli.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "control.h"

static int cli_fail(char *err, size_t errlen, const char *fmt, ...)
        __attribute__((format(printf, 3, 4)));

/* Formats the message into err and returns TVAC_CLI_EUSAGE. */
static int cli_fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return TVAC_CLI_EUSAGE;
}

int tvac_cli_parse_time(uint32_t *out_ticks, const char *s, char *err, size_t errlen)
{
	char *end = NULL;
	double v;
	double scale = 1000.0; /* periods per unit */
	size_t digits, dots = 0, i;
	int rc;

	if (s[0] == '-') {
		rc = cli_fail(err, errlen, "negative time '%s'", s);
		goto out;
	}
	/* Plain decimal only: strtod alone would also take "inf", "nan", hex,
	 * exponents and leading blanks. */
	digits = strspn(s, "0123456789.");
	for (i = 0; i < digits; i++)
		dots += s[i] == '.';
	if (digits == dots || dots > 1) {
		rc = cli_fail(err, errlen, "malformed time '%s' (expected e.g. 12.5s, 250ms or 3)",
		              s);
		goto out;
	}
	errno = 0;
	v = strtod(s, &end);
	if (end != s + digits || errno != 0 || !isfinite(v)) {
		rc = cli_fail(err, errlen, "malformed time '%s' (expected e.g. 12.5s, 250ms or 3)",
		              s);
		goto out;
	}
	if (strcmp(end, "ms") == 0) {
		scale = 1.0;
	} else if (strcmp(end, "s") != 0 && *end != '\0') {
		rc = cli_fail(err, errlen, "malformed time '%s' (expected e.g. 12.5s, 250ms or 3)",
		              s);
		goto out;
	}
	if (v * scale > (double)TVAC_CLI_MAX_SECONDS * 1000.0) {
		rc = cli_fail(err, errlen, "time '%s' is too large (at most %u s)", s,
		              TVAC_CLI_MAX_SECONDS);
		goto out;
	}
	*out_ticks = (uint32_t)floor(v * scale + 0.5);
	rc = 0;
out:
	return rc;
}

static int cli_fault_kind(enum tvac_fault_kind *out, const char *name, size_t len)
{
	unsigned k;
	int rc = -1;

	for (k = 0; k < TVAC_FAULT_KIND_COUNT; k++) {
		const char *n = tvac_fault_name((enum tvac_fault_kind)k);

		if (strlen(n) == len && strncmp(n, name, len) == 0) {
			*out = (enum tvac_fault_kind)k;
			rc = 0;
			break;
		}
	}
	return rc;
}

int tvac_cli_parse_fault(struct tvac_fault *out, const char *spec, char *err, size_t errlen)
{
	const char *at = strchr(spec, '@');
	enum tvac_fault_kind kind = TVAC_FAULT_OVERPRESSURE;
	uint32_t ticks = 0;
	size_t len = at ? (size_t)(at - spec) : strlen(spec);
	int rc;

	if (cli_fault_kind(&kind, spec, len) < 0) {
		rc = cli_fail(err, errlen,
		              "unknown fault '%.*s' (known: overpressure, overtemp, i2c-nack, "
		              "i2c-timeout, cooling-loss, stuck-sensor)",
		              (int)len, spec);
		goto out;
	}
	if (!at) {
		rc = cli_fail(err, errlen, "fault '%s' needs a time, as in '%s@12.5s'", spec, spec);
		goto out;
	}
	rc = tvac_cli_parse_time(&ticks, at + 1, err, errlen);
	if (rc < 0)
		goto out;
	out->kind = kind;
	out->tick = ticks;
out:
	return rc;
}

/* The options that take a value, as "--name VALUE" or "--name=VALUE". */
enum cli_opt { OPT_FAULT, OPT_SEED, OPT_SIM_SECONDS, OPT_SETPOINT, OPT_TELEMETRY, OPT_COUNT };

static const char *const cli_opt_names[OPT_COUNT] = {
        "--fault", "--seed", "--sim-seconds", "--setpoint", "--telemetry",
};

/* Finds which valued option argv[*i] is and points *val at its value,
 * stepping *i past a separate value. Returns the option, OPT_COUNT when
 * argv[*i] is none of them, or TVAC_CLI_EUSAGE when the value is missing. */
static int cli_opt_find(const char **val, int argc, char *const argv[], int *i, char *err,
                        size_t errlen)
{
	const char *a = argv[*i];
	int rc = OPT_COUNT;
	int k;

	for (k = 0; k < OPT_COUNT && rc == OPT_COUNT; k++) {
		size_t n = strlen(cli_opt_names[k]);

		if (strncmp(a, cli_opt_names[k], n) != 0)
			continue;
		if (a[n] == '=') {
			*val = a + n + 1;
			rc = k;
		} else if (a[n] == '\0' && *i + 1 < argc) {
			*val = argv[++*i];
			rc = k;
		} else if (a[n] == '\0') {
			rc = cli_fail(err, errlen, "option '%s' needs a value", a);
		}
	}
	return rc;
}

static int cli_parse_u64(uint64_t *out, const char *s, const char *what, char *err, size_t errlen)
{
	char *end = NULL;
	unsigned long long v;
	int rc = 0;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (s[0] < '0' || s[0] > '9' || *end != '\0' || errno != 0)
		rc = cli_fail(err, errlen, "malformed %s '%s' (expected a non-negative integer)",
		              what, s);
	else
		*out = (uint64_t)v;
	return rc;
}

static int cli_parse_setpoint(float *out, const char *s, char *err, size_t errlen)
{
	char *end = NULL;
	double v;
	int rc = 0;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || *end != '\0' || errno != 0 || !isfinite(v) || v < -150.0 || v > 110.0)
		rc = cli_fail(err, errlen, "setpoint '%s' is not a temperature in -150..110 C", s);
	else
		*out = (float)v;
	return rc;
}

static int cli_apply(struct tvac_opts *out, enum cli_opt opt, const char *val, char *err,
                     size_t errlen)
{
	int rc = 0;

	switch (opt) {
	case OPT_FAULT:
		if (out->nfaults >= TVAC_MAX_FAULTS)
			rc = cli_fail(err, errlen, "too many --fault options (at most %u)",
			              TVAC_MAX_FAULTS);
		else
			rc = tvac_cli_parse_fault(&out->faults[out->nfaults++], val, err, errlen);
		break;
	case OPT_SEED:
		rc = cli_parse_u64(&out->seed, val, "seed", err, errlen);
		break;
	case OPT_SIM_SECONDS:
		rc = tvac_cli_parse_time(&out->ticks, val, err, errlen);
		if (rc == 0 && out->ticks == 0)
			rc = cli_fail(err, errlen, "--sim-seconds must be above zero");
		break;
	case OPT_SETPOINT:
		rc = cli_parse_setpoint(&out->setpoint_c, val, err, errlen);
		break;
	case OPT_TELEMETRY:
		out->telemetry_path = val;
		break;
	case OPT_COUNT:
		break;
	}
	return rc;
}

int tvac_cli_parse(struct tvac_opts *out, int argc, char *const argv[], char *err, size_t errlen)
{
	struct tvac_ctl_config defaults;
	const char *val = NULL;
	int rc = 0;
	int opt;
	int i;
	size_t f;

	tvac_ctl_config_default(&defaults);
	memset(out, 0, sizeof *out);
	out->seed = 1;
	out->ticks = TVAC_CLI_DEFAULT_SECONDS * TVAC_TICK_HZ;
	out->setpoint_c = defaults.setpoint_c;

	for (i = 1; i < argc && rc == 0; i++) {
		const char *a = argv[i];

		if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
			out->help = true;
		else if (strcmp(a, "--realtime") == 0)
			out->realtime = true;
		else if ((opt = cli_opt_find(&val, argc, argv, &i, err, errlen)) < 0)
			rc = opt;
		else if (opt != OPT_COUNT)
			rc = cli_apply(out, (enum cli_opt)opt, val, err, errlen);
		else if (a[0] == '-')
			rc = cli_fail(err, errlen, "unknown option '%s' (see --help)", a);
		else
			rc = cli_fail(err, errlen, "unexpected argument '%s' (see --help)", a);
	}
	/* A fault the run never reaches would look like a fault the interlock
	 * missed; refuse it instead. */
	for (f = 0; f < out->nfaults && rc == 0; f++) {
		const struct tvac_fault *fl = &out->faults[f];

		if (fl->tick >= out->ticks)
			rc = cli_fail(err, errlen,
			              "fault '%s' at %u.%03u s is not before the end of the run "
			              "(%u.%03u s)",
			              tvac_fault_name(fl->kind), (unsigned)(fl->tick / 1000u),
			              (unsigned)(fl->tick % 1000u), (unsigned)(out->ticks / 1000u),
			              (unsigned)(out->ticks % 1000u));
	}
	return rc;
}

void tvac_cli_usage(FILE *f)
{
	fputs("usage: tvac [options]\n"
	      "\n"
	      "Runs the thermal-vacuum-chamber controller against a simulated chamber:\n"
	      "pump-down (roughing, then cryo), then holds the platen at the setpoint, at\n"
	      "1 kHz. Prints a summary at exit: ticks, interlock trips with the times of\n"
	      "injection, detection and safe state, loop times and deadline misses.\n"
	      "\n"
	      "options:\n"
	      "  --fault KIND@TIME   inject a fault (repeatable, up to 8); KIND is one of\n"
	      "                        overpressure  gas inrush into the chamber\n"
	      "                        overtemp      heater relay fails short (full power)\n"
	      "                        i2c-nack      pressure transducer stops answering\n"
	      "                        i2c-timeout   the I2C bus hangs (transfers never end)\n"
	      "                        cooling-loss  cooling-loop flow stops\n"
	      "                        stuck-sensor  platen sensor repeats its last reading\n"
	      "                      TIME is 12.5s, 250ms or 3 (seconds of simulated time)\n"
	      "  --seed N            seed of the simulated plant's noise (default 1)\n"
	      "  --sim-seconds N     simulated run length, default 30; without --realtime\n"
	      "                      the simulation runs as fast as the CPU allows\n"
	      "  --realtime          pace the loop on absolute 1 ms deadlines\n"
	      "                      (clock_nanosleep) and count deadline misses\n"
	      "  --setpoint C        platen setpoint in deg C (default 40)\n"
	      "  --telemetry FILE    write the telemetry log (CSV, 10 Hz) to FILE\n"
	      "  -h, --help          show this help\n"
	      "\n"
	      "exit status: 0 the run completed (trips are reported, not errors);\n"
	      "2 bad command line or a file could not be written.\n",
	      f);
}
