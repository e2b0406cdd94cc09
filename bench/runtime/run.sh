#!/bin/sh
# bench/runtime/run.sh - the runtime benchmark: per-call cost of liblatch_rt
# against no instrumentation, two bare rdtsc reads, empty hooks and
# `uftrace record`; the tail of a control step; callgrind instruction counts.
# Builds everything it needs itself (gcc, -O2) into $BENCH_OUT
# (default /tmp/latch-bench) and prints one table. Not run by ctest.
#   bench/runtime/run.sh [--quick]
exec python3 "$(dirname "$0")/bench.py" "$@"
