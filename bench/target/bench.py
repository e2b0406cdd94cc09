#!/usr/bin/env python3
"""bench/target: the Cortex-M runtime's cost under QEMU mps2-an386.

Under -icount shift=5 every instruction takes 32 ns of virtual time and the
board timer ticks every 40 ns, so instructions = ticks * 40 / 32, exactly on
average over a long loop (the figures are the same on every run and every
machine). Each figure is measured against its peer in the same run:

  per traced call   fixture 'bench N' (N calls of a leaf): traced image vs
                    the same fixture untraced; (ticks_traced - ticks_plain) / N
  per control step  tvac-fw-qemu.elf vs tvac-fw-qemu-plain.elf: the
                    firmware's own timing of tvac_ctl_step (board timer)
  interlock step    interlock_tick in tvac-fw-qemu.elf (all of the core
                    traced, raw: hook cost not subtracted) vs
                    tvac-fw-qemu-il.elf (only interlock_tick itself traced)
  RAM               the runtime's .data + .bss besides its buffer
                    (arm-none-eabi-size of rtm_cm.o, cross-checked with nm -S)

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


def main():
    build = sys.argv[1] if len(sys.argv) > 1 else "build"
    trace = os.path.join(build, "tracer/latch-trace")
    tgt = os.path.join(build, "tests/target")
    tvac = os.path.join(build, "samples/tvac")
    run(["cmake", "--build", build, "--target", "target_fixture", "target_fixture_plain", "target_fixture_ldrex",
         "tvac_fw_qemu", "tvac_fw_qemu_plain", "tvac_fw_qemu_il"])
    tmp = tempfile.mkdtemp(prefix="latch-bench-target.")
    n = 20000
    t_tr = int(field(record(trace, f"{tgt}/fixture.elf", f"{tmp}/b.latch", ["bench", str(n)]), "ticks"))
    t_pl = int(field(record(trace, f"{tgt}/fixture-plain.elf", f"{tmp}/p.latch", ["bench", str(n)]), "ticks"))
    t_lx = int(field(record(trace, f"{tgt}/fixture-ldrex.elf", f"{tmp}/l.latch", ["bench", str(n)]), "ticks"))
    per_call = (t_tr - t_pl) * NS_PER_TICK / NS_PER_INSN / n
    per_call_lx = (t_lx - t_pl) * NS_PER_TICK / NS_PER_INSN / n

    args = ["--sim-seconds", "8", "--fault", "overpressure@1s", "--fault", "cooling-loss@3s",
            "--fault", "i2c-nack@5s", "--fault", "stuck-sensor@6.5s"]
    o_tr = record(trace, f"{tvac}/tvac-fw-qemu.elf", f"{tmp}/t.latch", args)
    o_pl = record(trace, f"{tvac}/tvac-fw-qemu-plain.elf", f"{tmp}/u.latch", args)
    o_il = record(trace, f"{tvac}/tvac-fw-qemu-il.elf", f"{tmp}/i.latch", args)
    loop = lambda o: [float(x) for x in re.findall(r"max ([0-9.]+) us, mean ([0-9.]+) us", field(o, "loop time"))[0]]
    (st_max, st_mean), (su_max, su_mean) = loop(o_tr), loop(o_pl)

    def il(path):
        rep = json.loads(run([trace, "report", path, "--format", "json"]))
        f = [r for r in rep["tables"]["functions"] if r["function"] == "interlock_tick"][0]
        return (f["total_ns"] + f["hook_ns"]) / f["calls"], f["max_ns"], f["calls"]

    il_tr, il_tr_max, calls = il(f"{tmp}/t.latch")
    il_un, il_un_max, _ = il(f"{tmp}/i.latch")
    il_ratio = il_tr / il_un
    il_rep = json.loads(run([trace, "report", f"{tmp}/t.latch", "--format", "json"]))
    il_f = [r for r in il_rep["tables"]["functions"] if r["function"] == "interlock_tick"][0]
    il_corr = il_f["total_ns"] / il_f["calls"]

    size = run(["arm-none-eabi-size", f"{tgt}/target_fixture.obj/rtm_cm.o"]).splitlines()[1].split()
    ram = int(size[1]) + int(size[2])
    nm = run(["arm-none-eabi-nm", "-S", f"{tgt}/target_fixture.obj/rtm_cm.o"])
    ram_nm = sum(int(l.split()[1], 16) for l in nm.splitlines() if len(l.split()) == 4 and l.split()[2] in "bBdD")

    ok = lambda good: "ok" if good else "OVER TARGET"
    print("Cortex-M runtime under QEMU mps2-an386 (-icount shift=5: 32 ns/instruction, 40 ns/tick)")
    print(f"  per traced call (enter+exit)  {per_call:6.1f} instructions added   "
          f"(traced {t_tr} vs untraced {t_pl} ticks for {n} calls; target <= {TARGET_CALL}: {ok(per_call <= TARGET_CALL)})")
    print(f"  ... LDREX/STREX claim instead {per_call_lx:6.1f} instructions added   "
          f"(same calls, RTM_CM_CLAIM_LDREX: {t_lx} ticks; not the default: see docs/target.md)")
    print(f"  per control step              {(st_mean - su_mean) * 1000 / NS_PER_INSN:6.0f} instructions added   "
          f"(tvac_ctl_step mean {st_mean:.2f} us traced vs {su_mean:.2f} us untraced, x{st_mean / su_mean:.2f}; "
          f"max {st_max:.2f} vs {su_max:.2f} us)")
    print(f"  interlock step                x{il_ratio:.2f}                     "
          f"(interlock_tick mean {il_tr / 1000:.2f} us fully traced vs {il_un / 1000:.2f} us with no traced callee, "
          f"{calls} calls, hook cost not subtracted; target <= x{TARGET_RATIO}: {ok(il_ratio <= TARGET_RATIO)})")
    print(f"  interlock step as reported    x{il_corr / il_un:.2f}                     "
          f"(the report's mean, hook cost subtracted: {il_corr / 1000:.2f} us vs {il_un / 1000:.2f} us; max "
          f"{il_f['max_ns'] / 1000:.2f} vs {il_un_max / 1000:.2f} us: {ok(il_corr / il_un <= TARGET_RATIO)})")
    print(f"  runtime RAM besides buffer    {ram:6d} bytes                 "
          f"(size .data+.bss of rtm_cm.o; nm -S sum {ram_nm}; target < {TARGET_RAM}: {ok(ram < TARGET_RAM)})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
