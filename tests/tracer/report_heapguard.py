#!/usr/bin/env python3
"""tests/tracer/report_heapguard.py - the heap guard's records as findings.

rt_prog_heapguard's `heap` scenario calls interlock_tick() N times, which
allocates through alloc_helper() and frees, and telemetry() N times, which
allocates outside any root. With LATCH_ROOTS=interlock_* the runtime records
the two calls under the root; `latch-trace report` must show both sites with
their counts, fail the gate (exit 1) with error-level [heap-alloc]
diagnostics at the allocating line, in JUnit too, and never report
telemetry(). A trace of the same program without the guard exits 0.

usage: report_heapguard.py LATCH_TRACE RT_PROG_HEAPGUARD WORKDIR
"""
import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

failures = 0


def check(cond, what):
    global failures
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        failures += 1


def run(cmd, env=None):
    return subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=120)


def main():
    lt, prog, work = sys.argv[1:4]
    os.makedirs(work, exist_ok=True)
    n = 3
    trace = os.path.join(work, "heap.latch")
    env = {k: v for k, v in os.environ.items() if not k.startswith("LATCH_")}
    env.update(LATCH_TRACE=trace, LATCH_BUF_MB="8", LATCH_HEAPGUARD="1", LATCH_ROOTS="interlock_*")
    p = run([prog, "heap", str(n)], env)
    check(p.returncode == 0, "traced program ran: %s" % p.stderr.strip())
    src = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "runtime", "rt_prog.c")
    lines = open(src).read().split("\n")
    malloc_line = next(i + 1 for i, l in enumerate(lines) if "return malloc(n);" in l)
    free_line = next(i + 1 for i, l in enumerate(lines) if "free(alloc_ptr(24));" in l)

    r = run([lt, "report", trace])
    check(r.returncode == 1, "report fails the gate on heap-guard findings (exit %d)" % r.returncode)
    diags = [l for l in r.stdout.split("\n") if "[heap-alloc]" in l and ": error: " in l]
    want = [
        "rt_prog.c:%d:1: error: 'malloc' called from 'alloc_helper' while interlock root "
        "'interlock_tick' was on the stack (%d times, heap guard) [heap-alloc]" % (malloc_line, n),
        "rt_prog.c:%d:1: error: 'free' called from 'interlock_tick' while interlock root "
        "'interlock_tick' was on the stack (%d times, heap guard) [heap-alloc]" % (free_line, n),
    ]
    got = [re.sub(r"^.*/", "", d) for d in diags]
    check(got == want, "exact diagnostics:\n  got  %r\n  want %r" % (got, want))
    check("telemetry" not in " ".join(diags), "the allocation outside the root is not a finding")

    j = run([lt, "report", trace, "--format", "json"])
    check(j.returncode == 1, "json: exit 1")
    doc = json.loads(j.stdout)
    rows = doc["tables"].get("heap_guard")
    check(rows is not None, "json has the heap_guard table")
    if rows is not None:
        sites = sorted((r["allocator"], r["function"], r["count"], r["max_size"]) for r in rows)
        check(sites == [("free", "interlock_tick", n, 0), ("malloc", "alloc_helper", n, 24)],
              "json sites, counts and sizes: %r" % sites)
        check(all("interlock_tick" in r["backtrace"] for r in rows), "backtraces name the root")

    x = run([lt, "report", trace, "--format", "junit"])
    root = ET.fromstring(x.stdout)
    fails = root.findall(".//testcase/failure")
    check(len(fails) == 2 and all(f.get("type") == "heap-alloc" for f in fails),
          "junit: two failures of type heap-alloc: %r" % [f.get("type") for f in fails])

    sf = run([lt, "report", trace, "--format", "sarif"])
    sarif = json.loads(sf.stdout)
    res = sarif["runs"][0]["results"]
    check(sf.returncode == 1 and [(r["ruleId"], r["level"]) for r in res] ==
          [("heap-alloc", "error")] * 2, "sarif: two error results of rule heap-alloc")
    locs = [r["locations"][0]["physicalLocation"] for r in res]
    check([(os.path.basename(l["artifactLocation"]["uri"]), l["region"]["startLine"]) for l in locs] ==
          [("rt_prog.c", malloc_line), ("rt_prog.c", free_line)], "sarif: locations at the allocating lines")
    schema = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data",
                          "sarif-schema-2.1.0.json")
    if os.path.exists(schema):
        import jsonschema
        try:
            jsonschema.validate(sarif, json.load(open(schema)))
            check(True, "sarif validates against the SARIF 2.1.0 schema")
        except jsonschema.ValidationError as e:
            check(False, "sarif schema: %s" % e.message)
    else:
        print("note: %s absent, schema validation not done (structure checked above)" % schema)

    # export: heap-guard allocations and marks as instant events, --root,
    # --filter and --exclude; complete events still nest exactly
    def chrome(*extra, path=trace):
        e = run([lt, "export", path, "--format", "chrome"] + list(extra))
        check(e.returncode == 0, "export %s: exit %d %s" % (extra, e.returncode, e.stderr.strip()))
        return json.loads(e.stdout)["traceEvents"]

    def nesting_errors(evs):
        bad, stacks = 0, {}
        for ev in sorted((x for x in evs if x["ph"] == "X"), key=lambda x: (x["tid"], x["ts"], -x["dur"])):
            st = stacks.setdefault(ev["tid"], [])
            while st and st[-1] <= ev["ts"]:
                st.pop()
            end = ev["ts"] + ev["dur"]
            if st and end > st[-1] + 1e-9:
                bad += 1
            st.append(end)
        return bad

    evs = chrome()
    inst = [x for x in evs if x["ph"] == "i"]
    allocs = [x for x in inst if x["name"] == "heap-alloc: allocation"]
    frees = [x for x in inst if x["name"] == "heap-alloc: free"]
    check(len(allocs) == n and len(frees) == n, "export: %d allocation and %d free instant events" %
          (len(allocs), len(frees)))
    check(all(x["args"]["size"] == 24 and x["args"]["root"] == "interlock_tick" and
              "alloc_helper" in x["args"]["backtrace"] for x in allocs),
          "export: each allocation carries size, root and a backtrace through alloc_helper: %r" %
          (allocs[0]["args"] if allocs else None))
    check(nesting_errors(evs) == 0, "export: complete events nest exactly")
    names = lambda evs: sorted({x["name"] for x in evs if x["ph"] == "X"})
    check(names(chrome("--root", "interlock_tick")) == ["alloc_helper", "interlock_tick", "leaf"],
          "export --root interlock_tick: only it and its callees: %r" % names(chrome("--root", "interlock_tick")))
    check(names(chrome("--filter", "alloc_*")) == ["alloc_helper"], "export --filter alloc_*")
    check("leaf" not in names(chrome("--exclude", "leaf")) and "main" in names(chrome("--exclude", "leaf")),
          "export --exclude leaf")
    f = run([lt, "export", trace, "--format", "folded", "--root", "interlock_tick", "--exclude", "leaf"])
    stacks = sorted(l.rsplit(" ", 1)[0] for l in f.stdout.split("\n") if l)
    check(f.returncode == 0 and stacks == ["interlock_tick", "interlock_tick;alloc_helper"],
          "folded --root interlock_tick --exclude leaf: %r" % stacks)
    marks = os.path.join(work, "marks.latch")
    p = run([prog, "mark", "1"], dict(env, LATCH_TRACE=marks))
    m = [x["name"] for x in chrome(path=marks) if x["ph"] == "i"]
    check(m == ["mark phase-1", "mark 7"], "export: marks as instant events: %r" % m)

    plain = os.path.join(work, "plain.latch")
    env2 = dict(env, LATCH_TRACE=plain)
    del env2["LATCH_HEAPGUARD"]
    p = run([prog, "heap", str(n)], env2)
    r = run([lt, "report", plain])
    check(r.returncode == 0 and "[heap-alloc]" not in r.stdout,
          "without the guard: no finding, exit 0 (exit %d)" % r.returncode)
    print("%d failure(s)" % failures)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
