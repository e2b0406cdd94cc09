#!/usr/bin/env bash
# scripts/deps.sh - make sure the Debian packages latch needs are installed.
#
# As root it installs what is missing with apt-get; otherwise it prints the
# exact command to run and exits 1. Usage: scripts/deps.sh [build|test|bench]
#   build  what the tools and the sample need to compile (default)
#   test   build + what the test suite uses (parsers, cross compiler, pre-commit)
#   bench  test + the peers the benchmarks compare against
set -euo pipefail

level=${1:-build}
build_pkgs=(cmake make gcc pkg-config clang-19 libclang-19-dev libclang-rt-19-dev
	libdw-dev libelf-dev libunwind-dev libcmocka-dev libyaml-dev libjansson-dev libcapstone-dev
	binutils python3)
arm_pkgs=(gcc-arm-none-eabi libnewlib-arm-none-eabi binutils-arm-none-eabi qemu-system-arm)
# cross compilers whose drivers latch-check's toolchain discovery is tested against
cross_pkgs=(gcc-riscv64-unknown-elf picolibc-riscv64-unknown-elf gcc-avr avr-libc)
test_pkgs=(python3-jsonschema libxml2-utils git pre-commit clang-format gdb-multiarch chromium cmark-gfm
  "${arm_pkgs[@]}" "${cross_pkgs[@]}")
bench_pkgs=(uftrace hyperfine valgrind time clang-tidy-19 tcl dpkg-dev)
# One logical group per line below, so that additions merge cleanly.
build_pkgs+=(help2man)    # packaging/: man pages generated from --help
test_pkgs+=(dpkg-dev)     # tests/install: cpack -G DEB runs dpkg-shlibdeps

case "$level" in
build) pkgs=("${build_pkgs[@]}") ;;
demo) pkgs=("${build_pkgs[@]}" "${arm_pkgs[@]}") ;;
test) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}") ;;
bench) pkgs=("${build_pkgs[@]}" "${test_pkgs[@]}" "${bench_pkgs[@]}") ;;
*) echo "usage: scripts/deps.sh [build|demo|test|bench]" >&2; exit 2 ;;
esac

missing=()
for p in "${pkgs[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "deps: all ${#pkgs[@]} packages for '$level' are installed"
	exit 0
fi
echo "deps: missing: ${missing[*]}"
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: run this as root, then try again:" >&2
	echo "  apt-get update && apt-get install -y --no-install-recommends ${missing[*]}" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
