#!/usr/bin/env python3
"""tests/tracer/memmap_golden.py - golden reports of memmap and stack.

data/golden/fw_min.elf is a small Cortex-M4 firmware (tests/tracer/arm's
start-up code and stub HAL plus data/golden/fw_min_main.c, built with
-fstack-usage -fcallgraph-info=su,da; the .su and .ci files sit next to
it). Each report below is compared byte for byte with its expected file in
data/golden/, so a change of any figure or of the layout shows in review.
Regenerate with --update after checking the new output by hand.

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


def main():
    fails = 0
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
