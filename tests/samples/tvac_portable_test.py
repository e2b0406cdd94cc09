#!/usr/bin/env python3
"""The tvac portable core stays portable: its sources include only the
allowed C headers and each other, and each compiles for a Cortex-M4F with
arm-none-eabi-gcc, warnings as errors (skipped, exit 77, without it).

When the build linked the firmware image (samples/tvac/fw, FIRMWARE_ELF not
empty), it also checks that image with binutils: no allocator or stdio linked
in, the interlock present, and the reset vector pointing at Reset_Handler.

usage: tvac_portable_test.py SAMPLE_DIR RUNTIME_INCLUDE_DIR ARM_GCC FIRMWARE_ELF -- SOURCE...
"""
import os
import re
import shutil
import subprocess
import sys

SKIP = 77
ALLOWED_SYSTEM = {"stdint.h", "stdbool.h", "stddef.h", "math.h"}
INCLUDE_RE = re.compile(r'^\s*#\s*include\s*([<"])([^>"]+)[>"]', re.M)

sep = sys.argv.index("--")
sample_dir, runtime_inc = sys.argv[1], sys.argv[2]
arm_gcc = sys.argv[3] if sep > 3 else ""
firmware = sys.argv[4] if sep > 4 else ""
sources = sys.argv[sep + 1:]
failures = []
if len(sources) < 5:
    print(f"FAIL: expected the portable sources after '--', got {sources}")
    sys.exit(1)


def includes(path):
    with open(path) as f:
        return INCLUDE_RE.findall(f.read())


# Walk the quoted includes from the portable sources: every header reached
# must itself be portable, and no system header outside the allowed set.
seen, todo = set(), list(sources)
while todo:
    path = todo.pop()
    if path in seen:
        continue
    seen.add(path)
    for kind, name in includes(path):
        if kind == "<":
            if name not in ALLOWED_SYSTEM:
                failures.append(f"{os.path.relpath(path, sample_dir)}: includes <{name}>")
            continue
        for base in (sample_dir, runtime_inc):
            cand = os.path.join(base, name)
            if os.path.exists(cand):
                todo.append(cand)
                break
        else:
            failures.append(f"{path}: cannot find \"{name}\"")

headers = sorted(os.path.relpath(p, sample_dir) for p in seen if p.endswith(".h"))
print("portable headers reached: " + ", ".join(headers))
for host_only in ("hal_sim.h", "plant.h", "cli.h", "summary.h"):
    if host_only in headers:
        failures.append(f"portable core reaches host-only header {host_only}")

if not arm_gcc or not shutil.which(arm_gcc):
    for f in failures:
        print("FAIL: " + f)
    print("arm-none-eabi-gcc not found: cross-compile skipped")
    sys.exit(1 if failures else SKIP)

flags = ["-mcpu=cortex-m4", "-mthumb", "-mfloat-abi=hard", "-mfpu=fpv4-sp-d16", "-std=c11",
         "-O2", "-Wall", "-Wextra", "-Wshadow", "-Wstrict-prototypes", "-Wdouble-promotion",
         "-Werror", "-I", sample_dir, "-I", runtime_inc, "-c", "-o", os.devnull]
for src in sources:
    p = subprocess.run([arm_gcc, *flags, src], capture_output=True, text=True)
    if p.returncode != 0:
        failures.append(f"{os.path.basename(src)} does not cross-compile:\n{p.stderr}")
    else:
        print(f"ok: {os.path.basename(src)} compiles for cortex-m4")



def check_firmware(elf):
    tool = lambda name: arm_gcc[:-len("gcc")] + name
    nm = subprocess.run([tool("nm"), elf], capture_output=True, text=True, check=True).stdout
    syms = {}
    for line in nm.splitlines():
        parts = line.split()
        if len(parts) == 3:
            syms[parts[2]] = (int(parts[0], 16), parts[1])
    banned = {"malloc", "calloc", "realloc", "free", "_malloc_r", "_sbrk", "printf", "puts",
              "vsnprintf", "fwrite"}
    for name in sorted(banned & set(syms)):
        failures.append(f"firmware links {name}: the firmware has no heap and no stdio")
    for name in ("interlock_tick", "tvac_ctl_step", "Reset_Handler", "SysTick_Handler"):
        if name not in syms or syms[name][1] not in "tT":
            failures.append(f"firmware does not define {name}")
    # Vector table: word 0 the initial stack pointer (end of RAM), word 1 the
    # reset handler's address with the Thumb bit set.
    dump = subprocess.run([tool("objdump"), "-s", "-j", ".isr_vector", elf],
                          capture_output=True, text=True, check=True).stdout
    words = []
    for line in dump.splitlines():
        parts = line.split()
        if len(parts) > 1 and re.fullmatch(r"[0-9a-f]+", parts[0]):
            for w in parts[1:5]:
                if re.fullmatch(r"[0-9a-f]{8}", w):
                    words.append(int.from_bytes(bytes.fromhex(w), "little"))
    if len(words) < 16:
        failures.append(f"vector table has {len(words)} words, expected 16")
    elif "Reset_Handler" in syms:
        if words[1] != syms["Reset_Handler"][0] | 1:
            failures.append(f"reset vector {words[1]:#x} is not Reset_Handler|1")
        if words[0] != 0x20000000 + 128 * 1024:
            failures.append(f"initial SP {words[0]:#x} is not the end of RAM")
        if words[15] != syms["SysTick_Handler"][0] | 1:
            failures.append("SysTick vector does not point at SysTick_Handler")
    print(f"ok: firmware image {os.path.basename(elf)} checked ({len(syms)} symbols)")


if firmware and not os.path.exists(firmware):
    failures.append(f"firmware image {firmware} was not built (target tvac_fw)")
elif firmware:
    check_firmware(firmware)

for f in failures:
    print("FAIL: " + f)
sys.exit(1 if failures else 0)
