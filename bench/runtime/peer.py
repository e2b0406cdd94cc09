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
import shutil
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


def build_inproc(lib):
    """peer_inproc: the workloads of peer_work.c three times in one binary
    (untraced, liblatch_rt's hooks, the peer's hooks renamed by objcopy)."""
    cc = os.environ.get("CC", "gcc")
    work = os.path.join(HERE, "peer_work.c")
    objs = []
    for sfx, flags in (("_plain", []), ("_latch", ["-finstrument-functions"]),
                       ("_peer", ["-finstrument-functions"])):
        o = os.path.join(OUT, "inproc_work%s.o" % sfx)
        sh([cc, "-std=c11", "-O2", "-g", "-DSUFFIX=" + sfx] + flags + ["-c", work, "-o", o])
        if sfx == "_peer":
            sh(["objcopy", "--redefine-sym", "__cyg_profile_func_enter=peer_func_enter",
                "--redefine-sym", "__cyg_profile_func_exit=peer_func_exit", o])
        objs.append(o)
    exe = os.path.join(OUT, "peer_inproc")
    sh([cc, "-std=c11", "-O2", "-g", "-I", os.path.join(ROOT, "runtime", "include"),
        os.path.join(HERE, "peer_inproc.c")] + objs + [lib, "-lpthread", "-ldl", "-o", exe])
    return exe


def inproc_env(trace_dir, pf=None):
    e = {k: v for k, v in os.environ.items() if not k.startswith(("LATCH_", "PEER_"))}
    e.update(LATCH_TRACE=os.path.join(trace_dir, "peer_inproc.trc"), LATCH_MODE="ring",
             LATCH_BUF_MB=str(BUF_MB), PEER_BUF_MB=str(BUF_MB))
    if pf:
        e["LATCH_PREFAULT"] = pf
    return e


def run_inproc(exe, e, rounds):
    """{workload: (peer added ns/call, latch added ns/call, median of the
    rounds' ratios)}: each round's plain loop is subtracted from the same
    round's traced loops; medians over the rounds."""
    out = sh([exe, str(rounds), str(N_ONE // 2), str(N_STEP // 2)], env=e)
    by = {}
    for line in out.splitlines():
        f = line.split()
        if f and f[0] == "loop":
            by.setdefault(f[2], {}).setdefault(int(f[1]), {})[f[3]] = (int(f[4]), int(f[5]))
    res = {}
    for w, rs in by.items():
        peer, latch, ratio = [], [], []
        for r in rs.values():
            calls = r["plain"][1]
            p = (r["peer"][0] - r["plain"][0]) / calls
            l = (r["latch"][0] - r["plain"][0]) / calls
            peer.append(p)
            latch.append(l)
            if p > 0:
                ratio.append(l / p)
        res[w] = (statistics.median(peer), statistics.median(latch), statistics.median(ratio))
    return res


def inproc_ir(exe, e):
    """Instructions per traced call, callgrind, difference of two loop
    lengths (start-up cancels out), per copy and workload."""
    import tempfile
    ir = {}
    with tempfile.TemporaryDirectory() as d:
        for w, per in (("one", 1), ("step4", 5)):
            for v in ("plain", "peer", "latch"):
                tot = []
                for n in (100000, 200000):
                    f = os.path.join(d, "cg.out")
                    sh(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + f, exe, "--only", v, w,
                        str(n)], env=e)
                    with open(f) as fh:
                        tot.append(next(int(l.split()[1]) for l in fh if l.startswith(("summary:", "totals:"))))
                ir[(w, v)] = (tot[1] - tot[0]) / (100000 * per)
    return ir


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
    inproc = build_inproc(os.path.join(OUT, "libpeer_latch_rt.a"))
    rounds = 11 if QUICK else 31
    print("same process (peer_inproc): per traced call, ns added over the untraced copy of the same round;"
          " median of %d rounds\n" % rounds)
    print("%-34s %-8s %8s %8s %8s %12s" % ("trace (ring mode, %d MiB)" % BUF_MB, "workload", "peer", "latch",
                                          "ratio", "round ratio"))
    shm = "/dev/shm" if os.path.isdir("/dev/shm") else OUT
    for label, tdir, pf in (("%s, prefault ahead" % shm, shm, None), ("%s, prefault all" % shm, shm, "all"),
                            ("%s (disk), prefault ahead" % OUT, OUT, None)):
        res = run_inproc(inproc, inproc_env(tdir, pf), rounds)
        for w in ("one", "step4"):
            p, l, rr = res[w]
            print("%-34s %-8s %8.1f %8.1f %7.2fx %11.2fx" % (label, w, p, l, l / p, rr))
        try:
            os.unlink(inproc_env(tdir)["LATCH_TRACE"])
        except OSError:
            pass
    if shutil.which("valgrind"):
        ir = inproc_ir(inproc, inproc_env(shm))
        print("\ninstructions per traced call (callgrind, same binary): added over the untraced copy")
        for w in ("one", "step4"):
            print("  %-6s peer %5.1f   latch %5.1f   (untraced call %4.1f)" % (
                w, ir[(w, "peer")] - ir[(w, "plain")], ir[(w, "latch")] - ir[(w, "plain")], ir[(w, "plain")]))
        os.unlink(inproc_env(shm)["LATCH_TRACE"])
    print("\nseparate processes (peer_prog), alternating:\n")
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
