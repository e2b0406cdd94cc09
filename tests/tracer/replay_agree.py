#!/usr/bin/env python3
"""tests/tracer/replay_agree.py - report and export pair records the same way
(tracer/trace/replay.h), and chrome export nests exactly.

usage: replay_agree.py LATCH_TRACE SYMPROG WORKDIR

On the sample-like trace ('known') and on a longjmp-shaped one (an exit
missing), for every function: report's call count equals the number of
chrome "X" events, and report's self time equals the sum of the folded
lines that end in the function. Every chrome event is parsed with python's
json (times as exact decimals) and must lie within the event that encloses
it on its thread: zero nesting errors; read again as doubles in the order
speedscope's importer uses, every close matches the open frame.
"""
import decimal
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracegen  # noqa: E402

FAILED = []


def check(cond, what):
    if not cond:
        FAILED.append(what)
        print("FAIL: " + what)


def run(args, code):
    p = subprocess.run(args, capture_output=True, text=True)
    check(p.returncode == code, "%s: exit %d, expected %d\n%s" % (" ".join(args), p.returncode, code,
                                                                 p.stderr))
    return p


def nesting_errors(events):
    """Events that are not inside the event that encloses them (a stack per
    thread over events sorted by start, longest first)."""
    errs = []
    by_tid = {}
    for e in events:
        by_tid.setdefault((e["pid"], e["tid"]), []).append(e)
    for evs in by_tid.values():
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        stack = []
        for e in evs:
            start, end = e["ts"], e["ts"] + e["dur"]
            while stack and stack[-1][1] <= start and not (stack[-1][1] == start and e["dur"] == 0):
                stack.pop()
            if stack and end > stack[-1][1]:
                errs.append("%s [%s, %s] overlaps %s ending %s" % (e["name"], start, end,
                                                                 stack[-1][2], stack[-1][1]))
            stack.append((start, end, e["name"]))
    return errs


def viewer_errors(events):
    """The closes a viewer that reads times as doubles cannot match, with
    speedscope's published import order: per thread, complete events sorted
    by start (longest first on a tie), split into a begin and an end queue
    each sorted by time (stable; the end is start + dur in doubles, after
    the earliest start is subtracted); on a begin/end tie the end goes first
    unless both name the same function; among ends of one time, the one
    that matches the open frame goes first. Each close that does not match
    the open frame is an error."""
    errs = []
    by_tid = {}
    for e in events:
        by_tid.setdefault((e["pid"], e["tid"]), []).append(dict(e))
    for evs in by_tid.values():
        t0 = min(e["ts"] for e in evs)
        for e in evs:
            e["ts"] -= t0
        evs.sort(key=lambda e: (e["ts"], -e["dur"]))
        begins = list(evs)
        ends = sorted((dict(e, ts=e["ts"] + e["dur"]) for e in evs), key=lambda e: e["ts"])
        stack, bi, ei = [], 0, 0
        while bi < len(begins) or ei < len(ends):
            if bi < len(begins) and ei < len(ends):
                b, x = begins[bi], ends[ei]
                take_begin = b["ts"] < x["ts"] or (b["ts"] == x["ts"] and b["name"] == x["name"])
            else:
                take_begin = bi < len(begins)
            if take_begin:
                stack.append(begins[bi]["name"])
                bi += 1
                continue
            for u in range(ei + 1, len(ends)):
                if ends[u]["ts"] > ends[ei]["ts"]:
                    break
                if stack and ends[u]["name"] == stack[-1]:
                    ends[ei], ends[u] = ends[u], ends[ei]
                    break
            x = ends[ei]
            ei += 1
            if not stack or stack[-1] != x["name"]:
                errs.append("ts=%r: close of %s while %s is open" % (x["ts"], x["name"],
                                                                  stack[-1] if stack else "nothing"))
                continue
            stack.pop()
    return errs


def agree(lt, trace, names, expect_calls):
    rep = json.loads(run([lt, "report", "--format", "json", trace], 0).stdout)
    rows = {r["function"]: r for r in rep["tables"]["functions"]}
    fold = run([lt, "export", trace, "--format", "folded"], 0).stdout
    chrome_path = trace + ".trace.json"
    run([lt, "export", trace, "--format", "chrome", "-o", chrome_path], 0)
    with open(chrome_path) as f:
        events = json.load(f, parse_float=decimal.Decimal)["traceEvents"]
    check(all(e["ph"] == "X" for e in events), "%s: only complete events" % trace)
    self_folded = {}
    for line in fold.splitlines():
        stack, ns = line.rsplit(" ", 1)
        leaf = stack.split(";")[-1]
        self_folded[leaf] = self_folded.get(leaf, 0) + int(ns)
    for name in names:
        calls = rows.get(name, {}).get("calls", 0)
        check(calls == expect_calls[name], "%s: report counts %d calls of %s, expected %d" %
              (trace, calls, name, expect_calls[name]))
        nev = sum(1 for e in events if e["name"] == name)
        check(nev == calls, "%s: %d chrome events of %s, report counts %d calls" % (trace, nev, name, calls))
        self_ns = rows.get(name, {}).get("self_ns", 0)
        check(self_folded.get(name, 0) == self_ns, "%s: folded self time of %s is %d, report's %d\n%s" %
              (trace, name, self_folded.get(name, 0), self_ns, fold))
    errs = nesting_errors(events)
    check(not errs, "%s: %d chrome nesting errors:\n%s" % (trace, len(errs), "\n".join(errs[:10])))
    check(all(e["ts"] * 1024 == int(e["ts"] * 1024) and e.get("dur", 0) * 1024 == int(e.get("dur", 0) * 1024)
              for e in events), "%s: a chrome time that is not a whole 1/1024 us" % trace)
    with open(chrome_path) as f:
        errs = viewer_errors(json.load(f)["traceEvents"])
    check(not errs, "%s: %d closes a viewer reading doubles cannot match:\n%s" %
          (trace, len(errs), "\n".join(errs[:10])))
    return rows, events


def main():
    lt, prog, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    funcs = tracegen.nm_funcs(prog)
    exe = ["exe=" + os.path.abspath(prog), "build_id=" + tracegen.build_id(prog), "start=0x0", "end=0x100000",
           "fa=%#x" % funcs["main"], "fb=%#x" % funcs["control_step"], "fc=%#x" % funcs["spin"]]
    names = ("main", "control_step", "spin")
    gen = tracegen.__file__
    for scenario, hook, gap, calls in (("known", 10, None, {"main": 100, "control_step": 200, "spin": 100}),
                                       ("longjmp", 0, 0, {"main": 1, "control_step": 50, "spin": 50}),
                                       ("longjmp", 10, 0, {"main": 1, "control_step": 50, "spin": 50}),
                                       ("longjmp", 10, 25, {"main": 1, "control_step": 50, "spin": 50})):
        path = os.path.join(work, "%s-h%d-g%s.trace" % (scenario, hook, gap))
        extra = ["hook=%d" % hook] + (["gap=%d" % gap] if gap is not None else [])
        subprocess.run([sys.executable, gen, path, scenario] + extra + exe, check=True)
        rows, events = agree(lt, path, names, calls)
        if scenario == "longjmp" and hook == 10 and gap == 25:
            # Gaps longer than the hook cost: every event lasts exactly
            # report's corrected inclusive time.
            for name in names:
                mx = max((e["dur"] for e in events if e["name"] == name), default=None)
                # (times are whole quanta of 1/1024 us: within one of report's ns)
                check(mx is not None and abs(mx * 1000 - rows[name]["max_ns"]) < 0.98,
                      "%s: longest chrome event of %s is %s us, report's max %d ns" %
                      (path, name, mx, rows[name]["max_ns"]))
    if FAILED:
        print("%d check(s) failed" % len(FAILED))
        return 1
    print("ok: report, folded and chrome agree; chrome nests exactly")
    return 0


if __name__ == "__main__":
    sys.exit(main())
