#!/usr/bin/env python3
"""tests/tracer/memmap_golden.py - golden reports of memmap and stack.

data/golden/fw_min.elf is a small Cortex-M4 firmware (tests/tracer/arm's
start-up code and stub HAL plus data/golden/fw_min_main.c, built with
-fstack-usage -fcallgraph-info=su,da; the .su and .ci files sit next to
it). Each report below is compared byte for byte with its expected file in
data/golden/, so a change of any figure or of the layout shows in review.
Regenerate with --update after checking the new output by hand.

Beside the byte comparison, the figures are recomputed here without
latch-trace (issue 9 point 7: a golden must not be only what --update
wrote): the section sizes from the ELF's own section header table (parsed
with struct), flash as the sum of the allocated non-NOBITS sections; the
stack frames of the golden's functions from the .su files, and each root's
worst case as the sum of the frames on its deepest path.

History of stack_fw_reset.txt: the call graph decoded from the machine
code (issue 14) adds its meta lines ("calls decoded from the machine code"
and the main stack) and the main-stack table (vector-table
handler, 32-byte exception frame of this soft-float image); the roots'
figures did not change.

usage: memmap_golden.py LATCH_TRACE GOLDEN_DIR [--update]
"""
import os
import subprocess
import sys

LT = os.path.abspath(sys.argv[1])
GOLDEN = os.path.abspath(sys.argv[2])
UPDATE = "--update" in sys.argv[3:]

CASES = [
    ("memmap_sections.txt", ["memmap", "fw_min.elf", "--regions", "FLASH=0x08000000:512K,RAM=0x20000000:128K"], 0),
    ("memmap_symbols.csv", ["memmap", "fw_min.elf", "--by", "symbol", "--format", "csv"], 0),
    ("memmap_files.md", ["memmap", "fw_min.elf", "--by", "file", "--format", "md"], 0),
    ("stack_fw_reset.txt", ["stack", "fw_min.elf", "--ci", ".", "--root", "fw_reset", "--root", "fw_step"], 0),
]


def elf_sections(path):
    """(name, type, flags, size) of every section, from the ELF32/64 header."""
    import struct
    b = open(path, "rb").read()
    is64, end = b[4] == 2, "<" if b[5] == 1 else ">"
    if is64:
        shoff, = struct.unpack_from(end + "Q", b, 0x28)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", b, 0x3A)
    else:
        shoff, = struct.unpack_from(end + "I", b, 0x20)
        shentsize, shnum, shstrndx = struct.unpack_from(end + "HHH", b, 0x2E)
    hdrs = []
    for i in range(shnum):
        o = shoff + i * shentsize
        if is64:
            name, typ, flags, _, off, size = struct.unpack_from(end + "IIQQQQ", b, o)
        else:
            name, typ, flags, _, off, size = struct.unpack_from(end + "IIIIII", b, o)
        hdrs.append((name, typ, flags, off, size))
    stroff = hdrs[shstrndx][3]
    return [(b[stroff + n:b.index(b"\0", stroff + n)].decode(), t, f, sz) for n, t, f, _, sz in hdrs[1:]]


def cross_checks():
    """Recomputes the golden figures without latch-trace."""
    import json
    fails = 0
    secs = elf_sections(os.path.join(GOLDEN, "fw_min.elf"))
    alloc = [(n, t, sz) for n, t, f, sz in secs if f & 2]
    p = subprocess.run([LT, "memmap", "fw_min.elf", "--format", "json"], capture_output=True, text=True, cwd=GOLDEN)
    d = json.loads(p.stdout)
    got = [(r["name"], r["size"]) for r in d["tables"]["sections"] if r["class"] != "-"]
    flash = sum(sz for n, t, sz in alloc if t != 8)  # SHT_NOBITS = 8
    ok = got == [(n, sz) for n, t, sz in alloc] and d["meta"]["flash"] == flash
    print(("ok   " if ok else "FAIL ") + "sections and flash %d recomputed from the section headers" % flash)
    fails += not ok
    su = {}
    for f in os.listdir(GOLDEN):
        if f.endswith(".su"):
            for line in open(os.path.join(GOLDEN, f)):
                loc, n, q = line.rstrip("\n").split("\t")
                su[loc.rsplit(":", 1)[1]] = int(n)
    p = subprocess.run([LT, "stack", "fw_min.elf", "--ci", ".", "--root", "fw_reset", "--root", "fw_step",
                        "--format", "json"], capture_output=True, text=True, cwd=GOLDEN)
    d = json.loads(p.stdout)
    fr = {r["function"]: r["frame"] for r in d["tables"]["functions"]}
    ok = all(fr[k] == su[k] for k in fr) and all(
        r["bytes"] == sum(su[f] for f in r["path"].split(" -> ")) for r in d["tables"]["roots"])
    print(("ok   " if ok else "FAIL ") + "stack frames equal the .su files and each root is the sum of its path")
    fails += not ok
    return fails


def main():
    fails = 0 if UPDATE else cross_checks()
    for name, args, status in CASES:
        p = subprocess.run([LT, "--color=never"] + args, capture_output=True, text=True, cwd=GOLDEN)
        path = os.path.join(GOLDEN, name)
        if p.returncode != status:
            print("FAIL %s: exit %d, expected %d\n%s" % (name, p.returncode, status, p.stderr))
            fails += 1
            continue
        if UPDATE:
            with open(path, "w", newline="") as f:
                f.write(p.stdout)
            print("updated " + name)
            continue
        with open(path, newline="") as f:
            want = f.read()
        if p.stdout != want:
            print("FAIL %s differs from the golden file:" % name)
            import difflib
            sys.stdout.writelines(difflib.unified_diff(want.splitlines(True), p.stdout.splitlines(True),
                                                       "expected", "actual"))
            fails += 1
        else:
            print("ok   " + name)
    return 1 if fails else 0


if __name__ == "__main__":
    sys.exit(main())
