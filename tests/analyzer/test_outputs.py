#!/usr/bin/env python3
"""latch-check's machine outputs and its cache, on copies of the fixtures.

- SARIF 2.1.0 validates against the OASIS schema (when
  ../shared/data/sarif-schema-2.1.0.json is absent, every other check still
  runs and the test then exits 77, a ctest skip, instead of passing), and its
  results, codeFlows and suppressions agree with the text output;
- JSON findings agree with the text output;
- --callgraph json edges agree with the call sites in the sources, and the
  DOT form has the same edges;
- the summary cache: a warm run parses nothing, touching one file re-parses
  only that TU, a changed header re-parses exactly its includers, and cold,
  warm and -j1 outputs are identical.
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FINDING = re.compile(r"^([^:\s]+):(\d+):(\d+): (error|warning): (.*) \[([a-z-]+)\]$")
failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)


def setup(fixtures, name, tmp, include):
    work = os.path.join(tmp, name)
    shutil.copytree(os.path.join(fixtures, name), work)
    os.makedirs(os.path.join(work, "build"))
    entries = [{"directory": work, "file": n,
                "command": "cc -std=c11 -I%s -c %s -o %s.o" % (include, n, n[:-2])}
               for n in sorted(os.listdir(work)) if n.endswith(".c")]
    with open(os.path.join(work, "build", "compile_commands.json"), "w") as f:
        json.dump(entries, f)
    return work


def run(exe, work, *args):
    p = subprocess.run([exe, "-p", "build", "--no-progress"] + list(args), cwd=work,
                       capture_output=True, text=True, timeout=120)
    return p


def text_findings(stdout):
    out = []
    for line in stdout.splitlines():
        m = FINDING.match(line)
        if m:
            out.append((m.group(1), int(m.group(2)), int(m.group(3)), m.group(6), m.group(5)))
    return out


validated = []


def test_sarif(exe, work, schema_path):
    p = run(exe, work, "-f", "sarif")
    check(p.returncode == 1, "sarif run exits 1 (got %d: %s)" % (p.returncode, p.stderr))
    doc = json.loads(p.stdout)
    if os.path.exists(schema_path):
        import jsonschema
        with open(schema_path) as f:
            schema = json.load(f)
        try:
            jsonschema.validate(doc, schema)
        except jsonschema.ValidationError as e:
            check(False, "SARIF validates against the 2.1.0 schema: %s" % e.message)
        validated.append(schema_path)
    else:
        print("schema validation not done: %s not found" % schema_path)
    check(doc["version"] == "2.1.0", "SARIF version 2.1.0")
    results = doc["runs"][0]["results"]
    text = text_findings(run(exe, work).stdout)
    unsup = [r for r in results if not r["suppressions"]]
    sup = [r for r in results if r["suppressions"]]
    got = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            r["locations"][0]["physicalLocation"]["region"]["startLine"],
            r["locations"][0]["physicalLocation"]["region"]["startColumn"], r["ruleId"],
            r["message"]["text"]) for r in unsup]
    check(got == text, "unsuppressed SARIF results equal the text findings:\n%s\n%s" % (got, text))
    check(len(sup) == 2, "two suppressed results (got %d)" % len(sup))
    for r in sup:
        s = r["suppressions"][0]
        check(s["kind"] == "inSource" and s["justification"], "suppression with its reason")
    for r in results:
        locs = r["codeFlows"][0]["threadFlows"][0]["locations"]
        check(locs[0]["location"]["message"]["text"] == "interlock root 'supp_root'",
              "codeFlow starts at the root")
        last = locs[-1]["location"]["physicalLocation"]["region"]
        first = r["locations"][0]["physicalLocation"]["region"]
        check(last == first, "codeFlow ends at the finding")


def test_json(exe, work):
    p = run(exe, work, "-f", "json")
    doc = json.loads(p.stdout)
    text = text_findings(run(exe, work).stdout)
    got = [(f["file"], f["line"], f["column"], f["rule"], f["message"])
           for f in doc["findings"] if f["suppressed"] is None]
    check(got == text, "JSON findings equal the text findings")
    check(doc["summary"]["errors"] == len(text), "JSON error count")
    check(all(f["root"] == "cross_root" for f in doc["findings"]), "JSON root names")
    check(doc["findings"][0]["path"] == ["cross_root", "vent_open", "log_event"], "JSON path")


def test_files_dir(exe, work):
    """A directory among FILES stands for every file below it."""
    full = run(exe, work)
    os.makedirs(os.path.join(work, "empty"), exist_ok=True)
    here = run(exe, work, ".")
    check(here.stdout == full.stdout and here.returncode == 1, "FILES '.' keeps every finding")
    none = run(exe, work, "empty")
    check(not text_findings(none.stdout) and none.returncode == 0,
          "FILES naming a directory without findings shows none and exits 0")


def call_sites(path, callee):
    """(line, column) of each `callee(` in a source file, found as text."""
    sites = []
    with open(path) as f:
        for i, line in enumerate(f, 1):
            for m in re.finditer(r"\b%s\(" % re.escape(callee), line):
                if not line.lstrip().startswith(("int ", "void ", "static ", "LATCH")):
                    sites.append((i, m.start() + 1))
    return sites


def test_callgraph(exe, work):
    p = run(exe, work, "--callgraph", "json")
    check(p.returncode == 0, "callgraph exits 0")
    g = json.loads(p.stdout)
    check(g["version"] == 1, "callgraph version 1")
    fns = {f["name"]: f for f in g["functions"]}
    check(fns["parity_root"]["root"] and not fns["even"]["root"], "root flags")
    check(fns["even"]["defined"] and fns["odd"]["defined"], "defined flags")
    check(fns["even"]["file"] == "even.c" and fns["odd"]["file"] == "odd.c", "definition files")
    edges = {(e["caller"], e["callee"]): e for e in g["edges"]}
    for caller, callee, f in (("even", "odd", "even.c"), ("odd", "even", "odd.c"),
                              ("parity_root", "even", "even.c")):
        e = edges.get((caller, callee))
        check(e is not None, "edge %s -> %s" % (caller, callee))
        if e:
            sites = call_sites(os.path.join(work, f), callee)
            check((e["line"], e["column"]) in sites,
                  "edge %s -> %s at %s:%d:%d is a call site in the source %s" %
                  (caller, callee, f, e["line"], e["column"], sites))
            check(e["kind"] == "direct" and e["caller_usr"] and e["callee_usr"], "edge fields")
    d = run(exe, work, "--callgraph", "dot").stdout
    check(d.startswith("digraph") and d.count(" -> ") == len(g["edges"]), "DOT has the same edges")


def parsed(stderr):
    m = re.search(r"(\d+) parsed, (\d+) from cache", stderr)
    return (int(m.group(1)), int(m.group(2))) if m else None


def test_cache(exe, work):
    cold = run(exe, work, "-v")
    check(parsed(cold.stderr) == (2, 0), "cold run parses both TUs: %s" % cold.stderr)
    warm = run(exe, work, "-v")
    check(parsed(warm.stderr) == (0, 2), "warm run parses nothing: %s" % warm.stderr)
    check(warm.stdout == cold.stdout, "warm output equals cold output")
    with open(os.path.join(work, "log.c"), "a") as f:
        f.write("/* touched */\n")
    one = run(exe, work, "-v")
    check(parsed(one.stderr) == (1, 1), "one changed file re-parses one TU: %s" % one.stderr)
    check(one.stdout == cold.stdout, "output after the change equals cold output")
    seq = run(exe, work, "--no-cache", "-j", "1")
    check(seq.stdout == cold.stdout, "-j1 without cache gives the same output")


def test_cache_headers(exe, tmp, include):
    """A header's change re-parses exactly the TUs that include it."""
    work = os.path.join(tmp, "hdr")
    os.makedirs(os.path.join(work, "build"))
    files = {
        "shared.h": "#define LIMIT 4\nint helper(int x);\n",
        "a.c": '#include <latch/annotate.h>\n#include "shared.h"\n'
               "LATCH_INTERLOCK int hdr_root(int x)\n{\n\treturn helper(x) + LIMIT;\n}\n",
        "b.c": '#include "shared.h"\nint helper(int x)\n{\n\treturn x * LIMIT;\n}\n',
        "c.c": "int unrelated(int x)\n{\n\treturn x;\n}\n",
    }
    for name, text in files.items():
        with open(os.path.join(work, name), "w") as f:
            f.write(text)
    with open(os.path.join(work, "build", "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": n,
                    "command": "cc -std=c11 -I%s -c %s" % (include, n)}
                   for n in ("a.c", "b.c", "c.c")], f)
    cold = run(exe, work, "-v")
    check(parsed(cold.stderr) == (3, 0) and cold.returncode == 0,
          "header project: cold run parses 3 TUs and passes: %s" % cold.stderr)
    with open(os.path.join(work, "shared.h"), "w") as f:
        f.write("#define LIMIT 5\nint helper(int x);\n")
    after = run(exe, work, "-v")
    check(parsed(after.stderr) == (2, 1), "a changed header re-parses its 2 includers: %s" % after.stderr)


def main():
    exe, fixtures, include, schema = [os.path.abspath(a) for a in sys.argv[1:5]]
    with tempfile.TemporaryDirectory(prefix="latch-out-") as tmp:
        sup = setup(fixtures, "suppressed", tmp, include)
        # make the suppressed fixture yield both kinds of results
        test_sarif(exe, sup, schema)
        cross = setup(fixtures, "cross-tu", tmp, include)
        test_json(exe, cross)
        test_files_dir(exe, cross)
        test_callgraph(exe, setup(fixtures, "recursion-cross-tu", tmp, include))
        c = os.path.join(tmp, "cache")
        os.makedirs(c)
        test_cache(exe, setup(fixtures, "cross-tu", c, include))
        test_cache_headers(exe, tmp, include)
    print("%d failure(s)" % len(failures) if failures else "ok")
    if failures:
        return 1
    return 0 if validated else 77


if __name__ == "__main__":
    sys.exit(main())
