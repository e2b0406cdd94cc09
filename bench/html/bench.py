#!/usr/bin/env python3
"""bench/html/bench.py - the HTML page against the text report it is made
from, on a trace of 100 M records and 10,000 functions, in the same run.
Not a test: run it by hand on a quiet machine.

usage: bench.py BUILD_DIR [CALLS] [FUNCS] [WORKDIR]
  CALLS    calls of the traced program (default 50000000: 100 M records)
  FUNCS    distinct functions (default 10000)
  WORKDIR  scratch (default BUILD_DIR/bench-html; about 1.7 GB for the trace)
Environment: LATCH_TRACE=PATH measures that binary (not rebuilt);
BENCH_RUNS=N runs each case N times (default 3) and keeps the fastest.

The program is generated: FUNCS small functions of different lengths called
through a table, and a `step` function called every 1000 calls (the periodic
task of the page's timeline). Measured, best of 3 after a warm-up read, the
runs alternating so both see the same machine:
  - latch-trace report TRACE            (text, the reference)
  - latch-trace report TRACE --format html
  - latch-trace html --trace TRACE      (the combined page)
  - latch-trace html --trace TRACE --period step --expect 1ms (one more pass)
then the page's size, and the wall time of headless Chromium loading it
(--dump-dom, so its script has run) against an empty page.
"""
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import buf_mb, record, sh, warm  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))  # best of RUNS; BENCH_RUNS=1 on a busy machine


def wall(args, out):
    t0 = time.monotonic()
    with open(out, "w") as f:
        p = subprocess.run(args, stdout=f, stderr=subprocess.PIPE, text=True)
    t = time.monotonic() - t0
    if p.returncode not in (0, 1):
        sys.exit("%s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-2000:]))
    return t


def gen(path, funcs):
    with open(path, "w") as f:
        f.write("#include <stdlib.h>\nvolatile unsigned sink;\n")
        for k in range(funcs):
            f.write("void f%d(void) { for (unsigned i = 0; i < %du; i++) sink += i; }\n" %
                    (k, k % 13))
        f.write("void step(void) { sink++; }\n")
        f.write("static void (*const tab[])(void) = {%s};\n" %
                ",".join("f%d" % k for k in range(funcs)))
        f.write("int main(int argc, char **argv) {\n"
                "  unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 1000000;\n"
                "  for (unsigned long i = 0; i < n; i++) {\n"
                "    if (i %% 1000 == 0) step(); else tab[(i * 2654435761u) %% %du]();\n"
                "  }\n  return 0;\n}\n" % funcs)


def chromium_wall(page, work):
    prof = tempfile.mkdtemp(dir=work)
    args = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--user-data-dir=" + prof,
            "--dump-dom", "file://" + page]
    best = None
    for _ in range(RUNS):
        t0 = time.monotonic()
        p = subprocess.run(args, capture_output=True, text=True, timeout=300)
        t = time.monotonic() - t0
        if p.returncode != 0:
            sys.exit("chromium failed: " + p.stderr[-1000:])
        best = t if best is None else min(best, t)
    return best, len(p.stdout)


def main():
    build = os.path.abspath(sys.argv[1])
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000_000
    funcs = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    work = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else os.path.join(build, "bench-html")
    os.makedirs(work, exist_ok=True)
    lt = os.environ.get("LATCH_TRACE") or os.path.join(build, "tracer", "latch-trace")
    if not os.environ.get("LATCH_TRACE"):
        sh(["cmake", "--build", build, "--target", "latch-trace", "latch_rt", "-j2"],
           stdout=subprocess.DEVNULL)
    src, prog = os.path.join(work, "many.c"), os.path.join(work, "many")
    rt = os.path.join(build, "runtime", "liblatch_rt.a")
    if not os.path.exists(prog) or os.path.getmtime(prog) < os.path.getmtime(rt):
        gen(src, funcs)  # 10,000 functions take gcc minutes: built once
        sh(["gcc", "-O1", "-g", "-finstrument-functions", "-o", prog, src, rt, "-lpthread", "-ldl"])
    trace = os.path.join(work, "many.latch")
    events, lost = record(lt, [prog, str(calls)], buf_mb(calls * 2), trace)
    warm(trace)
    page, single = os.path.join(work, "page.html"), os.path.join(work, "report.html")
    cases = [("report (text)", [lt, "report", trace], os.path.join(work, "report.txt")),
             ("report --format html", [lt, "report", trace, "--format", "html", "-o", single], os.devnull),
             ("html --trace", [lt, "html", "-o", page, "--trace", trace], os.devnull),
             ("html --trace --period", [lt, "html", "-o", page + ".p.html", "--trace", trace, "--period",
                                        "step", "--expect", "1ms"], os.devnull)]
    best = {name: None for name, _, _ in cases}
    for _ in range(RUNS):
        for name, args, out in cases:
            t = wall(args, out)
            best[name] = t if best[name] is None else min(best[name], t)
    nf = sum(1 for l in open(os.path.join(work, "report.txt")) if re.match(r"  f\d+ ", l))
    empty = os.path.join(work, "empty.html")
    open(empty, "w").write("<!DOCTYPE html><title>empty</title>")
    ce, _ = chromium_wall(empty, work)
    cp, dom = chromium_wall(page, work)

    ref = best["report (text)"]
    print()
    print("trace: %s records (%d lost), %d functions in the text report; best of %d runs each" %
          (format(events, ","), lost, nf, RUNS))
    print("%-24s %8s %10s %12s" % ("command", "wall s", "x text", "output"))
    for name, args, out in cases:
        size = os.path.getsize(args[args.index("-o") + 1]) if "-o" in args else os.path.getsize(out)
        print("%-24s %8.2f %10.2f %10.2f MB" % (name, best[name], best[name] / ref, size / 1e6))
    print("chromium --dump-dom: page %.2f s, empty page %.2f s (the page's own share %.2f s); "
          "DOM %.1f MB" % (cp, ce, cp - ce, dom / 1e6))
    shutil.rmtree(os.path.join(work, "tmp"), ignore_errors=True)


if __name__ == "__main__":
    main()
