#!/usr/bin/env python3
"""tests/tracer/tracegen.py - writes synthetic latch traces for the tests.

A test-only writer that follows docs/trace-format.md field by field (the
runtime's own writer cannot produce exact, known durations). The clock is
MONOTONIC_RAW unless told otherwise, so ticks are nanoseconds and every
duration in a test is exact.

Use as a module (Trace, enter, exit) or from the command line:
  tracegen.py OUT SCENARIO [options]     (scenarios: see SCENARIOS below)
"""
import os
import random
import struct
import subprocess
import sys

ENTER, EXIT, MARK, EXT = 0, 1, 2, 3  # EXT: addr is a latch_rt_mark name (bytes)
CHUNK_HDR, REC = 64, 16


class Trace:
    def __init__(self, exe_path="", build_id=b"", hook_cost=0, clock=3, ns_mult=1 << 32,
                 tick_hz=1_000_000_000, chunk_size=4096, modules=None, lost_total=0, finished=True,
                 ring_slots=None, first_seq=1, flags=0, steal=None):
        self.exe_path = exe_path
        self.build_id = build_id
        self.hook_cost = hook_cost
        self.clock = clock
        self.ns_mult = ns_mult
        self.tick_hz = tick_hz
        self.chunk_size = chunk_size
        # (bias, start, end, build_id, flags, path)
        self.modules = modules if modules is not None else [(0, 0x1000, 0x100000, build_id, 1, exe_path)]
        self.lost_total = lost_total
        self.finished = finished
        # Ring mode: the file holds ring_slots chunks and the chunk of claim
        # sequence number seq sits in slot (seq - 1) % ring_slots, as the
        # runtime places it; numbering starts at first_seq (the claims before
        # it were overwritten, so each thread's first chunk follows a gap).
        self.ring_slots = ring_slots
        self.first_seq = first_seq
        self.flags = flags  # header flags besides FINISHED (RUNQ 0x100, ...)
        self.steal = steal  # (start_ns, stop_ns or None, ncpus): sets STEAL (and STEAL_END)
        self.threads = []  # (tid, records, niv_per_chunk, runq)
        self.summary = None  # summary mode: [(addr, [durations in ticks], max_stack)]

    def thread(self, tid, records, nivcsw=None, runq=None, skip=()):
        """records: list of (ticks, kind, addr, stack_bytes); kind EXT makes a
        latch_rt_mark record with addr its name's bytes. nivcsw: optional
        function chunk_index -> involuntary switches during that chunk.
        runq: optional (claim, seal): claim(chunk_index) is the run-queue
        delay (ns) at that chunk's claim, seal the one at the thread's last
        seal; the thread gets TF_RUNQ (the header needs flags=0x100).
        skip: chunk indexes left out of the file (as a ring recycles them):
        the next chunk's prev_seq names a chunk that is not there, a gap."""
        self.threads.append((tid, records, nivcsw, runq))
        self.skips = getattr(self, "skips", {})
        self.skips[len(self.threads) - 1] = set(skip)

    @staticmethod
    def _slots(rec):
        return 1 + (len(rec[2]) + REC - 1) // REC if rec[1] == EXT else 1

    def _split(self, recs, cap):
        """The records in chunks of at most cap slots (an extended record
        never spans two)."""
        parts, cur, used = [], [], 0
        for r in recs:
            n = self._slots(r)
            if used + n > cap:
                parts.append(cur)
                cur, used = [], 0
            cur.append(r)
            used += n
        if cur:
            parts.append(cur)
        return parts

    def to_bytes(self):
        if self.summary is not None:
            return self._summary_bytes()
        cap = (self.chunk_size - CHUNK_HDR) // REC
        chunks = []  # (thread index, tid, records slice, seq, prev_seq, niv)
        seq = self.first_seq - 1
        last_seq = {}
        for ti, (tid, recs, niv, runq) in enumerate(self.threads):
            prev = seq if self.ring_slots else 0  # ring: its predecessor was overwritten
            for ci, part in enumerate(self._split(recs, cap)):
                seq += 1
                if ci in getattr(self, "skips", {}).get(ti, ()):
                    prev = seq
                    continue
                chunks.append((ti, tid, part, seq, prev, niv(ci) if niv else 0,
                               runq[0](ci) if runq else 0))
                prev = seq
            last_seq[ti] = prev
        module_off, module_cap = 4096, 8
        thread_off, thread_cap = module_off + module_cap * 512, 64
        chunk_off = thread_off + thread_cap * 64
        nslots = self.ring_slots or len(chunks)
        assert len(chunks) <= nslots
        size = chunk_off + nslots * self.chunk_size
        b = bytearray(size)
        all_ticks = [r[0] for _, recs, _, _ in self.threads for r in recs] or [0]
        start, stop = min(all_ticks), max(all_ticks)
        h = {
            0: b"LATCHTR\0", 8: ("<I", 1), 12: ("<I", 0x01020304), 16: ("<I", 4096),
            20: ("<I", (1 if self.finished else 0) | self.flags
                 | (0x200 if self.steal else 0)
                 | (0x400 if self.steal and self.steal[1] is not None else 0)), 24: ("<I", self.clock),
            28: ("<I", 2 if self.ring_slots else 1),
            32: ("<Q", self.tick_hz), 40: ("<Q", self.ns_mult), 48: ("<Q", 0), 56: ("<Q", 0),
            64: ("<Q", self.hook_cost), 72: ("<Q", 0), 80: ("<I", 4242), 84: ("<I", 1),
            88: ("<Q", start), 96: ("<Q", stop if self.finished else 0),
            104: ("<I", self.chunk_size), 108: ("<I", nslots), 112: ("<Q", seq),
            120: ("<Q", self.lost_total), 128: ("<Q", module_off), 136: ("<I", module_cap),
            140: ("<I", len(self.modules)), 144: ("<I", 2), 148: ("<I", 512),
            152: ("<Q", thread_off), 160: ("<I", thread_cap), 164: ("<I", len(self.threads)),
            168: ("<I", 64), 172: ("<I", 0), 176: ("<Q", 0), 184: ("<I", 0), 188: ("<I", 0),
            192: ("<I", 0), 196: ("<I", 7), 200: ("<Q", chunk_off), 208: ("<Q", size),
            216: ("<Q", 0), 224: ("<I", len(self.build_id)), 260: ("<I", 0), 264: ("<Q", 0),
        }
        for off, v in h.items():
            if isinstance(v, bytes):
                b[off:off + len(v)] = v
            else:
                struct.pack_into(v[0], b, off, v[1])
        if self.steal:
            struct.pack_into("<QQI", b, 416, self.steal[0], self.steal[1] or 0, self.steal[2])
        b[228:228 + len(self.build_id)] = self.build_id
        p = self.exe_path.encode()[:1023]
        b[512:512 + len(p)] = p
        for i, (bias, mstart, mend, bid, flags, path) in enumerate(self.modules):
            e = module_off + i * 512
            struct.pack_into("<QQQI", b, e, bias, mstart, mend, len(bid))
            b[e + 28:e + 28 + len(bid)] = bid
            struct.pack_into("<I", b, e + 60, flags)
            pp = path.encode()[:447]
            b[e + 64:e + 64 + len(pp)] = pp
        for i, (tid, recs, _, runq) in enumerate(self.threads):
            e = thread_off + i * 64
            maxstack = max([r[3] for r in recs] or [0])
            nch = sum(1 for c in chunks if c[0] == i)
            flags = (1 if i == 0 else 0) | (8 if runq else 0)
            struct.pack_into("<IIQQQQII", b, e, tid, flags, 0, 1 << 40, 0, len(recs), nch, maxstack)
            if runq:
                struct.pack_into("<QQ", b, e + 48, runq[1], last_seq[i])
        for ci, (ti, tid, part, sq, prev, niv, rq) in enumerate(chunks):
            c = chunk_off + ((sq - 1) % nslots if self.ring_slots else ci) * self.chunk_size
            used = sum(self._slots(r) for r in part)
            struct.pack_into("<IIQIIIIIIIIQ", b, c, 0x314b4843, 2, sq, tid, ti, used, cap,
                             0, 0, 0, niv, prev)
            struct.pack_into("<I", b, c + 60, rq & 0xffffffff)
            k = 0
            for (ticks, kind, addr, stack) in part:
                at = c + CHUNK_HDR + k * REC
                if kind == EXT:  # a latch_rt_mark record: ext type 1, the name after it
                    word = len(addr) | (1 << 16) | (EXT << 48) | (min(stack // 16, 0x3fff) << 50)
                    struct.pack_into("<QQ", b, at, ticks, word)
                    b[at + REC:at + REC + len(addr)] = addr
                else:
                    word = (addr & ((1 << 48) - 1)) | (kind << 48) | (min(stack // 16, 0x3fff) << 50)
                    struct.pack_into("<QQ", b, at, ticks, word)
                k += self._slots((ticks, kind, addr, stack))
        self.chunk_off = chunk_off
        return bytes(b)

    def _summary_bytes(self):
        """Mode 3: no chunks, a summary table of rtm_hist.h histograms."""
        nb, esize = 3840, 64 + 8 * 3840
        cap = max(len(self.summary), 1)
        summary_off = 4096 + 8 * 512 + 64 * 64
        size = summary_off + cap * esize
        b = bytearray(size)
        struct.pack_into("<8sIIIIII", b, 0, b"LATCHTR\0", 1, 0x01020304, 4096, 1, self.clock, 3)
        struct.pack_into("<QQQQQQII", b, 32, self.tick_hz, self.ns_mult, 0, 0, self.hook_cost, 0, 4242, 1)
        struct.pack_into("<QQIIQQ", b, 88, 0, 10**9, 0, 0, 0, self.lost_total)
        struct.pack_into("<QIIII", b, 128, 4096, 8, len(self.modules), 2, 512)
        struct.pack_into("<QIII", b, 152, 4096 + 8 * 512, 64, 0, 64)
        struct.pack_into("<QIIIIQQQ", b, 176, summary_off, cap, esize, nb, 7, 0, size, 0)
        struct.pack_into("<I", b, 224, len(self.build_id))
        b[228:228 + len(self.build_id)] = self.build_id
        for i, (bias, mstart, mend, bid, flags, path) in enumerate(self.modules):
            e = 4096 + i * 512
            struct.pack_into("<QQQI", b, e, bias, mstart, mend, len(bid))
            b[e + 28:e + 28 + len(bid)] = bid
            struct.pack_into("<I", b, e + 60, flags)
            pp = path.encode()[:447]
            b[e + 64:e + 64 + len(pp)] = pp
        for i, (addr, vals, max_stack) in enumerate(self.summary):
            e = summary_off + i * esize
            struct.pack_into("<QQQQQQ", b, e, addr, len(vals), min(vals), max(vals), sum(vals), max_stack)
            counts = [0] * nb
            for v in vals:
                counts[min(hist_bucket(v), nb - 1)] += 1
            struct.pack_into("<%dQ" % nb, b, e + 64, *counts)
        return bytes(b)

    def write(self, path):
        data = self.to_bytes()
        with open(path, "wb") as f:
            f.write(data)
        return data


def nm_funcs(prog):
    """The text symbols of prog, name -> address (nm): what the callers hand
    to a scenario as fa=/fb=/fc=."""
    out = subprocess.run(["nm", prog], capture_output=True, text=True, check=True).stdout
    return {f[2]: int(f[0], 16) for f in (line.split() for line in out.splitlines())
            if len(f) == 3 and f[1] in "tT"}


def build_id(prog):
    """prog's GNU build id in hex (readelf -n), or "" when it has none."""
    out = subprocess.run(["readelf", "-n", prog], capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if "Build ID" in line:
            return line.split()[-1]
    return ""


def hist_bucket(v):
    """The bucket of v in runtime/src/rtm_hist.h's scheme (written out again
    here from docs/trace-format.md, independently of the C code)."""
    if v < 256:
        return v
    e = v.bit_length() - 1
    return (e - 6) * 128 + ((v >> (e - 7)) - 128)


class Calls:
    """Builds one thread's records from nested calls with exact durations."""

    def __init__(self, t0=1000):
        self.t = t0
        self.recs = []

    def call(self, addr, self_ns, children=(), stack=256):
        """A call of addr that spends self_ns itself (before its children)
        plus whatever the children take. children: list of (addr, self_ns, children)."""
        self.recs.append((self.t, ENTER, addr, stack))
        self.t += self_ns
        for ch in children:
            self.call(ch[0], ch[1], ch[2] if len(ch) > 2 else (), stack + 64)
        self.recs.append((self.t, EXIT, addr, stack))
        return self

    def idle(self, ns):
        self.t += ns
        return self


# Function addresses of the synthetic scenarios (no ELF behind them: the
# report shows them as hex unless a module path is given).
F_A, F_B, F_C = 0x2000, 0x3000, 0x4000


def _addrs(args):
    return (int(args.get("fa", hex(F_A)), 0), int(args.get("fb", hex(F_B)), 0),
            int(args.get("fc", hex(F_C)), 0))


def scenario_known(path, args):
    """A calls B twice and C once, 100 times. Exact durations:
    A self 1000 ns, B self 300+i ns (i = 0..99), C self 5000 ns.
    fa=, fb=, fc= choose the addresses (e.g. real functions of exe=)."""
    fa, fb, fc = _addrs(args)
    c = Calls()
    for i in range(100):
        c.call(fa, 1000, [(fb, 300 + i), (fb, 300 + i), (fc, 5000)])
        c.idle(10_000)
    t = Trace(hook_cost=int(args.get("hook", 0)), lost_total=int(args.get("lost", 0)), **_exe(args))
    t.thread(100, c.recs)
    t.write(path)


def scenario_random(path, args):
    """One function with random durations (seeded), for percentile checks;
    the durations are also written, one per line, to PATH.values."""
    rng = random.Random(int(args.get("seed", 1)))
    n = int(args.get("n", 20000))
    fa = _addrs(args)[0]
    c = Calls()
    vals = []
    for _ in range(n):
        d = int(rng.lognormvariate(9, 1.2)) + 1
        vals.append(d)
        c.call(fa, d)
        c.idle(100)
    t = Trace(**_exe(args))
    t.thread(7, c.recs)
    t.write(path)
    with open(path + ".values", "w") as f:
        f.write("\n".join(map(str, vals)) + "\n")


def scenario_periodic(path, args):
    """F_A entered every 1 ms + (i % 7) us; call i takes 200 ns, except when
    i % 250 == 249 (an overrun of 1.2 ms); the period after call i is 1.5 ms
    when i % 100 == 99 or after an overrun."""
    fa = _addrs(args)[0]
    c = Calls(t0=0)
    n = int(args.get("n", 1000))
    t0 = 0
    for i in range(n):
        c.t = t0
        c.call(fa, 1_200_000 if i % 250 == 249 else 200)
        t0 += 1_500_000 if (i % 100 == 99 or i % 250 == 249) else 1_000_000 + (i % 7) * 1000
    t = Trace(**_exe(args))
    t.thread(9, c.recs)
    t.write(path)


def scenario_preempt(path, args):
    """Two functions in different chunks: the chunk of F_B's worst case saw an
    involuntary context switch, F_A's did not."""
    fa, fb, _ = _addrs(args)
    c = Calls()
    for i in range(200):  # 400 records: chunk 0 (252 records) and chunk 1
        c.call(fa if i < 100 else fb, 500 + (100 if i in (50, 150) else 0))
    t = Trace(**_exe(args))
    t.thread(11, c.recs, nivcsw=lambda k: 3 if k == 1 else 0)
    t.write(path)


def scenario_interfere(path, args):
    """1000 x F_A (self 200 ns) calling F_B (300 ns) then F_C (400 ns), 100 ns
    apart. F_C's call 120 takes 500 us with no record inside (a gap); F_B's
    call 60 takes 2 us (its worst, no gap). No context switches."""
    fa, fb, fc = _addrs(args)
    c = Calls()
    for i in range(1000):
        c.call(fa, 200, [(fb, 2000 if i == 60 else 300), (fc, 500_000 if i == 120 else 400)])
        c.idle(100)
    t = Trace(**_exe(args))
    t.thread(21, c.recs)
    t.write(path)


def scenario_tight(path, args):
    """Chunk 0 (252 records): 126 calls of F_B, 500 ns each (call 70: 700 ns),
    100 ns apart, one involuntary switch. Chunk 1: one call of F_A that opens
    and closes the chunk around 125 calls of F_C (500 ns, call 30: 800 ns),
    two involuntary switches: F_A's worst call fills its chunk, the others'
    do not."""
    fa, fb, fc = _addrs(args)
    c = Calls()
    for i in range(126):
        c.call(fb, 700 if i == 70 else 500)
        c.idle(100)
    c.call(fa, 100, [(fc, 800 if i == 30 else 500) for i in range(125)])
    t = Trace(**_exe(args))
    t.thread(31, c.recs, nivcsw=lambda k: 1 if k == 0 else 2)
    t.write(path)


def scenario_ring(path, args):
    """Ring mode after a wrap: one thread's four chunks (claims 3 to 6) sit
    in file slots 2, 3, 0, 1, so the thread's stream order is not the file's.
    Chunk 0 (slot 2): one call of F_A that opens and closes the chunk around
    125 calls of F_B (500 ns, call 30: 800 ns), two involuntary switches:
    F_A's worst call fills its chunk. Chunks 1 to 3 (slots 3, 0, 1): 126
    calls each of F_C (500 ns; the 200th call overall, in slot 0: 900 ns),
    10 us apart (a chunk lasts 1.3 ms), no switch."""
    fa, fb, fc = _addrs(args)
    c = Calls()
    c.call(fa, 100, [(fb, 800 if i == 30 else 500) for i in range(125)])
    for i in range(3 * 126):
        c.idle(10_000)
        c.call(fc, 900 if i == 200 else 500)
    t = Trace(ring_slots=4, first_seq=3, lost_total=2 * 252, **_exe(args))
    t.thread(61, c.recs, nivcsw=lambda k: 2 if k == 0 else 0)
    t.write(path)


def scenario_paced(path, args):
    """A paced 1 kHz loop: every 1 ms, F_A (200 ns) calls F_B (300 ns, call
    i: + i % 5 ns) and F_C (400 ns); the thread sleeps in between and every
    chunk (42 periods) saw an involuntary context switch."""
    fa, fb, fc = _addrs(args)
    c = Calls(t0=0)
    for i in range(int(args.get("n", 1000))):
        c.t = i * 1_000_000
        c.call(fa, 200, [(fb, 300 + i % 5), (fc, 400)])
    t = Trace(**_exe(args))
    t.thread(41, c.recs, nivcsw=lambda k: 1)
    t.write(path)


def scenario_loop(path, args):
    """One call of F_A (a traced run loop) that calls F_B (300 ns; call 500:
    2 us) 1000 times and sleeps 1 ms (+ i % 3 us) between the calls."""
    fa, fb, _ = _addrs(args)
    c = Calls()
    kids = []
    for i in range(1000):
        kids.append((fb, 2000 if i == 500 else 300))
    c.recs.append((c.t, ENTER, fa, 256))
    for i, (addr, ns) in enumerate(kids):
        c.call(addr, ns, stack=320)
        if i + 1 < len(kids):
            c.idle(1_000_000 + (i % 3) * 1000)
    c.recs.append((c.t, EXIT, fa, 256))
    t = Trace(**_exe(args))
    t.thread(51, c.recs)
    t.write(path)


def scenario_summary(path, args):
    """Summary mode: the runtime's per-function tables. F_A gets random
    durations (written to PATH.values like 'random'), F_B one value."""
    fa, fb, _ = _addrs(args)
    rng = random.Random(int(args.get("seed", 5)))
    vals = [int(rng.lognormvariate(10, 1.0)) + 1 for _ in range(int(args.get("n", 5000)))]
    t = Trace(**_exe(args))
    t.summary = [(fa, vals, 512), (fb, [777] * 10, 128)]
    t.write(path)
    with open(path + ".values", "w") as f:
        f.write("\n".join(map(str, vals)) + "\n")


def scenario_threads(path, args):
    """Two threads: tid 100 runs A -> B (1000 + 200 ns) 50 times, tid 200
    runs C (3000 ns) 30 times, interleaved in time."""
    fa, fb, fc = _addrs(args)
    t1, t2 = Calls(t0=0), Calls(t0=500)
    for _ in range(50):
        t1.call(fa, 1000, [(fb, 200)]).idle(1000)
    for _ in range(30):
        t2.call(fc, 3000).idle(700)
    t = Trace(**_exe(args))
    t.thread(100, t1.recs)
    t.thread(200, t2.recs)
    t.write(path)


def scenario_longjmp(path, args):
    """What longjmp produces: main (A) calls B 50 times; each B calls C
    (300 ns) normally, then calls C again, which longjmps back into B: that
    C's exit is missing, B's exit follows. So 50 calls of B, 50 complete
    calls of C, 50 abandoned frames of C, and main's one call around all.
    hook=N sets the hook cost; gap=N puts N ns between records at B's level."""
    fa, fb, fc = _addrs(args)
    gap = int(args.get("gap", 0))
    recs, t = [], 1000
    recs.append((t, ENTER, fa, 256))
    t += 500
    for i in range(50):
        recs.append((t, ENTER, fb, 320))
        t += 200 + gap
        recs.append((t, ENTER, fc, 384))
        t += 300
        recs.append((t, EXIT, fc, 384))
        t += 100 + gap
        recs.append((t, ENTER, fc, 384))
        t += 400 + i  # then longjmp: no exit record for this C
        recs.append((t, EXIT, fb, 320))
        t += 50 + gap
    recs.append((t, EXIT, fa, 256))
    tr = Trace(hook_cost=int(args.get("hook", 0)), **_exe(args))
    tr.thread(300, recs)
    tr.write(path)


def _exe(args):
    if "exe" not in args:
        return {}
    exe = args["exe"]
    bid = bytes.fromhex(args.get("build_id", ""))
    mods = [(int(args.get("bias", "0"), 0), int(args.get("start", "0x1000"), 0),
             int(args.get("end", "0x100000"), 0), bid, 1, exe)]
    return {"exe_path": exe, "build_id": bid, "modules": mods}


SCENARIOS = {"known": scenario_known, "random": scenario_random, "periodic": scenario_periodic,
             "preempt": scenario_preempt, "summary": scenario_summary, "ring": scenario_ring,
             "interfere": scenario_interfere, "tight": scenario_tight, "paced": scenario_paced,
             "loop": scenario_loop,
             "threads": scenario_threads, "longjmp": scenario_longjmp}


def main():
    if len(sys.argv) < 3 or sys.argv[2] not in SCENARIOS:
        print("usage: tracegen.py OUT {%s} [key=value...]" % ",".join(SCENARIOS), file=sys.stderr)
        return 2
    args = dict(a.split("=", 1) for a in sys.argv[3:])
    SCENARIOS[sys.argv[2]](sys.argv[1], args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
