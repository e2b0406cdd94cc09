#!/usr/bin/env python3
"""Integration test of the tvac demo binary: faults trip in the printed
summary, a clean run does not, the summary is stable for a seed, and bad
command lines exit 2 with one 'tvac: error:' line.

usage: tvac_demo_test.py PATH/TO/tvac
"""
import os
import re
import subprocess
import sys
import tempfile
import time

TVAC = sys.argv[1]
FAILURES = []

TRIP_RE = re.compile(
    r"^trip (\d+): (\S+) injected (?:(\d+\.\d{3}) s|-), detected (\d+\.\d{3}) s, "
    r"safe (\d+\.\d{3}) s \(\+(\d+) ticks\) \[([a-z-]+)(?::([a-z]+))?\]$")

# fault kind -> (reason in the summary, sensor or None, detection latency
# window in ms after injection). The windows follow from the interlock's
# limits: 20-period staleness, 50-period flow debounce, 100 repeated codes,
# 2000 mbar/s inrush to 1100 mbar, a runaway heater at about 30 C/s.
EXPECT = {
    "overpressure": ("over-pressure", None, 540, 570),
    "overtemp": ("over-temperature", None, 500, 5000),
    "i2c-nack": ("stale-sensor", "pressure", 20, 20),
    "i2c-timeout": ("stale-sensor", "pressure", 20, 20),
    "cooling-loss": ("cooling-loss", None, 49, 49),
    "stuck-sensor": ("implausible-sensor", "platen", 99, 99),
}
# when each fault is injected: the sensor faults early (roughing), the others
# once the platen is under temperature control (thermal phase from ~14.5 s).
WHEN = {"i2c-nack": "3s", "i2c-timeout": "2500ms", "overpressure": "16.5s",
        "overtemp": "16", "cooling-loss": "20s", "stuck-sensor": "18.25s"}


def check(cond, what):
    if not cond:
        FAILURES.append(what)
        print("FAIL: " + what)


def run(*args, timeout=60):
    p = subprocess.run([TVAC, *args], capture_output=True, text=True, timeout=timeout)
    return p.returncode, p.stdout, p.stderr


def ms(text):
    return round(float(text) * 1000)


def trips(out):
    return [TRIP_RE.match(l) for l in out.splitlines() if l.startswith("trip ")]


def stable(out):
    """The summary without its two nondeterministic lines."""
    return "\n".join(l for l in out.splitlines()
                     if not l.startswith(("loop time:", "deadline misses:")))


def test_clean_run():
    rc, out, err = run()
    check(rc == 0 and err == "", f"clean run: rc {rc}, stderr {err!r}")
    check("\ntrips: 0\n" in out, "clean run: expected 'trips: 0'")
    check("\nphase: thermal\n" in out, "clean run: expected to end in the thermal phase")
    check("ticks: 30000 (30.000 s simulated)" in out, "clean run: 30000 ticks by default")
    m = re.search(r"^final: pressure (\S+) mbar, platen (\S+) C", out, re.M)
    check(m and float(m.group(1)) < 1e-4 and abs(float(m.group(2)) - 40.0) < 0.5,
          "clean run: final pressure < 1e-4 mbar and platen at 40 +- 0.5 C")
    check(re.search(r"^loop time: max \d+\.\d{3} us, mean \d+\.\d{3} us$", out, re.M),
          "clean run: loop time line")


def test_each_fault_trips():
    for kind, (reason, sensor, lo, hi) in EXPECT.items():
        rc, out, err = run("--fault", f"{kind}@{WHEN[kind]}")
        check(rc == 0 and err == "", f"{kind}: rc {rc}, stderr {err!r}")
        ts = trips(out)
        check(len(ts) == 1 and ts[0] is not None, f"{kind}: expected one parsable trip line")
        if not ts or ts[0] is None:
            continue
        m = ts[0]
        inj, det, safe, plus = ms(m.group(3)), ms(m.group(4)), ms(m.group(5)), int(m.group(6))
        check(m.group(2) == kind, f"{kind}: trip attributed to {m.group(2)}")
        check(m.group(7) == reason, f"{kind}: reason {m.group(7)}, expected {reason}")
        check(m.group(8) == sensor, f"{kind}: sensor {m.group(8)}, expected {sensor}")
        check(lo <= det - inj <= hi, f"{kind}: detected {det - inj} ms after injection, "
              f"expected {lo}..{hi}")
        # safe state within one control period (1 ms) of the detection
        check(0 <= safe - det <= 1 and plus == safe - det,
              f"{kind}: safe {safe} vs detected {det}, printed +{plus} ticks")
        check("\nphase: safe\n" in out, f"{kind}: expected the safe phase at the end")
        check("untripped:" not in out, f"{kind}: fault reported untripped")


def test_several_faults():
    rc, out, _ = run("--fault", "overpressure@12.5s", "--fault", "cooling-loss@20s",
                     "--fault", "overtemp@22s", "--sim-seconds", "25")
    ts = trips(out)
    check(rc == 0 and len(ts) == 2 and all(ts), "several faults: two trip lines")
    if len(ts) == 2 and all(ts):
        check([t.group(2) for t in ts] == ["overpressure", "cooling-loss"],
              "several faults: attributed in order")
    # the heater is already off, so the runaway heater cannot heat: no trip
    check("untripped: overtemp injected 22.000 s (interlock already tripped)" in out,
          "several faults: overtemp reported untripped")


def test_deterministic_for_seed():
    a = run("--seed", "7", "--fault", "overtemp@16s")[1]
    b = run("--seed", "7", "--fault", "overtemp@16s")[1]
    c = run("--seed", "8", "--fault", "overtemp@16s")[1]
    check(stable(a) == stable(b), "same seed: summaries differ")
    final = lambda s: re.search(r"^final: .*$", s, re.M).group(0)
    check(final(a) != final(c), "different seeds: identical final state")
    check("seed: 7\n" in a and "seed: 8\n" in c, "seed echoed in the summary")


def test_telemetry_file():
    with tempfile.TemporaryDirectory() as d:
        path = os.path.join(d, "t.csv")
        rc, out, _ = run("--sim-seconds", "20", "--telemetry", path,
                         "--fault", "stuck-sensor@18s")
        check(rc == 0 and os.path.exists(path), "telemetry: file written")
        with open(path) as f:
            lines = f.read().splitlines()
        m = re.search(r"^telemetry: (\d+) lines, (\d+) bytes, 0 lost$", out, re.M)
        check(m and int(m.group(1)) == len(lines), "telemetry: line count matches summary")
        check(m and int(m.group(2)) == os.path.getsize(path), "telemetry: byte count matches")
        samples = [l for l in lines[1:] if not l.startswith("#")]
        check(len(samples) == 200, f"telemetry: {len(samples)} samples, expected 200 (10 Hz)")
        check("# 18.099 trip implausible-sensor" in lines,
              "telemetry: trip event logged by the control task")
        check(lines[0].startswith("time_s,phase,pressure_mbar"), "telemetry: CSV header")


def test_realtime():
    t0 = time.monotonic()
    rc, out, _ = run("--realtime", "--sim-seconds", "0.3")
    elapsed = time.monotonic() - t0
    check(rc == 0, "realtime: rc")
    check(re.search(r"^deadline misses: \d+ \(worst wake-up \d+\.\d{3} us after release\)$",
                    out, re.M), "realtime: deadline misses counted")
    check(elapsed >= 0.29, f"realtime: 300 periods took only {elapsed:.3f} s")


def test_help():
    rc, out, _ = run("--help")
    check(rc == 0, "help: rc 0")
    for word in list(EXPECT) + ["--seed", "--sim-seconds", "--realtime", "12.5s", "250ms"]:
        check(word in out, f"help: mentions {word}")


def test_bad_command_lines():
    cases = [
        (["--fault", "meltdown@3s"], "unknown fault 'meltdown'"),
        (["--fault", "overtemp@3x"], "malformed time '3x'"),
        (["--fault", "overtemp"], "fault 'overtemp' needs a time"),
        (["--sim-seconds", "-5"], "negative time '-5'"),
        (["--sim-seconds", "abc"], "malformed time 'abc'"),
        (["--seed", "x"], "malformed seed 'x'"),
        (["--frobnicate"], "unknown option '--frobnicate'"),
        (["--fault", "overtemp@31s"], "is not before the end of the run"),
        (["--telemetry"], "option '--telemetry' needs a value"),
    ]
    for args, msg in cases:
        rc, out, err = run(*args)
        check(rc == 2, f"{args}: exit {rc}, expected 2")
        check(err.startswith("tvac: error: ") and msg in err and err.count("\n") == 1,
              f"{args}: stderr {err!r}")
        check(out == "", f"{args}: nothing on stdout")
    rc, _, err = run("--sim-seconds", "1", "--telemetry", "/nonexistent/dir/t.csv")
    check(rc == 2 and err.startswith("tvac: error: cannot open '/nonexistent/dir/t.csv'"),
          f"unwritable telemetry: rc {rc}, {err!r}")


for t in [test_clean_run, test_each_fault_trips, test_several_faults, test_deterministic_for_seed,
          test_telemetry_file, test_realtime, test_help, test_bad_command_lines]:
    t()
print(f"{len(FAILURES)} failure(s)")
sys.exit(1 if FAILURES else 0)
