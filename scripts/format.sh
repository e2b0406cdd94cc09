#!/usr/bin/env bash
# scripts/format.sh - format latch's own C sources with the root .clang-format
# (Debian's clang-format, version 14 on Debian 12).
#   scripts/format.sh          rewrite the files in place
#   scripts/format.sh --check  list the files that differ and exit 1 (CI)
# Test fixtures and test programs are left alone: their line numbers are
# part of what the tests assert.
set -euo pipefail
cd "$(dirname "$0")/.."
mapfile -t files < <(git ls-files 'common/*.[ch]' 'analyzer/*.[ch]' 'tracer/*.[ch]' \
	'runtime/*.[ch]' 'samples/*.[ch]')
if [ "${1:-}" = "--check" ]; then
	bad=0
	for f in "${files[@]}"; do
		if ! clang-format --dry-run -Werror "$f" >/dev/null 2>&1; then
			echo "format: $f differs from .clang-format (run scripts/format.sh)"
			bad=1
		fi
	done
	[ $bad -eq 0 ] && echo "format: ${#files[@]} files match .clang-format"
	exit $bad
fi
clang-format -i "${files[@]}"
