#!/usr/bin/env python3
"""tests/tracer/export_speedscope.py - `export --format chrome` opened by a
real consumer: speedscope (the npm package, scripts/npm-tools.sh puts it in
.cache/npm) in headless Chromium.

  export_speedscope.py LATCH_TRACE TVAC_TRACED SYMPROG SPEEDSCOPE_DIR WORK

Two exports are served over HTTP on 127.0.0.1 next to speedscope's page and
loaded with #profileURL=: the sample's own trace (tvac-traced, 1 simulated
second) and a longjmp-shaped trace (an exit missing, tests/tracer/tracegen.py).
For each, speedscope's console (Chromium's --enable-logging) must say it
imported the file as Trace Event Format and finished the import, the page
title must name the file, and there must be no line in which the importer
gives up on nesting ("Tried to end ...", "... was still open at end of
profile", "... the stack was empty"). Exits 77 (skip) when chromium or
speedscope is not installed.
"""
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import tempfile
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import tracegen  # noqa: E402

FAILED = []
NESTING = re.compile(r"Tried to end|still open at end of profile|stack was empty")


def check(cond, what):
    if not cond:
        FAILED.append(what)
        print("FAIL: " + what)


def run(args, codes=(0,), **kw):
    p = subprocess.run(args, capture_output=True, text=True, **kw)
    check(p.returncode in codes, "%s: exit %d\n%s" % (" ".join(args), p.returncode, p.stderr[-800:]))
    return p


def serve(root):
    handler = functools.partial(QuietHandler, directory=root)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def open_in_speedscope(port, name, work):
    prof = tempfile.mkdtemp(dir=work)
    url = "http://127.0.0.1:%d/index.html#profileURL=http://127.0.0.1:%d/%s" % (port, port, name)
    cmd = [shutil.which("chromium"), "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--disable-sync",
           "--no-first-run", "--user-data-dir=" + prof, "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=60000", "--dump-dom", url]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=240, cwd=work)
    console = [line for line in p.stderr.splitlines() if ":CONSOLE" in line]
    return p, console


def check_opens(port, name, work):
    p, console = open_in_speedscope(port, name, work)
    check(p.returncode == 0, "%s: chromium exit %d: %s" % (name, p.returncode, p.stderr[-500:]))
    check(any("Importing as Trace Event Format profile" in c for c in console),
          "%s: speedscope did not import it as Trace Event Format:\n%s" % (name, "\n".join(console[-5:])))
    check(any('"import: ' in c for c in console), "%s: speedscope's import did not finish" % name)
    check("<title>%s - speedscope</title>" % name in p.stdout, "%s: the page does not show the profile" % name)
    bad = [c for c in console if NESTING.search(c)]
    check(not bad, "%s: speedscope reports %d nesting problems:\n%s" % (name, len(bad), "\n".join(bad[:5])))
    print("%s: speedscope imported it, %d console lines, %d nesting problems" % (name, len(console), len(bad)))


def main():
    lt, traced, prog, ss_dir, work = sys.argv[1:6]
    index = os.path.join(ss_dir, "index.html")
    if shutil.which("chromium") is None or not os.path.exists(index):
        print("SKIP: needs chromium (scripts/deps.sh test) and speedscope (scripts/npm-tools.sh): %s" % index)
        return 77
    os.makedirs(work, exist_ok=True)
    root = os.path.join(work, "site")
    shutil.rmtree(root, ignore_errors=True)
    shutil.copytree(ss_dir, root)

    # 1. the sample as it runs on the host
    trace = os.path.join(work, "tvac.latch")
    run([lt, "record", "-o", trace, "--", traced, "--sim-seconds", "1", "--fault", "overpressure@0.5s"])
    run([lt, "export", trace, "--format", "chrome", "-o", os.path.join(root, "tvac.trace.json")])

    # 2. an exit missing, as longjmp leaves it
    funcs = tracegen.nm_funcs(prog)
    lj = os.path.join(work, "longjmp.trace")
    subprocess.run([sys.executable, tracegen.__file__, lj, "longjmp", "hook=10", "gap=0",
                    "exe=" + os.path.abspath(prog), "build_id=" + tracegen.build_id(prog), "start=0x0",
                    "end=0x100000", "fa=%#x" % funcs["main"], "fb=%#x" % funcs["control_step"],
                    "fc=%#x" % funcs["spin"]], check=True)
    run([lt, "export", lj, "--format", "chrome", "-o", os.path.join(root, "longjmp.trace.json")])

    httpd = serve(root)
    try:
        for name in ("tvac.trace.json", "longjmp.trace.json"):
            check_opens(httpd.server_address[1], name, work)
    finally:
        httpd.shutdown()
    if FAILED:
        print("%d check(s) failed" % len(FAILED))
        return 1
    print("ok: speedscope opens both exports with no nesting problem")
    return 0


if __name__ == "__main__":
    sys.exit(main())
