#!/usr/bin/env python3
"""bench/bound/bench.py - what `report --coverage CG --bound CG` costs over
`report` alone, on a trace of 100 M records and a call graph of 10,000
functions, in the same run (target: under 10 % more). Not a test.

usage: bench.py BUILD_DIR [CALLS] [FUNCS] [WORKDIR]
  CALLS    traced calls (default 50000000: 100 M records)
  FUNCS    functions of the generated program and of its call graph (default 10000)
  WORKDIR  scratch (default BUILD_DIR/bench-bound; about 1.6 GB for the trace)
Environment: BENCH_RUNS=N wall-time runs of each case, alternating (default 3,
best kept); BENCH_CG_CALLS=N traced calls of the trace measured under
callgrind (default 1000000: 2 M records; 0 skips callgrind); BENCH_KEEP=1
keeps the big trace.

The program is generated: FUNCS functions in a 4-ary tree (f0 calls f1..f4,
f1 calls f5..f8, ...), f0..f3 interlock roots, each inner function calling
its children in a loop of 2 with LATCH_LOOP_BOUND-style trips recorded in
the call graph; main calls f0 until CALLS calls are made. The call graph
JSON (docs/callgraph.md) is written from the same description, so every
function of the graph ran and every root gets a bound.

Measured, in the same run:
  - wall time, best of BENCH_RUNS, of `report TRACE` and of
    `report TRACE --coverage CG --bound CG`, alternating;
  - CPU time (user + sys) of the same runs: less disturbed by a busy
    machine than wall time, still not exact;
  - instructions (valgrind --tool=callgrind, exact whatever the load) of the
    same two commands on a smaller trace (callgrind is ~50x slower): the
    extra work is per function and per edge (the call graph's JSON, the
    walks, the symbol lookups of coverage), not per record.
"""
import json
import os
import re
import resource
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import buf_mb, record, sh, warm  # noqa: E402

RUNS = int(os.environ.get("BENCH_RUNS", "3"))
CG_CALLS = int(os.environ.get("BENCH_CG_CALLS", "1000000"))
ROOTS = 4


def children(k, funcs):
    return [c for c in range(4 * k + 1, 4 * k + 5) if c < funcs]


def gen_prog(path, funcs):
    with open(path, "w") as f:
        f.write("#include <stdlib.h>\nvolatile unsigned sink;\n")
        for k in range(funcs - 1, -1, -1):
            kids = children(k, funcs)
            f.write("void f%d(void);\n" % k)
            body = "".join("f%d(); " % c for c in kids)
            if kids:
                f.write("void f%d(void) { for (int r = 0; r < 2; r++) { %s} }\n" % (k, body))
            else:
                f.write("void f%d(void) { sink += %d; }\n" % (k, k % 7))
        f.write("int main(int argc, char **argv) {\n"
                "  unsigned long n = argc > 1 ? strtoul(argv[1], 0, 10) : 1;\n"
                "  for (unsigned long i = 0; i < n; i++) f0();\n  return 0;\n}\n")


def calls_per_f0(funcs):
    """Calls one f0() makes, itself included (each inner node calls its
    children twice)."""
    memo = {}
    for k in range(funcs - 1, -1, -1):
        memo[k] = 1 + 2 * sum(memo[c] for c in children(k, funcs))
    return memo[0]


def gen_cg(path, funcs, src):
    fns = [{"name": "main", "usr": "c:@F@main", "file": src, "line": 1, "defined": True,
            "root": False, "address_taken": False}]
    edges = [{"caller": "main", "caller_usr": "c:@F@main", "callee": "f0", "callee_usr": "c:@F@f0",
              "file": src, "line": 1, "column": 1, "kind": "direct", "loop_trips": "unbounded"}]
    for k in range(funcs):
        fns.append({"name": "f%d" % k, "usr": "c:@F@f%d" % k, "file": src, "line": k + 2,
                    "defined": True, "root": k < ROOTS, "address_taken": False})
        for c in children(k, funcs):
            edges.append({"caller": "f%d" % k, "caller_usr": "c:@F@f%d" % k, "callee": "f%d" % c,
                          "callee_usr": "c:@F@f%d" % c, "file": src, "line": k + 2, "column": 9,
                          "kind": "direct", "loop_trips": 2})
    fns.sort(key=lambda f: (f["name"], f["usr"]))
    with open(path, "w") as f:
        json.dump({"version": 1, "functions": fns, "edges": edges, "indirect_sites": []}, f)


def record_tree(lt, prog, calls, funcs, trace):
    n = max(1, calls // calls_per_f0(funcs))
    events, lost = record(lt, [prog, str(n)], buf_mb(n * calls_per_f0(funcs) * 2), trace)
    warm(trace)
    return events, lost


def wall(args):
    """Wall and CPU (user + sys) seconds of one run."""
    r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    p = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    t = time.monotonic() - t0
    r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        sys.exit("%s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-2000:]))
    return t, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)


def instructions(args, work):
    out = os.path.join(work, "callgrind.out")
    p = subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + args,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    m = re.search(r"Collected : (\d+)", p.stderr)
    if p.returncode not in (0, 1) or m is None:
        sys.exit("callgrind %s: exit %d: %s" % (" ".join(args), p.returncode, p.stderr[-2000:]))
    os.unlink(out)
    return int(m.group(1))


def main():
    build = os.path.abspath(sys.argv[1])
    calls = int(sys.argv[2]) if len(sys.argv) > 2 else 50_000_000
    funcs = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
    work = os.path.abspath(sys.argv[4]) if len(sys.argv) > 4 else os.path.join(build, "bench-bound")
    os.makedirs(work, exist_ok=True)
    lt = os.path.join(build, "tracer", "latch-trace")
    sh(["cmake", "--build", build, "--target", "latch-trace", "latch_rt", "-j2"], stdout=subprocess.DEVNULL)
    src, prog = os.path.join(work, "tree.c"), os.path.join(work, "tree")
    rt = os.path.join(build, "runtime", "liblatch_rt.a")
    stamp = os.path.join(work, "tree.%d" % funcs)
    if not os.path.exists(stamp) or os.path.getmtime(prog) < os.path.getmtime(rt):
        gen_prog(src, funcs)
        sh(["gcc", "-O0", "-g", "-finstrument-functions", "-o", prog, src, rt, "-lpthread", "-ldl"])
        open(stamp, "w").close()
    cg = os.path.join(work, "tree.callgraph.json")
    gen_cg(cg, funcs, src)

    rows = []
    if CG_CALLS > 0:
        small = os.path.join(work, "small.latch")
        ev, lost = record_tree(lt, prog, CG_CALLS, funcs, small)
        base = instructions([lt, "report", small], work)
        full = instructions([lt, "report", small, "--coverage", cg, "--bound", cg], work)
        rows.append(("callgrind, %s records (%d lost)" % (format(ev, ","), lost), base, full, "instr"))
        os.unlink(small)
    trace = os.path.join(work, "big.latch")
    ev, lost = record_tree(lt, prog, calls, funcs, trace)
    cases = [[lt, "report", trace], [lt, "report", trace, "--coverage", cg, "--bound", cg]]
    best, cpu = [None, None], [None, None]
    for _ in range(RUNS):
        for i, args in enumerate(cases):
            t, c = wall(args)
            best[i] = t if best[i] is None else min(best[i], t)
            cpu[i] = c if cpu[i] is None else min(cpu[i], c)
    rows.append(("wall, %s records (%d lost), best of %d" % (format(ev, ","), lost, RUNS),
                 best[0], best[1], "s"))
    rows.append(("CPU (user+sys), same runs, best of %d" % RUNS, cpu[0], cpu[1], "s"))
    doc = json.loads(subprocess.run(cases[1] + ["--format", "json"], capture_output=True,
                                    text=True).stdout)
    bounded = sum(1 for r in doc["tables"].get("bounds", []) if r.get("bound_ns") is not None)
    executed = [(r["executed"], r["reachable"]) for r in doc["tables"].get("coverage", [])]
    if not os.environ.get("BENCH_KEEP"):
        os.unlink(trace)

    print()
    print("call graph: %d functions, %d roots; program: %d calls per f0()" %
          (funcs + 1, ROOTS, calls_per_f0(funcs)))
    print("%-46s %16s %16s %8s" % ("measure", "report", "+cov +bound", "extra"))
    for name, a, b, unit in rows:
        fmt = "%16.0f" if unit == "instr" else "%16.2f"
        print(("%-46s " + fmt + " " + fmt + " %7.1f%%") % (name, a, b, 100.0 * (b - a) / a))
    print("roots with a bound in the report: %d of %d; coverage (executed/reachable): %s" %
          (bounded, ROOTS, ", ".join("%d/%d" % e for e in executed)))


if __name__ == "__main__":
    main()
