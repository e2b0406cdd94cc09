#!/usr/bin/env python3
"""bench/target: the Cortex-M runtime's cost under QEMU mps2-an386.

Under -icount shift=5 every instruction takes 32 ns of virtual time and the
board timer ticks every 40 ns, so instructions = ticks * 40 / 32, exactly on
average over a long loop (the figures are the same on every run and every
machine). Each figure is measured against its peer in the same run, built by
the same compiler:

  per traced call   fixture 'bench N' (N calls of a leaf): traced image vs
                    the same fixture untraced; (ticks_traced - ticks_plain) / N,
                    the caller's side of the instrumentation included; for
                    arm-none-eabi-gcc and, when it is there, clang
  per control step  tvac-fw-qemu.elf vs tvac-fw-qemu-plain.elf: the
                    firmware's own timing of tvac_ctl_step (board timer)
  interlock step    interlock_tick in tvac-fw-qemu.elf (all of the core
                    traced, raw: hook cost not subtracted) vs
                    tvac-fw-qemu-il.elf (only interlock_tick itself traced)
  RAM               the runtime's .data + .bss besides its buffer
                    (arm-none-eabi-size of rtm_cm.o, cross-checked with nm -S)

tvac-fw-qemu.elf is the sample as built: its core compiled by clang and
traced after inlining when clang is there (samples/tvac/CMakeLists.txt),
else by gcc. With clang, the gcc build (tvac-fw-qemu-gcc*.elf) is measured
too, as a second row.

usage: bench.py BUILD_DIR
"""
import json
import os
import re
import subprocess
import sys
import tempfile

NS_PER_INSN, NS_PER_TICK = 32, 40
TARGET_CALL, TARGET_RATIO, TARGET_RAM = 40, 1.5, 256
FAULTS = ["--sim-seconds", "8", "--fault", "overpressure@1s", "--fault", "cooling-loss@3s",
          "--fault", "i2c-nack@5s", "--fault", "stuck-sensor@6.5s"]


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True)
    if p.returncode != 0:
        sys.exit(f"bench/target: {' '.join(cmd)} failed ({p.returncode}):\n{p.stdout}\n{p.stderr}")
    return p.stdout


def record(trace, elf, out, args):
    return run([trace, "record", "--qemu", "mps2-an386", "-o", out, "--", elf] + args)


def field(text, key):
    m = re.search(rf"^{re.escape(key)}: (.*)$", text, re.M)
    if m is None:
        sys.exit(f"bench/target: no '{key}:' in\n{text}")
    return m.group(1)


def compiler(elf):
    """Who compiled the traced core: clang leaves its name in .comment."""
    out = run(["arm-none-eabi-readelf", "-p", ".comment", elf])
    return "clang" if "clang" in out else "gcc"


def per_call(trace, tmp, traced, plain, n=20000):
    t_tr = int(field(record(trace, traced, f"{tmp}/b.latch", ["bench", str(n)]), "ticks"))
    t_pl = int(field(record(trace, plain, f"{tmp}/p.latch", ["bench", str(n)]), "ticks"))
    return (t_tr - t_pl) * NS_PER_TICK / NS_PER_INSN / n, t_tr, t_pl, n


def function(trace, path, name):
    rep = json.loads(run([trace, "report", path, "--format", "json"]))
    return [r for r in rep["tables"]["functions"] if r["function"] == name][0]


def sample(trace, tmp, stem):
    """Per control step and interlock step of one build of the sample."""
    o_tr = record(trace, f"{stem}.elf", f"{tmp}/t.latch", FAULTS)
    o_pl = record(trace, f"{stem}-plain.elf", f"{tmp}/u.latch", FAULTS)
    record(trace, f"{stem}-il.elf", f"{tmp}/i.latch", FAULTS)
    loop = lambda o: [float(x) for x in re.findall(r"max ([0-9.]+) us, mean ([0-9.]+) us", field(o, "loop time"))[0]]
    (st_max, st_mean), (su_max, su_mean) = loop(o_tr), loop(o_pl)
    f_tr, f_un = function(trace, f"{tmp}/t.latch", "interlock_tick"), function(trace, f"{tmp}/i.latch", "interlock_tick")
    il_tr = (f_tr["total_ns"] + f_tr["hook_ns"]) / f_tr["calls"]
    il_un = (f_un["total_ns"] + f_un["hook_ns"]) / f_un["calls"]
    return {"st": (st_mean, su_mean, st_max, su_max), "il": (il_tr, il_un, f_tr["calls"]),
            "il_corr": (f_tr["total_ns"] / f_tr["calls"], f_tr["max_ns"], f_un["max_ns"])}


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    trace = os.path.join(build, "tracer/latch-trace")
    tgt = os.path.join(build, "tests/target")
    tvac = os.path.join(build, "samples/tvac")
    targets = run(["cmake", "--build", build, "--target", "help"])
    have = lambda t: re.search(rf"\b{t}\b", targets) is not None
    want = ["target_fixture", "target_fixture_plain", "tvac_fw_qemu", "tvac_fw_qemu_plain", "tvac_fw_qemu_il"]
    extra = [t for t in ["target_fixture_clang", "target_fixture_clang_plain", "tvac_fw_qemu_gcc",
                         "tvac_fw_qemu_gcc_plain", "tvac_fw_qemu_gcc_il"] if have(t)]
    run(["cmake", "--build", build, "--target"] + want + extra)
    tmp = tempfile.mkdtemp(prefix="latch-bench-target.")
    ok = lambda good: "ok" if good else "OVER TARGET"

    print("Cortex-M runtime under QEMU mps2-an386 (-icount shift=5: 32 ns/instruction, 40 ns/tick)")
    calls = [("gcc", f"{tgt}/fixture.elf", f"{tgt}/fixture-plain.elf")]
    if "target_fixture_clang" in extra:
        calls.append(("clang", f"{tgt}/fixture-clang.elf", f"{tgt}/fixture-clang-plain.elf"))
    for cc, traced, plain in calls:
        pc, t_tr, t_pl, n = per_call(trace, tmp, traced, plain)
        print(f"  per traced call, {cc:5s}       {pc:6.1f} instructions added   "
              f"(traced {t_tr} vs untraced {t_pl} ticks for {n} calls; target <= {TARGET_CALL}: "
              f"{ok(pc <= TARGET_CALL)})")

    builds = [(compiler(f"{tvac}/tvac-fw-qemu.elf"), f"{tvac}/tvac-fw-qemu", "the sample as built")]
    if "tvac_fw_qemu_gcc" in extra:
        builds.append(("gcc", f"{tvac}/tvac-fw-qemu-gcc", "the gcc build, for comparison"))
    for cc, stem, what in builds:
        r = sample(trace, tmp, stem)
        st_mean, su_mean, st_max, su_max = r["st"]
        il_tr, il_un, n_il = r["il"]
        il_corr, il_max, il_un_max = r["il_corr"]
        print(f"  {cc} core ({what}):")
        print(f"    per control step            {(st_mean - su_mean) * 1000 / NS_PER_INSN:6.0f} instructions added   "
              f"(tvac_ctl_step mean {st_mean:.2f} us traced vs {su_mean:.2f} us untraced, x{st_mean / su_mean:.2f}; "
              f"max {st_max:.2f} vs {su_max:.2f} us)")
        print(f"    interlock step              x{il_tr / il_un:.2f}                     "
              f"(interlock_tick mean {il_tr / 1000:.2f} us fully traced vs {il_un / 1000:.2f} us with no traced "
              f"callee, {n_il} calls, hook cost not subtracted; target <= x{TARGET_RATIO}: "
              f"{ok(il_tr / il_un <= TARGET_RATIO)})")
        print(f"    interlock step as reported  x{il_corr / il_un:.2f}                     "
              f"(the report's mean, hook cost subtracted: {il_corr / 1000:.2f} us vs {il_un / 1000:.2f} us; max "
              f"{il_max / 1000:.2f} vs {il_un_max / 1000:.2f} us)")

    size = run(["arm-none-eabi-size", f"{tgt}/target_fixture.obj/rtm_cm.o"]).splitlines()[1].split()
    ram = int(size[1]) + int(size[2])
    nm = run(["arm-none-eabi-nm", "-S", f"{tgt}/target_fixture.obj/rtm_cm.o"])
    ram_nm = sum(int(l.split()[1], 16) for l in nm.splitlines() if len(l.split()) == 4 and l.split()[2] in "bBdD")
    print(f"  runtime RAM besides buffer    {ram:6d} bytes                 "
          f"(size .data+.bss of rtm_cm.o; nm -S sum {ram_nm}; target < {TARGET_RAM}: {ok(ram < TARGET_RAM)}; "
          f"plus 4 bytes in the buffer's header: the hooks' next slot)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
