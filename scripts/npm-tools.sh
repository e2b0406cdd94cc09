#!/usr/bin/env bash
# scripts/npm-tools.sh - the npm packages the tests open exports with, into
# .cache/npm/ of the checkout (ignored by git; nothing of it is built or
# shipped). Today: speedscope, the flame-graph viewer, whose own importer
# reads `latch-trace export --format chrome` in tests/tracer/export_speedscope.py.
# Needs Debian's nodejs (npm) and the npm registry; exits 1 if either fails.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
want=1.25.0
dir=$root/.cache/npm
have=$(node -p "require('$dir/node_modules/speedscope/package.json').version" 2>/dev/null || true)
if [ "$have" = "$want" ]; then
	echo "npm-tools: speedscope $want is in $dir"
	exit 0
fi
command -v npm >/dev/null || { echo "npm-tools: npm not found (Debian package nodejs)" >&2; exit 1; }
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "speedscope@$want"
echo "npm-tools: installed speedscope $want in $dir"
