#!/usr/bin/env python3
"""tests/tracer/stack_check.py - integration tests of `latch-trace stack`.

Builds data/stack_chain.c with -fstack-usage and -fcallgraph-info and
checks, against GCC's own numbers in the .su file:
  - the frame of every function read from the CFI equals the .su figure;
  - the worst case of the chain root equals the sum of the frames on the
    chain plus the 128-byte red zone of the leaf (x86-64);
  - the recursive root is incomplete with a recursion unknown at the
    recursive call, the indirect root with an indirect-call unknown;
  - annotations (indirect targets, a recursion bound) complete them with
    the expected figures; the .ci call graph gives the same figures as the
    hand-written analyzer call graph; budgets give exit codes 0/1/2.

usage: stack_check.py LATCH_TRACE DATA_DIR WORK_DIR [INSTRUMENTED_STACK_CHAIN]
"""
import json
import os
import platform
import subprocess
import sys

LT, DATA, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def run(args, expect=None):
    p = subprocess.run(args, capture_output=True, text=True, cwd=WORK)
    if p.returncode < 0 or (expect is not None and p.returncode != expect):
        print("FAIL %s: exit %d, expected %s\nstdout:\n%s\nstderr:\n%s"
              % (" ".join(args), p.returncode, expect, p.stdout[-3000:], p.stderr))
        FAILS.append("exit status of " + " ".join(args))
    return p


def stack(*args, expect=0):
    p = run([LT, "stack", "--format", "json"] + list(args), expect)
    try:
        return json.loads(p.stdout)
    except ValueError:
        return None


def roots_of(doc):
    return {r["root"]: r for r in doc["tables"]["roots"]} if doc else {}


def main():
    if platform.machine() != "x86_64":
        print("SKIP: the red-zone figures of this test are for x86-64")
        return 77
    os.makedirs(WORK, exist_ok=True)
    src = os.path.join(DATA, "stack_chain.c")
    elf = os.path.join(WORK, "chain")
    subprocess.run(["gcc", "-O2", "-g", "-fno-inline", "-fomit-frame-pointer",
                    "-fno-optimize-sibling-calls", "-fstack-usage", "-fcallgraph-info=su,da",
                    "-c", src, "-o", os.path.join(WORK, "stack_chain.o")], check=True, cwd=WORK)
    subprocess.run(["gcc", os.path.join(WORK, "stack_chain.o"), "-o", elf], check=True, cwd=WORK)
    su = {}
    with open(os.path.join(WORK, "stack_chain.su")) as f:
        for line in f:
            loc, n, qual = line.rstrip("\n").split("\t")
            su[loc.rsplit(":", 1)[1]] = int(n)
    cg = os.path.join(DATA, "stack_chain.cg.json")
    notes = os.path.join(DATA, "stack_notes.yaml")

    # 1. CFI frames equal GCC's -fstack-usage figures.
    args = [elf]
    for name in su:
        args += ["--root", name]
    d = stack(*args)
    frames = {r["function"]: r["frame"] for r in d["tables"]["functions"]} if d else {}
    check(frames == su, "CFI frame of each function equals its .su figure: %s vs %s" % (frames, su))
    # Without --callgraph the call graph decoded from the machine code gives
    # the chain: the sum of its .su frames plus the leaf's red zone.
    r0 = roots_of(d)
    want0 = su["root_chain"] + su["c1"] + su["c2"] + su["c3"] + 128
    check(r0.get("root_chain", {}).get("bytes") == want0 and r0["root_chain"]["complete"] and
          r0["root_chain"]["path"] == "root_chain -> c1 -> c2 -> c3" and d["meta"]["binary_calls"] > 0,
          "without a call graph, the machine code's calls give root_chain = %d: %s" % (want0, r0.get("root_chain")))

    # 2. The chain: sum of its frames plus the leaf's red zone.
    d = stack(elf, "--callgraph", cg)
    r = roots_of(d)
    want = su["root_chain"] + su["c1"] + su["c2"] + su["c3"] + 128
    check(sorted(r) == ["root_chain", "root_indirect", "root_rec"], "roots come from the call graph: %s" % sorted(r))
    check(r.get("root_chain", {}).get("bytes") == want and r["root_chain"]["complete"],
          "root_chain = %d (16+320+224+56 frames + 128 red zone), complete: %s" % (want, r.get("root_chain")))
    check(r.get("root_chain", {}).get("path") == "root_chain -> c1 -> c2 -> c3", "root_chain path is the chain")
    # 3. Recursion and an unresolved indirect call are unknowns, never a number.
    unk = [(u["root"], u["kind"], u["function"], u["location"]) for u in d["tables"]["unknowns"]]
    check(not r["root_rec"]["complete"] and ("root_rec", "recursion", "rec", "stack_chain.c:60:17") in unk,
          "root_rec is incomplete: recursion in rec at stack_chain.c:60:17: %s" % unk)
    check(not r["root_indirect"]["complete"] and
          ("root_indirect", "indirect-call", "root_indirect", "stack_chain.c:78:2") in unk,
          "root_indirect is incomplete: indirect call at stack_chain.c:78:2")
    p = run([LT, "stack", elf, "--callgraph", cg], 0)
    check("stack_chain.c:60:17: warning: recursion rec -> rec has no depth bound" in p.stdout and
          ">= " in p.stdout, "text report: compiler-style warning and '>=' for incomplete roots")

    # 4. Annotations complete them; budgets.
    d = stack(elf, "--callgraph", cg, "--budgets", notes, expect=1)
    r = roots_of(d)
    want_rec = su["root_rec"] + 10 * su["rec"]
    check(r.get("root_rec", {}).get("bytes") == want_rec and r["root_rec"]["complete"],
          "recursion_bounds rec: 10 -> root_rec = %d: %s" % (want_rec, r.get("root_rec")))
    want_ind = su["root_indirect"] + max(su["c1"] + su["c2"] + su["c3"] + 128, su["other"] + 128)
    check(r.get("root_indirect", {}).get("bytes") == want_ind and r["root_indirect"]["complete"],
          "indirect_targets [c1, other] -> root_indirect = %d" % want_ind)
    globs = os.path.join(WORK, "globs.yaml")
    with open(globs, "w") as f:
        f.write('indirect_targets:\n  "root_ind*": ["c[1]", "oth*"]\n')
    r3 = roots_of(stack(elf, "--callgraph", cg, "--budgets", globs))
    check(r3.get("root_indirect", {}).get("bytes") == want_ind and r3["root_indirect"]["complete"],
          "indirect_targets globs (caller and targets) as in latch-check: root_indirect = %d" % want_ind)
    # The notes of a file the rules extend count (the one loader, extends:).
    base = os.path.join(WORK, "base_notes.yaml")
    with open(base, "w") as f:
        f.write("extends: none\nindirect_targets:\n  root_indirect: [c1, other]\n")
    child = os.path.join(WORK, "child_notes.yaml")
    with open(child, "w") as f:
        f.write("extends: base_notes.yaml\nrecursion_bounds:\n  rec: 10\n")
    r4 = roots_of(stack(elf, "--callgraph", cg, "--budgets", child))
    check(r4.get("root_indirect", {}).get("bytes") == want_ind and r4["root_indirect"]["complete"] and
          r4.get("root_rec", {}).get("bytes") == want_rec,
          "indirect_targets of an extended file count: root_indirect = %d" % want_ind)
    v = {b["subject"]: b["verdict"] for b in d["budgets"]["results"]} if d else {}
    check(v == {"root_chain": "PASS", "root_rec": "FAIL"}, "budgets: root_chain passes, root_rec fails (exit 1): %s" % v)
    p = run([LT, "stack", elf, "--callgraph", cg, "--budgets", notes, "--format", "junit"], 1)
    check(p.stdout.count("<testcase") == 2 and p.stdout.count("<failure") == 1, "budgets in JUnit")
    bad = os.path.join(WORK, "bad.yaml")
    with open(bad, "w") as f:
        f.write("budgets:\n  stack:\n    no_such_root: 100\n")
    p = run([LT, "stack", elf, "--callgraph", cg, "--budgets", bad], 2)
    check("no function 'no_such_root'" in p.stdout, "a budget on an unknown function is an error (exit 2)")
    inc = os.path.join(WORK, "inc.yaml")
    with open(inc, "w") as f:
        f.write("budgets:\n  stack:\n    root_rec: 100000\n")
    d = stack(elf, "--callgraph", cg, "--budgets", inc, expect=1)
    check(d and d["budgets"]["results"][0]["verdict"] == "FAIL",
          "an incomplete root fails its budget however large the budget")

    # 5. The compiler's call graph (.ci) gives the same figures.
    d2 = stack(elf, "--ci", WORK, "--su", WORK, "--root", "root_*")
    r2 = roots_of(d2)
    check(r2.get("root_chain", {}).get("bytes") == want and r2["root_chain"]["complete"],
          ".ci call graph: root_chain = %d" % want)
    check(not r2.get("root_rec", {}).get("complete", True) and not r2.get("root_indirect", {}).get("complete", True),
          ".ci call graph: recursion and the indirect call (__indirect_call) are unknowns")
    locs = sorted(u["location"].rsplit("/", 1)[-1] for u in d2["tables"]["unknowns"]) if d2 else []
    check(locs == ["stack_chain.c:60:17", "stack_chain.c:78:2"],
          ".ci call graph: the unknowns are at the same places as the analyzer's: %s" % locs)

    # 6. --trace: measured depths against static bounds.
    if len(sys.argv) > 4:
        prog = os.path.abspath(sys.argv[4])
        trace = os.path.join(WORK, "chain.trace")
        if os.path.exists(trace):
            os.remove(trace)
        subprocess.run([prog], env=dict(os.environ, LATCH_TRACE=trace, LATCH_BUF_MB="4"), cwd=WORK)
        # The hooks are what measures: the trace reads the stack at their
        # entry, so they are declared out of the compared bound (frames:).
        hooks = os.path.join(WORK, "hooks.yaml")
        with open(notes) as f, open(hooks, "w") as g:
            g.write(f.read() + "frames:\n  __cyg_profile_func_enter: { frame: 0, callees: [] }\n"
                    "  __cyg_profile_func_exit: { frame: 0, callees: [] }\n")
        d = stack(prog, "--callgraph", cg, "--budgets", hooks, "--trace", trace, expect=1)
        m = {r["function"]: r for r in d["tables"]["measured"]} if d else {}
        check(m.get("root_chain", {}).get("measured", 0) > 0 and
              all(r["verdict"] == "ok" and r["measured"] <= r["static"] for r in m.values()),
              "--trace: every measured depth is within its static bound: %s"
              % {k: (r["measured"], r["static"]) for k, r in m.items()})
        # A frame file cannot make a bound too small any more (the larger of
        # .su and CFI counts), a wrong call graph can: declare that c1 calls
        # nothing, and the trace shows c1 and its callers deeper than that.
        wrong = os.path.join(WORK, "wrong.yaml")
        with open(wrong, "w") as g:
            g.write("frames:\n  __cyg_profile_func_enter: { frame: 0, callees: [] }\n"
                    "  __cyg_profile_func_exit: { frame: 0, callees: [] }\n  c1: { callees: [] }\n")
        p = run([LT, "stack", prog, "--root", "root_chain", "--budgets", wrong, "--trace", trace], 1)
        check("EXCEEDS" in p.stdout and "'root_chain' measured" in p.stdout and "[stack-trace]" in p.stdout,
              "--trace: a call graph made wrong is flagged as an error (exit 1)")

    # 7. Errors.
    p = run([LT, "stack", elf, "--root", "nosuch"], 2)
    check("no function 'nosuch'" in p.stderr, "an unknown --root is an error")
    p = run([LT, "stack", elf], 2)
    check("no roots" in p.stderr, "no roots is a usage error")
    badcg = os.path.join(WORK, "bad.json")
    with open(badcg, "w") as f:
        f.write('{"version": 1, "edges": [{"caller": "a"}]}')
    p = run([LT, "stack", elf, "--callgraph", badcg], 2)
    check("edges[0] needs a caller and a callee" in p.stderr, "a malformed call graph names the bad member")

    print("%d failure(s)" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
