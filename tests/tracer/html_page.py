#!/usr/bin/env python3
"""tests/tracer/html_page.py - the HTML page (latch-trace html, --format html)
opened in headless Chromium, and the CI forms (JUnit, Markdown) read back
with independent parsers.

  html_page.py LATCH_TRACE TVAC_TRACED FW_ELF CI_DIR RULES WORK

1. The sample: record it, build the combined page, open it in Chromium
   (--screenshot: a non-empty PNG; --dump-dom: the DOM after the script ran).
   The DOM holds every function of the text report and exactly the budget
   verdicts that report, hist, memmap and stack give in JSON.
2. No request leaves the page: no src/href that is not a #fragment, no
   <link>, <img>, <iframe>, CSS url() or @import; the one <script> is inline.
3. Hostile names: symbols, a section, the trace's directory and the budgets
   file named with <script>, quotes and & appear as text, never as markup,
   in the combined page and in report --format html.
4. hist --period --expect --format junit: one test case per check (xml.etree);
   report and memmap --format md render with GitHub's cmark-gfm: tables are
   tables and every ** is bold, none is left as text.
Exits 77 (skip) when chromium or cmark-gfm is missing.
"""
import html.parser
import json
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracegen  # noqa: E402

FAILS = []
EVIL = "ev<script>alert(\"x&y\")</script>'q"
EVIL2 = "b&amp;c"  # must show as the 7 characters, not as "b&c"
EVIL_DIR = "d<script>&\"'"


def check(cond, what):
    if not cond:
        FAILS.append(what)
        print("FAIL:", what)


def run(args, codes=(0,), **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    if p.returncode not in codes:
        check(False, "%s: exit %d, expected %s\nstdout:\n%s\nstderr:\n%s" %
              (" ".join(args), p.returncode, codes, p.stdout[-2000:], p.stderr[-2000:]))
    return p


class Page(html.parser.HTMLParser):
    """Collects what the checks need from an HTML document."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.urls, self.tags, self.text = [], [], []
        self.tables = {}  # id -> [[cell text]]
        self._table, self._row, self._cell = None, None, None
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags.append(tag)
        for k, v in attrs:
            if k in ("src", "href", "action", "data", "poster", "srcset", "xlink:href", "formaction"):
                self.urls.append((tag, k, v or ""))
        if tag == "script":
            self.scripts += 1
            if "src" in a:
                self.urls.append((tag, "src", a["src"]))
        if tag == "table":
            self._table = a.get("id", "")
            self.tables[self._table] = []
        elif tag == "tr" and self._table is not None:
            self._row = []
            self.tables[self._table].append(self._row)
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []
            self._row.append(self._cell)

    def handle_endtag(self, tag):
        if tag == "table":
            self._table = self._row = self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)

    def rows(self, table_id):
        return [["".join(c).strip() for c in r] for r in self.tables.get(table_id, [])]


def parse(text):
    p = Page()
    p.feed(text)
    p.close()
    return p


def chromium(url, work, *args):
    prof = tempfile.mkdtemp(dir=work)
    cmd = [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--user-data-dir=" + prof] + list(args) + [url]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, cwd=work)


def self_contained(raw, what):
    p = parse(raw)
    for tag, attr, v in p.urls:
        check(v.startswith("#"), "%s: <%s %s=%r> leaves the page" % (what, tag, attr, v))
    for tag in ("link", "img", "iframe", "object", "embed", "base", "audio", "video"):
        check(tag not in p.tags, "%s: has a <%s> element" % (what, tag))
    check("url(" not in raw and "@import" not in raw, "%s: CSS url() or @import" % what)
    check(p.scripts == 1, "%s: %d <script> elements, expected the one inline" % (what, p.scripts))
    return p


def verdicts_of(doc):
    return [(b["verdict"], b["subject"]) for b in (doc.get("budgets") or {}).get("results", [])]


def sample(lt, traced, fw, ci, rules, work):
    trace = os.path.join(work, "tvac.latch")
    run([lt, "record", "-o", trace, "--", traced, "--sim-seconds", "3",
         "--fault", "overpressure@1s", "--fault", "cooling-loss@2s"])
    page = os.path.join(work, "latch.html")
    period = ["--period", "tvac_ctl_step", "--expect", "1ms", "--trip", "il_latch"]
    elf = []
    if os.path.exists(fw):
        elf = ["--elf", fw, "--regions", "FLASH=0x08000000:512K,RAM=0x20000000:128K",
               "--ci", ci, "--root", "interlock_tick"]
    p = run([lt, "html", "-o", page, "--trace", trace, "--budgets", rules] + period + elf, (0, 1))
    check(page in p.stdout, "html says where the page is: %r" % p.stdout)
    raw = open(page, encoding="utf-8").read()
    self_contained(raw, "sample page")
    check(os.path.getsize(page) > 10000, "the page is %d bytes" % os.path.getsize(page))

    png = os.path.join(work, "latch.png")
    r = chromium("file://" + page, work, "--window-size=1400,2000", "--screenshot=" + png)
    check(r.returncode == 0 and os.path.exists(png) and os.path.getsize(png) > 10000 and
          open(png, "rb").read(8) == b"\x89PNG\r\n\x1a\n",
          "chromium --screenshot wrote no PNG (exit %d): %s" % (r.returncode, r.stderr[-500:]))
    r = chromium("file://" + page, work, "--dump-dom")
    dom = parse(r.stdout)
    check(r.returncode == 0 and len(r.stdout) > 10000, "chromium --dump-dom: %s" % r.stderr[-500:])

    # Every function of the text report, in the functions table.
    text = run([lt, "report", trace, "--wide"]).stdout.splitlines()
    start = next(i for i, l in enumerate(text) if l.split()[:2] == ["function", "calls"])
    names = []
    for line in text[start + 1:]:
        if not line.strip():
            break
        names.append(line.split()[0])
    fn_table = next(k for k in dom.tables if k.startswith("t-timing-") and dom.rows(k) and
                    dom.rows(k)[0][:2] == ["function", "calls"])
    shown = {r[0] for r in dom.rows(fn_table)[1:]}
    check(len(names) > 20 and not set(names) - shown,
          "functions of the text report missing from the page: %s" % sorted(set(names) - shown))
    # The sort script reorders rows: sorting must keep every row.
    check(len(dom.rows(fn_table)) - 1 == len(names), "functions table rows %d, report %d" %
          (len(dom.rows(fn_table)) - 1, len(names)))

    # Every budget verdict, as the commands give them in JSON.
    want = verdicts_of(json.loads(run([lt, "report", trace, "--budgets", rules, "--format", "json"],
                                      (0, 1)).stdout))
    want += verdicts_of(json.loads(run([lt, "hist", trace, "--format", "json"] + period[:4],
                                       (0, 1)).stdout))
    if elf:
        want += verdicts_of(json.loads(run([lt, "memmap", fw, "--budgets", rules, "--regions",
                                            elf[3], "--format", "json"], (0, 1)).stdout))
        want += verdicts_of(json.loads(run([lt, "stack", fw, "--ci", ci, "--root", "interlock_tick",
                                            "--budgets", rules, "--format", "json"], (0, 1)).stdout))
    got = [(r[0], r[1]) for r in dom.rows("t-verdicts")[1:]]
    check(len(want) >= 10 and sorted(got) == sorted(want),
          "verdicts on the page %r, the commands give %r" % (sorted(got), sorted(want)))
    fail = any(v != "PASS" for v, _ in want)
    check(("FAIL" if fail else "PASS") in "".join(dom.text[:200]) or "ERROR" in "".join(dom.text),
          "the banner states the verdict")
    # Figures: one histogram per function drawn, the timeline of the run.
    check(raw.count('<figure id="fig-') >= 10 and 'id="fig-run-timeline"' in raw,
          "histogram figures and the timeline are on the page")
    for sec in ("sec-timing", "sec-period") + (("sec-memory", "sec-stack") if elf else ()):
        check('id="%s"' % sec in raw, "section %s is on the page" % sec)
    return trace


def hostile(lt, work):
    d = os.path.join(work, EVIL_DIR)
    os.makedirs(d, exist_ok=True)
    asm = os.path.join(d, "evil.s")
    q = EVIL.replace('"', '\\"')
    with open(asm, "w") as f:
        for name in (q, EVIL2):
            f.write('\t.text\n\t.globl "%s"\n\t.type "%s", @function\n"%s":\n\tret\n'
                    '\t.size "%s", .-"%s"\n' % ((name,) * 5))
        f.write("\t.globl main\n\t.type main, @function\nmain:\n\txor %eax,%eax\n\tret\n"
                "\t.size main, .-main\n\t.section .note.GNU-stack,\"\",@progbits\n")
    exe = os.path.join(d, "evil")
    run(["cc", "-no-pie", "-Wl,--build-id", "-o", exe, asm])
    run(["objcopy", "--add-section", ".h<script>&\"q'=" + asm, exe])
    syms = {}
    for line in run(["nm", "--defined-only", exe]).stdout.splitlines():
        parts = line.split(" ", 2)
        if len(parts) == 3 and parts[1] in "tT":
            syms[parts[2]] = int(parts[0], 16)
    check(EVIL in syms and EVIL2 in syms, "the hostile symbols were built: %r" % sorted(syms))
    bid = [l for l in run(["readelf", "-n", exe]).stdout.splitlines() if "Build ID" in l][0].split()[-1]
    trace = os.path.join(d, "h.latch")
    subprocess.run([sys.executable, tracegen.__file__, trace, "known", "exe=" + exe, "build_id=" + bid,
                    "start=0x0", "end=0x1000000", "fa=%#x" % syms["main"], "fb=%#x" % syms[EVIL],
                    "fc=%#x" % syms[EVIL2]], check=True)
    budgets = os.path.join(d, "b<script>&\"'.yaml")
    with open(budgets, "w") as f:
        f.write("budgets:\n  functions:\n    '%s': { max_us: 0.001 }\n    'x<script>&\"*': "
                "{ max_us: 1 }\n" % EVIL.replace("'", "''"))
    page = os.path.join(d, "h.html")
    run([lt, "html", "-o", page, "--trace", trace, "--budgets", budgets, "--elf", exe], (2,))
    single = os.path.join(d, "r.html")
    run([lt, "report", trace, "--budgets", budgets, "--format", "html", "-o", single], (2,))
    for path, what in ((page, "combined page"), (single, "report --format html")):
        raw = open(path, encoding="utf-8").read()
        p = self_contained(raw, what + " with hostile names")
        check("<script>alert" not in raw and "&\"'" not in raw and "</script>'" not in raw,
              "%s: a hostile name is written unescaped" % what)
        text = "".join(p.text)
        for s in (EVIL, EVIL2, EVIL_DIR, "b<script>&\"'.yaml", "x<script>&\"*"):
            check(s in text, "%s: %r is not shown as text" % (what, s))
        cells = {c for rows in p.tables.values() for r in rows for c in ["".join(x) for x in r]}
        check(EVIL in cells and EVIL2 in cells, "%s: the hostile functions are table cells" % what)
        if path == page:
            check(".h<script>&\"q'" in cells, "combined page: the hostile section is a cell")
    # And Chromium agrees: the DOM has the names as text, and no alert ran.
    r = chromium("file://" + page, work, "--dump-dom")
    dom = parse(r.stdout)
    check(EVIL in "".join(dom.text) and dom.scripts == 1,
          "chromium: the hostile name is text and no script was injected")


def ci_forms(lt, trace, rules, fw, work):
    # JUnit: one test case per deadline check, parsed by xml.etree.
    p = run([lt, "hist", trace, "--period", "tvac_ctl_step", "--expect", "1us", "--format", "junit"],
            (1,))
    root = ET.fromstring(p.stdout)
    suites = root.findall("testsuite")
    cases = root.findall("testsuite/testcase")
    names = [c.get("name") for c in cases]
    check(len(suites) == 1 and len(cases) == 2 and len(set(names)) == 2,
          "hist junit: %d test cases %r, expected one per check (2)" % (len(cases), names))
    check(suites and suites[0].get("tests") == "2" and
          int(suites[0].get("failures")) == len(root.findall("testsuite/testcase/failure")) >= 1,
          "hist junit: the counts match the failures")
    # Markdown: rendered by GitHub's own parser (cmark-gfm, table extension).
    docs = [run([lt, "report", trace, "--budgets", rules, "--format", "md"], (0, 1)).stdout]
    if os.path.exists(fw):
        docs.append(run([lt, "memmap", fw, "--budgets", rules, "--format", "md"], (0, 1)).stdout)
    for md in docs:
        out = subprocess.run(["cmark-gfm", "-e", "table"], input=md, capture_output=True,
                             text=True).stdout
        p = parse(out)
        check("table" in p.tags and "strong" in p.tags, "markdown: no table or bold rendered")
        check("**" not in "".join(p.text), "markdown: a ** is left as text: %s" %
              [l for l in "".join(p.text).splitlines() if "**" in l][:3])


def main():
    lt, traced, fw, ci, rules, work = sys.argv[1:7]
    if shutil.which("chromium") is None or shutil.which("cmark-gfm") is None:
        print("SKIP: chromium or cmark-gfm is not installed (scripts/deps.sh test)")
        return 77
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    trace = sample(lt, traced, fw, ci, rules, work)
    hostile(lt, work)
    ci_forms(lt, trace, rules, fw, work)
    if FAILS:
        print("%d check(s) failed" % len(FAILS))
        return 1
    print("html page: all checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
