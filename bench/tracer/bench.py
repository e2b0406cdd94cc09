#!/usr/bin/env python3
"""bench/tracer/bench.py - records per second of `latch-trace report`
against `uftrace report`, on the same program with the same number of events,
in the same run. Not a test: run it by hand on a quiet machine.

usage: bench.py BUILD_DIR [CALLS] [WORKDIR]
  BUILD_DIR  a configured build of this repository (latch-trace and latch_rt
             are built here if missing)
  CALLS      function calls of the traced program (default 50000000, i.e.
             100 million enter/exit records)
  WORKDIR    where the traces go (default BUILD_DIR/bench-tracer); needs
             about 2 x 1.7 GB free for the default size

The program (bench_prog.c, the shape of a 1 kHz control loop) is built twice:
with -finstrument-functions and latch_rt for latch, and with -pg for uftrace.
Each report runs three times after a warm-up read of its trace (so both
read from the page cache) and the fastest run is kept; it is measured for wall time, CPU time, peak RSS and peak
anonymous memory (RssAnon, sampled from /proc: the report's own memory,
as opposed to the trace file's pages it maps).
"""
import os
import re
import resource
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
from benchlib import buf_mb, record, sh, warm  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
RUNS = 3  # each report runs this many times; the fastest run is kept
ROOT = os.path.dirname(os.path.dirname(HERE))


def measure(args, stdout_path):
    """Runs args; returns (wall s, cpu s, peak RSS KiB, peak RssAnon KiB),
    the peaks sampled every 2 ms from /proc/PID/status (VmHWM, RssAnon)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(stdout_path, "w") as out:
        t0 = time.monotonic()
        p = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE, text=True)
        peak_anon = peak_rss = 0
        while p.poll() is None:
            try:
                with open("/proc/%d/status" % p.pid) as f:
                    st = f.read()
                m = re.search(r"RssAnon:\s+(\d+) kB", st)
                if m:
                    peak_anon = max(peak_anon, int(m.group(1)))
                m = re.search(r"VmHWM:\s+(\d+) kB", st)
                if m:
                    peak_rss = max(peak_rss, int(m.group(1)))
            except OSError:
                pass
            time.sleep(0.002)
        wall = time.monotonic() - t0
        err = p.stderr.read()
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if p.returncode not in (0, 1):
        sys.exit("%s failed (%d): %s" % (args[0], p.returncode, err))
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, peak_rss, peak_anon


def best_of(n, args, stdout_path):
    """The fastest of n runs (by wall time): the machine is shared, and the
    best run is the one least disturbed by other work."""
    runs = [measure(args, stdout_path) for _ in range(n)]
    return min(runs, key=lambda r: r[0])


def main():
    build = os.path.abspath(sys.argv[1])
    work = os.path.abspath(sys.argv[3]) if len(sys.argv) > 3 else os.path.join(build, "bench-tracer")
    os.makedirs(work, exist_ok=True)
    if len(sys.argv) > 2:
        return one_size(build, int(sys.argv[2]), work)
    # Issue 16: traces of 20 M and 100 M events, each recorded with a buffer
    # four times what it needs (the file is cut at the end), then the
    # resident memory of report on a 4 GiB trace.
    for calls in (10_000_000, 50_000_000):
        one_size(build, calls, work, factor=4)
    return rss_4g(build, work)


def rss_4g(build, work):
    """report's peak resident memory on a 4 GiB trace (2^28 records, the
    file as a crash leaves it: not cut), against the trace's size."""
    lt = os.path.join(build, "tracer", "latch-trace")
    prog = os.path.join(work, "bench_latch")
    trace = os.path.join(work, "bench4g.trace")
    calls = (4 << 30) // 32 - (1 << 20)
    env = dict(os.environ, LATCH_TRACE=trace, LATCH_BUF_MB="4096")
    subprocess.run([prog, str(calls)], env=env, check=True, stdout=subprocess.DEVNULL)
    size = os.stat(trace).st_size
    w, c, rss, anon = best_of(1, [lt, "report", trace], os.path.join(work, "latch-report-4g.txt"))
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print("\n4 GiB trace: %.2f GiB file, %s records; latch-trace report %.2f s wall, peak RSS %d MiB "
          "(VmHWM), peak anon %d KiB (bound: 64 MiB)" % (size / 2**30, format(2 * calls, ","), w,
                                                          rss // 1024, anon))
    os.unlink(trace)
    return 0 if rss < 64 * 1024 and before >= 0 else 1


def one_size(build, calls, work, factor=1):
    lt = os.path.join(build, "tracer", "latch-trace")
    sh(["cmake", "--build", build, "--target", "latch-trace", "latch_rt", "-j2"], stdout=subprocess.DEVNULL)
    rt = os.path.join(build, "runtime", "liblatch_rt.a")
    src = os.path.join(HERE, "bench_prog.c")
    prog_latch, prog_pg = os.path.join(work, "bench_latch"), os.path.join(work, "bench_pg")
    sh(["gcc", "-O2", "-g", "-finstrument-functions", "-o", prog_latch, src, rt, "-lpthread", "-ldl"])
    sh(["gcc", "-O2", "-g", "-pg", "-o", prog_pg, src])

    # latch: record, then report
    trace = os.path.join(work, "bench.trace")
    mb = buf_mb(calls * 2) * factor
    events, lost = record(lt, [prog_latch, str(calls)], mb, trace)
    warm(trace)
    lw, lc, lrss, lanon = best_of(RUNS, [lt, "report", trace], os.path.join(work, "latch-report.txt"))

    # uftrace: the same program (built with -pg), the same calls
    udata = os.path.join(work, "uftrace.data")
    shutil.rmtree(udata, ignore_errors=True)
    sh(["uftrace", "record", "-d", udata, prog_pg, str(calls)], stdout=subprocess.DEVNULL)
    warm(udata)
    uw, uc, urss, uanon = best_of(RUNS, ["uftrace", "report", "-d", udata], os.path.join(work, "uftrace-report.txt"))
    ucalls = 0
    for line in open(os.path.join(work, "uftrace-report.txt")):
        m = re.match(r"\s*[\d.]+\s+\w+\s+[\d.]+\s+\w+\s+(\d+)\s+(\S+)", line)
        if m and not m.group(2).startswith("linux:"):  # scheduler events are not calls
            ucalls += int(m.group(1))
    uevents = 2 * ucalls

    print()
    print("program: %s calls of a control-loop shape (bench_prog.c); best of %d runs each; "
          "latch buffer %d MiB, trace file %.0f MiB after the cut" %
          (format(calls, ","), RUNS, mb, os.stat(trace).st_size / 2**20))
    print("%-22s %14s %8s %8s %16s %12s %14s" % ("report", "records", "wall s", "cpu s", "records/s (wall)",
                                               "peak RSS", "peak anon"))
    for name, ev, w, c, rss, anon in (("latch-trace report", events, lw, lc, lrss, lanon),
                                      ("uftrace report", uevents, uw, uc, urss, uanon)):
        print("%-22s %14s %8.2f %8.2f %16s %9d MiB %7d KiB" % (name, format(ev, ","), w, c,
                                                             format(int(ev / w), ","), rss // 1024, anon))
    print("latch lost events: %d" % lost)
    print("speed-up (records/s, wall): %.1fx" % ((events / lw) / (uevents / uw)))
    print("latch records per CPU second: %s" % format(int(events / lc), ","))
    os.unlink(trace)
    shutil.rmtree(udata, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
