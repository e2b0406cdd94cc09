#!/usr/bin/env python3
"""tests/tracer/report_bound.py - `latch-trace report --bound` end to end.

progs/boundprog.c has a known structure: step() calls filter() in a 4-trip
loop and log_sample() once; filter() calls clamp() at two sites; walk()
recurses; idle_root() reaches never_called(), which the run never executes.
latch-check writes the call graph with loop_trips; the program runs traced;
report --bound must give step() exactly

    self(step) + 4 * (self(filter) + 2 * self(clamp)) + self(log_sample)

from the self-time maxima of the same report (recomputed here, not copied),
a bound no smaller than step()'s observed maximum, and "no bound" with the
right reason for walk() and idle_root().

usage: report_bound.py LATCH_CHECK LATCH_TRACE BOUNDPROG SOURCE INCLUDE_DIR WORKDIR
"""
import json
import os
import subprocess
import sys

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def run(cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=300)


def main():
    lc, lt, prog, src, inc, work = sys.argv[1:7]
    os.makedirs(work, exist_ok=True)
    db = [{"directory": work, "file": src,
           "arguments": ["cc", "-I", inc, "-O1", "-c", src, "-o", "boundprog.o"]}]
    with open(os.path.join(work, "compile_commands.json"), "w") as f:
        json.dump(db, f)
    cg_path = os.path.join(work, "cg.json")
    p = run([lc, "-p", work, "--no-cache", "--callgraph", "json", "-o", cg_path])
    check(p.returncode == 0, "latch-check --callgraph json: %s" % p.stderr.strip())
    cg = json.load(open(cg_path))
    trips = sorted((e["caller"], e["callee"], e.get("loop_trips")) for e in cg["edges"])
    want = [("filter", "clamp", 1), ("filter", "clamp", 1), ("idle_root", "never_called", 1),
            ("main", "idle_root", 500), ("main", "printf", 1), ("main", "step", 500),
            ("main", "walk", 500), ("step", "filter", 4), ("step", "log_sample", 1),
            ("walk", "walk", 1)]
    check(trips == want, "loop_trips of every edge: %r" % trips)
    roots = sorted(f["name"] for f in cg["functions"] if f["root"])
    check(roots == ["idle_root", "step", "walk"], "roots: %r" % roots)

    trace = os.path.join(work, "bound.latch")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATCH_")}
    env.update(LATCH_TRACE=trace, LATCH_BUF_MB="8")
    p = run([prog], env)
    check(p.returncode == 0, "traced program ran")

    r = run([lt, "report", trace, "--bound", cg_path, "--format", "json"])
    check(r.returncode == 0, "report --bound: exit %d %s" % (r.returncode, r.stderr.strip()))
    doc = json.loads(r.stdout)
    fns = {f["function"]: f for f in doc["tables"]["functions"]}
    bounds = {b["root"]: b for b in doc["tables"]["bounds"]}
    s = {k: fns[k]["self_max_ns"] for k in ("step", "filter", "clamp", "log_sample")}
    expect = s["step"] + 4 * (s["filter"] + 2 * s["clamp"]) + s["log_sample"]
    b = bounds.get("step", {})
    check(b.get("status") == "bounded" and b.get("bound_ns") == expect,
          "step bound %r == %d from the self maxima %r" % (b.get("bound_ns"), expect, s))
    check(b.get("bound_ns", 0) >= fns["step"]["max_ns"],
          "bound %r >= observed max %d" % (b.get("bound_ns"), fns["step"]["max_ns"]))
    w = bounds.get("walk", {})
    check(w.get("status") == "no bound" and w.get("bound_ns") is None and
          w.get("reason") == "recursion: 'walk'", "walk: no bound, recursion: %r" % w)
    i = bounds.get("idle_root", {})
    check(i.get("status") == "no bound" and
          i.get("reason") == "never executed in this run: 'never_called'",
          "idle_root: no bound, never_called never ran: %r" % i)

    t = run([lt, "report", trace, "--bound", cg_path])
    check(t.returncode == 0 and "no bound" in t.stdout and "timing bound per root" in t.stdout,
          "text report shows the bounds table")
    # --coverage: what each root reached, what never ran, and coverage_min
    c = run([lt, "report", trace, "--coverage", cg_path, "--format", "json"])
    check(c.returncode == 0, "report --coverage: exit %d %s" % (c.returncode, c.stderr.strip()))
    cdoc = json.loads(c.stdout)
    cov = {r["root"]: (r["reachable"], r["executed"], r["never_executed"])
           for r in cdoc["tables"]["coverage"]}
    check(cov == {"step": (4, 4, "-"), "walk": (1, 1, "-"), "idle_root": (2, 1, "never_called")},
          "coverage per root: %r" % cov)
    never = [(r["root"], r["function"], os.path.basename(r["source"] or ""))
             for r in cdoc["tables"]["never_executed"]]
    line = next(i + 1 for i, l in enumerate(open(src).read().split("\n"))
                if l.startswith("__attribute__((noinline)) static void never_called"))
    check(never == [("idle_root", "never_called", "boundprog.c:%d" % line)],
          "never executed, with its source line: %r" % never)
    rules = os.path.join(work, "cov.yaml")
    with open(rules, "w") as f:
        f.write("budgets:\n  functions:\n    step: { coverage_min: 100% }\n"
                "    idle_root: { coverage_min: 100% }\n")
    g = run([lt, "report", trace, "--coverage", cg_path, "--budgets", rules])
    check(g.returncode == 1, "coverage_min fails the gate for idle_root (exit %d)" % g.returncode)
    diag = [l for l in g.stdout.split("\n") if "coverage_min" in l or "[budget]" in l]
    check(any("'idle_root' executed 1 of the 2 functions reachable from it (50%), budget is "
              "100%; never executed: never_called [budget]" in l for l in diag),
          "exact coverage diagnostic: %r" % diag)
    check(any(l.split()[:3] == ["PASS", "step", "coverage_min"] for l in diag), "step passes")
    n = run([lt, "report", trace, "--budgets", rules])
    check(n.returncode == 2 and "needs the call graph: give --coverage" in n.stdout,
          "coverage_min without --coverage is an error (exit %d)" % n.returncode)

    bad = os.path.join(work, "bad.json")
    with open(bad, "w") as f:
        f.write('{"version": 1, "edges": [{"caller": "a", "callee": "b", "loop_trips": 0}]}')
    e = run([lt, "report", trace, "--bound", bad])
    check(e.returncode == 2 and "loop_trips must be a count" in e.stderr,
          "a malformed call graph is exit 2 naming the member: %r" % e.stderr.strip())
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
