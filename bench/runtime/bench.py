#!/usr/bin/env python3
"""Runtime benchmark driver (see run.sh). Every figure is the median of
several runs; 'added' costs are differences against the plain build of the
same program in the same run."""
import os
import re
import shutil
import statistics
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.normpath(os.path.join(HERE, "..", ".."))
OUT = os.environ.get("BENCH_OUT", "/tmp/latch-bench")
SHM = "/dev/shm" if os.path.isdir("/dev/shm") else OUT
QUICK = "--quick" in sys.argv
REPS = 3 if QUICK else 7
N_CALL = 2_000_000 if QUICK else 10_000_000
N_UFT = 1_000_000 if QUICK else 2_000_000
N_STEP = 200_000 if QUICK else 1_000_000
N_CG = 100_000
WORK_FNS = "work,sense,filter,pid,limit,actuate,step"


def sh(cmd, env=None, **kw):
    return subprocess.run(cmd, check=True, capture_output=True, text=True, env=env, **kw).stdout


def build():
    os.makedirs(OUT, exist_ok=True)
    cc = os.environ.get("CC", "gcc")
    inc = ["-I", os.path.join(ROOT, "runtime", "include"), "-I", os.path.join(ROOT, "runtime", "src")]
    objs = []
    srcdir = os.path.join(ROOT, "runtime", "src")
    for src in sorted(f for f in os.listdir(srcdir) if f.endswith(".c") and f != "rtm_heapguard.c"):
        o = os.path.join(OUT, src + ".o")
        sh([cc, "-std=c11", "-O2", "-g", "-c", os.path.join(ROOT, "runtime", "src", src), "-o", o] + inc)
        objs.append(o)
    lib = os.path.join(OUT, "liblatch_rt.a")
    if os.path.exists(lib):
        os.unlink(lib)
    sh(["ar", "rcs", lib] + objs)
    eo = os.path.join(OUT, "empty_hooks.o")
    sh([cc, "-O2", "-c", os.path.join(HERE, "empty_hooks.c"), "-o", eo])
    opt = [cc, "-std=c11", "-O2", "-g"]
    wplain = os.path.join(OUT, "work_copy_plain.o")
    sh(opt + ["-DSUFFIX=_plain", "-c", os.path.join(HERE, "work.c"), "-o", wplain])
    main_o = os.path.join(OUT, "bench.o")
    sh(opt + ["-c", os.path.join(HERE, "bench.c"), "-o", main_o])
    fi = ["-finstrument-functions"]
    rt = [lib, "-lpthread", "-ldl"]
    variants = {
        "plain": ([], []),
        "empty": (fi, [eo]),
        "latch": (fi, rt),
        "excluded": (fi + ["-finstrument-functions-exclude-function-list=" + WORK_FNS], rt),
        "pg": (["-pg"], []),  # mcount comes from libc; uftrace preloads its own
    }
    for name, (cflags, link) in variants.items():
        wo = os.path.join(OUT, "work_%s.o" % name)
        sh(opt + cflags + ["-c", os.path.join(HERE, "work.c"), "-o", wo])
        sh(opt + [main_o, wo, wplain] + link + ["-o", os.path.join(OUT, "bench_" + name)])


def env_for(trace):
    e = {k: v for k, v in os.environ.items() if not k.startswith("LATCH_")}
    if trace:
        e.update(LATCH_TRACE=os.path.join(SHM, "latch-bench.trc"), LATCH_MODE="ring", LATCH_BUF_MB="64")
    return e


def rt_prefix():
    """A control loop runs SCHED_FIFO; so does the benchmark when it may, so
    that the other processes of a shared machine do not set its tail."""
    try:
        subprocess.run(["chrt", "-f", "10", "true"], check=True, capture_output=True)
        return ["chrt", "-f", "10"]
    except (OSError, subprocess.CalledProcessError):
        return []


RT = rt_prefix()


def run(variant, mode, n, trace=False, uftrace=False):
    exe = os.path.join(OUT, "bench_" + variant)
    cmd = RT + [exe, mode, str(n)]
    if uftrace:
        d = os.path.join(OUT, "uftrace.data")  # where `uftrace record` users keep it: on disk
        shutil.rmtree(d, ignore_errors=True)
        cmd = RT + ["uftrace", "record", "--no-libcall", "-d", d, exe, mode, str(n)]
    out = sh(cmd, env=env_for(trace))
    return {m.group(1): float(m.group(2)) for m in re.finditer(r"^(\S+) ([0-9.]+)$", out, re.M)}


def median_of(variant, mode, n, key, **kw):
    return statistics.median(run(variant, mode, n, **kw)[key] for _ in range(REPS))


def callgrind_ir(variant, n, trace=False):
    """Instructions per call: the difference of two run lengths, so that
    start-up (loader, calibration) cancels out."""
    irs = []
    for k in (n, 2 * n):
        f = os.path.join(OUT, "cg.out")
        sh(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + f,
            os.path.join(OUT, "bench_" + variant), "percall", str(k)], env=env_for(trace))
        with open(f) as fh:
            m = re.search(r"^(?:summary|totals): (\d+)", fh.read(), re.M)
        irs.append(int(m.group(1)))
    return (irs[1] - irs[0]) / (1.1 * n)  # the warm-up adds n/10 calls


def main():
    build()
    pc = {}
    pc["plain"] = median_of("plain", "percall", N_CALL, "ns_per_call")
    pc["tsc"] = median_of("plain", "tsc", N_CALL, "ns_per_call")
    pc["empty"] = median_of("empty", "percall", N_CALL, "ns_per_call")
    pc["latch"] = median_of("latch", "percall", N_CALL, "ns_per_call", trace=True)
    pc["latch_off"] = median_of("latch", "percall", N_CALL, "ns_per_call")
    pc["excluded"] = median_of("excluded", "percall", N_CALL, "ns_per_call", trace=True)
    pc["pg"] = median_of("pg", "percall", N_UFT, "ns_per_call")
    pc["uftrace"] = median_of("pg", "percall", N_UFT, "ns_per_call", uftrace=True)

    steps = {}
    for name, variant, kw, n in (("latch", "latch", {"trace": True}, N_STEP),
                                 ("uftrace", "pg", {"uftrace": True}, N_UFT // 5)):
        runs = [run(variant, "step", n, **kw) for _ in range(REPS)]
        steps[name] = {k: statistics.median(r[k] for r in runs) for k in runs[0]}

    ir = {}
    if shutil.which("valgrind"):
        ir["plain"] = callgrind_ir("plain", N_CG)
        ir["tsc"] = None
        ir["empty"] = callgrind_ir("empty", N_CG)
        ir["latch"] = callgrind_ir("latch", N_CG, trace=True)
        ir["excluded"] = callgrind_ir("excluded", N_CG, trace=True)

    two_tsc = pc["tsc"] - pc["plain"]
    add = {k: pc[k] - pc["plain"] for k in ("empty", "latch", "latch_off", "excluded")}
    add["uftrace"] = pc["uftrace"] - pc["pg"]

    def irs(k):
        if k not in ir or ir[k] is None:
            return "-"
        return "%.1f" % (ir[k] - ir["plain"])

    print("liblatch_rt benchmark (%s, %d runs each, median; gcc -O2; trace on %s, ring mode; %s)" %
          ("quick" if QUICK else "full", REPS, SHM, "SCHED_FIFO" if RT else "SCHED_OTHER"))
    print()
    print("%-44s %10s %12s" % ("per instrumented call (enter + exit)", "added ns", "added Ir"))
    print("%-44s %10.2f %12s" % ("plain call (absolute, not added)", pc["plain"], "%.1f" % ir.get("plain", 0)))
    print("%-44s %10.2f %12s" % ("two bare rdtsc reads", two_tsc, "-"))
    print("%-44s %10.2f %12s" % ("empty hooks", add["empty"], irs("empty")))
    print("%-44s %10.2f %12s" % ("latch, tracing on", add["latch"], irs("latch")))
    print("%-44s %10.2f %12s" % ("latch, LATCH_TRACE unset", add["latch_off"], "-"))
    print("%-44s %10.2f %12s" % ("latch, functions excluded by name", add["excluded"], irs("excluded")))
    print("%-44s %10.2f %12s" % ("uftrace record (-pg build, vs -pg alone)", add["uftrace"], "-"))
    print()
    r1 = add["latch"] / two_tsc if two_tsc > 0 else float("inf")
    r2 = add["uftrace"] / add["latch"] if add["latch"] > 0 else float("inf")
    print("%-44s %10.2fx  (target <= 1.25x) %s" % ("latch / two bare rdtsc", r1, "ok" if r1 <= 1.25 else "MISSED"))
    print("%-44s %10.1fx  (target >= 4x)    %s" % ("uftrace / latch", r2, "ok" if r2 >= 4 else "MISSED"))
    print("%-44s %10.1fx  (the most any tracer that reads the clock twice per call can reach)" %
          ("uftrace / two bare rdtsc", add["uftrace"] / two_tsc if two_tsc > 0 else float("inf")))
    print("%-44s %10s   (target <= empty hooks) %s" % ("excluded functions vs empty hooks", "%.2f ns" % add["excluded"],
          "ok" if add["excluded"] <= max(add["empty"], 0.3) else "MISSED"))
    print()
    print("one control step (5 calls), ns; traced and untraced copies timed alternately in one process")
    keys = ("p50", "p99", "p99.9", "p99.99", "max")
    print("%-30s" % "" + "".join("%10s" % k for k in keys))
    for name, label in (("latch", "latch"), ("uftrace", "uftrace record")):
        st = steps[name]
        print("%-30s" % (label + ": untraced") + "".join("%10.1f" % st["plain_" + k] for k in keys))
        print("%-30s" % (label + ": traced") + "".join("%10.1f" % st[k] for k in keys))
        print("%-30s" % (label + ": added") + "".join("%10.1f" % (st[k] - st["plain_" + k]) for k in keys))
    dl = steps["latch"]["p99.99"] - steps["latch"]["plain_p99.99"]
    print()
    print("%-44s %10.1f ns (target <= 1000 ns) %s" % ("latch added at p99.99", dl, "ok" if dl <= 1000 else "MISSED"))


if __name__ == "__main__":
    try:
        main()
    finally:
        for f in (os.path.join(SHM, "latch-bench.trc"), os.path.join(OUT, "uftrace.data")):
            if os.path.isdir(f):
                shutil.rmtree(f, ignore_errors=True)
            elif os.path.exists(f):
                os.unlink(f)
