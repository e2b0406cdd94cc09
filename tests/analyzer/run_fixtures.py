#!/usr/bin/env python3
"""Golden tests of latch-check over tests/analyzer/fixtures/<name>/.

Each fixture directory is copied to a fresh temporary directory, given a
compile_commands.json (one entry per .c file, written directly: nothing is
built), and checked with `latch-check -p build` from inside the copy, so the
paths printed are relative and stable. The output (stdout, then stderr after
a '--- stderr' line, then 'exit: N') must equal expected.txt exactly, and the
set of "FILE:LINE ... [rule]" findings must equal the set of
`/* expect: error [rule] */` comments in the sources.

Optional files in a fixture:
  args                    extra command-line arguments, one per line
  flags                   compiler flags for every entry (a gcc-style database)
  compile_commands.json   used as is (with @DIR@ replaced) instead of generated
"""
import argparse
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile

EXPECT = re.compile(r"expect:\s*(error|warning)\s*\[([a-z-]+)\]")
FINDING = re.compile(r"^([^:\s]+):(\d+):(\d+): (error|warning): .* \[([a-z-]+)\]$")


def make_db(src, work, include_dir):
    build = os.path.join(work, "build")
    os.makedirs(build, exist_ok=True)
    given = os.path.join(src, "compile_commands.json")
    if os.path.exists(given):
        with open(given) as f:
            text = f.read().replace("@DIR@", work)
        with open(os.path.join(build, "compile_commands.json"), "w") as f:
            f.write(text)
        return build
    flags = "-std=c11 -O0"
    compiler = "cc"
    if os.path.exists(os.path.join(src, "flags")):
        with open(os.path.join(src, "flags")) as f:
            flags = f.read().strip()
        compiler = "/usr/bin/gcc"
    entries = []
    for name in sorted(os.listdir(src)):
        if name.endswith(".c"):
            cmd = "%s %s -I%s -c %s -o %s.o" % (compiler, flags, include_dir, name, name[:-2])
            entries.append({"directory": work, "file": name, "command": cmd})
    with open(os.path.join(build, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)
    return build


def expected_findings(work):
    want = set()
    for name in sorted(os.listdir(work)):
        if not name.endswith((".c", ".h")):
            continue
        with open(os.path.join(work, name)) as f:
            for i, line in enumerate(f, 1):
                m = EXPECT.search(line)
                if m:
                    want.add((name, i, m.group(1), m.group(2)))
    return want


def run_one(exe, fixtures, name, include_dir, update):
    src = os.path.join(fixtures, name)
    with tempfile.TemporaryDirectory(prefix="latch-fx-") as tmp:
        work = os.path.join(tmp, name)
        shutil.copytree(src, work)
        build = make_db(src, work, include_dir)
        args = []
        if os.path.exists(os.path.join(src, "args")):
            with open(os.path.join(src, "args")) as f:
                args = [a for a in f.read().split("\n") if a]
        p = subprocess.run([exe, "-p", build, "--no-progress", "-j", "2"] + args, cwd=work,
                           capture_output=True, text=True, timeout=120)
        got = p.stdout
        if p.stderr:
            got += "--- stderr\n" + p.stderr.replace(tmp + "/", "")
        got += "exit: %d\n" % p.returncode
        exp_path = os.path.join(src, "expected.txt")
        if update:
            with open(exp_path, "w") as f:
                f.write(got)
        errors = []
        with open(exp_path) as f:
            exp = f.read()
        if got != exp:
            errors.append("output differs from expected.txt:\n--- expected\n%s--- got\n%s" % (exp, got))
        have = set()
        for line in p.stdout.splitlines():
            m = FINDING.match(line)
            if m:
                have.add((m.group(1), int(m.group(2)), m.group(4), m.group(5)))
        want = expected_findings(work)
        for w in sorted(want - have):
            errors.append("missing finding %s:%d: %s [%s]" % w)
        for h in sorted(have - want):
            errors.append("finding without an expect comment %s:%d: %s [%s]" % h)
        return errors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latch-check", required=True)
    ap.add_argument("--fixtures", required=True)
    ap.add_argument("--include", required=True, help="directory holding latch/annotate.h")
    ap.add_argument("--update", action="store_true", help="rewrite expected.txt (review the diff!)")
    ap.add_argument("names", nargs="*")
    a = ap.parse_args()
    a.latch_check = os.path.abspath(a.latch_check)
    a.include = os.path.abspath(a.include)
    a.fixtures = os.path.abspath(a.fixtures)
    names = a.names or sorted(d for d in os.listdir(a.fixtures)
                              if os.path.isdir(os.path.join(a.fixtures, d)))
    failed = 0
    for n in names:
        errs = run_one(a.latch_check, a.fixtures, n, a.include, a.update)
        print("%-24s %s" % (n, "ok" if not errs else "FAIL"))
        for e in errs:
            print("  " + e.replace("\n", "\n  "))
        failed += bool(errs)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
