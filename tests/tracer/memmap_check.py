#!/usr/bin/env python3
"""tests/tracer/memmap_check.py - integration tests of `latch-trace memmap`.

Every number is cross-checked against an independent tool on real
binaries built here: section totals against `size -A`, section addresses
and sizes against `readelf -S`, symbol sizes against `nm -S`. Also: the
per-compile-unit and per-file rows add up to the totals, `--diff` of two
builds that differ by one array shows exactly that array's growth, budgets
give the documented exit codes in every output format, and bad inputs give
a clear error (exit 2), never a crash.

usage: memmap_check.py LATCH_TRACE DATA_DIR WORK_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET

LT, DATA, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
FAILS = []


def check(cond, what):
    if cond:
        print("ok   " + what)
    else:
        print("FAIL " + what)
        FAILS.append(what)


def run(args, expect=None):
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode < 0:
        FAILS.append("%s killed by signal %d" % (" ".join(args), -p.returncode))
        print("FAIL %s: signal %d\n%s" % (" ".join(args), -p.returncode, p.stderr))
    if expect is not None and p.returncode != expect:
        print("FAIL %s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s"
              % (" ".join(args), p.returncode, expect, p.stdout[-3000:], p.stderr))
        FAILS.append("exit status of " + " ".join(args))
    return p


def memmap_json(*args, expect=0):
    p = run([LT, "memmap", "--format", "json"] + list(args), expect)
    return json.loads(p.stdout) if p.returncode in (0, 1) else None


def size_a(path):
    """Section name -> size and the Total line of `size -A`."""
    out = run(["size", "-A", path], 0).stdout
    secs, total = [], None
    for line in out.splitlines()[2:]:
        f = line.split()
        if len(f) >= 2 and f[0] == "Total":
            total = int(f[1])
        elif len(f) == 3:
            secs.append((f[0], int(f[1])))
    return secs, total


def readelf_sections(path):
    out = run(["readelf", "-SW", path], 0).stdout
    res = {}
    for m in re.finditer(r"\]\s+(\S+)\s+\S+\s+([0-9a-f]+)\s+[0-9a-f]+\s+([0-9a-f]+)", out):
        res.setdefault(m.group(1), []).append((int(m.group(2), 16), int(m.group(3), 16)))
    return res


def nm_sizes(path, dynamic=False):
    args = ["nm", "-S", "--defined-only"] + (["-D"] if dynamic else []) + [path]
    out = run(args, 0).stdout
    sizes = {}
    for line in out.splitlines():
        f = line.split()
        if len(f) == 4:
            sizes.setdefault(f[3], []).append(int(f[1], 16))
    return sizes


def build(name, extra):
    out = os.path.join(WORK, name)
    subprocess.run(["gcc", "-g", "-O1"] + extra + [os.path.join(DATA, "mm_fixture.c"), "-o", out],
                   check=True)
    return out


def test_sections_and_symbols(path, label, dynamic=False):
    doc = memmap_json(path)
    if doc is None:
        return
    secs, total = size_a(path)
    ours = [(r["name"], r["size"]) for r in doc["tables"]["sections"]]
    check(doc["meta"]["size_a_total"] == total,
          "%s: Total %s equals size -A Total %s" % (label, doc["meta"]["size_a_total"], total))
    check(ours == secs, "%s: every section and size equals size -A (%d sections)" % (label, len(secs)))
    rs = readelf_sections(path)
    bad = [r["name"] for r in doc["tables"]["sections"]
           if (r["vma"], r["size"]) not in rs.get(r["name"], [])]
    check(not bad, "%s: addresses and sizes equal readelf -S %s" % (label, bad))
    # flash and RAM: recomputed from the table itself and from readelf flags
    flash = sum(r["flash"] for r in doc["tables"]["sections"])
    ram = sum(r["ram"] for r in doc["tables"]["sections"])
    check((flash, ram) == (doc["meta"]["flash"], doc["meta"]["ram"]),
          "%s: flash %d and RAM %d are the sums of the section rows" % (label, flash, ram))
    sym = memmap_json(path, "--by", "symbol")
    nm = nm_sizes(path, dynamic)
    mism = []
    for r in sym["tables"]["symbols"]:
        if r["size"] not in nm.get(r["name"], []):
            mism.append(r["name"])
    check(not mism and len(sym["tables"]["symbols"]) > 0,
          "%s: %d symbol sizes equal nm -S (mismatches: %s)" % (label, len(sym["tables"]["symbols"]), mism[:5]))
    return doc


def main():
    os.makedirs(WORK, exist_ok=True)
    base = build("fixture_base", [])
    grown = build("fixture_grown", ["-DTLM_SIZE=5120"])
    static = build("fixture_static", ["-static", "-O2"])
    obj = os.path.join(WORK, "fixture_g3.o")
    subprocess.run(["gcc", "-g3", "-O2", "-ffunction-sections", "-c", os.path.join(DATA, "mm_fixture.c"),
                    "-o", obj], check=True)
    shlib = os.path.join(WORK, "libfixture.so")
    subprocess.run(["gcc", "-g", "-O2", "-shared", "-fPIC", os.path.join(DATA, "mm_fixture.c"), "-o", shlib],
                   check=True)

    # 1. Section totals, readelf, nm on several binaries.
    doc = test_sections_and_symbols(base, "PIE fixture")
    test_sections_and_symbols(static, "static fixture")
    test_sections_and_symbols(LT, "latch-trace itself")
    test_sections_and_symbols(obj, "relocatable object with COMDAT groups (-g3)")
    test_sections_and_symbols(shlib, "shared object")
    if doc:
        cls = {r["name"]: r["class"] for r in doc["tables"]["sections"]}
        check(cls.get(".data") == "flash+ram" and cls.get(".bss") == "ram" and
              cls.get(".text") == "flash" and cls.get(".rodata") == "flash",
              "classification: .data flash+ram, .bss ram, .text/.rodata flash")
        segs = doc["tables"]["segments"]
        load = [s for s in segs if s["type"] == "LOAD"]
        check(sum(s["flash"] for s in load) == sum(s["filesz"] for s in load),
              "segments: flash of the LOAD segments is their file size")
        out = run(["readelf", "-lW", base], 0).stdout
        check(len(load) == out.count("  LOAD "), "segments: as many LOAD segments as readelf -l")

    # 2. Per compile unit and per file add up; the fixture's CU holds its data.
    for by, key in (("cu", "compile_units"), ("file", "files")):
        d = memmap_json(base, "--by", by)
        if d is None:
            continue
        rows = d["tables"][key]
        check(sum(r["flash"] for r in rows) == d["meta"]["flash"] and
              sum(r["ram"] for r in rows) == d["meta"]["ram"],
              "--by %s: rows add up to flash %d and RAM %d" % (by, d["meta"]["flash"], d["meta"]["ram"]))
        fx = [r for r in rows if r["name"].endswith("mm_fixture.c")]
        want_ram = 1024 + 64 * 4 + 32 * 2
        check(len(fx) == 1 and fx[0]["ram"] == want_ram,
              "--by %s: mm_fixture.c holds %d bytes of RAM (tlm_buffer, calib_table, counters): %s"
              % (by, want_ram, fx))
    p = run([LT, "memmap", base, "--by", "cu", "--format", "csv"], 0)
    check(p.stdout.splitlines()[0] == "name,flash,ram,symbols", "--by cu --format csv has a header row")

    # 3. --diff: exactly tlm_buffer grew by 4096 bytes.
    d = memmap_json(grown, "--diff", base)
    if d:
        syms = [(r["name"], r["status"], r["delta"]) for r in d["tables"]["diff"] if r["kind"] == "symbol"]
        check(syms == [("tlm_buffer", "grew", 4096)], "--diff: the one changed symbol is tlm_buffer +4096: %s" % syms)
        bss = [r for r in d["tables"]["diff"] if r["kind"] == "section" and r["name"] == ".bss"]
        check(len(bss) == 1 and bss[0]["delta"] == 4096, "--diff: .bss grew by 4096")
        check(d["meta"]["ram_delta"] == 4096, "--diff: RAM change is +4096")
        check(d["tables"]["diff"][0]["delta"] == 4096, "--diff: sorted by size of change")
    p = run([LT, "memmap", base, "--diff", grown, "--format", "md"], 0)
    check(re.search(r"\| symbol \| tlm\\?_buffer \| shrank \|", p.stdout) is not None,
          "--diff Markdown names the shrunk array")

    # 4. Budgets, every format, exit codes.
    good = os.path.join(WORK, "good.yaml")
    with open(good, "w") as f:
        f.write("budgets:\n  memory:\n    flash: 64K\n    ram: 16K\n"
                "    sections: { .bss: 4K, .text: 0x10000 }\n    symbols: { \"tlm_*\": 1024 }\n")
    bad = os.path.join(WORK, "bad.yaml")
    with open(bad, "w") as f:
        f.write("budgets:\n  memory:\n    ram: 1K\n    symbols: { \"tlm_*\": 1023 }\n")
    err = os.path.join(WORK, "err.yaml")
    with open(err, "w") as f:
        f.write("budgets:\n  memory:\n    sections: { .nosuch: 1K }\n")
    d = memmap_json(base, "--budgets", good, expect=0)
    check(d and all(b["verdict"] == "PASS" for b in d["budgets"]["results"]) and
          len(d["budgets"]["results"]) == 5, "budgets: 5 limits pass on the fixture")
    d = memmap_json(base, "--budgets", bad, expect=1)
    check(d and [b["verdict"] for b in d["budgets"]["results"]] == ["FAIL", "FAIL"], "budgets: RAM and tlm_* fail (exit 1)")
    p = run([LT, "memmap", base, "--budgets", bad, "--format", "junit"], 1)
    try:
        root = ET.fromstring(p.stdout)
        check(len(root.findall(".//testcase")) == 2 and len(root.findall(".//failure")) == 2,
              "budgets: JUnit has 2 test cases, 2 failures")
    except ET.ParseError as e:
        check(False, "budgets: JUnit parses: %s" % e)
    p = run([LT, "memmap", base, "--budgets", err], 2)
    check("no section '.nosuch'" in p.stdout + p.stderr, "budgets: an unknown section is an error (exit 2)")
    p = run([LT, "memmap", base, "--budgets", bad, "--format", "md"], 1)
    check("FAIL" in p.stdout, "budgets: Markdown shows FAIL")

    # 5. --regions on a host binary and their errors.
    d = memmap_json(base, "--regions", "ALL=0:1M")
    if d:
        r = d["tables"]["regions"][0]
        check(r["used"] <= 1 << 20 and r["used"] >= d["meta"]["flash"], "--regions: one region holds the program")
    p = run([LT, "memmap", base, "--regions", "FLASH=0x08000000"], 2)
    check("NAME=ORIGIN:LENGTH" in p.stderr, "--regions: a malformed spec is a usage error")

    # 6. Bad inputs: clear errors, no crash.
    notelf = os.path.join(WORK, "notelf")
    with open(notelf, "w") as f:
        f.write("hello, I am not an ELF file\n")
    p = run([LT, "memmap", notelf], 2)
    check("not an ELF file" in p.stderr, "non-ELF input: 'not an ELF file' (exit 2)")
    ar = os.path.join(WORK, "libfixture.a")
    subprocess.run(["ar", "rcs", ar, obj], check=True)
    p = run([LT, "memmap", ar], 2)
    check("an archive (ar), not an ELF file" in p.stderr, "an archive: says so (exit 2)")
    p = run([LT, "memmap", os.path.join(WORK, "missing.elf")], 2)
    check("cannot open" in p.stderr and "No such file" in p.stderr, "missing input: cannot open (exit 2)")
    blob = open(base, "rb").read()
    crashes = 0
    for cut in (16, 64, 100, 1000, len(blob) // 3, len(blob) // 2, len(blob) - 100):
        t = os.path.join(WORK, "trunc")
        with open(t, "wb") as f:
            f.write(blob[:cut])
        for by in ("section", "symbol", "cu"):
            p = run([LT, "memmap", t, "--by", by])
            if p.returncode not in (0, 2) or (p.returncode == 2 and "error:" not in p.stderr):
                crashes += 1
    check(crashes == 0, "truncated inputs: exit 0 or 2 with an error, never a crash")
    noshdr = os.path.join(WORK, "fixture_noshdr")
    b = bytearray(blob)
    b[0x28:0x30] = bytes(8)   # e_shoff
    b[0x3c:0x40] = bytes(4)   # e_shnum, e_shstrndx
    with open(noshdr, "wb") as f:
        f.write(b)
    d = memmap_json(noshdr)
    out = run(["readelf", "-lW", base], 0).stdout
    loads = [int(m.group(1), 16) for m in re.finditer(r"^\s+LOAD\s+\S+\s+\S+\s+\S+\s+(0x[0-9a-f]+)", out, re.M)]
    check(d and d["meta"]["flash"] == sum(loads) and any("no section headers" in n for n in d["notes"]),
          "no section headers: a degraded report from the program headers (flash = LOAD file sizes %d)"
          % sum(loads))
    stripped = os.path.join(WORK, "fixture_stripped")
    shutil.copy(base, stripped)
    subprocess.run(["strip", "--strip-all", stripped], check=True)
    d = memmap_json(stripped, "--by", "symbol")
    check(d and any("stripped" in n for n in d.get("notes", [])), "stripped: the report says symbols come from .dynsym")
    p = run([LT, "memmap", stripped, "--by", "cu"], 2)
    check("no DWARF debug info" in p.stderr, "stripped: --by cu says DWARF is missing (exit 2)")
    secs, total = size_a(stripped)
    d = memmap_json(stripped)
    check(d and d["meta"]["size_a_total"] == total, "stripped: Total still equals size -A")

    print("%d failure(s)" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
