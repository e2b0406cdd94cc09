#!/usr/bin/env bash
# scripts/test.sh - install what is missing, build, and run every test.
#
# Three builds, each tested with ctest:
#   build/       gcc, warnings are errors: every unit and integration test
#   build-asan/  gcc with AddressSanitizer + UndefinedBehaviorSanitizer
#   build-fuzz/  clang-19, warnings are errors, libFuzzer targets: each runs
#                its seeds, then LATCH_FUZZ_SECONDS (default 20) of fuzzing
# Before them scripts/npm-tools.sh installs speedscope into .cache/npm (tests
# open the chrome export with it; under CI=true a failed install fails).
# Set LATCH_NO_ASAN=1 or LATCH_NO_FUZZ=1 to skip one when iterating locally.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh test
status=0

echo "== format: .clang-format on the sources"
scripts/format.sh --check || status=1

echo "== npm: the viewers the tests open exports with (scripts/npm-tools.sh)"
if ! scripts/npm-tools.sh; then
	# without it export_speedscope skips; a CI run must not pass by skipping
	if [ "${CI:-}" = "true" ]; then status=1; fi
fi

echo "== build: plain, -Werror"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLATCH_WERROR=ON >/dev/null
cmake --build build -j "$(nproc)"
echo "== ctest: plain"
(cd build && ctest -j "$(nproc)" --output-on-failure --timeout 600) || status=1

if [ "${LATCH_NO_ASAN:-0}" != "1" ]; then
	echo "== build: ASan + UBSan"
	cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DLATCH_WERROR=ON \
		-DLATCH_ENABLE_ASAN=ON -DLATCH_ENABLE_UBSAN=ON >/dev/null
	cmake --build build-asan -j "$(nproc)"
	echo "== ctest: ASan + UBSan"
	(cd build-asan && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest -j "$(nproc)" --output-on-failure --timeout 900 -LE no-sanitize) || status=1
fi

if [ "${LATCH_NO_FUZZ:-0}" != "1" ]; then
	echo "== build: clang-19, libFuzzer targets"
	cmake -S . -B build-fuzz -DCMAKE_C_COMPILER=clang-19 -DCMAKE_BUILD_TYPE=Debug \
		-DLATCH_WERROR=ON -DLATCH_FUZZ=ON >/dev/null
	cmake --build build-fuzz -j "$(nproc)"
	echo "== ctest: fuzz seeds"
	(cd build-fuzz && ctest -j "$(nproc)" --output-on-failure -L fuzz) || status=1
	secs=${LATCH_FUZZ_SECONDS:-20}
	for f in build-fuzz/tests/fuzz/fuzz_*; do
		[ -x "$f" ] && [ -f "$f" ] || continue
		name=$(basename "$f")
		case $name in
		fuzz_report) seeds=tests/fuzz/corpus/trace ;;
		*) seeds=tests/fuzz/corpus/${name#fuzz_} ;;
		esac
		mkdir -p "build-fuzz/corpus-run/$name"
		echo "== fuzz: $name for ${secs}s (seeds: $seeds)"
		# new inputs go to the first folder, in the build tree; seeds stay as they are
		if ! "$f" -max_total_time="$secs" "build-fuzz/corpus-run/$name" "$seeds" \
			>"build-fuzz/$name.log" 2>&1; then
			tail -40 "build-fuzz/$name.log"
			status=1
		fi
	done
fi

# The README's first command, end to end on the build above. It gates on
# the QEMU run of the firmware, whose time is deterministic (docs/target.md),
# so it must exit 0 on a loaded machine as on a quiet one.
echo "== demo: scripts/demo.sh"
demo_rc=0
scripts/demo.sh >build/demo.log 2>&1 || demo_rc=$?
if [ $demo_rc -ne 0 ] || ! grep -q '^trip 4: ' build/demo.log ||
	! grep -q '^clock: board-timer at 25000000 Hz' build/demo.log ||
	! grep -q '^budgets: ' build/demo.log; then
	tail -40 build/demo.log
	echo "demo.sh exited $demo_rc or printed no trips/budgets" >&2
	status=1
else
	echo "demo.sh: exit $demo_rc, $(grep -c '^trip ' build/demo.log) trips, $(grep -c '^  PASS ' build/demo.log) budgets passed, $(grep -c '^  FAIL ' build/demo.log) failed"
fi

if [ $status -ne 0 ]; then
	echo "test.sh: FAILED" >&2
fi
exit $status
