/*
 * test_tvac_cli.c - command-line parsing of the tvac demo: times, fault
 * specs, and the exact messages bad input gets.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "cli.h"

static char err[256];

static void test_cli_time_units(void **state)
{
	uint32_t t = 0;

	(void)state;
	assert_int_equal(tvac_cli_parse_time(&t, "12.5s", err, sizeof err), 0);
	assert_int_equal(t, 12500);
	assert_int_equal(tvac_cli_parse_time(&t, "250ms", err, sizeof err), 0);
	assert_int_equal(t, 250);
	assert_int_equal(tvac_cli_parse_time(&t, "3", err, sizeof err), 0);
	assert_int_equal(t, 3000);
	assert_int_equal(tvac_cli_parse_time(&t, ".0015", err, sizeof err), 0);
	assert_int_equal(t, 2); /* rounded to the nearest period */
	assert_int_equal(tvac_cli_parse_time(&t, "0", err, sizeof err), 0);
	assert_int_equal(t, 0);
}

static void test_cli_time_rejects_bad_input(void **state)
{
	static const char *const bad[] = {"3x",     "",     "abc", "inf", "nan",   " 3", "3 s",
	                                  "1.5sec", "0x10", "+3",  "1e3", "1.2.3", "."};
	uint32_t t = 77;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof bad / sizeof bad[0]; i++) {
		assert_int_equal(tvac_cli_parse_time(&t, bad[i], err, sizeof err), TVAC_CLI_EUSAGE);
		assert_non_null(strstr(err, "malformed time"));
	}
	assert_int_equal(t, 77);
	assert_int_equal(tvac_cli_parse_time(&t, "-3", err, sizeof err), TVAC_CLI_EUSAGE);
	assert_string_equal(err, "negative time '-3'");
	assert_int_equal(tvac_cli_parse_time(&t, "1000001", err, sizeof err), TVAC_CLI_EUSAGE);
	assert_string_equal(err, "time '1000001' is too large (at most 1000000 s)");
	assert_int_equal(tvac_cli_parse_time(&t, "1000000", err, sizeof err), 0);
	assert_int_equal(t, 1000000000u);
}

static void test_cli_fault_specs(void **state)
{
	struct tvac_fault f;

	(void)state;
	assert_int_equal(tvac_cli_parse_fault(&f, "overpressure@12.5s", err, sizeof err), 0);
	assert_int_equal(f.kind, TVAC_FAULT_OVERPRESSURE);
	assert_int_equal(f.tick, 12500);
	assert_int_equal(tvac_cli_parse_fault(&f, "i2c-nack@3s", err, sizeof err), 0);
	assert_int_equal(f.kind, TVAC_FAULT_I2C_NACK);
	assert_int_equal(tvac_cli_parse_fault(&f, "stuck-sensor@250ms", err, sizeof err), 0);
	assert_int_equal(f.kind, TVAC_FAULT_STUCK_SENSOR);
	assert_int_equal(f.tick, 250);

	assert_int_equal(tvac_cli_parse_fault(&f, "meltdown@3s", err, sizeof err), TVAC_CLI_EUSAGE);
	assert_string_equal(err, "unknown fault 'meltdown' (known: overpressure, overtemp, "
	                         "i2c-nack, i2c-timeout, cooling-loss, stuck-sensor)");
	/* A prefix of a known name is not that name. */
	assert_int_equal(tvac_cli_parse_fault(&f, "over@3s", err, sizeof err), TVAC_CLI_EUSAGE);
	assert_int_equal(tvac_cli_parse_fault(&f, "overtemp", err, sizeof err), TVAC_CLI_EUSAGE);
	assert_string_equal(err, "fault 'overtemp' needs a time, as in 'overtemp@12.5s'");
	assert_int_equal(tvac_cli_parse_fault(&f, "overtemp@soon", err, sizeof err),
	                 TVAC_CLI_EUSAGE);
	assert_non_null(strstr(err, "malformed time 'soon'"));
}

static int parse(const char *const *args, size_t n, struct tvac_opts *o)
{
	char *argv[2 * TVAC_MAX_FAULTS + 4];
	size_t i;

	assert_true(n + 1 < sizeof argv / sizeof argv[0]);
	argv[0] = (char *)"tvac";
	for (i = 0; i < n; i++)
		argv[i + 1] = (char *)args[i];
	return tvac_cli_parse(o, (int)n + 1, argv, err, sizeof err);
}

static void test_cli_parse_defaults_and_options(void **state)
{
	static const char *const a[] = {
	        "--fault",       "overtemp@20s", "--seed=42",  "--fault=i2c-nack@3",
	        "--sim-seconds", "25",           "--realtime", "--telemetry",
	        "t.csv"};
	struct tvac_opts o;

	(void)state;
	assert_int_equal(parse(NULL, 0, &o), 0);
	assert_int_equal(o.seed, 1);
	assert_int_equal(o.ticks, 30000);
	assert_false(o.realtime);
	assert_int_equal(o.nfaults, 0);

	assert_int_equal(parse(a, sizeof a / sizeof a[0], &o), 0);
	assert_int_equal(o.seed, 42);
	assert_int_equal(o.ticks, 25000);
	assert_true(o.realtime);
	assert_string_equal(o.telemetry_path, "t.csv");
	assert_int_equal(o.nfaults, 2);
	assert_int_equal(o.faults[0].kind, TVAC_FAULT_OVERTEMP);
	assert_int_equal(o.faults[1].tick, 3000);
}

static void test_cli_parse_errors(void **state)
{
	static const struct {
		const char *args[3];
		size_t n;
		const char *msg;
	} cases[] = {
	        {{"--bogus"}, 1, "unknown option '--bogus' (see --help)"},
	        {{"extra"}, 1, "unexpected argument 'extra' (see --help)"},
	        {{"--seed"}, 1, "option '--seed' needs a value"},
	        {{"--seed", "-1"}, 2, "malformed seed '-1' (expected a non-negative integer)"},
	        {{"--sim-seconds", "-5"}, 2, "negative time '-5'"},
	        {{"--sim-seconds", "0"}, 2, "--sim-seconds must be above zero"},
	        {{"--setpoint", "500"}, 2, "setpoint '500' is not a temperature in -150..110 C"},
	        {{"--fault", "overtemp@40s"},
	         2,
	         "fault 'overtemp' at 40.000 s is not before the end of the run (30.000 s)"},
	        {{"--sim-seconds=10", "--fault=cooling-loss@10s"},
	         2,
	         "fault 'cooling-loss' at 10.000 s is not before the end of the run (10.000 s)"},
	};
	struct tvac_opts o;
	size_t i;

	(void)state;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		assert_int_equal(parse(cases[i].args, cases[i].n, &o), TVAC_CLI_EUSAGE);
		assert_string_equal(err, cases[i].msg);
	}
}

static void test_cli_parse_limits_fault_count(void **state)
{
	const char *a[2 * TVAC_MAX_FAULTS + 2];
	struct tvac_opts o;
	size_t i;

	(void)state;
	for (i = 0; i < TVAC_MAX_FAULTS + 1; i++) {
		a[2 * i] = "--fault";
		a[2 * i + 1] = "overtemp@1s";
	}
	assert_int_equal(parse(a, 2 * TVAC_MAX_FAULTS, &o), 0);
	assert_int_equal(o.nfaults, TVAC_MAX_FAULTS);
	assert_int_equal(parse(a, 2 * TVAC_MAX_FAULTS + 2, &o), TVAC_CLI_EUSAGE);
	assert_string_equal(err, "too many --fault options (at most 8)");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
	        cmocka_unit_test(test_cli_time_units),
	        cmocka_unit_test(test_cli_time_rejects_bad_input),
	        cmocka_unit_test(test_cli_fault_specs),
	        cmocka_unit_test(test_cli_parse_defaults_and_options),
	        cmocka_unit_test(test_cli_parse_errors),
	        cmocka_unit_test(test_cli_parse_limits_fault_count),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
