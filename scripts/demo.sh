#!/usr/bin/env bash
# scripts/demo.sh - the main job, on the sample controller (samples/tvac):
#   install what is missing, build, check the interlock path statically,
#   run the controller traced with faults injected, and print the WCET
#   table, the interlock's latency histogram, the firmware's memory map and
#   its worst-case stack. Machine-readable reports and one self-contained
#   HTML page of all of it (build/reports/latch.html) go to build/reports/.
# Exit status: 0 when every check and budget passed, 1 when one failed,
# 2 when a step could not be done.
set -uo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh demo || exit 2

build=build
out=$build/reports
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null || exit 2
cmake --build "$build" -j "$(nproc)" >/dev/null || exit 2
mkdir -p "$out"

check=$build/analyzer/latch-check
trace=$build/tracer/latch-trace
tvac=$build/samples/tvac
rules=samples/tvac/.latch.yaml
status=0
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
step() { printf '\n%s== %s%s\n' "$bold" "$*" "$plain"; }
worst() { [ "$1" -gt "$status" ] && status=$1; return 0; }

step "1. latch-check: can the interlock path allocate, block, recurse or loop forever?"
"$check" -p "$build" --config "$rules" --only-under samples/tvac; worst $?
"$check" -p "$build" --config "$rules" --only-under samples/tvac --format sarif -o "$out/latch-check.sarif" 2>/dev/null
"$check" -p "$build" --config "$rules" --only-under samples/tvac --callgraph json -o "$out/callgraph.json" 2>/dev/null

step "2. run the controller traced at 1 kHz for 8 s, with four faults injected"
faults=(--fault overpressure@1s --fault cooling-loss@3s --fault i2c-nack@5s --fault stuck-sensor@6.5s)
"$trace" record -o "$out/tvac.latch" -- "$tvac/tvac-traced" --realtime --sim-seconds 8 "${faults[@]}"
worst $?

step "3. WCET per function, against the budgets in $rules"
"$trace" report "$out/tvac.latch" --budgets "$rules" --top 12; worst $?
# Every machine form from one read of the trace (each -o's format is its name's).
"$trace" report "$out/tvac.latch" --budgets "$rules" -o "$out/report.json" -o "$out/report.csv" \
	-o "$out/report.md" -o "$out/report.junit" >/dev/null 2>&1

step "4. latency histogram of the interlock, and the 1 kHz period of the control step"
"$trace" hist "$out/tvac.latch" -f interlock_tick; worst $?
# Not gated: on a Linux host without PREEMPT_RT, missed wake-ups belong to the
# host's scheduler, and the report shows them as such.
"$trace" hist "$out/tvac.latch" -f tvac_ctl_step --period tvac_ctl_step --expect 1ms || true

if [ -f "$tvac/tvac-fw.elf" ]; then
	step "5. memory map of the Cortex-M4 firmware image"
	"$trace" memmap "$tvac/tvac-fw.elf" --regions FLASH=0x08000000:512K,RAM=0x20000000:128K \
		--budgets "$rules"; worst $?
	"$trace" memmap "$tvac/tvac-fw.elf" --by cu --top 10; worst $?
	step "6. worst-case stack from the interlock root (firmware, -fstack-usage)"
	"$trace" stack "$tvac/tvac-fw.elf" --ci "$tvac" --root interlock_tick --budgets "$rules"; worst $?
fi

step "7. one HTML page of all of it (the trace read once): open it in a browser"
fw=()
if [ -f "$tvac/tvac-fw.elf" ]; then
	fw=(--elf "$tvac/tvac-fw.elf" --regions FLASH=0x08000000:512K,RAM=0x20000000:128K
		--ci "$tvac" --root interlock_tick)
fi
# Its deadline verdicts are not gated (see step 4); a page that cannot be made is.
"$trace" html -o "$out/latch.html" --trace "$out/tvac.latch" --budgets "$rules" \
	--period tvac_ctl_step --expect 1ms --trip il_latch --callgraph "$out/callgraph.json" \
	"${fw[@]}"
[ $? -eq 2 ] && worst 2

step "reports written to $out/"
ls "$out"
exit $status
