#!/usr/bin/env python3
"""tests/tracer/memmap_arm.py - memmap and stack on a Cortex-M4 firmware ELF.

Builds the sample's portable core (samples/tvac: pid, interlock, control,
sensors, actuators, fault) with arm-none-eabi-gcc, with this folder's
start-up code, vector table, stub HAL and linker script (FLASH and RAM
regions, .data loaded in FLASH and run in RAM, .heap and .stack reserved).
Checks that flash and RAM equal what the linker itself reports with
-Wl,--print-memory-usage, that the section table equals
arm-none-eabi-size -A, that .data counts in both, that the reservations are
shown apart, that --diff of a build with one extra array shows exactly that
array, and that stack reads the ARM CFI and .su files.

Exit 77 (ctest: skipped) with the reason when the cross compiler is not
installed.

usage: memmap_arm.py LATCH_TRACE PROJECT_DIR WORK_DIR
"""
import json
import os
import re
import shutil
import subprocess
import sys

LT, PROJ, WORK = (os.path.abspath(a) for a in sys.argv[1:4])
FAILS = []
CORE = ["pid.c", "interlock.c", "control.c", "sensors.c", "actuators.c", "fault.c"]


def check(cond, what):
    print(("ok   " if cond else "FAIL ") + what)
    if not cond:
        FAILS.append(what)


def build(name, extra):
    arm = os.path.join(PROJ, "tests", "tracer", "arm")
    tvac = os.path.join(PROJ, "samples", "tvac")
    out = os.path.join(WORK, name)
    os.makedirs(out, exist_ok=True)
    elf = os.path.join(out, "fw.elf")
    cmd = ["arm-none-eabi-gcc", "-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16",
           "-O2", "-g", "-ffunction-sections", "-fdata-sections", "-fstack-usage",
           "-I" + tvac, "-I" + os.path.join(PROJ, "runtime", "include"),
           "--specs=nano.specs", "--specs=nosys.specs", "-T" + os.path.join(arm, "fw.ld"),
           "-Wl,--gc-sections", "-Wl,--print-memory-usage", "-Wl,-Map=" + os.path.join(out, "fw.map")]
    cmd += extra
    cmd += [os.path.join(arm, f) for f in ("startup.c", "hal_stub.c", "fw_main.c")]
    cmd += [os.path.join(tvac, f) for f in CORE] + ["-lm", "-o", elf]
    p = subprocess.run(cmd, capture_output=True, text=True, cwd=out)
    if p.returncode != 0:
        print("the sample's portable core does not build for Cortex-M4:\n" + p.stderr)
        sys.exit(1)
    usage = {}
    for m in re.finditer(r"^\s*(\w+):\s+(\d+)\s+B\s+(\d+)\s+(B|KB|MB)", p.stdout, re.M):
        usage[m.group(1)] = int(m.group(2))
    return elf, os.path.join(out, "fw.map"), usage


def memmap(*args, expect=0):
    p = subprocess.run([LT, "memmap", "--format", "json"] + list(args), capture_output=True, text=True)
    if p.returncode != expect:
        print("FAIL exit %d: %s\n%s" % (p.returncode, " ".join(args), p.stderr))
        FAILS.append("exit status")
        return None
    return json.loads(p.stdout)


def main():
    if shutil.which("arm-none-eabi-gcc") is None:
        print("SKIP: arm-none-eabi-gcc is not installed (Debian: apt-get install gcc-arm-none-eabi "
              "libnewlib-arm-none-eabi); the Cortex-M firmware cannot be built")
        return 77
    os.makedirs(WORK, exist_ok=True)
    elf, mapf, ld = build("base", [])
    check(set(ld) == {"FLASH", "RAM"}, "the linker reports FLASH and RAM: %s" % ld)
    d = memmap(elf, "--map", mapf)
    if d is None:
        return 1
    regions = {r["name"]: r for r in d["tables"]["regions"]}
    check(regions["FLASH"]["used"] == ld["FLASH"], "FLASH used %d equals ld --print-memory-usage %d"
          % (regions["FLASH"]["used"], ld["FLASH"]))
    check(regions["RAM"]["used"] == ld["RAM"], "RAM used %d equals ld --print-memory-usage %d"
          % (regions["RAM"]["used"], ld["RAM"]))
    check(d["meta"]["flash"] == ld["FLASH"] and d["meta"]["ram"] == ld["RAM"],
          "flash %d and RAM %d totals (no regions needed) equal the linker's"
          % (d["meta"]["flash"], d["meta"]["ram"]))
    check(regions["FLASH"]["length"] == 512 * 1024 and regions["RAM"]["free"] == 128 * 1024 - ld["RAM"],
          "region lengths from the map file and headroom")
    d2 = memmap(elf, "--regions", "FLASH=0x08000000:512K,RAM=0x20000000:128K")
    check(d2 and d2["tables"]["regions"] == d["tables"]["regions"], "--regions gives the same as --map")

    # Region errors: exit 2 for regions that cannot be right, FAIL (exit 1)
    # for a region the image overflows or bytes outside every region.
    def run(*args):
        return subprocess.run([LT, "memmap", elf] + list(args), capture_output=True, text=True)
    p = run("--regions", "FLASH=0x08000000:512K,flash=0x0:1K")
    check(p.returncode == 2 and "memory region 'flash' is given twice" in p.stderr, "duplicate region: exit 2")
    p = run("--regions", "FLASH=0x08000000:512K,RAM=0x20000000:128K,BOOT=0x08001000:4K")
    check(p.returncode == 2 and "memory regions 'FLASH'" in p.stderr and "overlap" in p.stderr,
          "overlapping regions: exit 2: %s" % p.stderr.strip())
    p = run("--regions", "FLASH=0x08000000:1K,RAM=0x20000000:128K")
    check(p.returncode == 1 and "error: region 'FLASH' overflowed: " in p.stdout and "used of 1024 (" in p.stdout,
          "a region the image overflows is exit 1 with an error: %s" % p.stdout[-300:])
    p = run("--regions", "FLASH=0x08000000:512K")
    check(p.returncode == 1 and "allocated bytes lie outside every region" in p.stdout,
          "bytes outside every region are exit 1 with an error")
    bud = os.path.join(WORK, "flash_budget.yaml")
    with open(bud, "w") as f:
        f.write("budgets:\n  memory:\n    FLASH: 512K\n")
    p = run("--regions", "FLASH=0x09000000:512K,RAM=0x20000000:128K", "--budgets", bud)
    check(p.returncode == 2 and "holds no section" in p.stdout,
          "a budget on a region that holds nothing is an error (exit 2), not a pass: %s" % p.stdout[-300:])
    hostmap = os.path.join(WORK, "host.map")
    hostc = os.path.join(WORK, "host.c")
    with open(hostc, "w") as f:
        f.write("int main(void) { return 0; }\n")
    subprocess.run(["gcc", hostc, "-o", os.path.join(WORK, "host"), "-Wl,-Map=" + hostmap], check=True)
    p = subprocess.run([LT, "memmap", os.path.join(WORK, "host"), "--map", hostmap], capture_output=True, text=True)
    check(p.returncode == 2 and "declares no memory regions" in p.stderr,
          "--map of a link without MEMORY{} invents no region (exit 2): %s" % p.stderr.strip())

    p = subprocess.run(["arm-none-eabi-size", "-A", elf], capture_output=True, text=True)
    secs = [(f[0], int(f[1])) for f in (l.split() for l in p.stdout.splitlines()[2:]) if len(f) == 3]
    total = [int(l.split()[1]) for l in p.stdout.splitlines() if l.startswith("Total")][0]
    check([(r["name"], r["size"]) for r in d["tables"]["sections"]] == secs and d["meta"]["size_a_total"] == total,
          "sections and Total equal arm-none-eabi-size -A (%d)" % total)
    sec = {r["name"]: r for r in d["tables"]["sections"]}
    check(sec[".data"]["class"] == "flash+ram" and sec[".data"]["lma"] != sec[".data"]["vma"] and
          0x08000000 <= sec[".data"]["lma"] < 0x08080000, ".data runs in RAM and loads from FLASH")
    check(sec[".heap"]["class"] == "ram (reserved)" and sec[".stack"]["class"] == "ram (reserved)" and
          sec[".bss"]["class"] == "ram", ".heap and .stack are reserved RAM, shown apart from .bss")
    check(d["meta"]["ram_reserved"] == sec[".heap"]["size"] + sec[".stack"]["size"] == 0x800 + 0x1000,
          "reserved RAM is the linker script's heap + stack (6 KiB)")

    cu = memmap(elf, "--by", "cu")
    rows = cu["tables"]["compile_units"] if cu else []
    check(sum(r["flash"] for r in rows) == ld["FLASH"] and sum(r["ram"] for r in rows) == ld["RAM"],
          "--by cu rows add up to the linker's FLASH and RAM")
    check(any(r["name"].endswith("samples/tvac/interlock.c") and r["flash"] > 0 for r in rows),
          "--by cu: the interlock's compile unit has flash")

    big, _, ld2 = build("extra", ["-DFW_EXTRA=1536"])
    d3 = memmap(big, "--diff", elf)
    if d3:
        syms = [(r["name"], r["status"], r["delta"]) for r in d3["tables"]["diff"] if r["kind"] == "symbol"]
        check(syms and syms[0] == ("fw_extra_log", "added", 1536), "--diff: fw_extra_log appears with 1536 bytes")
        check(d3["meta"]["ram_delta"] == ld2["RAM"] - ld["RAM"],
              "--diff: RAM change %d equals the linker's %d" % (d3["meta"]["ram_delta"], ld2["RAM"] - ld["RAM"]))

    # stack on the firmware: ARM CFI (.debug_frame) against GCC's .su.
    su = {}
    for f in os.listdir(os.path.join(WORK, "base")):
        if f.endswith(".su"):
            for line in open(os.path.join(WORK, "base", f)):
                loc, n, q = line.rstrip("\n").split("\t")
                if q == "static":
                    su[loc.rsplit(":", 1)[1]] = int(n)
    args = [LT, "stack", elf, "--format", "json"]
    for name in ("fw_main", "tvac_ctl_step", "tvac_pid_step"):
        if name in su:
            args += ["--root", name]
    p = subprocess.run(args, capture_output=True, text=True)
    if p.returncode == 0:
        fr = {r["function"]: r["frame"] for r in json.loads(p.stdout)["tables"]["functions"]}
        # The deepest paths now run into newlib (decoded from the machine
        # code), which has no .su: compare the functions that have one.
        check(fr and "tvac_pid_step" in fr and all(fr[k] == su[k] for k in fr if k in su),
              "ARM CFI frames equal the .su figures: %s" % fr)
    else:
        check(False, "stack on the firmware: %s" % p.stderr)
    p = subprocess.run([LT, "stack", elf, "--su", os.path.join(WORK, "base"), "--root", "fw_reset"],
                       capture_output=True, text=True)
    check(p.returncode == 0 and "fw_reset" in p.stdout, "stack reads the firmware's .su files")

    print("%d failure(s)" % len(FAILS))
    return 1 if FAILS else 0


if __name__ == "__main__":
    sys.exit(main())
