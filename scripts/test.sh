#!/usr/bin/env bash
# scripts/test.sh - install what is missing, build, and run every test.
#
# Two builds, each tested with ctest: the plain one (warnings are errors) and
# one with AddressSanitizer + UndefinedBehaviorSanitizer. Set LATCH_NO_ASAN=1
# to skip the second when iterating locally.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root"
scripts/deps.sh test
status=0

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

if [ $status -ne 0 ]; then
	echo "test.sh: FAILED" >&2
fi
exit $status
