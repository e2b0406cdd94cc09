#!/usr/bin/env python3
"""samples/tvac/fw/wcet_cycles.py REPORT.json [--top N]

Prints the WCET table of a target run (latch-trace report --format json of a
QEMU trace) in core cycles and in microseconds at the board's clock. The
clock rate comes from the report ("board-timer, 25.000 MHz"); times in the
report are exact multiples of the tick, so cycles = ns * MHz / 1000.
"""
import json
import re
import sys


def main():
    args = sys.argv[1:]
    top = 12
    if "--top" in args:
        i = args.index("--top")
        top = int(args[i + 1])
        del args[i:i + 2]
    if len(args) != 1:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    with open(args[0]) as f:
        rep = json.load(f)
    m = re.search(r"([0-9.]+) MHz", rep["meta"]["clock"])
    if m is None:
        print(f"wcet_cycles: error: no clock rate in '{rep['meta']['clock']}'", file=sys.stderr)
        return 2
    mhz = float(m.group(1))
    cyc = lambda ns: round(ns * mhz / 1000.0)
    rows = sorted(rep["tables"]["functions"], key=lambda r: -r["max_ns"])[:top]
    w = max([len(r["function"]) for r in rows] + [8])
    print(f"WCET at {mhz:g} MHz (cycles = ticks of the board clock; hook cost subtracted)")
    print(f"  {'function':<{w}}  {'calls':>7}  {'p99 cyc':>8}  {'max cyc':>8}  {'max µs':>9}  {'stack':>6}")
    for r in rows:
        print(f"  {r['function']:<{w}}  {r['calls']:>7}  {cyc(r['p99_ns']):>8}  {cyc(r['max_ns']):>8}"
              f"  {r['max_ns'] / 1000.0:>9.2f}  {r['stack_bytes']:>5}B")
    return 0


if __name__ == "__main__":
    sys.exit(main())
