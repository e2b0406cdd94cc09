#!/usr/bin/env python3
"""tests/common/config_tools.py - the one rules-file loader seen through the
real executables: a misspelt key fails both tools with exit 2, its position
and the nearest known key; `extends:` reaches latch-trace's budgets too; the
size grammar is decimal (010K is 10 KiB) in every YAML size.

Before the loader, `budget:` instead of `budgets:` gave "budgets: 0 pass,
0 fail" and exit 0 in latch-trace, and `interlock_root:` was dropped by
latch-check: a typo turned a gate off.

usage: config_tools.py LATCH_CHECK LATCH_TRACE SYMPROG WORKDIR
"""
import json
import os
import re
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "tracer"))
import tracegen  # noqa: E402

FAILS = []


def check(cond, what):
    print("%s %s" % ("ok  " if cond else "FAIL", what))
    if not cond:
        FAILS.append(what)


def run(args, cwd=None):
    return subprocess.run(args, capture_output=True, text=True, cwd=cwd)


def write(path, text):
    with open(path, "w") as f:
        f.write(text)
    return path


def nm_funcs(binary):
    out = run(["nm", "--defined-only", binary]).stdout
    return {p[2]: int(p[0], 16) for p in (line.split() for line in out.splitlines())
            if len(p) == 3 and p[1] in "tT"}


def main():
    lc, lt, prog, work = (os.path.abspath(a) for a in sys.argv[1:5])
    os.makedirs(work, exist_ok=True)
    W = lambda name: os.path.join(work, name)  # noqa: E731

    # a one-file program for latch-check (nothing is built)
    src = write(W("root.c"), "void key_root(void)\n{\n}\n")
    os.makedirs(W("build"), exist_ok=True)
    with open(W("build/compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": src, "command": "cc -std=c11 -c root.c"}], f)

    # a trace with known durations for latch-trace report (tracegen "known":
    # main 6.57-6.77 us, control_step 300-399 ns)
    bid = re.search(r"Build ID: ([0-9a-f]+)", run(["readelf", "-n", prog]).stdout).group(1)
    funcs = nm_funcs(prog)
    trace = W("known.trace")
    subprocess.run([sys.executable, tracegen.__file__, trace, "known", "exe=" + os.path.abspath(prog),
                    "build_id=" + bid, "start=0x0", "end=0x100000", "fa=%#x" % funcs["main"],
                    "fb=%#x" % funcs["control_step"], "fc=%#x" % funcs["spin"]], check=True)

    # 1. `budget:` for `budgets:` - exit 2 from both tools, never "0 pass"
    typo = write(W("typo.yaml"), "extends: interlock\ninterlock_roots: [key_root]\n"
                                 "budget:\n  functions:\n    main: { max_us: 1 }\n")
    want = "typo.yaml:3:1: unknown key 'budget'; did you mean 'budgets'?"
    p = run([lt, "report", trace, "--budgets", typo])
    check(p.returncode == 2 and want in p.stderr and "0 pass" not in p.stdout,
          "latch-trace report --budgets: budget: is exit 2 naming 'budgets' (%d: %s)"
          % (p.returncode, p.stderr.strip()))
    p = run([lt, "memmap", prog, "--budgets", typo])
    check(p.returncode == 2 and want in p.stderr, "latch-trace memmap --budgets: exit 2 (%d)" % p.returncode)
    p = run([lt, "stack", prog, "--root", "main", "--budgets", typo])
    check(p.returncode == 2 and want in p.stderr, "latch-trace stack --budgets: exit 2 (%d)" % p.returncode)
    p = run([lc, "-p", W("build"), "--no-progress", "--config", typo], cwd=work)
    check(p.returncode == 2 and want in p.stderr, "latch-check --config: exit 2 (%d: %s)"
          % (p.returncode, p.stderr.strip()))

    # 2. `interlock_root:` - dropped silently before; exit 2 from both now
    root = write(W("root.yaml"), "extends: interlock\ninterlock_root: [key_root]\n")
    want = "root.yaml:2:1: unknown key 'interlock_root'; did you mean 'interlock_roots'?"
    p = run([lc, "-p", W("build"), "--no-progress", "--config", root], cwd=work)
    check(p.returncode == 2 and want in p.stderr, "latch-check: interlock_root: is exit 2 (%d: %s)"
          % (p.returncode, p.stderr.strip()))
    p = run([lt, "report", trace, "--budgets", root])
    check(p.returncode == 2 and want in p.stderr, "latch-trace: interlock_root: is exit 2 (%d)" % p.returncode)
    # the file without the typo passes latch-check: the root is found
    good = write(W("good.yaml"), "extends: interlock\ninterlock_roots: [key_root]\n")
    p = run([lc, "-p", W("build"), "--no-progress", "--config", good], cwd=work)
    check(p.returncode == 0 and "from 1 root" in p.stdout, "latch-check: the corrected file passes (%d: %s)"
          % (p.returncode, p.stdout.strip()))

    # 3. extends: reaches latch-trace - budgets of an extended team file count
    write(W("team.yaml"), "extends: none\nbudgets:\n  functions:\n    main: { max_us: 7 }\n")
    proj = write(W("proj.yaml"), "extends: [interlock, ./team.yaml]\n"
                                 "budgets:\n  functions:\n    control_step: { max_us: 0.3 }\n")
    p = run([lt, "report", "--format", "json", trace, "--budgets", proj])
    doc = json.loads(p.stdout) if p.returncode in (0, 1) and p.stdout else {}
    res = doc.get("budgets", {}).get("results", [])
    got = [(r.get("subject"), r.get("verdict"), os.path.basename(r.get("budget_file") or ""))
           for r in res]
    check(p.returncode == 1 and got == [("main", "PASS", "team.yaml"), ("control_step", "FAIL", "proj.yaml")],
          "latch-trace report: the extended file's budget is checked first, each with its file: %r" % got)

    # 4. one size grammar, decimal: 010K is 10240 bytes in a YAML budget
    size = write(W("size.yaml"), "extends: none\nbudgets:\n  memory:\n    sections: { .text: 010K }\n")
    p = run([lt, "memmap", prog, "--format", "json", "--budgets", size])
    doc = json.loads(p.stdout) if p.returncode in (0, 1) and p.stdout else {}
    res = doc.get("budgets", {}).get("results", [])
    text = [ln.split() for ln in run(["size", "-A", prog]).stdout.splitlines()]
    text = [int(t[1]) for t in text if len(t) >= 2 and t[0] == ".text"]
    check(len(res) == 1 and res[0].get("limit") == 10240 and text and res[0].get("actual") == text[0]
          and p.returncode == (1 if text[0] > 10240 else 0),
          "latch-trace memmap: .text: 010K is a limit of 10240, actual is size -A's %r: %r" % (text, res))

    if FAILS:
        print("%d failed" % len(FAILS))
        sys.exit(1)


if __name__ == "__main__":
    main()
