#!/usr/bin/env python3
"""tests/tracer/record_symbolize.py - latch-trace record on a real
instrumented PIE program with an instrumented shared object, then report:
names checked against nm, source lines against addr2line, and a binary whose
build-id differs from the trace's refused (exit 2), never wrong names.

usage: record_symbolize.py LATCH_TRACE SYMPROG SYMLIB WORKDIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run(args, code=None, **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    if code is not None and p.returncode != code:
        check(False, "%s: exit %d, expected %d\n%s\n%s" % (" ".join(args), p.returncode, code, p.stdout, p.stderr))
    return p


def nm_funcs(binary):
    out = run(["nm", "--defined-only", binary], 0).stdout
    return {p[2]: int(p[0], 16) for p in (l.split() for l in out.splitlines()) if len(p) == 3 and p[1] in "tT"}


def main():
    lt, prog, lib, work = sys.argv[1:5]
    os.makedirs(work, exist_ok=True)
    trace = os.path.join(work, "sym.trace")

    # record: where the trace went, events, lost
    p = run([lt, "record", "-o", trace, "--", prog], 0)
    m = re.search(r"^events: (\d+) in 1 thread$", p.stdout, re.M)
    check(re.search(r"^trace: %s$" % re.escape(trace), p.stdout, re.M) is not None and m is not None,
          "record output:\n" + p.stdout)
    check(re.search(r"^lost events: 0$", p.stdout, re.M) is not None, "record lost line:\n" + p.stdout)
    events = int(m.group(1)) if m else -1

    doc = json.loads(run([lt, "report", "--format", "json", trace], 0).stdout)
    check(doc["meta"]["records"] == events, "report reads the %d events record printed" % events)
    rows = {r["function"]: r for r in doc["tables"]["functions"]}
    # control_step runs 2000 times; symlib_work every 4th; symlib_scale twice per work
    check(rows.get("control_step", {}).get("calls") == 2000, "control_step calls")
    check(rows.get("symlib_work", {}).get("calls") == 500, "symlib_work calls (shared object)")
    check(rows.get("symlib_scale", {}).get("calls") == 1000, "symlib_scale calls (shared object)")
    check(rows.get("main", {}).get("calls") == 1, "main calls")
    syms = {os.path.realpath(prog): nm_funcs(prog), os.path.realpath(lib): nm_funcs(lib)}
    for name, r in rows.items():
        mod = os.path.realpath(r["module"])
        check(mod in syms, "%s: module %s is the program or the library" % (name, r["module"]))
        if mod not in syms:
            continue
        addr = int(r["address"], 16)
        check(syms[mod].get(name) == addr, "%s: report address %#x, nm %s" % (name, addr, syms[mod].get(name)))
        a2l = run(["addr2line", "-e", mod, "%#x" % addr], 0).stdout.strip()
        check(r["source"] == a2l, "%s: report %r, addr2line %r" % (name, r["source"], a2l))
    check(re.search(r"/progs/symlib\.c:[0-9]+$", rows["symlib_scale"]["source"]) is not None,
          "symlib_scale has a source line in the shared object: %r" % rows["symlib_scale"]["source"])
    wc = {r["function"]: r for r in doc["tables"]["worst_cases"]}
    check(wc["symlib_scale"]["path"] == "main > control_step > symlib_work > symlib_scale",
          "worst path across the module boundary: %r" % wc["symlib_scale"]["path"])

    # a rebuilt binary: same code, another build-id -> exit 2, no names
    other = os.path.join(work, "symprog.rebuilt")
    shutil.copy(prog, other)
    bid = re.search(r"Build ID: ([0-9a-f]+)", run(["readelf", "-n", prog], 0).stdout).group(1)
    data = bytearray(open(other, "rb").read())
    pos = data.find(bytes.fromhex(bid))
    check(pos > 0, "build-id found in the file")
    data[pos] ^= 0xff
    open(other, "wb").write(bytes(data))
    p = run([lt, "report", trace, "--exe", other], 2)
    check("is not the binary that was traced: its build-id is" in p.stderr and bid in p.stderr,
          "mismatch message:\n" + p.stderr)
    check("control_step" not in p.stdout, "no names from a mismatching binary")
    p = run([lt, "record", "-o", os.path.join(work, "x.trace"), "--", "/bin/true"], 2)
    check("wrote no trace" in p.stderr, "uninstrumented program:\n" + p.stderr)

    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        return 1
    print("record/symbolize checks passed (%d events)" % events)
    return 0


if __name__ == "__main__":
    sys.exit(main())
