#!/bin/sh
# bench/memmap/run.sh - time and peak memory of `latch-trace memmap` against
# size -A, nm -S, readelf -S and (when installed) bloaty, on large binaries
# with full debug info, in the same run. Not a test: run it by hand.
#
#   bench/memmap/run.sh [BUILD_DIR] [WORK_DIR]
#
# Binaries (built once into WORK_DIR, reused after):
#  - sqlite3: the shell of Debian's sqlite3 source package (apt-get source;
#    needs a deb-src line, and tclsh to make the amalgamation), -g -O2;
#  - sqlite3x16: the same shell linked with 16 copies of the library (about
#    70 MB, code-heavy DWARF);
#  - big: a generated C program (gen_big.py, 600 units) of about 50 MB with
#    -g, for the "under 2 seconds for a 50 MB debug binary" target.
# Each command: mean wall time of 10 runs (hyperfine -N) and peak RSS (GNU
# time's %M). Paths must not contain spaces (hyperfine gets one string).
set -eu

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
BUILD=${1:-$ROOT/build}
WORK=${2:-/tmp/latch-bench-memmap}
LT=$BUILD/tracer/latch-trace
JOBS=${JOBS:-2}

[ -x "$LT" ] || { echo "no $LT: build latch first (cmake --build $BUILD)" >&2; exit 2; }
mkdir -p "$WORK"

# ------------------------------------------------------------ the binaries
build_sqlite() {
	[ -x "$WORK/sqlite3" ] && return 0
	mkdir -p "$WORK/src"
	if ! ls "$WORK"/src/sqlite3_*.orig.tar.xz >/dev/null 2>&1; then
		(cd "$WORK/src" && apt-get source --download-only sqlite3) >/dev/null 2>&1 || {
			echo "sqlite3: apt-get source failed (add a deb-src line for the Debian mirror" \
			     "and run apt-get update); skipped"
			return 1
		}
	fi
	(cd "$WORK/src" && rm -rf sqlite3-*/ && tar xf sqlite3_*.orig.tar.xz)
	dir=$(ls -d "$WORK"/src/sqlite3-*/ | head -1)
	(cd "$dir" && ./configure >/dev/null 2>&1 && make sqlite3.c shell.c >/dev/null 2>&1) || {
		echo "sqlite3: generating the amalgamation failed (needs tclsh); skipped"
		return 1
	}
	gcc -g -O2 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -c "$dir/sqlite3.c" -o "$WORK/sq.o"
	gcc -g -O2 -DSQLITE_THREADSAFE=0 -DSQLITE_OMIT_LOAD_EXTENSION -c "$dir/shell.c" -I"$dir" -o "$WORK/sh.o"
	gcc "$WORK/sh.o" "$WORK/sq.o" -o "$WORK/sqlite3" -lm
}

# sqlite3x16: the shell linked with 16 copies of the library, 15 of them with
# every symbol made local (objcopy -L '*'), so nothing clashes: a real,
# code-heavy binary of about 70 MB with full debug info (17 compile units).
build_sqlite16() {
	[ -x "$WORK/sqlite3x16" ] && return 0
	[ -f "$WORK/sq.o" ] || return 1
	for i in $(seq 1 15); do
		objcopy -w -L '*' "$WORK/sq.o" "$WORK/sq$i.o"
	done
	gcc "$WORK/sh.o" "$WORK/sq.o" $(for i in $(seq 1 15); do echo "$WORK/sq$i.o"; done) \
		-o "$WORK/sqlite3x16" -lm
}

build_big() {
	[ -x "$WORK/big/big" ] && return 0
	python3 "$HERE/gen_big.py" "$WORK/big" 600
	make -C "$WORK/big" -j"$JOBS" -s big
}

# ----------------------------------------------------------- measurement
# measure LABEL CMD...: mean wall time over 10 runs (hyperfine when present,
# else the best of 3 with GNU time) and the peak RSS (GNU time's %M).
measure() {
	label=$1
	shift
	/usr/bin/time -f "%e %M" -o "$WORK/time.out" "$@" >/dev/null 2>"$WORK/err.out" || {
		echo "  $label: failed: $(head -c 300 "$WORK/err.out")"
		return 0
	}
	read -r best peak <"$WORK/time.out"
	if command -v hyperfine >/dev/null 2>&1; then
		hyperfine -N --warmup 1 --runs 10 --export-json "$WORK/hf.json" -- "$*" >/dev/null 2>&1 &&
			best=$(python3 -c "import json;print('%.4f'%json.load(open('$WORK/hf.json'))['results'][0]['mean'])")
	else
		for i in 2 3; do
			/usr/bin/time -f "%e %M" -o "$WORK/time.out" "$@" >/dev/null 2>&1
			read -r t m <"$WORK/time.out"
			if awk "BEGIN{exit !($t < $best)}"; then best=$t; fi
			[ "$m" -gt "$peak" ] && peak=$m
		done
	fi
	printf '  %-38s %9.4f s %10d KiB\n' "$label" "$best" "$peak"
	echo "$label $best $peak" >>"$WORK/results.txt"
}

bench() {
	bin=$1
	echo
	echo "== $bin ($(du -k "$bin" | cut -f1) KiB, $(readelf -wi "$bin" 2>/dev/null | grep -c 'Compilation Unit @') compile units)"
	printf '  %-38s %11s %14s\n' "command" "mean time" "peak RSS"
	: >"$WORK/results.txt"
	measure "size -A" size -A "$bin"
	measure "nm -S" nm -S "$bin"
	measure "readelf -S" readelf -SW "$bin"
	measure "latch-trace memmap (sections)" "$LT" memmap "$bin"
	measure "latch-trace memmap --by symbol" "$LT" memmap "$bin" --by symbol
	measure "latch-trace memmap --by cu" "$LT" memmap "$bin" --by cu
	measure "latch-trace memmap --by file" "$LT" memmap "$bin" --by file
	if command -v bloaty >/dev/null 2>&1; then
		measure "bloaty -d compileunits" bloaty -d compileunits "$bin"
		measure "bloaty -d symbols" bloaty -d symbols "$bin"
		lt=$(awk '/--by cu/{print $(NF-1)}' "$WORK/results.txt")
		bl=$(awk '/compileunits/{print $(NF-1)}' "$WORK/results.txt")
		awk "BEGIN{r=$bl/$lt; printf \"  per-CU speed-up over bloaty: %.1fx (target: at least 2x) %s\n\", r, (r>=2?\"MET\":\"NOT MET\")}"
	fi
	sz=$(du -m "$bin" | cut -f1)
	cu=$(awk '/--by cu/{print $(NF-1)}' "$WORK/results.txt")
	if [ "$sz" -ge 45 ] && [ "$sz" -le 80 ]; then
		awk "BEGIN{printf \"  --by cu on this %d MB binary: %.2f s (target: under 2 s) %s\n\", $sz, $cu, ($cu<2?\"MET\":\"NOT MET\")}"
	fi
}

echo "latch-trace memmap benchmark ($(date -u +%Y-%m-%dT%H:%MZ), $(nproc) CPUs, $(uname -m))"
if command -v bloaty >/dev/null 2>&1; then
	echo "bloaty: $(command -v bloaty)"
else
	echo "bloaty: not available. It is not packaged in Debian 12, and building it from source needs"
	echo "        its sources and vendored dependencies (abseil, protobuf, re2, capstone) from GitHub,"
	echo "        which this project does not download; compared with size, nm and readelf only."
fi
if build_sqlite; then
	bench "$WORK/sqlite3"
	build_sqlite16 && bench "$WORK/sqlite3x16"
fi
build_big
bench "$WORK/big/big"
