#!/usr/bin/env python3
"""Generates a C codebase shaped like controller firmware, for benchmarking
latch-check: N translation units in modules of 10, each including libc
headers, its module header and a shared HAL header with inline functions;
functions call across files and modules; one interlock root per module.
Writes the sources and build/compile_commands.json (gcc-style commands)
into OUTDIR. Deterministic: the same N gives the same tree. With --cross the
commands are arm-none-eabi-gcc ones for a Cortex-M4F, as a bear-recorded
firmware build has them, plus the startup file's assembler entry.

usage: gen_codebase.py OUTDIR [N] [--cross]
"""
import json
import os
import random
import sys

HAL = """#ifndef HAL_H
#define HAL_H
#include <stdint.h>
#include <stddef.h>
#include <latch/annotate.h>
#define HAL_NCHAN 16
struct hal_chan { uint32_t raw; int32_t scaled; uint16_t flags; };
static inline int32_t hal_scale(uint32_t raw, int32_t gain)
{
	return (int32_t)(raw & 0xffffu) * gain / 256;
}
static inline uint32_t hal_clamp(uint32_t v, uint32_t lo, uint32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}
#endif
"""


def module_header(m, nfiles, nfuncs):
    lines = ["#ifndef MOD%d_H" % m, "#define MOD%d_H" % m, '#include "hal.h"',
             "struct mod%d_state { struct hal_chan ch[HAL_NCHAN]; int32_t acc; uint32_t ticks; };" % m]
    for f in range(nfiles):
        for k in range(nfuncs):
            lines.append("int32_t m%d_f%d_%d(struct mod%d_state *s, int32_t x);" % (m, f, k, m))
    lines.append("#endif")
    return "\n".join(lines) + "\n"


def source(rng, m, f, nfiles, nfuncs, nmods):
    out = ['#include <stdio.h>', '#include <stdlib.h>', '#include <string.h>',
           '#include <math.h>', '#include "mod%d.h"' % m]
    other = (m + 1) % nmods
    out.append('#include "mod%d.h"' % other)
    out.append("static int32_t table_%d_%d[32];" % (m, f))
    for k in range(nfuncs):
        name = "m%d_f%d_%d" % (m, f, k)
        body = ["\tint32_t y = x;", "\tunsigned i;"]
        body.append("\tfor (i = 0; i < HAL_NCHAN; i++)")
        body.append("\t\ty += hal_scale(s->ch[i].raw, %d) + table_%d_%d[i %% 32u];" % (rng.randint(1, 9), m, f))
        # calls forward only (no recursion), within the module or to the next one
        if k + 1 < nfuncs:
            body.append("\ty ^= m%d_f%d_%d(s, y >> 1);" % (m, f, k + 1))
        if f + 1 < nfiles and k == 0:
            body.append("\ty += m%d_f%d_0(s, y & 0xff);" % (m, f + 1))
        if rng.random() < 0.3:
            body.append("\tif (y > %d)\n\t\ty = (int32_t)hal_clamp((uint32_t)y, 0u, %du);" % (rng.randint(100, 999), rng.randint(1000, 9999)))
        if rng.random() < 0.2:
            body.append("\ts->acc += (int32_t)sqrt((double)(y & 0xffff));")
        body.append("\tmemset(&s->ch[0], 0, sizeof(s->ch[0]));")
        body.append("\treturn y;")
        out.append("int32_t %s(struct mod%d_state *s, int32_t x)\n{\n%s\n}" % (name, m, "\n".join(body)))
    # non-critical telemetry: allocates and prints, never reached from a root
    out.append("char *telemetry_%d_%d(int32_t v)\n{\n\tchar *b = malloc(32);\n\tif (b)\n"
               "\t\tsnprintf(b, 32, \"%%d\", (int)v);\n\twhile (v-- > 0)\n\t\tputs(\"t\");\n\treturn b;\n}" % (m, f))
    if f == 0:
        out.append("LATCH_INTERLOCK int32_t mod%d_tick(struct mod%d_state *s)\n{\n"
                   "\treturn m%d_f0_0(s, (int32_t)s->ticks++);\n}" % (m, m, m))
    return "\n\n".join(out) + "\n"


STARTUP = """	.syntax unified
	.thumb
	.section .isr_vector, "a", %progbits
	.word 0x20010000
	.word reset_handler
	.text
	.global reset_handler
	.type reset_handler, %function
reset_handler:
	b reset_handler
"""

CROSS = ("arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16 "
         "-std=gnu11 -O2 -g -Wall -Wextra -Werror -ffunction-sections -fdata-sections "
         "-fstack-usage")
HOST = ("/usr/bin/gcc -std=gnu11 -O2 -g -Wall -Wextra -Werror "
        "-fno-tree-loop-distribute-patterns -fstack-usage")


def main():
    args = [a for a in sys.argv[1:] if a != "--cross"]
    cross = "--cross" in sys.argv[1:]
    outdir = os.path.abspath(args[0])
    n = int(args[1]) if len(args) > 1 else 300
    include = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..", "runtime", "include"))
    rng = random.Random(42)
    nfiles, nfuncs = 10, 6
    nmods = max(1, n // nfiles)
    os.makedirs(os.path.join(outdir, "src"), exist_ok=True)
    os.makedirs(os.path.join(outdir, "build"), exist_ok=True)
    with open(os.path.join(outdir, "src", "hal.h"), "w") as fh:
        fh.write(HAL)
    db = []
    for m in range(nmods):
        with open(os.path.join(outdir, "src", "mod%d.h" % m), "w") as fh:
            fh.write(module_header(m, nfiles, nfuncs))
        for f in range(nfiles):
            name = "m%d_f%d.c" % (m, f)
            with open(os.path.join(outdir, "src", name), "w") as fh:
                fh.write(source(rng, m, f, nfiles, nfuncs, nmods))
            db.append({"directory": os.path.join(outdir, "build"),
                       "file": "../src/" + name,
                       "command": "%s -I../src -I%s -c ../src/%s -o %s.o"
                                  % (CROSS if cross else HOST, include, name, name[:-2])})
    if cross:
        with open(os.path.join(outdir, "src", "startup.S"), "w") as fh:
            fh.write(STARTUP)
        db.append({"directory": os.path.join(outdir, "build"), "file": "../src/startup.S",
                   "command": "arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -c ../src/startup.S "
                              "-o startup.o"})
    with open(os.path.join(outdir, "build", "compile_commands.json"), "w") as fh:
        json.dump(db, fh, indent=1)
    with open(os.path.join(outdir, ".latch.yaml"), "w") as fh:
        fh.write("extends: interlock\n")
    print("%d translation units in %s" % (len(db), outdir))


if __name__ == "__main__":
    main()
