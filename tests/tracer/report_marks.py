#!/usr/bin/env python3
"""tests/tracer/report_marks.py - marks, run-queue delay and steal time in
report and hist, on a trace this test writes (tracegen.py), so every figure
is known exactly.

usage: report_marks.py LATCH_TRACE WORKDIR

The trace (MONOTONIC_RAW: ticks are ns), three threads:
  100: calls 0x2000 [1000, 1500]; marks "tick" at 1100, 2100, 4100, value 7
       at 1200 and 1700, "odd\\x01\\\\" at 2200; run-queue delay at its one
       chunk's claim 2^32 - 296, at its seal 2^32 + 938 (the 32-bit field
       wraps): 1234 ns
  200: "tick" at 1500 and 3500 (its intervals never join thread 100's)
  300: "gapmark" at 10000, a worst call of 0x3000, filler calls of 0x4000;
       its second chunk is missing (a gap of lost events); then "gapmark"
       at 20200 (no interval across the gap), 0x3000 and 0x5000 calls,
       "gapmark" at 23200; run-queue readings 100 (chunk 0: its successor
       is gone, unknown) and 5000 (chunk 2, the last) and 5777 at the seal:
       777 ns
  header: RUNQ, steal 1,000,000 ns at start and 1,004,000 at stop, 2 CPUs
So: tick 5 marks in 2 threads, intervals 1000, 2000 (thread 100) and 2000
(thread 200): min 1000, mean 1666, max 2000; gapmark 3 marks, 1 interval
of 3000; value 7 one interval of 500; run queue 1234 ns for 0x2000, 777 ns
for 0x5000, unknown for 0x3000 and 0x4000; steal 4000 ns over the 22.2 us
run of 2 CPUs: 9.009 %.
"""
import csv
import io
import json
import os
import subprocess
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracegen as tg  # noqa: E402
import reportschema  # noqa: E402

FAILS = []


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run(args, code=0):
    p = subprocess.run(args, capture_output=True, text=True)
    check(p.returncode == code, "%s: exit %d, expected %d\n%s%s" %
          (" ".join(args), p.returncode, code, p.stdout[-2000:], p.stderr[-2000:]))
    return p


def fixture(path, flags=0x100, steal=(1_000_000, 1_004_000, 2)):
    E, X, M, XT = tg.ENTER, tg.EXIT, tg.MARK, tg.EXT
    a = [(1000, E, 0x2000, 256), (1100, XT, b"tick", 256), (1200, M, 7, 256), (1500, X, 0x2000, 256),
         (1700, M, 7, 256), (2100, XT, b"tick", 256), (2200, XT, b"odd\x01\\", 256),
         (4100, XT, b"tick", 256)]
    b = [(1500, XT, b"tick", 256), (3500, XT, b"tick", 256)]
    c = [(10000, XT, b"gapmark", 256), (10100, E, 0x3000, 256), (15100, X, 0x3000, 256)]
    t = 15200
    for _ in range(124 + 126):  # the rest of chunk 0 (248 slots) and all of chunk 1 (252)
        c += [(t, E, 0x4000, 256), (t + 10, X, 0x4000, 256)]
        t += 20
    c += [(t, XT, b"gapmark", 256), (t + 100, E, 0x3000, 256), (t + 1100, X, 0x3000, 256),
          (t + 1200, E, 0x5000, 256), (t + 1300, X, 0x5000, 256), (t + 3000, XT, b"gapmark", 256)]
    tr = tg.Trace(flags=flags, steal=steal)
    rq = flags & 0x100
    tr.thread(100, a, runq=(lambda k: 2**32 - 296, 2**32 + 938) if rq else None)
    tr.thread(200, b)
    tr.thread(300, c, runq=(lambda k: [100, 0, 5000][k], 5777) if rq else None, skip=[1])
    tr.write(path)


MARKS_TEXT = """\
marks: count, and the time between consecutive marks of a key (on one thread, never across lost events)
  mark         kind   count  threads  intervals      min     mean      p99      max
  gapmark      name       3        1          1  3.00 µs  3.00 µs  3.00 µs  3.00 µs
  odd\\x01\\x5c  name       1        1          0        -        -        -        -
  tick         name       5        2          3  1.00 µs  1.67 µs  2.00 µs  2.00 µs
  7            value      2        1          1   500 ns   500 ns   500 ns   500 ns
"""

WORST_TEXT = """\
worst cases: the call path of each maximum
  function      max    run queue  thread        at  depth  call path
  0x3000    5.00 µs            ?     300  +9.10 µs      1  0x3000
  0x2000     500 ns      1.23 µs     100     +0 ns      1  0x2000
  0x5000     100 ns       777 ns     300  +20.4 µs      1  0x5000
  0x4000      10 ns            ?     300  +14.2 µs      1  0x4000
"""

MARKS_CSV = """\
mark,kind,count,threads,intervals,min_ns,mean_ns,p99_ns,max_ns,first_ns,last_ns\r
gapmark,name,3,1,1,3000,3000,3000,3000,9000,22200\r
odd\\x01\\x5c,name,1,1,0,,,,,1200,1200\r
tick,name,5,2,3,1000,1666,2000,2000,100,3100\r
7,value,2,1,1,500,500,500,500,200,700\r
"""


def validate(doc, what):
    """Checks a JSON document against docs/report.schema.json."""
    msg = reportschema.problem(doc, what)
    check(msg is None, msg or "")


def bucket_lower(v):
    """The lower bound of v's bucket (the rtm_hist.h scheme, as tracegen.py spells it)."""
    if v < 256:
        return v
    sh = v.bit_length() - 1 - 7
    return (v >> sh) << sh


def section(text, title):
    i = text.find("\n" + title)
    if i < 0:
        return ""
    j = text.find("\n\n", i + 1)
    return text[i + 1:j + 1] if j >= 0 else text[i + 1:]


def main():
    lt, work = sys.argv[1], sys.argv[2]
    os.makedirs(work, exist_ok=True)
    tr = os.path.join(work, "marks.latch")
    fixture(tr)

    text = run([lt, "report", tr, "--wide"]).stdout
    check(section(text, "marks:") == MARKS_TEXT, "marks table:\n" + section(text, "marks:"))
    check(section(text, "worst cases:") == WORST_TEXT, "worst cases:\n" + section(text, "worst cases:"))
    check("\nsteal time:       4.00 µs over the run, all 2 CPUs summed, 9.009% of their time\n" in text,
          "steal line:\n" + text[:900])

    doc = json.loads(run([lt, "report", tr, "--format", "json"]).stdout)
    validate(doc, "report --format json")
    marks = {m["mark"]: m for m in doc["tables"]["marks"]}
    check(list(marks) == ["gapmark", "odd\\x01\\x5c", "tick", "7"], "mark order %r" % list(marks))
    check(marks["tick"] == {"mark": "tick", "kind": "name", "count": 5, "threads": 2, "intervals": 3,
                            "min_ns": 1000, "mean_ns": 1666, "p99_ns": 2000, "max_ns": 2000,
                            "first_ns": 100, "last_ns": 3100}, "tick %r" % marks["tick"])
    check(marks["gapmark"]["intervals"] == 1 and marks["gapmark"]["max_ns"] == 3000,
          "an interval crossed the gap: %r" % marks["gapmark"])
    check(marks["7"]["kind"] == "value" and marks["7"]["min_ns"] == 500, "value mark %r" % marks["7"])
    check(marks["odd\\x01\\x5c"]["intervals"] == 0 and marks["odd\\x01\\x5c"]["max_ns"] is None,
          "single mark %r" % marks["odd\\x01\\x5c"])
    rq = {w["function"]: w["runq_ns"] for w in doc["tables"]["worst_cases"]}
    check(rq == {"0x3000": None, "0x2000": 1234, "0x5000": 777, "0x4000": None}, "runq_ns %r" % rq)
    check(doc["meta"].get("steal_ns") == 4000 and doc["meta"].get("steal_cpus") == 2,
          "steal meta %r" % doc["meta"])
    # The tracegen's own marks, counted independently of the C code.
    check(sum(m["count"] for m in marks.values()) == 11, "mark count")

    p = subprocess.run([lt, "report", tr, "--format", "csv", "--csv-table", "marks"], capture_output=True)
    out = p.stdout.decode()
    check(p.returncode == 0 and out == MARKS_CSV, "csv:\n" + out)
    check(len(list(csv.reader(io.StringIO(out, newline="")))) == 5, "csv rows")
    p = run([lt, "report", tr, "--format", "csv", "--csv-table", "nope"], code=2)
    check("no table 'nope'" in p.stderr and "marks" in p.stderr, "csv-table error: " + p.stderr)
    md = run([lt, "report", tr, "--format", "md"]).stdout
    check("| tick | name | 5 | 2 | 3 | 1.00 µs | 1.67 µs | 2.00 µs | 2.00 µs |" in md, "markdown:\n" + md)
    check("run queue" in md and "steal time" in md, "markdown host figures")
    html = run([lt, "report", tr, "--format", "html"]).stdout
    check("gapmark" in html and "odd\\x01\\x5c" in html and "run queue" in html and "steal time" in html,
          "html lacks the marks table or the host figures")

    # hist --mark: the intervals' histogram, by name and by value.
    h = json.loads(run([lt, "hist", tr, "--mark", "tick", "--format", "json"]).stdout)
    validate(h, "hist --mark --format json")
    check(h["meta"]["mark"] == "tick" and h["meta"]["mark_intervals"] == 3 and
          h["meta"]["mark_min_ns"] == 1000 and h["meta"]["mark_mean_ns"] == 1666 and
          h["meta"]["mark_max_ns"] == 2000, "hist --mark meta %r" % h["meta"])
    buckets = [(b["lo_ns"], b["count"]) for b in h["tables"]["buckets"]]
    check(buckets == [(bucket_lower(1000), 1), (bucket_lower(2000), 2)], "hist --mark buckets %r" % buckets)
    ht = run([lt, "hist", tr, "--mark", "tick"]).stdout
    check("between marks tick: 3 intervals, min 1.00 µs, mean 1.67 µs, p99 2.00 µs, max 2.00 µs" in ht, ht)
    h = json.loads(run([lt, "hist", tr, "--mark", "7", "--format", "json"]).stdout)
    check(h["meta"]["mark_kind"] == "value" and h["meta"]["mark_max_ns"] == 500, "hist --mark 7")
    p = run([lt, "hist", tr, "--mark", "nosuch"], code=2)
    check("no mark 'nosuch'" in p.stderr, p.stderr)
    p = run([lt, "hist", tr, "--mark", "odd\x01\\"], code=2)
    check("no interval" in p.stderr, p.stderr)

    # Without the flags (an older trace): no column, no line, same marks.
    old = os.path.join(work, "old.latch")
    fixture(old, flags=0, steal=None)
    text = run([lt, "report", old, "--wide"]).stdout
    check("run queue" not in text and "steal" not in text, "old trace shows host figures:\n" + text)
    check(section(text, "marks:") == MARKS_TEXT, "old trace marks")
    doc = json.loads(run([lt, "report", old, "--format", "json"]).stdout)
    check(all("runq_ns" not in w for w in doc["tables"]["worst_cases"]) and "steal_ns" not in doc["meta"],
          "old trace JSON has host figures")
    # A start-only steal reading (the run did not stop cleanly): a note, no figure.
    crash = os.path.join(work, "crash.latch")
    fixture(crash, steal=(1_000_000, None, 2))
    doc = json.loads(run([lt, "report", crash, "--format", "json"]).stdout)
    check("steal_ns" not in doc["meta"] and any("steal time unknown" in n for n in doc["notes"]),
          "start-only steal: %r" % doc["notes"])

    if FAILS:
        print("report_marks: %d failure(s)" % len(FAILS))
        return 1
    print("report_marks: ok")
    return 0


if __name__ == "__main__":
    sys.exit(main())
