#!/usr/bin/env python3
"""Benchmark of latch-check (not a test; run by hand, on a quiet machine).

For each codebase -- the generated one (gen_codebase.py, N TUs) and the TVAC
sample (the samples/tvac entries of a build's compile_commands.json) -- it
measures wall time and peak RSS (/usr/bin/time -v) of:

  latch-check cold      no summary cache, -j JOBS
  latch-check warm      after changing one source file (one TU re-parsed)
  clang-tidy            clang-tidy-19 --checks=-*,misc-no-recursion, one process
                        per TU, JOBS at a time (xargs -P), the nearest equivalent
                        check (clang-tidy's no-malloc checks run only on C++)
  clang -fsyntax-only   clang-19 -fsyntax-only per TU, JOBS at a time: the cost
                        any clang-based checker pays

clang-tidy and clang get the database with gcc-only flags removed (they reject
them); latch-check reads the gcc database as is. Peak RSS is that of the
largest single process. Each measurement is the best of --repeat runs.

usage: run_bench.py --latch-check PATH [--build BUILD_DIR] [-n 300] [-j 2]
"""
import argparse
import json
import os
import re
import shlex
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
GCC_ONLY = re.compile(r"^(-fno-tree-|-ftree-|-fstack-usage|-fanalyzer|-fconserve-stack|-finstrument-functions-exclude|-fno-instrument-functions|-W.*|-Werror.*)")


def timed(cmd, cwd, env=None):
    """Runs cmd under /usr/bin/time -v; returns (seconds, peak KiB, rc, out,
    cpu seconds: user + system, children included)."""
    p = subprocess.run(["/usr/bin/time", "-v"] + cmd, cwd=cwd, capture_output=True, text=True,
                       env=env)
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", p.stderr).group(1)
    parts = [float(x) for x in wall.split(":")]
    secs = parts[-1] + 60 * parts[-2] + (3600 * parts[-3] if len(parts) > 2 else 0)
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", p.stderr).group(1))
    cpu = float(re.search(r"User time \(seconds\): (\S+)", p.stderr).group(1)) + \
        float(re.search(r"System time \(seconds\): (\S+)", p.stderr).group(1))
    return secs, rss, p.returncode, p.stdout + p.stderr, cpu


def best(fn, repeat):
    runs = [fn() for _ in range(repeat)]
    return min(runs, key=lambda r: r[0])


def cross_args(compiler):
    """What a clang tool needs by hand for a cross compiler's entries (what
    latch-check asks the driver for): the target and the C library's headers.
    Empty for a host compiler."""
    if "arm-none-eabi" not in compiler:
        return []
    return ["--target=arm-none-eabi", "-isystem", "/usr/lib/arm-none-eabi/include"]


def clang_db(build, out_dir):
    """A copy of the database with gcc-only flags and assembler entries
    removed, for clang tools."""
    with open(os.path.join(build, "compile_commands.json")) as f:
        db = [e for e in json.load(f) if not e["file"].endswith((".s", ".S"))]
    for e in db:
        args = e["arguments"] if "arguments" in e else shlex.split(e["command"])
        args = ["clang-19"] + cross_args(args[0]) + [a for a in args[1:] if not GCC_ONLY.match(a)]
        e.pop("command", None)
        e["arguments"] = args
    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "compile_commands.json"), "w") as f:
        json.dump(db, f)
    return db


def bench(name, build, cwd, exe, jobs, repeat, touch):
    tmp = tempfile.mkdtemp(prefix="latch-bench-")
    cdb = os.path.join(tmp, "clangdb")
    db = clang_db(build, cdb)
    files = [os.path.join(e["directory"], e["file"]) for e in db]
    listing = os.path.join(tmp, "files.txt")
    with open(listing, "w") as f:
        f.write("\n".join(files) + "\n")
    cache = os.path.join(build, ".latch-cache")
    lc = [exe, "-p", build, "-j", str(jobs), "--no-progress"]

    def cold():
        subprocess.run(["rm", "-rf", cache])
        return timed(lc + ["-v"], cwd)

    r_cold = best(cold, repeat)
    d = re.search(r"database read in ([0-9.]+) ms, (\d+) compiler", r_cold[3])

    def warm():
        with open(touch, "a") as f:
            f.write("/* bench edit */\n")
        return timed(lc + ["-v"], cwd)

    r_warm = best(warm, repeat)
    m = re.search(r"(\d+) parsed, (\d+) from cache", r_warm[3])
    tidy = ["xargs", "-a", listing, "-P", str(jobs), "-n", "1", "clang-tidy-19", "--quiet",
            "--checks=-*,misc-no-recursion", "-p", cdb]
    r_tidy = best(lambda: timed(tidy, cwd), repeat)
    # clang -fsyntax-only with each entry's own arguments, one line per TU
    per = os.path.join(tmp, "cmds.txt")
    with open(per, "w") as f:
        for e in db:
            args = [a for a in e["arguments"] if a != "-c"]
            if "-o" in args:
                i = args.index("-o")
                del args[i:i + 2]
            f.write("cd %s && %s -fsyntax-only -w\n" % (shlex.quote(e["directory"]),
                                                        " ".join(shlex.quote(a) for a in args)))
    syn = ["xargs", "-a", per, "-P", str(jobs), "-d", "\n", "-n", "1", "sh", "-c"]
    r_syn = best(lambda: timed(syn, cwd), repeat)
    rows = [("latch-check cold", r_cold), ("latch-check warm (1 file changed)", r_warm),
            ("clang-tidy misc-no-recursion", r_tidy), ("clang -fsyntax-only per TU", r_syn)]
    print("\n## %s: %d translation units, -j %d, best of %d" % (name, len(db), jobs, repeat))
    if m:
        print("warm run: %s parsed, %s from cache" % (m.group(1), m.group(2)))
    print("| run | wall s | CPU s | peak RSS MiB | exit | wall vs clang-tidy | wall vs -fsyntax-only |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for label, r in rows:
        print("| %s | %.2f | %.2f | %.1f | %d | %.2fx | %.2fx |" % (
            label, r[0], r[4], r[1] / 1024.0, r[2], r[0] / r_tidy[0], r[0] / r_syn[0]))
    print("cold speed-up over clang-tidy: %.2fx wall, %.2fx CPU (target >= 2x); "
          "warm/cold: %.1f%% wall (target < 10%%)"
          % (r_tidy[0] / r_cold[0], r_tidy[4] / r_cold[4], 100.0 * r_warm[0] / r_cold[0]))
    if d:
        print("database read with driver discovery (%s compiler%s asked, no driver cache): "
              "%.1f ms = %.1f%% of cold (target < 5%%)"
              % (d.group(2), "" if d.group(2) == "1" else "s", float(d.group(1)),
                 100.0 * float(d.group(1)) / 1000.0 / r_cold[0]))
    subprocess.run(["rm", "-rf", tmp])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--latch-check", required=True)
    ap.add_argument("--build", help="a build dir of this project, for the TVAC sample")
    ap.add_argument("-n", type=int, default=300)
    ap.add_argument("-j", type=int, default=os.cpu_count())
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--cross", action="store_true",
                    help="also the generated tree as a Cortex-M4 arm-none-eabi-gcc build")
    ap.add_argument("--only-cross", action="store_true", help="only the cross tree")
    a = ap.parse_args()
    exe = os.path.abspath(a.latch_check)
    if a.cross or a.only_cross:
        with tempfile.TemporaryDirectory(prefix="latch-gen-") as gen:
            subprocess.run([sys.executable, os.path.join(HERE, "gen_codebase.py"), gen, str(a.n),
                            "--cross"], check=True)
            bench("generated Cortex-M4 firmware (arm-none-eabi-gcc)", os.path.join(gen, "build"),
                  gen, exe, a.j, a.repeat, os.path.join(gen, "src", "m0_f4.c"))
        if a.only_cross:
            return
    with tempfile.TemporaryDirectory(prefix="latch-gen-") as gen:
        subprocess.run([sys.executable, os.path.join(HERE, "gen_codebase.py"), gen, str(a.n)],
                       check=True)
        bench("generated firmware", os.path.join(gen, "build"), gen, exe, a.j, a.repeat,
              os.path.join(gen, "src", "m0_f4.c"))
    if a.build:
        root = os.path.abspath(os.path.join(HERE, "..", ".."))
        with open(os.path.join(a.build, "compile_commands.json")) as f:
            db = [e for e in json.load(f)
                  if os.path.join(e["directory"], e["file"]).startswith(root + "/samples/tvac/")
                  or e["file"].startswith(root + "/samples/tvac/")]
        # a private copy of the sample, so the warm run's edit touches no
        # file of the work tree
        with tempfile.TemporaryDirectory(prefix="latch-tvac-") as t:
            copy = os.path.join(t, "tvac")
            subprocess.run(["cp", "-r", os.path.join(root, "samples", "tvac"), copy], check=True)
            text = json.dumps(db).replace(root + "/samples/tvac", copy)
            os.makedirs(os.path.join(t, "build"))
            with open(os.path.join(t, "build", "compile_commands.json"), "w") as f:
                f.write(text)
            bench("TVAC sample", os.path.join(t, "build"), copy, exe, a.j, a.repeat,
                  os.path.join(copy, "pid.c"))

if __name__ == "__main__":
    main()
