#!/usr/bin/env python3
"""tests/target: the Cortex-M runtime under QEMU mps2-an386.

Each case runs a fixture image (fixture.c) or the tvac image with
`latch-trace record --qemu` and checks the trace two ways: with this file's
own decoder of docs/trace-format.md (independent of common/trace.c), and
through `latch-trace report --format json`. Function addresses are named
with `arm-none-eabi-nm`, not with the tracer's symbolizer.

Exit 0 pass, 1 fail, 77 skip (no arm-none-eabi-gcc image or no
qemu-system-arm).
"""
import argparse
import json
import os
import shutil
import socket
import struct
import subprocess
import sys

SKIP = 77
SHIFT = 5  # tracer/trace/qemu.h TRC_QEMU_SHIFT


def fail(msg):
    print(f"FAIL: {msg}")
    sys.exit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


class Trace:
    """A minimal reader of a target trace: header fields and the records."""

    def __init__(self, data):
        self.data = data
        check(len(data) >= 4096 and data[:8] == b"LATCHTR\0", "not a latch trace")
        u32 = lambda o: struct.unpack_from("<I", data, o)[0]
        u64 = lambda o: struct.unpack_from("<Q", data, o)[0]
        self.clock, self.mode = u32(24), u32(28)
        self.tick_hz, self.hook_cost = u64(32), u64(64)
        self.chunk_size, self.chunk_count = u32(104), u32(108)
        self.lost = u64(120)
        self.chunk_off, self.file_size = u64(200), u64(208)
        self.flags = u32(20)
        self.arch, self.addr_bits, self.cpu_hz, self.tflags = u32(3840), u32(3844), u32(3848), u32(3852)
        self.fault_pc = u32(3856)
        self.compact, self.down = bool(self.tflags & 4), bool(self.tflags & 8)
        nxt, buf_addr = u32(3888), u32(3872)
        base = u64(u64(152) + 16)  # the thread entry's stack base
        chunks = []
        for k in range(self.chunk_count):
            c = self.chunk_off + k * self.chunk_size
            seq = u64(c + 8)
            if seq == 0:
                continue
            check(u32(c) == 0x314B4843, f"chunk {k}: bad magic")
            n, slots = u32(c + 24), buf_addr + c + 64
            # compact records: the open chunk's count is the header's next slot
            if self.compact and u32(c + 4) != 2 and slots <= nxt <= slots + self.chunk_size - 64:
                n = (nxt - slots) // 16
            chunks.append((seq, c, n))
        self.records = []
        for seq, c, n in sorted(chunks):
            t = 0
            for i in range(n):
                if not self.compact:
                    ticks, word = struct.unpack_from("<QQ", data, c + 64 + 16 * i)
                    self.records.append((ticks, word & ((1 << 48) - 1), (word >> 48) & 3, (word >> 50) * 16))
                    continue
                # docs/trace-format.md, "Compact target records"
                w0, addr, w2, w3 = struct.unpack_from("<IIII", data, c + 64 + 16 * i)
                if i == 0:
                    t = w0 | w3 << 32
                else:
                    lo = (~w0 & 0xFFFFFFFF) if self.down else w0
                    t += (lo - t) & 0xFFFFFFFF
                kind = 1 if w2 & 1 else 2 if w2 & 2 else 0
                depth = min((base - (w2 & ~3)) // 16, 0x3FFF) * 16 if kind != 1 and base > (w2 & ~3) else 0
                self.records.append((t, addr, kind, depth))


def symbols(elf):
    out = subprocess.run(["arm-none-eabi-nm", "-S", elf], capture_output=True, text=True, check=True).stdout
    names, sizes = {}, {}
    for line in out.splitlines():
        p = line.split()
        if len(p) == 4 and p[2] in "tT":
            # Thumb: the hooks get the address with bit 0 set, nm prints it clear
            names[int(p[0], 16) | 1] = p[3]
            sizes[p[3]] = (int(p[0], 16) & ~1, int(p[1], 16))
    return names, sizes


def replay(tr, names):
    """Call paths and their counts; checks that the stream is well nested."""
    stack, paths = [], {}
    last = None
    for ticks, addr, kind, _ in tr.records:
        check(last is None or ticks >= last, f"time goes backwards at {ticks}")
        last = ticks
        check(addr in names, f"address 0x{addr:x} is not a function of the image")
        if kind == 0:
            stack.append(names[addr])
            key = tuple(stack)
            paths[key] = paths.get(key, 0) + 1
        elif kind == 1:
            check(stack and stack[-1] == names[addr], f"exit of {names[addr]} does not match {stack}")
            stack.pop()
        else:
            fail(f"unexpected record kind {kind}")
    return paths, stack


class Ctx:
    def __init__(self, a):
        self.a = a
        self.work = a.work
        os.makedirs(self.work, exist_ok=True)

    def need(self, elf):
        if not elf or not os.path.exists(elf):
            print("SKIP: the Cortex-M image is not built (arm-none-eabi-gcc missing)")
            sys.exit(SKIP)
        if shutil.which("qemu-system-arm") is None:
            print("SKIP: qemu-system-arm is not installed (Debian package qemu-system-arm)")
            sys.exit(SKIP)

    def record(self, elf, name, args, expect_rc=0):
        out = os.path.join(self.work, name + ".latch")
        p = subprocess.run([self.a.trace, "record", "--qemu", "mps2-an386", "-o", out, "--", elf] + args,
                           capture_output=True, text=True, timeout=280)
        check(p.returncode == expect_rc,
              f"record --qemu exited {p.returncode}, expected {expect_rc}\n{p.stdout}\n{p.stderr}")
        with open(out, "rb") as f:
            return out, Trace(f.read()), p.stdout, p.stderr

    def report(self, path, extra=(), rc=0):
        p = subprocess.run([self.a.trace, "report", path, "--format", "json"] + list(extra),
                           capture_output=True, text=True)
        check(p.returncode == rc, f"report exited {p.returncode}, expected {rc}: {p.stderr}")
        return json.loads(p.stdout) if p.stdout.strip() else None


def printed(out, key):
    for line in out.splitlines():
        if line.startswith(key + ": "):
            return int(line.split(": ")[1].split()[0])
    fail(f"'{key}:' not printed in\n{out}")


def calls(rep):
    return {f["function"]: f["calls"] for f in rep["tables"]["functions"]}


def t_wrap(c):
    """The 32-bit clock wraps during the run: times stay exact across it."""
    c.need(c.a.fixture)
    names, _ = symbols(c.a.fixture)
    path, tr, out, _ = c.record(c.a.fixture, "wrap", ["wrap", "400"])
    times = [t for t, _, _, _ in tr.records]
    check(times[0] < 1 << 32 < times[-1], f"no wrap: {times[0]:#x} .. {times[-1]:#x}")
    check(all(a <= b for a, b in zip(times, times[1:])), "times go backwards")
    check(times[-1] - times[0] < 10_000_000, f"span {times[-1] - times[0]} ticks")
    paths, open_ = replay(tr, names)
    check(paths[("tree_a",)] == 400 and not open_, f"call tree {paths}")
    rep = c.report(path)
    check(calls(rep) == {"tree_a": 400, "tree_b": 800, "tree_c": 1200}, f"report calls {calls(rep)}")
    mx = max(f["max_ns"] for f in rep["tables"]["functions"])
    check(mx < 1_000_000, f"a call of {mx} ns: the wrap was not extended")


def t_tree(c):
    c.need(c.a.fixture)
    names, _ = symbols(c.a.fixture)
    path, tr, out, _ = c.record(c.a.fixture, "tree", ["tree", "10"])
    check(tr.arch == 1 and tr.addr_bits == 32 and tr.clock == 17, "target block / clock id")
    check(tr.tick_hz == 25000000 and tr.cpu_hz == 25000000, f"clock {tr.tick_hz} Hz, core {tr.cpu_hz} Hz")
    check(tr.hook_cost > 0, "hook cost not measured")
    paths, open_ = replay(tr, names)
    want = {("tree_a",): 10, ("tree_a", "tree_b"): 20, ("tree_a", "tree_b", "tree_c"): 20,
            ("tree_a", "tree_c"): 10}
    check(paths == want, f"call tree {paths}, expected {want}")
    check(not open_, f"calls left open: {open_}")
    check(len(tr.records) == printed(out, "events") == 120, f"{len(tr.records)} records")
    check(tr.lost == 0 and printed(out, "lost") == 0, "lost events")
    check(tr.compact, "compact target records expected")
    check(all(d > 0 for _, _, k, d in tr.records if k == 0), "stack depth missing at an entry")
    rep = c.report(path)
    check(calls(rep) == {"tree_a": 10, "tree_b": 20, "tree_c": 30}, f"report calls {calls(rep)}")
    check(rep["meta"]["program"] == os.path.realpath(c.a.fixture), "program path in the trace")


def t_twice(c):
    c.need(c.a.fixture)
    p1, _, o1, _ = c.record(c.a.fixture, "twice1", ["tree", "50"])
    p2, _, o2, _ = c.record(c.a.fixture, "twice2", ["tree", "50"])
    b1, b2 = open(p1, "rb").read(), open(p2, "rb").read()
    check(b1 == b2, "two runs of the same image gave different traces")
    r1, r2 = c.report(p1), c.report(p2)
    check(r1["tables"] == r2["tables"], "per-function figures differ between runs")


def t_tvac_twice(c):
    c.need(c.a.tvac)
    args = ["--sim-seconds", "2", "--fault", "overpressure@0.5s", "--fault", "i2c-nack@1s"]
    p1, _, o1, _ = c.record(c.a.tvac, "tvac1", args)
    p2, _, o2, _ = c.record(c.a.tvac, "tvac2", args)
    check(open(p1, "rb").read() == open(p2, "rb").read(), "tvac: two runs gave different traces")
    check(o1.replace("tvac1", "tvacN") == o2.replace("tvac2", "tvacN"), "tvac: output differs")
    r1, r2 = c.report(p1), c.report(p2)
    check(r1["tables"] == r2["tables"], "tvac: per-function figures differ between runs")
    check("trip 1: overpressure" in o1, "tvac summary missing")


def t_isr(c, elf=None, name="isr"):
    elf = elf or c.a.fixture
    c.need(elf)
    names, _ = symbols(elf)
    path, tr, out, _ = c.record(elf, name, ["isr", "2000"])
    paths, open_ = replay(tr, names)
    n_isr = printed(out, "interrupts")
    got = sum(v for k, v in paths.items() if k[-1] == "isr_work")
    check(got == n_isr >= 2000, f"isr_work entered {got} times, the firmware counted {n_isr}")
    preempting = sum(v for k, v in paths.items() if k[-1] == "isr_work" and len(k) > 1)
    check(preempting > 0, f"no isr_work inside a traced call: {paths}")
    check(not open_, f"calls left open: {open_}")
    check(len(tr.records) == printed(out, "events"), f"{len(tr.records)} records, events {printed(out, 'events')}")
    check(tr.lost == 0, "lost events")
    check(all(a[0] <= b[0] for a, b in zip(tr.records, tr.records[1:])), "record times go backwards")
    rep = c.report(path)
    check(rep["meta"]["unmatched_exits"] == 0 and rep["meta"]["abandoned_frames"] == 0, "report nesting")


def fill(c, mode):
    c.need(c.a.small)
    args = ["fill", "1000"] + (["ring"] if mode == "ring" else [])
    path, tr, out, _ = c.record(c.a.small, "fill-" + mode, args)
    total = printed(out, "events")
    check(total == 2000, f"events {total}")
    cap = (tr.chunk_size - 64) // 16
    check(cap == 252 and (tr.file_size - tr.chunk_off) // tr.chunk_size <= 2, "buffer geometry")
    if mode == "stop":
        kept = 2 * cap
    else:
        used = -(-total // cap)
        kept = total - cap * (used - 2)
    check(len(tr.records) == kept, f"{mode}: {len(tr.records)} records kept, expected {kept}")
    check(tr.lost == total - kept == printed(out, "lost"), f"{mode}: lost {tr.lost}, expected {total - kept}")
    names, _ = symbols(c.a.small)
    kinds = [k for _, _, k, _ in tr.records]
    check(all(names.get(a) == "tree_c" for _, a, _, _ in tr.records), "records of tree_c only")
    # stop keeps the first events (an enter first), ring the last (an exit last)
    check(kinds[0] == 0 if mode == "stop" else kinds[-1] == 1, f"{mode}: wrong end of the stream kept")
    p = subprocess.run([c.a.trace, "record", "--help"], capture_output=True, text=True)
    check("--qemu" in p.stdout, "record --help lacks --qemu")
    rules = os.path.join(c.work, "lost.yaml")
    with open(rules, "w") as f:
        f.write("budgets:\n  lost_events_max: 0\n")
    rep = c.report(path, ["--budgets", rules], rc=2)  # a lost-events budget is an error
    check(rep["meta"]["lost_events"] == total - kept, "report's lost events")


def t_fault(c):
    c.need(c.a.fixture)
    names, sizes = symbols(c.a.fixture)
    path, tr, out, err = c.record(c.a.fixture, "fault", ["fault", "3"], expect_rc=3)
    check(tr.tflags & 1, "fault flag not set")
    check(not (tr.flags & 1), "a faulted run must not be marked finished")
    start, size = sizes["tree_b"]
    check(start <= tr.fault_pc < start + size, f"fault pc 0x{tr.fault_pc:x} not in tree_b")
    check(len(tr.records) == printed(out, "events") + 8, f"{len(tr.records)} records")
    paths = {}
    stack = []
    for _, a, k, _ in tr.records:
        if k == 0:
            stack.append(names[a])
        else:
            stack.pop()
    check(stack == ["tree_a", "tree_b"], f"open calls at the fault: {stack}")
    check("hard fault: pc 0x%08x" % tr.fault_pc in out, "record does not report the fault")
    check("exited with status 3" in out, "record does not report the status")


def t_corrupt(c):
    c.need(c.a.small)
    path, tr, _, _ = c.record(c.a.small, "corrupt-src", ["fill", "100"])
    data = open(path, "rb").read()

    def run(name, blob, rc, text):
        p = os.path.join(c.work, name + ".latch")
        with open(p, "wb") as f:
            f.write(blob)
        r = subprocess.run([c.a.trace, "report", p], capture_output=True, text=True)
        check(r.returncode == rc, f"{name}: report exited {r.returncode}, expected {rc}\n{r.stderr}")
        check(text in r.stderr, f"{name}: '{text}' not in\n{r.stderr}")

    run("short", data[:3000], 2, "not a latch trace (3000 bytes, no header)")
    run("truncated", data[: tr.chunk_off + 1000], 2, "file ends after 0 of 1 chunks")
    bad = bytearray(data)
    struct.pack_into("<I", bad, 3844, 64)
    run("addr-bits", bytes(bad), 2, "target address size 64 bits is not 32")
    # The 64-bit record layout (compact flag cleared) with an address over 32 bits.
    bad = bytearray(data)
    struct.pack_into("<I", bad, 3852, tr.tflags & ~0xC)
    struct.pack_into("<Q", bad, tr.chunk_off + 64 + 8, (1 << 40) | 0x100)
    run("addr-high", bytes(bad), 2, "does not fit the target's 32 bits")
    # Compact records: widened within the chunk's capacity, whatever the count says.
    bad = bytearray(data)
    struct.pack_into("<I", bad, tr.chunk_off + 24, 9999)
    run("count-high", bytes(bad), 2, "chunk 0 count 9999 is over its capacity 252")
    bad = bytearray(data)
    struct.pack_into("<I", bad, 3840, 0)
    run("no-block", bytes(bad), 2, "is a target clock but the trace has no target block")


def t_errors(c):
    """Bad input to record --qemu: a clear message and exit 2, never a pass."""
    c.need(c.a.fixture)
    work = os.path.join(c.work, "errors")  # alone there: other cases run at the same time
    os.makedirs(work, exist_ok=True)
    out = os.path.join(work, "err.latch")

    def run(args, text):
        p = subprocess.run([c.a.trace, "record", "--qemu"] + args, capture_output=True, text=True,
                           timeout=120)
        check(p.returncode == 2, f"{args}: exit {p.returncode}, expected 2\n{p.stdout}{p.stderr}")
        check(text in p.stderr, f"{args}: '{text}' not in\n{p.stderr}")

    run(["mps2-an386", "-o", out, "--", os.path.join(c.work, "no-such.elf")], "cannot open")
    run(["mps2-an386", "-o", out, "--", c.a.fixture, "tree", "a b"], "holds a space")
    run(["no-such-board", "-o", out, "--", c.a.fixture], "wrote no trace under qemu -M no-such-board")
    run(["mps2-an386", "--timeout", "x", "-o", out, "--", c.a.fixture], "--timeout takes a non-negative number")
    check(not os.path.exists(out), "a failed run left a trace behind")
    leftovers = [f for f in os.listdir(work) if f.startswith(".latch-qemu.")]
    check(not leftovers, f"temporary directories left: {leftovers}")


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def ramdump(c, stop_at):
    """gdb's dump of latch_rt_buffer, the run stopped at function stop_at."""
    dump = os.path.join(c.work, f"ramdump-{stop_at}.bin")
    if os.path.exists(dump):
        os.unlink(dump)
    port = free_port()
    q = subprocess.Popen(["qemu-system-arm", "-M", "mps2-an386", "-nographic", "-monitor", "none",
                          "-serial", "none", "-icount", f"shift={SHIFT},sleep=off",
                          "-semihosting-config", "enable=on,target=native,arg=fixture,arg=tree,arg=10",
                          "-kernel", c.a.fixture, "-S", "-gdb", f"tcp:127.0.0.1:{port}"],
                         stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=c.work)
    try:
        g = subprocess.run([shutil.which("gdb-multiarch"), "-nx", "-batch", c.a.fixture,
                            "-ex", f"target remote 127.0.0.1:{port}",
                            "-ex", f"break {stop_at}", "-ex", "continue",
                            "-ex", "set $n = *(unsigned int *)((char *)&latch_rt_buffer + 208)",
                            "-ex", f"dump binary memory {dump} (char*)&latch_rt_buffer "
                                   "(char*)&latch_rt_buffer+$n",
                            "-ex", "kill"], capture_output=True, text=True, timeout=120)
    finally:
        q.kill()
        q.wait()
    check(os.path.exists(dump), f"gdb wrote no dump: {g.stdout}\n{g.stderr}")
    return dump


def t_ramdump(c):
    """The raw-memory form: a debugger's dump of latch_rt_buffer is a trace."""
    c.need(c.a.fixture)
    if shutil.which("gdb-multiarch") is None:
        print("SKIP: gdb-multiarch is not installed")
        sys.exit(SKIP)
    # After the run (the chunk sealed), and while its last chunk is still
    # open: then only the header's next slot says how many records it holds.
    for stop_at in ("latch_rt_flush", "latch_rt_stop"):
        dump = ramdump(c, stop_at)
        tr = Trace(open(dump, "rb").read())
        check(len(tr.records) == 120, f"{stop_at}: {len(tr.records)} records in the dump")
        rep = c.report(dump, ["--exe", c.a.fixture])
        check(calls(rep) == {"tree_a": 10, "tree_b": 20, "tree_c": 30},
              f"{stop_at}: ram dump calls {calls(rep)}")


CASES = {"tree": t_tree, "wrap": t_wrap, "twice": t_twice, "tvac_twice": t_tvac_twice, "isr": t_isr,
         "stop": lambda c: fill(c, "stop"), "ring": lambda c: fill(c, "ring"), "fault": t_fault,
         "corrupt": t_corrupt, "errors": t_errors, "ramdump": t_ramdump}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--trace", required=True)
    ap.add_argument("--fixture", default="")
    ap.add_argument("--small", default="")
    ap.add_argument("--tvac", default="")
    ap.add_argument("--rules", required=True)
    ap.add_argument("--work", required=True)
    ap.add_argument("case", choices=sorted(CASES))
    a = ap.parse_args()
    CASES[a.case](Ctx(a))
    print(f"PASS: {a.case}")


if __name__ == "__main__":
    main()
