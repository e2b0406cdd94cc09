"""bench/benchlib.py - what the benchmark scripts share: echoing a command
as it runs, and recording a traced program with `latch-trace record`."""
import os
import re
import subprocess


def sh(args, **kw):
    """Runs args (printed first, as `+ cmd`); a failure ends the benchmark."""
    print("+", " ".join(args), flush=True)
    return subprocess.run(args, check=True, **kw)


def buf_mb(records):
    """A trace buffer for this many records: 16 bytes each, 5 % for chunk
    headers and 64 MiB to spare."""
    return records * 16 // (1 << 20) * 105 // 100 + 64


def record(lt, cmd, mb, trace):
    """Records cmd with latch-trace lt into trace with an mb MiB buffer;
    returns (events, lost events) as record prints them."""
    rec = sh([lt, "record", "--buf-mb", str(mb), "-o", trace, "--"] + cmd,
             capture_output=True, text=True)
    events = int(re.search(r"events: (\d+)", rec.stdout).group(1))
    lost = int(re.search(r"lost events: (\d+)", rec.stdout).group(1))
    return events, lost


def warm(path):
    """Reads a file, or every file of a directory tree, once, so that the
    page cache holds it before a timed read."""
    paths = [path] if os.path.isfile(path) else [os.path.join(d, f) for d, _, fs in os.walk(path) for f in fs]
    for p in paths:
        with open(p, "rb") as f:
            while f.read(1 << 24):
                pass
