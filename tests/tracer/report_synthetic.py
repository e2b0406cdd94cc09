#!/usr/bin/env python3
"""tests/tracer/report_synthetic.py - latch-trace report and hist on traces
this test writes itself (tracegen.py), so every number is known exactly.

usage: report_synthetic.py LATCH_TRACE SYMPROG WORKDIR

SYMPROG is a real PIE executable: the synthetic records use the ELF
addresses of three of its functions (from nm) and its build-id (from
readelf), so the report symbolizes them and budgets can name them.

Checks: exact counts and durations (hook cost subtracted), percentiles
against a brute-force sort, every output format parsed by a real parser
(json.tool, csv, xmllint), the budget gate's exit codes 0/1/2, the
pre-emption mark (also in a wrapped ring-mode trace, whose chunks come out
of file order), the period/jitter histogram, and truncated, corrupt and
foreign files (exit 2, the offset named, the readable part still reported).
"""
import csv
import io
import json
import os
import re
import subprocess
import struct
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracegen  # noqa: E402
import reportschema  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run(args, code=None):
    p = subprocess.run(args, capture_output=True, text=True)
    if code is not None and p.returncode != code:
        FAILS.append("%s: exit %d, expected %d\nstdout:\n%s\nstderr:\n%s" %
                     (" ".join(args), p.returncode, code, p.stdout[-3000:], p.stderr[-3000:]))
        print("FAIL:", FAILS[-1])
    return p


def nm_funcs(binary):
    out = subprocess.run(["nm", "--defined-only", binary], capture_output=True, text=True, check=True).stdout
    funcs = {}
    for line in out.splitlines():
        parts = line.split()
        if len(parts) == 3 and parts[1] in "tT":
            funcs[parts[2]] = int(parts[0], 16)
    return funcs


def build_id(binary):
    out = subprocess.run(["readelf", "-n", binary], capture_output=True, text=True, check=True).stdout
    return re.search(r"Build ID: ([0-9a-f]+)", out).group(1)


def report_json(lt, trace, *extra, code=0):
    p = run([lt, "report", "--format", "json", trace] + list(extra), code)
    doc = json.loads(p.stdout) if p.stdout else {}
    validate(doc, "report --format json %s" % " ".join(extra))
    return doc


def validate(doc, what):
    """Checks a JSON document against docs/report.schema.json."""
    msg = reportschema.problem(doc, what)
    check(msg is None, msg or "")


def rows_by_name(doc, table="functions"):
    return {r["function"]: r for r in doc.get("tables", {}).get(table, [])}


def main():
    lt, prog, work = sys.argv[1], sys.argv[2], sys.argv[3]
    os.makedirs(work, exist_ok=True)
    funcs = nm_funcs(prog)
    bid = build_id(prog)
    fa, fb, fc = funcs["main"], funcs["control_step"], funcs["spin"]
    exe = ["exe=" + os.path.abspath(prog), "build_id=" + bid, "start=0x0", "end=0x100000",
           "fa=%#x" % fa, "fb=%#x" % fb, "fc=%#x" % fc]
    T = lambda name: os.path.join(work, name)  # noqa: E731

    # 1. exact counts and durations: main = A, control_step = B, spin = C
    known = T("known.trace")
    subprocess.run([sys.executable, tracegen.__file__, known, "known", "hook=10"] + exe, check=True)
    doc = report_json(lt, known)
    rows = rows_by_name(doc)
    a, b, c = rows["main"], rows["control_step"], rows["spin"]
    check(a["calls"] == 100 and b["calls"] == 200 and c["calls"] == 100, "call counts %r" %
          [a["calls"], b["calls"], c["calls"]])
    # A: 1000 + 2 (300 + i) + 5000 - 3 callees x 10 ns hook cost
    check(a["min_ns"] == 6570 and a["max_ns"] == 6768, "main min/max %d/%d" % (a["min_ns"], a["max_ns"]))
    check(a["total_ns"] == sum(6570 + 2 * i for i in range(100)), "main total %d" % a["total_ns"])
    check(a["self_ns"] == 970 * 100 and a["self_max_ns"] == 970, "main self %d" % a["self_ns"])
    check(a["hook_ns"] == 30 * 100, "main hook %d" % a["hook_ns"])
    check(b["min_ns"] == 300 and b["max_ns"] == 399 and b["total_ns"] == 2 * sum(range(300, 400)),
          "control_step %r" % b)
    check(c["min_ns"] == 5000 and c["max_ns"] == 5000, "spin %r" % c)
    check(doc["meta"]["lost_events"] == 0 and doc["meta"]["records"] == 800, "meta %r" % doc["meta"])
    check(doc["meta"]["hook_cost_ns"] == 10, "hook cost in meta")
    # sorted by max by default; --sort calls, --top, name filters
    check([r["function"] for r in doc["tables"]["functions"]] == ["main", "spin", "control_step"],
          "default sort by max")
    d2 = report_json(lt, known, "--sort", "calls", "--top", "1")
    check([r["function"] for r in d2["tables"]["functions"]] == ["control_step"], "--sort calls --top 1")
    d3 = report_json(lt, known, "--filter", "s*")
    check([r["function"] for r in d3["tables"]["functions"]] == ["spin"], "--filter glob")
    d4 = report_json(lt, known, "--thread", "100")
    check(len(d4["tables"]["functions"]) == 3, "--thread by tid")
    run([lt, "report", known, "--thread", "5"], 2)
    # worst-case call path
    wc = rows_by_name(doc, "worst_cases")
    check(wc["control_step"]["path"] == "main > control_step", "worst path %r" % wc["control_step"]["path"])
    # the source line of each function is what addr2line says for its address
    for name in ("main", "control_step", "spin"):
        a2l = subprocess.run(["addr2line", "-e", prog, "%#x" % funcs[name]], capture_output=True, text=True).stdout.strip()
        check(rows[name]["source"] == a2l, "%s source %r vs addr2line %r" % (name, rows[name]["source"], a2l))
    # text: the unit that reads best, the lost count and the hook-cost sentence
    txt = run([lt, "report", known], 0).stdout
    check(re.search(r"^  main +100 +6\.57 µs .* 6\.77 µs", txt, re.M) is not None, "text row of main:\n" + txt)
    check("lost events:      0" in txt, "lost events shown")
    check("10 ns per traced callee, subtracted" in txt, "hook cost sentence")

    # 1b. golden text and Markdown (STYLE 23): synthetic durations are exact,
    #     so only the paths are normalised
    def normalise(text):
        return (text.replace(os.path.abspath(prog), "PROG").replace(os.path.dirname(os.path.dirname(
            os.path.abspath(__file__))), "TESTS").replace(known, "TRACE"))
    for fmt, golden in (("text", "report_known.txt"), ("md", "report_known.md")):
        got = normalise(run([lt, "report", "--wide", "--format", fmt, known, "--budgets", os.path.join(
            os.path.dirname(os.path.abspath(__file__)), "data", "report_budgets.yaml")], 1).stdout)
        gpath = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data", golden)
        if os.environ.get("LATCH_UPDATE_GOLDEN"):
            open(gpath, "w").write(got)
        want = open(gpath).read() if os.path.exists(gpath) else ""
        check(got == want, "%s differs from %s:\n%s" % (fmt, gpath, got))

    # 2. every format, parsed back by a real parser
    for fmt in ("json", "csv", "md", "junit", "text"):
        out = T("known." + fmt)
        run([lt, "report", "--format", fmt, "-o", out, known], 0)
        check(os.path.getsize(out) > 0, "%s written" % fmt)
    run([sys.executable, "-m", "json.tool", T("known.json")], 0)
    with open(T("known.csv"), newline="") as f:
        crow = list(csv.DictReader(f))
    check(len(crow) == 3 and crow[0]["function"] == "main" and crow[0]["max_ns"] == "6768", "csv %r" % crow[:1])
    md = open(T("known.md")).read()
    check("| function | calls | min |" in md and "| main | 100 | 6.57 µs |" in md, "markdown table")

    # 2b. export: folded stacks (self ns) and Chrome trace events
    fold = run([lt, "export", known, "--format", "folded"], 0).stdout
    check(sorted(fold.splitlines()) == ["main 97000", "main;control_step 69900", "main;spin 500000"],
          "folded stacks:\n" + fold)
    chrome = T("known.chrome.json")
    run([lt, "export", known, "--format", "chrome", "-o", chrome], 0)
    ev = json.load(open(chrome))["traceEvents"]
    check(len(ev) == 400 and sum(1 for x in ev if x["name"] == "control_step") == 200, "chrome events")
    # chrome times are multiples of 1/1024 us (exact in binary): within a quantum of 6768 ns
    worst = max(x["dur"] for x in ev if x["name"] == "main")
    check(abs(worst * 1000 - 6768) < 0.98 and worst * 1024 == int(worst * 1024),
          "chrome dur of main's worst call: %r" % worst)

    # 3. budgets: exit 0, 1, 2
    def budgets(name, text):
        path = T(name)
        with open(path, "w") as f:
            f.write(text)
        return path
    ok = budgets("ok.yaml", "budgets:\n  lost_events_max: 0\n  functions:\n    main: { max_us: 7, p99_us: 7 }\n"
                            "    'c*': { max_us: 1, stack_bytes: 4K }\n")
    p = run([lt, "report", known, "--budgets", ok], 0)
    check("budgets: 5 pass, 0 fail, 0 error" in p.stdout, "all pass:\n" + p.stdout)
    bad = budgets("bad.yaml", "budgets:\n  functions:\n    main: { max_us: 7 }\n    control_step: { p99_us: 0.3 }\n")
    p = run([lt, "report", known, "--budgets", bad], 1)
    src = rows["control_step"]["source"]
    check("%s:1: warning: 'control_step' took 398 ns at p99, budget is 300 ns [budget]" % src in p.stdout,
          "diagnostic of a broken budget:\n" + p.stdout)
    junit = T("bad.junit.xml")
    run([lt, "report", known, "--budgets", bad, "--format", "junit", "-o", junit], 1)
    run(["xmllint", "--noout", junit], 0)
    x = open(junit).read()
    check(x.count("<testcase ") == 2 and x.count("<failure ") == 1 and 'tests="2" failures="1"' in x, "junit:\n" + x)
    j = report_json(lt, known, "--budgets", bad, code=1)
    check(j["budgets"]["fail"] == 1 and j["budgets"]["results"][1]["actual"] > 0.3, "json budgets")
    for name, text, msg in (
            ("nosuch.yaml", "budgets:\n  functions:\n    nosuch_fn: { max_us: 1 }\n",
             "no function named 'nosuch_fn' in the program"),
            ("noglob.yaml", "budgets:\n  functions:\n    'zz_*': { max_us: 1 }\n", "no function matches 'zz_*'"),
            ("uncalled.yaml", "budgets:\n  functions:\n    _start: { max_us: 1 }\n",
             "'_start' is in the program but was never called"),
            ("typo.yaml", "budgets:\n  functions:\n    main: { max_ms: 1 }\n", "unknown function budget 'max_ms'")):
        p = run([lt, "report", known, "--budgets", budgets(name, text)], 2)
        check(msg in p.stdout + p.stderr, "%s: %r not in output:\n%s%s" % (name, msg, p.stdout, p.stderr))
    lost = T("lost.trace")
    subprocess.run([sys.executable, tracegen.__file__, lost, "known", "lost=7"] + exe, check=True)
    p = run([lt, "report", lost, "--budgets", ok], 2)
    check("the trace lost 7 events, at most 0 allowed" in p.stdout and "lost events:      7" in p.stdout,
          "lost events gate:\n" + p.stdout)

    # 3b. two threads: merged by default, one with --thread (tid or slot)
    thr = T("threads.trace")
    subprocess.run([sys.executable, tracegen.__file__, thr, "threads"] + exe, check=True)
    tr = rows_by_name(report_json(lt, thr))
    check(tr["main"]["calls"] == 50 and tr["control_step"]["max_ns"] == 200 and tr["spin"]["calls"] == 30 and
          tr["main"]["max_ns"] == 1200, "two threads merged %r" % {k: v["calls"] for k, v in tr.items()})
    t2 = report_json(lt, thr, "--thread", "200")
    check([r["function"] for r in t2["tables"]["functions"]] == ["spin"], "--thread 200")
    t1 = report_json(lt, thr, "--thread", "0")
    check(sorted(r["function"] for r in t1["tables"]["functions"]) == ["control_step", "main"], "--thread 0 (slot)")
    wct = rows_by_name(report_json(lt, thr), "worst_cases")
    check(wct["spin"]["thread"] == 200 and wct["main"]["thread"] == 100, "worst case threads")
    # Every interval of spin's thread is 3000 ns (a leaf called in a loop):
    # its gap limit is exactly 20 x 3000 ns, a figure the one stats pass must
    # give as the separate pass did (the p99.9 is clamped to the exact
    # smallest interval, not a bucket's middle).
    check((wct["spin"]["gap_ns"], wct["spin"]["gap_limit_ns"]) == (3000, 60000),
          "spin gap limit %r" % wct["spin"])

    # 4. percentiles against a brute-force sort of the same durations
    rnd = T("random.trace")
    subprocess.run([sys.executable, tracegen.__file__, rnd, "random", "n=20000", "seed=3"] + exe, check=True)
    vals = sorted(int(v) for v in open(rnd + ".values"))
    r = rows_by_name(report_json(lt, rnd))["main"]
    check(r["min_ns"] == vals[0] and r["max_ns"] == vals[-1], "random min/max exact")
    for key, q in (("p50_ns", 0.5), ("p90_ns", 0.9), ("p99_ns", 0.99), ("p999_ns", 0.999)):
        rank = max(1, -(-int(q * len(vals) * 1000) // 1000))
        exact = vals[rank - 1]
        err = abs(r[key] - exact) / exact
        check(err <= 0.01, "%s: %d vs sort %d (%.2f%%)" % (key, r[key], exact, err * 100))

    # 4b. summary mode: the runtime's tables, same percentile promise
    summ = T("summary.trace")
    subprocess.run([sys.executable, tracegen.__file__, summ, "summary"] + exe, check=True)
    sdoc = report_json(lt, summ)
    svals = sorted(int(v) for v in open(summ + ".values"))
    sr = rows_by_name(sdoc)
    check(sdoc["meta"]["mode"] == "summary" and sr["main"]["calls"] == len(svals), "summary calls")
    check(sr["main"]["min_ns"] == svals[0] and sr["main"]["max_ns"] == svals[-1], "summary min/max exact")
    check(sr["main"]["total_ns"] == sum(svals) and sr["main"]["self_ns"] is None, "summary total, no self")
    check(sr["control_step"]["p50_ns"] == 777 and sr["control_step"]["stack_bytes"] == 128, "summary one-value")
    for key, q in (("p50_ns", 0.5), ("p99_ns", 0.99), ("p999_ns", 0.999)):
        rank = max(1, -(-int(q * len(svals) * 1000) // 1000))
        err = abs(sr["main"][key] - svals[rank - 1]) / svals[rank - 1]
        check(err <= 0.01, "summary %s: %d vs sort %d" % (key, sr["main"][key], svals[rank - 1]))
    # a slot whose shortest call is longer than its longest is corrupt: named
    # on stderr with its offset, left out of the table, exit 2 (the fuzzer's find)
    raw = bytearray(open(summ, "rb").read())
    soff, scap, esize = struct.unpack_from("<QII", raw, 176)  # header: summary table
    first = next(soff + i * esize for i in range(scap)
                 if struct.unpack_from("<Q", raw, soff + i * esize)[0] != 0)
    mn, mx = struct.unpack_from("<QQ", raw, first + 16)
    struct.pack_into("<QQ", raw, first + 16, mx + 1, mn)
    bad = T("summary-minmax.trace")
    open(bad, "wb").write(bytes(raw))
    p = run([lt, "report", "--format", "json", bad], 2)
    check("its shortest call" in p.stderr and "is longer than its longest" in p.stderr,
          "corrupt summary slot named: %r" % p.stderr)
    bdoc = json.loads(p.stdout)
    check(len(bdoc["tables"]["functions"]) == len(sdoc["tables"]["functions"]) - 1,
          "corrupt summary slot left out of the table")

    # 5. pre-emption: control_step's worst case (600 ns) lies in a chunk of
    #    ~75 us with an involuntary context switch, main's in one without:
    #    a switch somewhere in a chunk says nothing about a 600 ns call
    pre = T("preempt.trace")
    subprocess.run([sys.executable, tracegen.__file__, pre, "preempt"] + exe, check=True)
    pr = rows_by_name(report_json(lt, pre))
    check(pr["control_step"]["max_preempted"] is None and pr["main"]["max_preempted"] is False,
          "pre-emption flags %r %r" % (pr["control_step"]["max_preempted"], pr["main"]["max_preempted"]))
    check(pr["control_step"]["interference"] == "unknown" and pr["main"]["interference"] == "none",
          "interference %r %r" % (pr["control_step"]["interference"], pr["main"]["interference"]))
    txt = run([lt, "report", pre], 0).stdout
    check("*" not in txt and "pre-empted" not in txt, "no * for a whole chunk:\n" + txt)

    # 5b. tight: main's worst call opens and closes its chunk (2 switches):
    #     pre-empted; spin's and control_step's share switching chunks loosely
    tg = T("tight.trace")
    subprocess.run([sys.executable, tracegen.__file__, tg, "tight"] + exe, check=True)
    tr = rows_by_name(report_json(lt, tg), "worst_cases")
    check([(tr[f]["preempted"], tr[f]["interference"]) for f in ("main", "spin", "control_step")] ==
          [(True, "preempted"), (None, "unknown"), (None, "unknown")], "tight %r" % tr)
    txt = run([lt, "report", "--wide", tg], 0).stdout
    txt = re.sub(r"(\S)\n(\S)", r"\1 \2", txt)  # notes wrap at 100 columns
    check("  main          62.9 µs  *      31  +75.8 µs      1  main\n" in txt and
          "* the worst call fills at least half of the trace chunks" in txt, "tight text:\n" + txt)

    # 5b'. ring mode after a wrap: the thread's chunks come out of file
    #      order (claims 3 to 6 in slots 2, 3, 0, 1). main's worst call fills
    #      the chunk in slot 2, which saw 2 switches: pre-empted. Its chunk
    #      looked up among the chunks in stream order (not by file offset)
    #      is the 1.3 ms one of slot 1, and the verdict would be "unknown"
    rg = T("ring.trace")
    subprocess.run([sys.executable, tracegen.__file__, rg, "ring"] + exe, check=True)
    rd = report_json(lt, rg)
    rw, rr = rows_by_name(rd, "worst_cases"), rows_by_name(rd)
    check([(rw[f]["preempted"], rw[f]["interference"]) for f in ("main", "spin", "control_step")] ==
          [(True, "preempted"), (False, "none"), (None, "unknown")], "ring %r" % rw)
    check((rd["meta"]["mode"], rd["meta"]["records"], rd["meta"]["lost_events"]) == ("ring", 1008, 504),
          "ring meta %r" % rd["meta"])
    check([(rr[f]["calls"], rr[f]["max_ns"]) for f in ("main", "control_step", "spin")] ==
          [(1, 62900), (125, 800), (378, 900)] and rw["spin"]["at_ns"] == 62900 + 201 * 10000 + 200 * 500,
          "ring rows %r %r" % (rr, rw["spin"]))

    # 5c. a paced 1 kHz loop, every chunk with a switch: no row is marked
    pc = T("paced.trace")
    subprocess.run([sys.executable, tracegen.__file__, pc, "paced"] + exe, check=True)
    for tab in ("functions", "worst_cases"):
        for name, r in rows_by_name(report_json(lt, pc), tab).items():
            check(r["max_preempted" if tab == "functions" else "preempted"] is None and
                  r["interference"] == "unknown" and r["gap_ns"] == (304 if name == "control_step" else 400),
                  "paced %s %s %r" % (tab, name, r))
    txt = run([lt, "report", "--wide", pc], 0).stdout
    txt = txt.replace("but\nthe", "but the")  # notes wrap at 100 columns
    check("*" not in txt and "interference" not in txt and
          "\npre-emption unknown for 3 worst case(s): their trace chunks saw an involuntary context "
          "switch, but the chunks last more than twice the call, so the switch may lie outside it\n" in txt,
          "paced text:\n" + txt)

    # 5c'. a traced run loop that sleeps 1 ms between its calls: sleeping
    #      between sibling calls is the loop's own pattern, not a gap
    lp = T("loop.trace")
    subprocess.run([sys.executable, tracegen.__file__, lp, "loop"] + exe, check=True)
    lw = rows_by_name(report_json(lt, lp), "worst_cases")
    check([(lw[f]["interference"], lw[f]["gap_ns"]) for f in ("main", "control_step")] ==
          [("none", 1_002_000), ("none", 2000)] and lw["main"]["gap_limit_ns"] > 20_000_000,
          "loop %r" % lw)

    # 5d. host interference: spin's worst call (and so main's) is one 500 us
    #     interval with no record; control_step's worst (2 us) is not
    it = T("interfere.trace")
    subprocess.run([sys.executable, tracegen.__file__, it, "interfere"] + exe, check=True)
    ij = report_json(lt, it)
    ir, iw = rows_by_name(ij), rows_by_name(ij, "worst_cases")
    check([(ir[f]["interference"], ir[f]["gap_ns"], ir[f]["max_preempted"]) for f in ("main", "spin", "control_step")]
          == [("gap", 500000, False), ("gap", 500000, False), ("none", 2000, False)], "gap rows %r" % ir)
    check([(iw[f]["interference"], iw[f]["gap_ns"], iw[f]["gap_limit_ns"]) for f in ("main", "spin", "control_step")]
          == [("gap", 500000, 20000), ("gap", 500000, 20000), ("none", 2000, 20000)], "gap worst %r" % iw)
    txt = run([lt, "report", "--wide", it], 0).stdout
    txt = re.sub(r"(\S)\n(\S)", r"\1 \2", txt)  # notes wrap at 100 columns
    for line in ("  spin           500 µs  host interference (500 µs gap)      21   +122 µs      2  main > spin",
                 "  control_step  2.00 µs                                      21  +60.2 µs      2  main > control_step",
                 "host interference: 2 worst case(s) contain an interval with no record of their thread longer "
                 "than the gap limit: time the thread did not run its traced code (hypervisor, interrupt, "
                 "pre-emption), or a long loop or blocking call without a traced call (docs/trace-report.md "
                 "tells them apart)"):
        check(line + "\n" in txt, "gap text line %r:\n%s" % (line, txt))
    check(re.search(r"\n  spin +1000 .* 500 µs  host interference  ", txt) is not None, "gap mark:\n" + txt)
    gcsv = run([lt, "report", it, "--format", "csv"], 0).stdout.splitlines()
    check(gcsv[0].endswith(",interference,gap_ns") and
          [ln.split(",")[-2:] for ln in gcsv[1:]] == [["gap", "500000"], ["gap", "500000"], ["none", "2000"]],
          "gap csv %r" % gcsv)
    md = run([lt, "report", it, "--format", "md"], 0).stdout
    check("| host interference (500 µs gap) |" in md and "host interference: 2 worst case(s)" in md, "gap md:\n" + md)
    hp = T("interfere.html")
    run([lt, "report", it, "--format", "html", "-o", hp], 0)
    ht = open(hp, encoding="utf-8").read()
    check(ht.count(">host interference (500 µs gap)<") == 2 and ht.count(">host interference<") == 2 and
          "host interference: 2 worst case(s)" in ht, "gap html")
    gb = budgets("gap.yaml", "budgets:\n  functions:\n    spin: { max_us: 100 }\n")
    gj = T("gap.junit.xml")
    run([lt, "report", it, "--budgets", gb, "--format", "junit", "-o", gj], 1)
    check("'spin' took 500 µs at max (host interference: a 500 µs gap with no record inside the worst call), "
          "budget is 100 µs" in open(gj).read(), "gap junit:\n" + open(gj).read())
    # --gap-us raises the limit: 500 us is then within it
    ow = rows_by_name(report_json(lt, it, "--gap-us", "600"), "worst_cases")
    check((ow["spin"]["interference"], ow["spin"]["gap_limit_ns"]) == ("none", 600000), "--gap-us %r" % ow["spin"])
    p = run([lt, "report", it, "--gap-us", "0"], 2)
    check("--gap-us takes a positive number of microseconds, not '0'" in p.stderr, "--gap-us 0: " + p.stderr)
    for bad_arg in ("-5", "x", "1.5"):
        p = run([lt, "report", it, "--gap-us", bad_arg], 2)
        check("--gap-us takes a non-negative number, not '%s'" % bad_arg in p.stderr, "bad --gap-us: " + p.stderr)

    # 6. hist: drawing, and period / jitter / deadline misses
    per = T("periodic.trace")
    subprocess.run([sys.executable, tracegen.__file__, per, "periodic", "n=1000"] + exe, check=True)
    p = run([lt, "hist", per, "-f", "main"], 0)
    check("main: 1000 calls" in p.stdout and "█" in p.stdout, "hist drawing:\n" + p.stdout)
    late = sum(1 for i in range(999) if i % 100 == 99 or i % 250 == 249)
    over = sum(1 for i in range(1000) if i % 250 == 249)
    p = run([lt, "hist", per, "--period", "main", "--expect", "1ms", "--format", "json"], 1)
    hj = json.loads(p.stdout)
    validate(hj, "hist --period --format json")
    check(hj["meta"]["late_activations"] == late and hj["meta"]["overruns"] == over and
          hj["meta"]["deadline_misses"] == late + over, "deadline misses %r" % hj["meta"])
    check(hj["meta"]["period_min_ns"] == 1_000_000 and hj["meta"]["period_max_ns"] == 1_500_000, "period range")
    buckets = [bk for bk in hj["tables"]["buckets"] if bk["function"] == "period:main"]
    check(sum(bk["count"] for bk in buckets) == 999, "period buckets sum")
    p = run([lt, "hist", per, "--period", "main", "--expect", "2ms"], 0)
    check("deadline misses:" in p.stdout, "text period summary")

    # 7. damaged files: a clear error naming the offset, the readable part
    #    still reported, exit 2
    data = open(known, "rb").read()
    trunc = T("truncated.trace")
    with open(trunc, "wb") as f:
        f.write(data[:len(data) - 4096 - 100])
    p = run([lt, "report", trunc], 2)
    check(re.search(r"truncated\.trace: offset \d+ \(0x[0-9a-f]+\): file ends after \d+ of \d+ chunks", p.stderr)
          is not None, "truncation message:\n" + p.stderr)
    check("functions" in p.stdout and "readable part" in p.stdout, "partial report:\n" + p.stdout)
    corrupt = T("corrupt.trace")
    b2 = bytearray(data)
    chunk_off = int.from_bytes(data[200:208], "little")
    b2[chunk_off + 24:chunk_off + 28] = (100000).to_bytes(4, "little")  # count > cap
    open(corrupt, "wb").write(bytes(b2))
    p = run([lt, "report", corrupt], 2)
    check("offset %d" % (chunk_off + 24) in p.stderr and "over its capacity" in p.stderr, "corrupt:\n" + p.stderr)
    junk = T("junk.trace")
    open(junk, "wb").write(b"\x7fELF" + bytes(5000))
    p = run([lt, "report", junk], 2)
    check("not a latch trace" in p.stderr, "foreign file:\n" + p.stderr)
    p = run([lt, "report", T("missing.trace")], 2)
    check("No such file or directory" in p.stderr, "missing file")

    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        return 1
    print("all report/hist checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
