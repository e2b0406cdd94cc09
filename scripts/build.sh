#!/usr/bin/env bash
# scripts/build.sh - configure and build latch into a build folder.
# Usage: scripts/build.sh [BUILD_DIR] [extra cmake options...]
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/build}
shift || true
werror=OFF
[ "${CI:-}" = "true" ] && werror=ON
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DLATCH_WERROR="$werror" "$@" >/dev/null
cmake --build "$dir" -j "$(nproc)"
