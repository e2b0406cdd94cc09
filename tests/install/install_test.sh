#!/usr/bin/env bash
# tests/install/install_test.sh MODE SRC BUILD WORK
# Uses latch the way docs/integrate.md says, with the examples extracted from
# that document (extract_examples.py), against the latch build in BUILD:
#   cmake   cmake --install into WORK/prefix; a separate project with
#           find_package(latch) + latch_rt_instrument (static and SHARED),
#           latch_check and latch_trace_budgets run by its own ctest;
#           the programs run with LATCH_TRACE set, installed, and started
#           from the install folder (rpath); traces read by the installed
#           latch-trace
#   make    the same install; pkg-config latch_rt + a plain Makefile
#   intree  add_subdirectory(latch) (fetch: FetchContent): latch's sources stay out of the
#           project's compile_commands.json, `cmake --install` writes only
#           the project's own program under its prefix
#   intree-tools  the same with LATCH_BUILD_TOOLS=ON: latch_check and
#           latch_trace_budgets from an in-tree latch
#   byhand  the by-hand compile lines (README, docs/integrate.md "By hand"),
#           run from a folder laid out like a built latch checkout
#   cortexm the same install; a firmware project with the installed
#           arm-none-eabi toolchain file and find_package(latchCortexM) links
#           latch::rt_cortexm into an instrumented Cortex-M4 ELF
#   deb     cpack -G DEB: file name, computed Depends, contents; installable
#           (apt-get --simulate), and the unpacked tools run
# Exit 0 pass, 1 a check failed, 77 a tool the mode needs is absent.
set -euo pipefail
mode=$1 src=$2 build=$3 work=$4
here=$(cd "$(dirname "$0")" && pwd)
rm -rf "$work"
mkdir -p "$work"
ex=$work/examples
python3 "$here/extract_examples.py" "$src/docs/integrate.md" "$ex" >/dev/null

fail() {
	echo "install_test($mode): FAIL: $*" >&2
	exit 1
}
need() {
	command -v "$1" >/dev/null || {
		echo "install_test($mode): $1 not found: skipped"
		exit 77
	}
}
run() { # prints the command, runs it quietly, shows its output when it fails
	local log=$work/step.log
	echo "+ $*"
	local rc=0
	"$@" >"$log" 2>&1 || rc=$?
	if [ $rc -ne 0 ]; then
		cat "$log" >&2
		fail "exit $rc from: $*"
	fi
}
# check_trace TRACE LATCH_TRACE_EXE: the example's loop calls over_pressure
# and scale 1000 times each, main once (main.c); the report must say so.
check_trace() {
	[ -s "$1" ] || fail "no trace written at $1"
	"$2" report "$1" --format json -o "$work/report.json" || fail "latch-trace report $1 exited $?"
	python3 - "$work/report.json" <<'PY' || fail "report of $1 does not show the program's calls"
import json, sys
fns = {f["function"]: f["calls"] for f in json.load(open(sys.argv[1]))["tables"]["functions"]}
want = {"main": 1, "over_pressure": 1000, "scale": 1000}
got = {k: fns.get(k) for k in want}
print("calls:", got)
sys.exit(0 if got == want else 1)
PY
}
install_latch() {
	prefix=$work/prefix
	run cmake --install "$build" --prefix "$prefix"
	for f in bin/latch-check bin/latch-trace lib/cmake/latch/latchConfig.cmake \
		lib/pkgconfig/latch_rt.pc include/latch/rt.h include/latch/annotate.h; do
		[ -e "$prefix/$f" ] || fail "$f not installed"
	done
	[ ! -e "$prefix/bin/tvac" ] || fail "the sample tvac is installed"
}
expect_trips() {
	grep -qx 'trips: 333' "$1" || fail "$2 printed $(cat "$1")"
}

case $mode in
cortexm)
	need arm-none-eabi-gcc
	install_latch
	[ -e "$prefix/lib/cmake/latchCortexM/latchCortexMConfig.cmake" ] || fail "latchCortexMConfig.cmake not installed"
	run cmake -S "$ex/cortexm" -B "$work/b" \
		-DCMAKE_TOOLCHAIN_FILE="$prefix/share/latch/runtime/cortexm/arm-none-eabi.cmake" \
		-DCMAKE_PREFIX_PATH="$prefix"
	run cmake --build "$work/b"
	arm-none-eabi-readelf -h "$work/b/fw.elf" | grep -q 'Machine:.*ARM' || fail "fw.elf is not an ARM ELF"
	syms=$(arm-none-eabi-nm "$work/b/fw.elf")
	for s in __cyg_profile_func_enter __cyg_profile_func_exit latch_rt_flush main; do
		grep -q " T $s\$" <<<"$syms" || fail "fw.elf does not define $s"
	done
	# the firmware's own code is instrumented: step calls the enter hook
	arm-none-eabi-objdump -d "$work/b/fw.elf" | awk '/<step>:/,/^$/' | grep -q 'bl.*<__cyg_profile_func_enter>' ||
		fail "step() is not instrumented"
	# the installed sources build the runtime for another CPU (Cortex-M3, soft float)
	run cmake -S "$prefix/share/latch/runtime/cortexm" -B "$work/m3" \
		-DCMAKE_TOOLCHAIN_FILE="$prefix/share/latch/runtime/cortexm/arm-none-eabi.cmake" \
		"-DLATCH_CM_CPU_FLAGS=-mcpu=cortex-m3;-mthumb;-mfloat-abi=soft"
	run cmake --build "$work/m3"
	arm-none-eabi-nm "$work/m3/liblatch_rt_cm.a" | grep -q ' T __cyg_profile_func_enter$' ||
		fail "the installed sources did not build the runtime"
	;;
cmake)
	install_latch
	run cmake -S "$ex/cmake" -B "$work/b" -DCMAKE_PREFIX_PATH="$prefix" \
		-DCMAKE_INSTALL_PREFIX="$work/user" -DCMAKE_BUILD_TYPE=RelWithDebInfo
	run cmake --build "$work/b"
	# the consumer's own ctest: latch_check_pressure and pressure_budgets
	(cd "$work/b" && ctest -V) >"$work/ctest.log" 2>&1 ||
		{ cat "$work/ctest.log"; fail "the consumer's ctest failed"; }
	grep -q 'latch_check_pressure .*Passed' "$work/ctest.log" || fail "latch_check test did not run"
	grep -q 'pressure_budgets .*Passed' "$work/ctest.log" || fail "latch_trace_budgets test did not run"
	grep -q '0 errors, 0 warnings, 0 suppressed; 2 functions reachable from 1 root' "$work/ctest.log" ||
		fail "latch-check did not see over_pressure > scale"
	[ -s "$work/b/pressure_budgets.junit.xml" ] || fail "no JUnit beside the budgets test"
	if command -v xmllint >/dev/null; then
		xmllint --noout "$work/b/pressure_budgets.junit.xml" || fail "the JUnit file is not XML"
	fi
	grep -q '<testcase' "$work/b/pressure_budgets.junit.xml" || fail "the JUnit file has no testcase"
	run cmake --install "$work/b"
	# installed programs start from their install folder, no LD_LIBRARY_PATH
	for p in pressure pressure_so; do
		(cd "$work" && env -u LD_LIBRARY_PATH LATCH_TRACE="$work/$p.latch" "$work/user/bin/$p") \
			>"$work/$p.out" || fail "installed $p exited $?"
		expect_trips "$work/$p.out" "$p"
		check_trace "$work/$p.latch" "$prefix/bin/latch-trace"
	done
	readelf -d "$work/user/bin/pressure_so" | grep -q 'NEEDED.*liblatch_rt\.so\.0\.' ||
		fail "pressure_so does not need the versioned liblatch_rt.so"
	# The two ctest entries fail when they should: a budget of 1 ns (every
	# call takes longer), and a heap allocation on the interlock path.
	cp "$ex/.latch.yaml" "$work/latch.yaml.orig"
	sed -i 's/max_us: 1000/max_us: 0.001/' "$ex/.latch.yaml"
	if (cd "$work/b" && ctest -V -R pressure_budgets) >"$work/neg1.log" 2>&1; then
		cat "$work/neg1.log"
		fail "latch_trace_budgets passed a broken budget"
	fi
	grep -q 'FAIL .*over_pressure .*max_us' "$work/neg1.log" || { cat "$work/neg1.log"; fail "no FAIL line for the broken budget"; }
	grep -q '<failure' "$work/b/pressure_budgets.junit.xml" || fail "the JUnit file does not show the broken budget"
	cp "$work/latch.yaml.orig" "$ex/.latch.yaml"
	cp "$ex/main.c" "$work/main.c.orig"
	sed -i 's/^static int scale(int raw) { return 3 \* raw + 1; }$/#include <stdlib.h>\nstatic int scale(int raw) { free(malloc(1)); return 3 * raw + 1; }/' "$ex/main.c"
	grep -q 'malloc' "$ex/main.c" || fail "could not plant the allocation"
	if (cd "$work/b" && ctest -V -R latch_check_pressure) >"$work/neg2.log" 2>&1; then
		cat "$work/neg2.log"
		fail "latch_check passed an allocation on the interlock path"
	fi
	grep -q 'main.c:[0-9]*:[0-9]*: error: .*\[heap-alloc\]' "$work/neg2.log" || { cat "$work/neg2.log"; fail "no heap-alloc finding"; }
	cp "$work/main.c.orig" "$ex/main.c"
	;;
make)
	need pkg-config
	install_latch
	run env PKG_CONFIG_PATH="$prefix/lib/pkgconfig" make -C "$ex/make"
	env -u LD_LIBRARY_PATH LATCH_TRACE="$work/make.latch" "$ex/make/pressure" >"$work/make.out" ||
		fail "make-built pressure exited $?"
	expect_trips "$work/make.out" "make-built pressure"
	check_trace "$work/make.latch" "$prefix/bin/latch-trace"
	;;
intree | fetch)
	run cmake -S "$ex/$mode" -B "$work/b" -DLATCH_DIR="$src" -DFETCHCONTENT_SOURCE_DIR_LATCH="$src" \
		-DCMAKE_INSTALL_PREFIX=/opt/pressure
	run cmake --build "$work/b"
	python3 - "$work/b/compile_commands.json" "$src" "$work" <<'PY' || fail "latch's sources are in the user's compile database"
import json, os, sys
db = json.load(open(sys.argv[1]))
src = os.path.realpath(sys.argv[2])
files = [os.path.realpath(os.path.join(e["directory"], e["file"])) for e in db]
user = os.path.realpath(sys.argv[3]) + os.sep  # may lie inside latch's tree
latch = [f for f in files if f.startswith(src + os.sep) and not f.startswith(user)]
print("compile database:", files)
sys.exit(1 if latch or not any(f.endswith("/main.c") for f in files) else 0)
PY
	run env DESTDIR="$work/stage" cmake --install "$work/b"
	(cd "$work/stage" && find . -type f -o -type l | sort) >"$work/installed.txt"
	[ "$(cat "$work/installed.txt")" = "./opt/pressure/bin/pressure" ] ||
		fail "the install wrote more than the user's program: $(tr '\n' ' ' <"$work/installed.txt")"
	# asked to (LATCH_INSTALL=ON), latch installs its package under the
	# project's prefix and nowhere else
	run cmake -S "$ex/$mode" -B "$work/b" -DLATCH_INSTALL=ON
	run cmake --build "$work/b"
	run env DESTDIR="$work/stage2" cmake --install "$work/b"
	(cd "$work/stage2" && find . -type f -o -type l | sort) >"$work/installed2.txt"
	grep -v '^\./opt/pressure/' "$work/installed2.txt" && fail "LATCH_INSTALL=ON wrote outside the prefix"
	for f in bin/pressure include/latch/rt.h lib/cmake/latch/latchConfig.cmake lib/pkgconfig/latch_rt.pc; do
		grep -qx "./opt/pressure/$f" "$work/installed2.txt" || fail "LATCH_INSTALL=ON did not install $f"
	done
	env LATCH_TRACE="$work/intree.latch" "$work/b/pressure" >"$work/intree.out" || fail "pressure exited $?"
	expect_trips "$work/intree.out" "in-tree pressure"
	check_trace "$work/intree.latch" "$build/tracer/latch-trace"
	;;
intree-tools)
	run cmake -S "$ex/intree-tools" -B "$work/b" -DLATCH_DIR="$src"
	run cmake --build "$work/b" -j2
	(cd "$work/b" && ctest -V) >"$work/ctest.log" 2>&1 || { cat "$work/ctest.log"; fail "the project's ctest failed"; }
	grep -q 'latch_check_pressure .*Passed' "$work/ctest.log" || fail "latch_check test did not run"
	grep -q 'pressure_budgets .*Passed' "$work/ctest.log" || fail "latch_trace_budgets test did not run"
	grep -q 'PASS .*over_pressure .*max_us' "$work/ctest.log" || fail "no budget line in the test's output"
	# latch's own sources (tools included) stay out of the compile database
	python3 - "$work/b/compile_commands.json" <<'PY' || fail "the compile database holds more than main.c"
import json, sys
files = [e["file"] for e in json.load(open(sys.argv[1]))]
print("compile database:", files)
sys.exit(0 if len(files) == 1 and files[0].endswith("/main.c") else 1)
PY
	;;
byhand)
	mkdir -p "$work/top"
	ln -s "$src/runtime" "$work/top/runtime"
	ln -s "$build" "$work/top/build"
	cp "$ex/main.c" "$work/top/main.c"
	(cd "$work/top" && run sh "$ex/byhand/build.sh")
	for p in pressure pressure_static; do
		(cd "$work" && env -u LD_LIBRARY_PATH LATCH_TRACE="$work/$p.latch" "$work/top/$p") >"$work/$p.out" ||
			fail "by-hand $p exited $?"
		expect_trips "$work/$p.out" "by-hand $p"
		check_trace "$work/$p.latch" "$build/tracer/latch-trace"
	done
	;;
deb)
	need cpack
	need dpkg-deb
	need dpkg-shlibdeps
	(cd "$work" && cpack -G DEB --config "$build/CPackConfig.cmake" -B "$work/pkg") >"$work/cpack.log" 2>&1 ||
		{ cat "$work/cpack.log"; fail "cpack -G DEB failed"; }
	version=$(sed -n 's/^set(CPACK_PACKAGE_VERSION "\(.*\)")$/\1/p' "$build/CPackConfig.cmake")
	arch=$(dpkg --print-architecture)
	deb=$work/pkg/latch_${version}_${arch}.deb
	[ -f "$deb" ] || fail "no $deb ($(ls "$work/pkg"))"
	dpkg-deb --info "$deb" >"$work/info.txt"
	dpkg-deb --contents "$deb" >"$work/contents.txt"
	cat "$work/info.txt"
	depends=$(sed -n 's/^ Depends: //p' "$work/info.txt")
	[ -n "$depends" ] || fail "no Depends:"
	# computed, not hand-listed: each library the tools load is named by the
	# package dpkg -S says holds it on this machine
	for lib in libclang libdw libelf libjansson libyaml libxml2 libunwind; do
		so=$( (ldd "$build/analyzer/latch-check"; ldd "$build/tracer/latch-trace"; ldd "$build/runtime/liblatch_rt_heapguard.so" 2>/dev/null) |
			awk -v l="$lib" '$1 ~ "^"l {print $3; exit}')
		[ -n "$so" ] || continue
		owner=$(dpkg -S "$(readlink -f "$so")" 2>/dev/null | head -1 | cut -d: -f1)
		[ -n "$owner" ] || owner=$(dpkg -S "$so" | head -1 | cut -d: -f1)
		echo "$lib: $so from $owner"
		grep -Eq "(^|, )$owner( |,|$)" <<<"$depends" || fail "Depends lacks $owner (for $so): $depends"
	done
	grep -q "libclang-common-" <<<"$depends" || fail "Depends lacks the clang resource headers' package"
	for f in ./usr/bin/latch-check ./usr/bin/latch-trace ./usr/lib/liblatch_rt.a \
		"./usr/lib/liblatch_rt.so.$version" ./usr/lib/liblatch_rt_heapguard.a \
		./usr/include/latch/rt.h ./usr/include/latch/annotate.h \
		./usr/lib/cmake/latch/latchConfig.cmake ./usr/lib/cmake/latch/latchConfigVersion.cmake \
		./usr/lib/cmake/latch/LatchRt.cmake ./usr/lib/cmake/latch/latchTargets.cmake \
		./usr/lib/pkgconfig/latch_rt.pc ./usr/share/latch/rules/interlock.yaml \
		./usr/share/man/man1/latch-check.1.gz ./usr/share/man/man1/latch-trace.1.gz \
		./usr/share/man/man7/liblatch_rt.7.gz \
		./usr/share/bash-completion/completions/latch-check \
		./usr/share/bash-completion/completions/latch-trace; do
		grep -q " $f\( \|$\)" "$work/contents.txt" || fail "$f not in the package"
	done
	grep -q 'bin/tvac' "$work/contents.txt" && fail "the sample is in the package"
	grep -q 'liblatch_rt.so -> liblatch_rt.so.0' "$work/contents.txt" || fail "no liblatch_rt.so link"
	# SONAME and shlibs as the package declares them
	dpkg-deb -x "$deb" "$work/root"
	soname=$(readelf -d "$work/root/usr/lib/liblatch_rt.so.$version" | sed -n 's/.*SONAME.*\[\(.*\)\]/\1/p')
	[[ $soname == liblatch_rt.so.0.* ]] || fail "SONAME is '$soname'"
	dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./shlibs 2>/dev/null | grep -q "^liblatch_rt 0" ||
		fail "no shlibs entry for liblatch_rt"
	"$work/root/usr/bin/latch-check" --version | grep -q "latch-check $version" || fail "unpacked latch-check does not run"
	"$work/root/usr/bin/latch-trace" --version | grep -q "latch-trace $version" || fail "unpacked latch-trace does not run"
	pc=$work/root/usr/lib/pkgconfig/latch_rt.pc
	grep -qx 'prefix=/usr' "$pc" || fail "latch_rt.pc in the package is not for /usr"
	! grep -q rpath "$pc" || fail "latch_rt.pc in the package adds an rpath to a system folder"
	zcat "$work/root/usr/share/man/man1/latch-trace.1.gz" | grep -q '^\.SS stack' || fail "latch-trace(1) lacks the stack command"
	if command -v apt-get >/dev/null; then
		# resolves Depends against the machine's archive without installing
		apt-get install --simulate --no-install-recommends "$deb" >"$work/apt.log" 2>&1 ||
			{ cat "$work/apt.log"; fail "apt-get cannot install $deb"; }
		grep -q '^Inst latch ' "$work/apt.log" || { cat "$work/apt.log"; fail "apt-get would not install latch"; }
	fi
	;;
*)
	echo "usage: install_test.sh cmake|make|intree|fetch|intree-tools|byhand|deb SRC BUILD WORK" >&2
	exit 2
	;;
esac
echo "install_test($mode): PASS"
