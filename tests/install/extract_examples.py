#!/usr/bin/env python3
"""Writes every code block of a Markdown file that a `<!-- file: PATH -->`
line heads into OUTDIR/PATH, so the tests build exactly what the document
shows. Exit 2 when a marked block is missing or a path leaves OUTDIR."""
import os
import re
import sys


def main():
    if len(sys.argv) != 3:
        print("usage: extract_examples.py DOC.md OUTDIR", file=sys.stderr)
        return 2
    doc, out = sys.argv[1], sys.argv[2]
    with open(doc, encoding="utf-8") as f:
        lines = f.read().split("\n")
    n = 0
    i = 0
    while i < len(lines):
        m = re.match(r"^<!-- file: (\S+) -->$", lines[i])
        i += 1
        if not m:
            continue
        path = m.group(1)
        if path.startswith("/") or ".." in path.split("/"):
            print(f"{doc}:{i}: error: path {path} leaves the output folder", file=sys.stderr)
            return 2
        if i >= len(lines) or not lines[i].startswith("```"):
            print(f"{doc}:{i + 1}: error: no code block after the file: {path} line", file=sys.stderr)
            return 2
        start = i + 1
        end = start
        while end < len(lines) and lines[end] != "```":
            end += 1
        if end == len(lines):
            print(f"{doc}:{start}: error: unterminated code block for {path}", file=sys.stderr)
            return 2
        dest = os.path.join(out, path)
        os.makedirs(os.path.dirname(dest) or ".", exist_ok=True)
        with open(dest, "w", encoding="utf-8") as f:
            f.write("\n".join(lines[start:end]) + "\n")
        n += 1
        i = end + 1
    if n == 0:
        print(f"{doc}: error: no `<!-- file: ... -->` blocks", file=sys.stderr)
        return 2
    print(f"extract_examples: {n} files from {doc} into {out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
