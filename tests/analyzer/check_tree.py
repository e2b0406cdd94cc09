#!/usr/bin/env python3
"""Runs latch-check over one part of this project's own build: the top-level
compile_commands.json with --only-under (the program is the TUs under that
directory), from --cwd (so that directory's .latch.yaml, or --config,
applies).

  --expect-exit 0        the part must pass clean (the sample);
  --roots a,b            the named roots must be found (via --callgraph json)
                         and the check must complete (exit 0 or 1, never 2);
                         every finding must carry a note naming one of them.
"""
import argparse
import json
import os
import re
import subprocess
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latch-check", required=True)
    ap.add_argument("--compdb", required=True)
    ap.add_argument("--under", required=True)
    ap.add_argument("--cwd", required=True)
    ap.add_argument("--config")
    ap.add_argument("--expect-exit", type=int)
    ap.add_argument("--roots")
    a = ap.parse_args()
    if not os.path.exists(a.compdb):
        print("FAIL: %s not found (configure with CMAKE_EXPORT_COMPILE_COMMANDS)" % a.compdb)
        return 1
    with open(a.compdb) as f:
        entries = [e for e in json.load(f)
                   if os.path.abspath(os.path.join(e["directory"], e["file"])).startswith(a.under)]
    if not entries:
        print("FAIL: no compile commands under " + a.under)
        return 1
    base = [a.latch_check, "-p", os.path.dirname(a.compdb), "--only-under", a.under,
            "--no-progress", "--no-cache"]
    if a.config:
        base += ["--config", a.config]
    p = subprocess.run(base, cwd=a.cwd, capture_output=True, text=True, timeout=300)
    sys.stdout.write(p.stdout)
    sys.stderr.write(p.stderr)
    if a.expect_exit is not None and p.returncode != a.expect_exit:
        print("FAIL: exit %d, expected %d" % (p.returncode, a.expect_exit))
        return 1
    if a.roots:
        roots = a.roots.split(",")
        if p.returncode not in (0, 1):
            print("FAIL: the check could not be done (exit %d)" % p.returncode)
            return 1
        g = subprocess.run(base + ["--callgraph", "json"], cwd=a.cwd, capture_output=True,
                           text=True, timeout=300)
        found = {f["name"] for f in json.loads(g.stdout)["functions"] if f["root"]}
        if found != set(roots):
            print("FAIL: roots %s, expected %s" % (sorted(found), roots))
            return 1
        lines = p.stdout.splitlines()
        for i, line in enumerate(lines):
            if re.search(r": error: .*\[[a-z-]+\]$", line):
                note = lines[i + 1] if i + 1 < len(lines) else ""
                if not any("root '%s'" % r in note for r in roots):
                    print("FAIL: finding without a note naming a root: " + line)
                    return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
