#!/usr/bin/env python3
"""bench/memmap/gen_big.py - writes a large C program for the memmap benchmark.

usage: gen_big.py OUT_DIR [UNITS]

Each of UNITS translation units includes one shared header of many struct
types (compiled with -fno-eliminate-unused-debug-types every unit carries
them all, as real projects carry their headers' types) and defines
functions and tables of varied sizes, so .debug_info, the symbol table and
the compile-unit list all grow like a real firmware or tool. A Makefile
builds OUT_DIR/big with -g.
"""
import os
import random
import sys

out = sys.argv[1]
units = int(sys.argv[2]) if len(sys.argv) > 2 else 700
random.seed(42)
os.makedirs(out, exist_ok=True)

with open(os.path.join(out, "types.h"), "w") as f:
    f.write("#ifndef BIG_TYPES_H\n#define BIG_TYPES_H\n#include <stdint.h>\n")
    for t in range(400):
        f.write("struct big_t%d {\n" % t)
        for m in range(12):
            ty = random.choice(["uint8_t", "uint16_t", "uint32_t", "int64_t", "double", "float"])
            f.write("\t%s m%d_%d%s;\n" % (ty, t, m, "[4]" if m % 5 == 0 else ""))
        f.write("};\n")
    f.write("#endif\n")

for u in range(units):
    with open(os.path.join(out, "u%04d.c" % u), "w") as f:
        f.write('#include "types.h"\n#include <string.h>\n')
        f.write("uint32_t tab_%d[%d] = { %d };\n" % (u, random.randint(4, 512), u))
        f.write("static uint8_t buf_%d[%d];\n" % (u, random.randint(16, 4096)))
        nfun = 25
        for k in range(nfun):
            t = random.randint(0, 399)
            f.write("uint32_t f%d_%d(struct big_t%d *p, uint32_t x)\n{\n" % (u, k, t))
            f.write("\tuint32_t acc = x;\n\tint i;\n")
            f.write("\tfor (i = 0; i < %d; i++) {\n" % random.randint(2, 9))
            f.write("\t\tacc = acc * %du + (uint32_t)p->m%d_1 + buf_%d[(acc + i) %% sizeof buf_%d];\n"
                    % (random.randint(3, 99), t, u, u))
            f.write("\t\tif (acc & %du)\n\t\t\tacc ^= tab_%d[i %% (sizeof tab_%d / 4)];\n"
                    % (random.randint(1, 255), u, u))
            f.write("\t}\n")
            if k > 0:
                f.write("\tacc += f%d_%d(p ? (void *)p : 0, acc);\n" % (u, k - 1))
            f.write("\treturn acc;\n}\n")

with open(os.path.join(out, "main.c"), "w") as f:
    f.write('#include "types.h"\n')
    for u in range(units):
        f.write("uint32_t f%d_24(struct big_t0 *p, uint32_t x);\n" % u)
    f.write("int main(int argc, char **argv)\n{\n\tuint32_t s = 0;\n\t(void)argv;\n")
    for u in range(units):
        f.write("\ts += f%d_24(0, (uint32_t)argc);\n" % u)
    f.write("\treturn (int)(s & 1);\n}\n")

with open(os.path.join(out, "Makefile"), "w") as f:
    objs = " ".join("u%04d.o" % u for u in range(units))
    f.write("CFLAGS = -g -O1 -fno-eliminate-unused-debug-types -w\n")
    f.write("big: main.o %s\n\t$(CC) -o $@ $^\n" % objs)
    f.write("%.o: %.c types.h\n\t$(CC) $(CFLAGS) -c $< -o $@\n")
