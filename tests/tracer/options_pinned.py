#!/usr/bin/env python3
"""tests/tracer/options_pinned.py - the command line of every latch-trace
subcommand, pinned: which spellings are accepted (and the exit status they
lead to), and which are usage errors (exit 2, one message on stderr that
starts with "latch-trace: error: " and names what was wrong).

usage: options_pinned.py LATCH_TRACE SYMPROG WORKDIR

Written before the subcommands moved to one option parser
(tracer/report/opt.c), from what each subcommand did then, so the port is
checked against it. Where the port unified two behaviours on purpose, the
case says so (UNIFIED: old behaviour -> new one); everything else is as it
was.
"""
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


def case(lt, cmd, args, code, needles=(), stdout_starts=None, cwd=None):
    p = subprocess.run([lt, cmd] + args, capture_output=True, text=True, cwd=cwd)
    what = "latch-trace %s %s" % (cmd, " ".join(args))
    check(p.returncode == code, "%s: exit %d, expected %d\nstderr: %s" % (what, p.returncode, code, p.stderr))
    if code == 2 and needles:
        lines = [ln for ln in p.stderr.splitlines() if ln.startswith("latch-trace: error: ")]
        check(len(lines) >= 1, "%s: no 'latch-trace: error: ' line on stderr: %r" % (what, p.stderr))
        for n in needles:
            check(n in p.stderr, "%s: stderr lacks %r: %r" % (what, n, p.stderr))
    if stdout_starts is not None:
        check(p.stdout.startswith(stdout_starts), "%s: stdout starts %r, expected %r" %
              (what, p.stdout[:60], stdout_starts))
    return p


def main():
    lt, prog, work = os.path.abspath(sys.argv[1]), sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    funcs = tracegen.nm_funcs(prog)
    exe = ["exe=" + os.path.abspath(prog), "build_id=" + tracegen.build_id(prog), "start=0x0", "end=0x100000",
           "fa=%#x" % funcs["main"], "fb=%#x" % funcs["control_step"], "fc=%#x" % funcs["spin"]]
    T = os.path.join(work, "known.trace")
    subprocess.run([sys.executable, tracegen.__file__, T, "known", "hook=10"] + exe, check=True)
    E = os.path.abspath(prog)
    out = os.path.join(work, "out.txt")

    # --- help: every subcommand, both spellings, on stdout, exit 0
    for cmd in ("record", "report", "hist", "export", "memmap", "stack"):
        for h in ("--help", "-h"):
            case(lt, cmd, [h], 0, stdout_starts="usage: latch-trace " + cmd)

    # --- report
    for args, code in (([T], 0), ([T, "--sort", "calls"], 0), (["--sort", "p99", T], 0),
                       (["--sort", "name", T], 0), (["--top", "1", T], 0), (["--top", "0", T], 0),
                       (["--top", "0x2", T], 0), (["--filter", "m*", T], 0),
                       (["--filter", "main", "--filter", "spin", T], 0), ([T, "main"], 0),
                       (["--thread", "100", T], 0), (["--thread", "0", T], 0), (["--exe", E, T], 0),
                       (["--format", "json", T], 0), (["--format=csv", T], 0),
                       (["--format", "markdown", T], 0), (["--format", "md", T], 0),
                       (["--format", "junit", T], 0), (["--format", "text", T], 0),
                       (["-o", out, T], 0), (["-o" + out, T], 0), (["--output", out, T], 0),
                       (["--output=" + out, T], 0), (["-o", "-", T], 0)):
        case(lt, "report", args, code)
    for args, needles in (([], ["trace file"]), (["--sort", "bogus", T], ["--sort", "bogus"]),
                          (["--top", "-1", T], ["--top", "-1"]), (["--top", "x", T], ["--top", "'x'"]),
                          (["--thread", "x", T], ["--thread", "'x'"]),
                          (["--bogus", T], ["unknown option", "'--bogus'"]),
                          ([T, "--top"], ["'--top'", "needs a value"]),
                          ([T, "--format"], ["'--format'", "needs a value"]),
                          (["--format", "xml", T], ["unknown format 'xml'"]),
                          (["--format=xml", T], ["unknown format 'xml'"]),
                          (["--thread", "5", T], ["5"]),
                          (["--budgets", os.path.join(work, "none.yaml"), T], ["none.yaml"])):
        case(lt, "report", args, 2, needles)

    # --- hist
    for args, code in (([T], 0), (["-f", "main", T], 0), (["--function", "main", T], 0), ([T, "main"], 0),
                       (["--top", "2", T], 0), (["--rows", "5", T], 0), (["--width", "20", T], 0),
                       (["--period", "main", T], 0), (["--period", "main", "--expect", "10us", T], 1),
                       (["--period", "main", "--expect", "20us", T], 0),
                       (["--period", "main", "--expect", "16us", "--tolerance", "5", T], 0),
                       (["--thread", "100", T], 0), (["--exe", E, T], 0), (["--format", "json", T], 0),
                       (["--format=csv", T], 0), (["-o", out, T], 0), (["--top", "0", T], 0)):
        case(lt, "hist", args, code)
    for args, needles in (([], ["trace file"]), (["--expect", "10us", T], ["--expect", "--period"]),
                          (["--period", "main", "--expect", "abc", T], ["--expect", "'abc'"]),
                          (["--rows", "x", T], ["--rows", "'x'"]), (["--width", "-3", T], ["--width"]),
                          (["--bogus", T], ["unknown option", "'--bogus'"]),
                          ([T, "-f"], ["'-f'", "needs a value"]),
                          (["--format", "xml", T], ["unknown format 'xml'"])):
        case(lt, "hist", args, 2, needles)

    # --- export
    for args, code in (([T, "--format", "folded"], 0), (["--format", "chrome", T], 0),
                       (["--format", "chrome", "-o", out, T], 0), (["--exe", E, "--format", "folded", T], 0)):
        case(lt, "export", args, code)
    for args, needles in (([T], ["--format"]), ([], ["TRACE"]), (["--format", "xml", T], ["--format"]),
                          (["--bogus", T], ["unknown option", "'--bogus'"]),
                          ([T, "-o"], ["'-o'", "needs a value"]),
                          ([T, "--format"], ["'--format'", "needs a value"])):
        case(lt, "export", args, 2, needles)

    # --- memmap
    for args, code in (([E], 0), (["--by", "symbol", E], 0), ([E, "--by", "symbols"], 0),
                       (["--by", "section", E], 0), (["--by", "segment", E], 0), (["--by", "segments", E], 0),
                       (["--by", "cu", E], 0), (["--by", "file", E], 0), (["--top", "3", "--by", "symbol", E], 0),
                       (["--format", "json", E], 0), (["--format=md", E], 0), (["--diff", E, E], 0),
                       (["-o", out, E], 0)):
        case(lt, "memmap", args, code)
    # UNIFIED: "memmap: no ELF file given" -> "memmap: needs an ELF file"
    for args, needles in (([], ["needs an ELF file"]), ([E, E], ["more than one ELF"]),
                          (["--by", "bogus", E], ["--by", "'bogus'"]), (["--top", "x", E], ["--top", "'x'"]),
                          (["--top", "-2", E], ["--top", "'-2'"]),
                          (["--bogus", E], ["unknown option", "'--bogus'"]),
                          ([E, "--top"], ["'--top'", "needs a value"]),
                          (["--format", "xml", E], ["unknown format 'xml'"])):
        case(lt, "memmap", args, 2, needles)

    # --- stack
    R = ["--root", "main"]
    for args, code in ((R + [E], 0), ([E, "--root", "main", "--root", "spin"], 0),
                       (["--format", "json", E] + R, 0), (["-o", out, E] + R, 0),
                       (["--trace", T, E] + R, 0), (["--rules", os.path.join(work, "none.yaml"), E] + R, 2),
                       (["--budgets", os.path.join(work, "none.yaml"), E] + R, 2), ([E], 2)):
        case(lt, "stack", args, code)
    for args, needles in (([], ["needs an ELF file"]), ([E, E], ["more than one ELF"]),
                          (["--bogus", E], ["unknown option", "'--bogus'"]),
                          ([E, "--root"], ["'--root'", "needs a value"]),
                          (["--format", "xml", E], ["unknown format 'xml'"])):
        case(lt, "stack", args, 2, needles)

    # --- record (the program is the instrumented test program)
    rt = os.path.join(work, "rec.trace")
    for args, code in ((["-o", rt, "--", E], 0), (["--output", rt, "--buf-mb", "4", "--chunk-kb", "64",
                                                   "--mode", "ring", "--", E], 0),
                       (["-o", rt, E], 0)):
        case(lt, "record", args, code, cwd=work)
    for args, needles in (([], ["needs a program"]), (["--bogus", "x", "--", E], ["unknown option", "'--bogus'"]),
                          (["-o"], ["'-o'", "needs a value"])):
        case(lt, "record", args, 2, needles, cwd=work)

    # --- UNIFIED by the port to one parser (tracer/report/opt.c); each was a
    # difference between commands (issue 9 point 3):
    # --top 0 meant "all" in report but was an error in memmap and drew
    # nothing in hist: now "all" everywhere.
    case(lt, "memmap", ["--top", "0", "--by", "symbol", E], 0)
    # --thread, --rows, --width, --top were read with strtod in hist (so
    # "100.5" was thread 100) and strtol in report: now integers everywhere,
    # decimal or 0x-hex, never octal.
    case(lt, "hist", ["--thread", "100.5", T], 2, ["--thread", "'100.5'"])
    case(lt, "hist", ["--rows", "5.5", T], 2, ["--rows", "'5.5'"])
    case(lt, "hist", ["--thread", "0x64", T], 0)
    # --name=VALUE and -oFILE work for every option of every command (export
    # and record took neither).
    case(lt, "export", ["--format=folded", T], 0)
    case(lt, "export", ["-o" + out, "--format", "folded", T], 0)
    case(lt, "memmap", ["--by=symbol", "-o" + out, E], 0)
    case(lt, "record", ["--output=" + rt, "--", E], 0, cwd=work)
    # usage errors name the command first: "latch-trace: error: CMD: ..."
    p = case(lt, "report", ["--bogus", T], 2, ["report: unknown option '--bogus'"])
    p = case(lt, "memmap", ["--top", "x", E], 2, ["memmap: --top takes a non-negative number, not 'x'"])

    if FAILED:
        print("%d check(s) failed" % len(FAILED))
        return 1
    print("ok: every subcommand's options as pinned")
    return 0


if __name__ == "__main__":
    sys.exit(main())
