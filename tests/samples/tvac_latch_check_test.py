#!/usr/bin/env python3
"""latch-check on the tvac sample: the real sources pass, and the same
sources with the telemetry sink made reachable from the interlock fail with
heap-alloc, because reachability, not file names, decides what is checked.

usage: tvac_latch_check_test.py LATCH_CHECK BUILD_DIR SAMPLE_DIR
"""
import json
import os
import shutil
import subprocess
import sys
import tempfile

latch_check, build_dir, sample_dir = sys.argv[1:4]
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def sample_db(src_dir, out_dir):
    """compile_commands.json of the build, cut down to tvac_core's sources
    and pointed at src_dir."""
    with open(os.path.join(build_dir, "compile_commands.json")) as f:
        db = json.load(f)
    core = [e for e in db if os.path.dirname(e["file"]) == sample_dir
            and "tvac_core" in e.get("output", e.get("command", ""))]
    for e in core:
        for key in ("file", "command"):
            if key in e:
                e[key] = e[key].replace(sample_dir + "/", src_dir + "/")
        if "arguments" in e:
            e["arguments"] = [a.replace(sample_dir + "/", src_dir + "/") for a in e["arguments"]]
    with open(os.path.join(out_dir, "compile_commands.json"), "w") as f:
        json.dump(core, f)
    return len(core)


def run(src_dir, db_dir):
    return subprocess.run([latch_check, "-p", db_dir, "--no-cache", "-j", "1",
                           "--config", os.path.join(sample_dir, ".latch.yaml")],
                          cwd=src_dir, capture_output=True, text=True, timeout=300)


with tempfile.TemporaryDirectory() as tmp:
    n = sample_db(sample_dir, tmp)
    check(n >= 10, f"only {n} tvac_core entries in compile_commands.json")
    p = run(sample_dir, tmp)
    check(p.returncode == 0, f"clean sample: exit {p.returncode}\n{p.stdout}{p.stderr}")
    check("0 errors" in p.stdout + p.stderr, "clean sample: expected '0 errors'")

    # The bad variant: the interlock logs its trips through the telemetry
    # sink, which formats with vsnprintf and grows its buffer with realloc.
    bad = os.path.join(tmp, "bad")
    shutil.copytree(sample_dir, bad, ignore=shutil.ignore_patterns("fw", "*.md"))
    path = os.path.join(bad, "interlock.c")
    with open(path) as f:
        text = f.read()
    text = text.replace('#include "sensors.h"\n', '#include "sensors.h"\n#include "telem.h"\n', 1)
    marker = "\t\t\tt->safe_tick = 0;\n"
    check(marker in text, "interlock.c changed: cannot build the bad variant")
    text = text.replace(marker, marker + "\t\t\ttvac_telem_event((struct tvac_telem *)0, tick, "
                        "TVAC_TELEM_TRIP, (uint32_t)r);\n", 1)
    with open(path, "w") as f:
        f.write(text)
    bad_db = os.path.join(tmp, "baddb")
    os.mkdir(bad_db)
    sample_db(bad, bad_db)
    p = run(bad, bad_db)
    out = p.stdout
    check(p.returncode == 1, f"bad variant: exit {p.returncode}, expected 1\n{out}{p.stderr}")
    check("telem.c:" in out and "[heap-alloc]" in out and "'realloc'" in out,
          f"bad variant: no heap-alloc finding for realloc in telem.c\n{out}")
    check("reached from interlock root 'interlock_tick' via il_detect() -> il_latch() -> "
          "tvac_telem_event() -> telem_append()" in out,
          f"bad variant: the note does not name the path\n{out}")

print(f"{len(failures)} failure(s)")
sys.exit(1 if failures else 0)
