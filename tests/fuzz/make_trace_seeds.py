#!/usr/bin/env python3
"""Writes the small seed traces of corpus/trace/ (docs/trace-format.md).

Real traces are megabytes (tables sized for 1024 threads); these seeds use
tiny tables so that libFuzzer mutates the interesting bytes. Run it again
after a format change: python3 tests/fuzz/make_trace_seeds.py
"""
import os
import struct

HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "trace")
CHUNK = 4096
MOD_OFF, THR_OFF, DATA_OFF = 4096, 4096 + 1024, 4096 + 1024 + 256


def put(b, off, fmt, v):
    struct.pack_into("<" + fmt, b, off, v)


def header(mode, nchunks, nthreads, summary=None):
    size = DATA_OFF + (nchunks * CHUNK if summary is None else summary[0] * (64 + 8 * summary[1]))
    b = bytearray(size)
    b[0:8] = b"LATCHTR\0"
    for off, fmt, v in ((8, "I", 1), (12, "I", 0x01020304), (16, "I", 4096), (20, "I", 1), (24, "I", 1),
                        (28, "I", mode), (32, "Q", 2_600_000_000), (40, "Q", 1652555776), (48, "Q", 1000),
                        (56, "Q", 5000), (64, "Q", 50), (80, "I", 4242), (84, "I", 1), (104, "I", CHUNK),
                        (108, "I", nchunks), (112, "Q", nchunks), (128, "Q", MOD_OFF), (136, "I", 2),
                        (140, "I", 2), (144, "I", 2), (148, "I", 512), (152, "Q", THR_OFF), (160, "I", 4),
                        (164, "I", nthreads), (168, "I", 64), (224, "I", 4)):
        put(b, off, fmt, v)
    b[228:232] = b"\xde\xad\xbe\xef"
    b[512:512 + 11] = b"/opt/fw.elf"
    for i, (bias, lo, hi, flags, path) in enumerate(((0x5000, 0x5000, 0x9000, 1, b"/opt/fw.elf"),
                                                     (0x7f00, 0x7f00, 0x9f00, 0, b"/lib/libc.so.6"))):
        e = MOD_OFF + 512 * i
        put(b, e, "Q", bias)
        put(b, e + 8, "Q", lo)
        put(b, e + 16, "Q", hi)
        put(b, e + 60, "I", flags)
        b[e + 64:e + 64 + len(path)] = path
    for i in range(nthreads):
        put(b, THR_OFF + 64 * i, "I", 4242 + i)
        put(b, THR_OFF + 64 * i + 16, "Q", 0x7ffff000)
    if summary is None:
        put(b, 200, "Q", DATA_OFF)
    else:
        cap, nb = summary
        put(b, 176, "Q", DATA_OFF)
        put(b, 184, "I", cap)
        put(b, 188, "I", 64 + 8 * nb)
        put(b, 192, "I", nb)
        put(b, 196, "I", 7)
    return b


def rec(b, off, ticks, addr, kind, stack=4):
    put(b, off, "Q", ticks)
    put(b, off + 8, "Q", addr | (kind << 48) | (stack << 50))


def chunk(b, i, thread, seq, prev, recs, ext=()):
    c = DATA_OFF + i * CHUNK
    for off, fmt, v in ((0, "I", 0x314B4843), (4, "I", 2), (8, "Q", seq), (16, "I", 4242 + thread),
                        (20, "I", thread), (28, "I", (CHUNK - 64) // 16), (48, "Q", prev)):
        put(b, c + off, fmt, v)
    slot = 0
    for t, addr, kind in recs:
        rec(b, c + 64 + 16 * slot, t, addr, kind)
        slot += 1
    for t, typ, payload in ext:
        rec(b, c + 64 + 16 * slot, t, len(payload) | (typ << 16), 3)
        b[c + 64 + 16 * (slot + 1):c + 64 + 16 * (slot + 1) + len(payload)] = payload
        slot += 1 + (len(payload) + 15) // 16
    put(b, c + 24, "I", slot)
    put(b, c + 56, "I", len(recs) + len(ext))


def calls(t0, n):
    out = []
    for k in range(n):
        out += [(t0 + 10 * k, 0x5100, 0), (t0 + 10 * k + 2, 0x5200, 0), (t0 + 10 * k + 5, 0x5200, 1),
                (t0 + 10 * k + 8, 0x5100, 1)]
    return out


def main():
    os.makedirs(HERE, exist_ok=True)
    heap = struct.pack("<IIQQ", 1, 2, 24, 0x5100) + struct.pack("<QQ", 0x5210, 0x5320)
    b = header(1, 3, 2)
    chunk(b, 0, 0, 1, 0, calls(100, 5), ext=((150, 1, b"phase-1"), (160, 2, heap)))
    chunk(b, 1, 1, 2, 0, calls(200, 3))
    chunk(b, 2, 0, 3, 1, calls(300, 2) + [(400, 42, 2)])
    seeds = {"stop.trc": bytes(b)}
    b = header(2, 3, 1)
    chunk(b, 0, 0, 7, 6, calls(700, 4))
    chunk(b, 1, 0, 5, 3, calls(500, 4))
    chunk(b, 2, 0, 6, 5, calls(600, 4))
    seeds["ring.trc"] = bytes(b)
    b = header(3, 0, 1, summary=(3, 16))
    e = DATA_OFF + (64 + 8 * 16)
    for off, v in ((0, 0x5100), (8, 3), (16, 2), (24, 9), (32, 16), (40, 64), (64 + 8 * 2, 1), (64 + 8 * 5, 1),
                   (64 + 8 * 9, 1)):
        put(b, e + off, "Q", v)
    seeds["summary.trc"] = bytes(b)
    seeds["truncated.trc"] = seeds["stop.trc"][:DATA_OFF + CHUNK + 200]
    for name, data in seeds.items():
        with open(os.path.join(HERE, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
