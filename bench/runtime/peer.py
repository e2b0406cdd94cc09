#!/usr/bin/env python3
"""bench/runtime/peer.py - liblatch_rt per traced call against its peer, on
two workloads, and the start-up of a traced program, all in one run.

  python3 bench/runtime/peer.py [--quick]

Peer: the same program with the same -finstrument-functions hooks doing
only two rdtsc reads and two 8-byte stores per call into a preallocated
buffer of the trace's size (peer_hooks.c). Per-call cost = (loop time of
the variant - loop time of the plain build) / traced calls; the loop is
timed inside the program. Runs alternate variants (plain, peer, latch...)
so they share the machine's state; medians of REPS runs.

latch runs in stop mode into a file on OUT (default /tmp/latch-bench, the
machine's disk) with a buffer of BUF_MB, about 3x what the run writes, both
ways of prefaulting: LATCH_PREFAULT=all (the whole buffer at start-up) and
the default (a first window at start-up, the rest ahead of the claims on
the runtime's prefault thread). Start-up: `peer_prog start` (no work) with
a 1 GiB buffer against the plain build, wall time of the whole process.
"""
import os
import statistics
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.environ.get("BENCH_OUT", "/tmp/latch-bench")
QUICK = "--quick" in sys.argv
REPS = 3 if QUICK else 7
N_ONE = 2_000_000 if QUICK else 5_000_000
N_STEP = 400_000 if QUICK else 1_000_000
BUF_MB = 512


def sh(cmd, env=None):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env).stdout


def build():
    os.makedirs(OUT, exist_ok=True)
    cc = os.environ.get("CC", "gcc")
    src = os.path.join(ROOT, "runtime", "src")
    inc = ["-I", os.path.join(ROOT, "runtime", "include"), "-I", src]
    objs = []
    for f in sorted(os.listdir(src)):
        if f.endswith(".c") and f != "rtm_heapguard.c":
            o = os.path.join(OUT, "peer_" + f + ".o")
            sh([cc, "-std=c11", "-O2", "-g", "-fno-instrument-functions", "-c", os.path.join(src, f), "-o", o] + inc)
            objs.append(o)
    lib = os.path.join(OUT, "libpeer_latch_rt.a")
    if os.path.exists(lib):
        os.unlink(lib)
    sh(["ar", "rcs", lib] + objs)
    prog = os.path.join(HERE, "peer_prog.c")
    opt = [cc, "-std=c11", "-O2", "-g"]
    fi = ["-finstrument-functions"]
    out = {}
    for name, flags, link in (("plain", [], []),
                              ("peer", fi, [os.path.join(HERE, "peer_hooks.c")]),
                              ("latch", fi, [lib, "-lpthread", "-ldl"])):
        exe = os.path.join(OUT, "peer_prog_" + name)
        sh(opt + flags + [prog] + ["-o", exe] + (["-O2"] + link if link else []))
        out[name] = exe
    return out


def env(variant, pf=None, buf_mb=BUF_MB):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("LATCH_", "PEER_"))}
    if variant == "peer":
        e["PEER_BUF_MB"] = str(buf_mb)
    if variant == "latch":
        e.update(LATCH_TRACE=os.path.join(OUT, "peer.trc"), LATCH_MODE="stop", LATCH_BUF_MB=str(buf_mb))
        if pf:
            e["LATCH_PREFAULT"] = pf
    return e


def loop_ns(exe, workload, n, e):
    out = sh([exe, workload, str(n)], env=e).split()
    return int(out[1]), int(out[3])


def main():
    exes = build()
    variants = [("plain", "plain", None), ("peer", "peer", None),
                ("latch (prefault ahead)", "latch", None), ("latch (prefault all)", "latch", "all")]
    print("per traced call, ns (median of %d; added over the plain build in the same run)\n" % REPS)
    print("%-10s %12s %24s %24s %10s %10s" % ("workload", "peer", "latch, prefault ahead", "latch, prefault all",
                                            "ahead/peer", "all/peer"))
    for workload, n in (("one", N_ONE), ("step4", N_STEP)):
        t = {v[0]: [] for v in variants}
        calls = 0
        for _ in range(REPS):
            for label, var, pf in variants:
                ns, calls = loop_ns(exes[var], workload, n, env(var, pf))
                t[label].append(ns)
        plain = statistics.median(t["plain"])
        per = {k: (statistics.median(v) - plain) / calls for k, v in t.items() if k != "plain"}
        print("%-10s %12.1f %24.1f %24.1f %9.2fx %9.2fx" % (
            workload, per["peer"], per["latch (prefault ahead)"], per["latch (prefault all)"],
            per["latch (prefault ahead)"] / per["peer"], per["latch (prefault all)"] / per["peer"]))
    print("\n(one: %d calls of one function; step4: %d steps of 4 small calls under a traced step(),"
          " 5 traced calls each; %d MiB buffer, stop mode)" % (N_ONE, N_STEP, BUF_MB))

    print("\nstart-up of `peer_prog start` (whole process, wall ms, median of %d)\n" % REPS)
    rows = [("untraced (plain build)", exes["plain"], env("plain")),
            ("latch, 1 GiB, prefault ahead", exes["latch"], env("latch", None, 1024)),
            ("latch, 1 GiB, prefault all", exes["latch"], env("latch", "all", 1024)),
            ("latch, 1 GiB, no prefault", exes["latch"], env("latch", "0", 1024))]
    res = {}
    for _ in range(REPS):
        for label, exe, e in rows:
            t0 = time.perf_counter()
            subprocess.run([exe, "start", "0"], env=e, check=True, capture_output=True)
            res.setdefault(label, []).append((time.perf_counter() - t0) * 1e3)
    size = os.stat(os.path.join(OUT, "peer.trc")).st_size
    for label, _, _ in rows:
        print("%-32s %10.1f" % (label, statistics.median(res[label])))
    print("\n(the traced start-up includes the 10 ms calibration window; trace file after a run with no "
          "events: %d bytes)" % size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
