#!/usr/bin/env python3
"""tests/tracer/stack_arm.py - `latch-trace stack` on Cortex-M4 images whose
worst cases are recomputed here from binutils alone.

arm/stack_fix.c (see its header) is built with arm-none-eabi-gcc, hard-float
and soft-float. Every expected figure is computed in this script,
independently of latch-trace: frame sizes from GCC's .su files and from
`readelf --debug-dump=frames` (largest CFA offset of each FDE), the call
graph from `objdump -d` (bl/blx/b to another function; a blx/bx of a
register is an unknown), the depth by a depth-first search. Checked:
  - the chain through newlib (powf -> __ieee754_powf -> scalbnf) that no
    .ci file describes is counted;
  - the variadic vsum counts the larger CFI figure and shows both;
  - asm_dispatch (assembly, no CFI, blx r0) makes its roots incomplete
    until a frames: declaration closes it;
  - the main stack = deepest thread path + exception frames (104 bytes with
    the FPU, 32 without, by .ARM.attributes) + the preempting handlers by
    priority; max_nesting and equal priorities limit the chain;
  - a truncated ELF (1 KB, 64 KB, 1 MB) is exit 2 for memmap and stack, as
    arm-none-eabi-size rejects it; garbage in .debug_info (at its start, in
    the middle, at its end) is exit 2 for memmap --by cu and --by file;
  - memmap --by cu gives an assembly function without a symbol size
    (arm/asm_nosize.S, like newlib's memchr.S) to its compile unit, with the
    bytes `size -A` gives its object's section.

Exit 77 (ctest: skipped) when the cross compiler is not installed.

usage: stack_arm.py LATCH_TRACE PROJECT_DIR WORK_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

LT, PROJ, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
ARM = os.path.join(PROJ, "tests", "tracer", "arm")
FAILS = []


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def build(name, flags, src="stack_fix.c", extra=(), script=True):
    out = os.path.join(WORK, name)
    os.makedirs(out, exist_ok=True)
    elf = os.path.join(out, "fix.elf")
    cmd = ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb"] + flags + [
        "-O2", "-g", "-ffunction-sections", "-fstack-usage", "--specs=nano.specs", "--specs=nosys.specs",
        "-Wl,--gc-sections", "-Wl,-efix_reset"] + (["-T" + os.path.join(ARM, "fw.ld")] if script else []) + list(extra) + [
        os.path.join(ARM, src), "-lm", "-o", elf]
    subprocess.run(cmd, check=True, cwd=out)
    return elf, out


def su_frames(folder):
    su = {}
    for f in os.listdir(folder):
        if f.endswith(".su"):
            for line in open(os.path.join(folder, f)):
                loc, n, q = line.rstrip("\n").split("\t")
                su[loc.rsplit(":", 1)[1]] = int(n)
    return su


def func_syms(elf):
    """(start, end, [names]) of every sized function (nm -S), aliases grouped."""
    by = {}
    for line in subprocess.run(["arm-none-eabi-nm", "-S", elf], capture_output=True, text=True).stdout.splitlines():
        f = line.split()
        if len(f) == 4 and f[2] in "Tt" and int(f[1], 16) > 0:
            start = int(f[0], 16) & ~1
            by.setdefault((start, start + int(f[1], 16)), []).append(f[3])
    return sorted((s, e, n) for (s, e), n in by.items())


def cfi_frames(elf, funcs):
    """Largest CFA offset over the CFI rows of each function's range (readelf)."""
    out = subprocess.run(["arm-none-eabi-readelf", "--debug-dump=frames", elf],
                         capture_output=True, text=True).stdout
    rows, fdes = [], []  # per FDE: [(addr, offset)], end
    state, saved, hi = 0, [], 0
    for line in out.splitlines():
        m = re.search(r"FDE cie=\w+ pc=([0-9a-f]+)\.\.([0-9a-f]+)", line)
        if m:
            rows, state, saved, hi = [(int(m.group(1), 16), 0)], 0, [], int(m.group(2), 16)
            fdes.append((rows, hi))
            continue
        m = re.search(r"DW_CFA_advance_loc\d?: \d+ to ([0-9a-f]+)", line)
        if m and fdes:
            rows.append((int(m.group(1), 16), state))
            continue
        m = re.search(r"DW_CFA_def_cfa(?:_offset)?: (?:r13 \(sp\) ofs )?(\d+)$", line.strip())
        if m and fdes:
            state = int(m.group(1))
            rows[-1] = (rows[-1][0], max(rows[-1][1], state))
        elif "remember_state" in line:
            saved.append(state)
        elif "restore_state" in line and saved:
            state = saved.pop()
    cfi = {}
    for rws, end in fdes:
        for i, (addr, off) in enumerate(rws):
            nxt = rws[i + 1][0] if i + 1 < len(rws) else end
            for s, e, names in funcs:
                if s < nxt and addr < e and s < end and e > rws[0][0]:
                    for n in names:
                        cfi[n] = max(cfi.get(n, 0), off)
    return cfi


INSN = re.compile(r"^\s*([0-9a-f]+):\s+(?:[0-9a-f]{4} ?){1,2}\s+(b[a-z.]*)\s+(\S+)")
COND = re.compile(r"^b(l|lx)?(eq|ne|cs|cc|hs|lo|mi|pl|vs|vc|hi|ls|ge|lt|gt|le|al)?(\.w|\.n)?$")


def objdump_graph(elf, funcs):
    """Callees of each function by its symbol range, and its indirect branches
    (objdump -d): a bl to another function or to its own start, a b to outside."""
    def owner(a):
        for s, e, names in funcs:
            if s <= a < e:
                return s, e, names
        return None
    graph, indirect = {}, {}
    for s, e, names in funcs:
        for n in names:
            graph[n], indirect[n] = set(), 0
    out = subprocess.run(["arm-none-eabi-objdump", "-d", elf], capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = INSN.match(line)
        if not m or not COND.match(m.group(2)):
            continue
        at, mnem, opnd = int(m.group(1), 16), m.group(2), m.group(3)
        me = owner(at)
        if me is None:
            continue
        if mnem.startswith("bx") or (mnem.startswith("blx") and not re.match(r"^[0-9a-f]+$", opnd)):
            if opnd != "lr":
                for n in me[2]:
                    indirect[n] += 1
            continue
        if not re.match(r"^[0-9a-f]+$", opnd):
            continue
        t = int(opnd, 16)
        if me[0] <= t < me[1] and not (mnem.startswith("bl") and t == me[0]):
            continue
        to = owner(t)
        if to:
            for n in me[2]:
                graph[n].add(to[2][0])
    return graph, indirect


def depth(fn, graph, frame, memo):
    if fn not in memo:
        memo[fn] = None  # a cycle would fail the test below
        memo[fn] = frame[fn] + max([depth(c, graph, frame, memo) for c in graph.get(fn, ())] or [0])
    return memo[fn]


def stack(elf, *args, expect=0):
    p = subprocess.run([LT, "stack", elf, "--format", "json"] + list(args), capture_output=True, text=True)
    if p.returncode != expect:
        check(False, "exit %d (expected %d): stack %s %s\n%s" % (p.returncode, expect, elf, " ".join(args), p.stderr))
        return None
    return json.loads(p.stdout)


def write(name, text):
    path = os.path.join(WORK, name)
    with open(path, "w") as f:
        f.write(text)
    return path


def main():
    if shutil.which("arm-none-eabi-gcc") is None:
        print("SKIP: arm-none-eabi-gcc is not installed (Debian: gcc-arm-none-eabi libnewlib-arm-none-eabi)")
        return 77
    os.makedirs(WORK, exist_ok=True)
    for fl, name, exc in ((["-mfloat-abi=hard", "-mfpu=fpv4-sp-d16"], "hard", 104), (["-mfloat-abi=soft"], "soft", 32)):
        elf, folder = build(name, fl)
        funcs = func_syms(elf)
        su, cfi = su_frames(folder), cfi_frames(elf, funcs)
        graph, indirect = objdump_graph(elf, funcs)
        frame = {f: max(su.get(f, 0), cfi.get(f, 0)) for f in graph}
        check({"powf", "__ieee754_powf", "scalbnf"} <= set(cfi) and not set(su) & {"powf", "scalbnf"},
              "%s: newlib's chain has CFI and no .su entry" % name)
        check(cfi.get("vsum", 0) > su["vsum"], "%s: variadic vsum: CFI %d > .su %d (readelf)" % (name, cfi.get("vsum", 0), su["vsum"]))
        check("asm_dispatch" not in cfi and indirect["asm_dispatch"] == 1, "%s: asm_dispatch has no CFI, one indirect call" % name)

        # 1. Without declarations: incomplete, at least the known part.
        d = stack(elf, "--su", folder, "--root", "fix_reset", "--root", "vsum", "--root", "lib_chain")
        roots = {r["root"]: r for r in d["tables"]["roots"]} if d else {}
        memo = {}
        want_lib = depth("lib_chain", graph, frame, memo)
        check(roots.get("lib_chain", {}).get("bytes") == want_lib and roots["lib_chain"]["complete"] and
              roots["lib_chain"]["path"].startswith("lib_chain -> powf -> __ieee754_powf -> "),
              "%s: lib_chain = %d through newlib (objdump + readelf): %s" % (name, want_lib, roots.get("lib_chain")))
        fr = {r["function"]: r for r in d["tables"]["functions"]} if d else {}
        check(fr.get("vsum", {}).get("frame") == cfi["vsum"] and
              fr["vsum"]["source"] == "su %d, cfi %d" % (su["vsum"], cfi["vsum"]),
              "%s: vsum counts the larger figure and shows both: %s" % (name, fr.get("vsum")))
        unk = sorted((u["kind"], u["function"]) for u in d["tables"]["unknowns"] if u["root"] == "fix_reset") if d else []
        check(not roots["fix_reset"]["complete"] and unk == [("indirect-call", "asm_dispatch"), ("unknown-frame", "asm_dispatch")],
              "%s: asm_dispatch makes fix_reset incomplete (no frame, indirect call): %s" % (name, unk))

        # 2. frames: closes it; interrupts: by priority.
        graph2 = dict(graph)
        graph2["asm_dispatch"] = {"lib_chain"}
        frame2 = dict(frame, asm_dispatch=8)
        memo = {}
        thread = depth("fix_reset", graph2, frame2, memo)
        low, high = depth("isr_low", graph2, frame2, memo), depth("isr_high", graph2, frame2, memo)
        rules = write("rules_%s.yaml" % name,
                      "frames:\n  asm_dispatch: { frame: 8, callees: [lib_chain] }\n"
                      "interrupts:\n  handlers:\n    isr_low: 2\n    isr_high: { priority: 1 }\n")
        d = stack(elf, "--su", folder, "--root", "fix_reset", "--rules", rules)
        roots = {r["root"]: r for r in d["tables"]["roots"]} if d else {}
        check(roots.get("fix_reset", {}).get("bytes") == thread and roots["fix_reset"]["complete"],
              "%s: frames: asm_dispatch closes fix_reset = %d: %s" % (name, thread, roots.get("fix_reset")))
        want = thread + exc + low + exc + high
        ms = [(r["part"], r["priority"], r["exception_frame"], r["stack"]) for r in d["tables"]["main_stack"]] if d else []
        check(d and d["meta"]["main_stack"] == want and d["meta"]["exception_frame"] == exc and
              ms == [("fix_reset", "thread", 0, thread), ("isr_low", "2", exc, low), ("isr_high", "1", exc, high)],
              "%s: main stack %d = thread %d + %d + isr_low %d + %d + isr_high %d: %s"
              % (name, want, thread, exc, low, exc, high, ms))
        rules = write("rules1_%s.yaml" % name,
                      "frames:\n  asm_dispatch: { frame: 8, callees: [lib_chain] }\n"
                      "interrupts:\n  max_nesting: 1\n  handlers: { isr_low: 2, isr_high: 1 }\n")
        d = stack(elf, "--su", folder, "--root", "fix_reset", "--rules", rules)
        check(d and d["meta"]["main_stack"] == thread + exc + max(low, high),
              "%s: max_nesting 1: one handler on the thread path" % name)
        rules = write("rules2_%s.yaml" % name,
                      "frames:\n  asm_dispatch: { frame: 8, callees: [lib_chain] }\n"
                      "interrupts:\n  handlers: { isr_low: 1, isr_high: 1 }\n")
        d = stack(elf, "--su", folder, "--root", "fix_reset", "--rules", rules)
        check(d and d["meta"]["main_stack"] == thread + exc + max(low, high),
              "%s: equal priorities do not preempt each other" % name)
        d = stack(elf, "--su", folder, "--root", "fix_reset")
        check(d and d["meta"]["main_stack"] == roots["fix_reset"]["bytes"] * 0 + d["tables"]["roots"][0]["bytes"] + 2 * exc + low + high
              and any("vector table" in n for n in d["notes"]),
              "%s: without interrupts: the vector table's handlers all nest" % name)
        bad = write("bad_%s.yaml" % name, "interrupts:\n  handlers: { no_such_isr: 1 }\n")
        p = subprocess.run([LT, "stack", elf, "--root", "fix_reset", "--rules", bad], capture_output=True, text=True)
        check(p.returncode == 2 and "interrupt handler 'no_such_isr' is not in the binary" in p.stderr,
              "%s: an unknown handler is exit 2: %s" % (name, p.stderr.strip()))
        bad = write("bad2_%s.yaml" % name, "frames:\n  asm_dispatch: { frame: 8, calees: [x] }\n")
        p = subprocess.run([LT, "stack", elf, "--root", "fix_reset", "--rules", bad], capture_output=True, text=True)
        check(p.returncode == 2 and "bad2_%s.yaml:2:29: unknown frames: key" % name in p.stderr,
              "%s: a misspelt frames: key is exit 2 with file:line:col: %s" % (name, p.stderr.strip()))

    # 3. Truncated ELF files are rejected, as binutils rejects them.
    big = write("big.c", "const char big_table[1536 * 1024] = {1};\nvolatile int g;\n"
                         "void fix_reset(void) { for (;;) g = big_table[g]; }\n")
    elf, folder = build("big", ["-mfloat-abi=soft"], src=big, script=False)
    whole = open(elf, "rb").read()
    check(len(whole) > 1 << 20, "the big image is over 1 MB (%d bytes)" % len(whole))
    for cut in (1024, 64 * 1024, 1 << 20):
        t = os.path.join(WORK, "trunc_%d.elf" % cut)
        with open(t, "wb") as f:
            f.write(whole[:cut])
        s = subprocess.run(["arm-none-eabi-size", "-A", t], capture_output=True, text=True)
        m = subprocess.run([LT, "memmap", t], capture_output=True, text=True)
        st = subprocess.run([LT, "stack", t, "--root", "fix_reset"], capture_output=True, text=True)
        check(s.returncode != 0 and m.returncode == 2 and st.returncode == 2 and "truncated" in m.stderr,
              "ELF cut at %d bytes: size -A rejects it, memmap and stack exit 2: %s" % (cut, m.stderr.strip()))
    # 4. Corrupt DWARF; an assembly symbol sized only by DWARF.
    asm = os.path.join(ARM, "asm_nosize.S")
    caller = write("call_nosize.c", "void asm_nosize(void);\nvoid call_nosize(void) { asm_nosize(); }\n")
    elf, folder = build("asm", ["-mfloat-abi=soft"], extra=["-Wl,-u,call_nosize", asm, caller])
    obj = os.path.join(folder, "asm_nosize.o")
    subprocess.run(["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-g", "-c", asm, "-o", obj], check=True)
    sz = [l.split() for l in subprocess.run(["arm-none-eabi-size", "-A", obj], capture_output=True,
                                              text=True).stdout.splitlines()]
    want = [int(f[1]) for f in sz if f and f[0] == ".text.asm_nosize"][0]
    nm = subprocess.run(["arm-none-eabi-nm", "-S", elf], capture_output=True, text=True).stdout
    check(any(l.split()[-1] == "asm_nosize" and len(l.split()) == 3 for l in nm.splitlines()),
          "asm_nosize has no symbol size (nm -S prints none)")
    p = subprocess.run([LT, "memmap", elf, "--by", "cu", "--format", "json"], capture_output=True, text=True)
    d = json.loads(p.stdout) if p.returncode == 0 else None
    rows = {r["name"].rsplit("/", 1)[-1]: r for r in d["tables"]["compile_units"]} if d else {}
    check(rows.get("asm_nosize.S", {}).get("flash") == want and sum(r["flash"] for r in rows.values()) == d["meta"]["flash"],
          "--by cu: asm_nosize.S has its %d bytes (size -A of its object), rows still add up: %s"
          % (want, rows.get("asm_nosize.S")))
    # stack: a call into it is named, and it is an unknown until declared.
    d = stack(elf, "--root", "call_nosize")
    u = [(x["kind"], x["function"], x["detail"]) for x in d["tables"]["unknowns"]] if d else []
    check(u and u[0][:2] == ("unknown-frame", "asm_nosize") and "is in the binary but has no frame data" in u[0][2],
          "stack: the call to asm_nosize (no symbol size) is named and unknown: %s" % u)
    rules = write("nosize.yaml", "frames:\n  asm_nosize: { frame: 0, callees: [] }\n")
    d = stack(elf, "--root", "call_nosize", "--rules", rules)
    r = d["tables"]["roots"][0] if d else {}
    check(r.get("complete") and r.get("bytes") == su_frames(folder)["call_nosize"],
          "stack: frames: asm_nosize closes it (call_nosize = its .su frame): %s" % r)
    sec = subprocess.run(["arm-none-eabi-readelf", "-SW", elf], capture_output=True, text=True).stdout
    f = [l.split("]", 1)[1].split() for l in sec.splitlines() if " .debug_info " in l][0]
    off, size = int(f[3], 16), int(f[4], 16)
    whole = open(elf, "rb").read()
    for where, start, n in (("start", 0, 64), ("middle", size // 2, 256), ("end", size - 300, 300)):
        bad = bytearray(whole)
        for i in range(n):
            bad[off + start + i] = (i * 37 + 11) & 0xFF
        t = os.path.join(WORK, "dwarf_%s.elf" % where)
        with open(t, "wb") as g:
            g.write(bad)
        for by in ("cu", "file"):
            p = subprocess.run([LT, "memmap", t, "--by", by], capture_output=True, text=True)
            check(p.returncode == 2 and "corrupt DWARF" in p.stderr and p.stdout == "",
                  "garbage at the %s of .debug_info: --by %s exits 2: %s" % (where, by, p.stderr.strip()))
    print("%d failure(s)" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
