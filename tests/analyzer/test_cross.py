#!/usr/bin/env python3
"""latch-check on databases as firmware builds write them (issue 10).

  test_cross.py LATCH_CHECK ROOT fw HOST_DB      the sample's Cortex-M4 firmware, compiled
                                                 with arm-none-eabi-gcc from a real database
  test_cross.py LATCH_CHECK ROOT target NAME     one cross toolchain (arm, riscv, avr): the
                                                 target's libc headers are found by asking it
  test_cross.py LATCH_CHECK ROOT absent          a cross compiler that is not installed
  test_cross.py LATCH_CHECK ROOT db SCHEMA       database cases: assembler and C++ entries,
                                                 --exclude, compile_flags.txt, relative
                                                 directory, clang-only errors, SARIF on exit 2,
                                                 --baseline, --cache-dir and XDG_CACHE_HOME

Every database here is compiled for real with the compiler it names before
latch-check reads it, so each is a database a build could have written. A
toolchain that is not installed is a ctest skip (77).
"""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

FINDING = re.compile(r"^([^:\s]+):(\d+):(\d+): (error|warning): (.*) \[([a-z-]+)\]$")
SKIP = 77

TARGETS = {
    "arm": ("arm-none-eabi-gcc", "-mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16",
            "__arm__", 4),
    "riscv": ("riscv64-unknown-elf-gcc", "--specs=picolibc.specs -march=rv64imac -mabi=lp64",
              "__riscv", 8),
    "avr": ("avr-gcc", "-mmcu=atmega328p", "__AVR__", 2),
}


class Fail(Exception):
    pass


def run(exe, args, cwd, env=None):
    p = subprocess.run([exe] + args, cwd=cwd, capture_output=True, text=True, timeout=300,
                       env=env)
    return p.returncode, p.stdout, p.stderr


def findings(text):
    return sorted(l for l in text.splitlines() if FINDING.match(l))


def compile_all(entries):
    """Runs every entry's command, as the build did (proves the DB is real)."""
    for e in entries:
        p = subprocess.run(e["command"], shell=True, cwd=e["directory"], capture_output=True,
                           text=True)
        if p.returncode != 0:
            raise Fail("the database entry does not compile:\n%s\n%s" % (e["command"], p.stderr))


def write_db(build, entries):
    os.makedirs(build, exist_ok=True)
    with open(os.path.join(build, "compile_commands.json"), "w") as f:
        json.dump(entries, f, indent=1)


def expect(cond, what, out=""):
    if not cond:
        raise Fail(what + ("\n" + out if out else ""))


def fw_sources(root):
    """The firmware's sources as samples/tvac/CMakeLists.txt lists them."""
    text = open(os.path.join(root, "samples/tvac/CMakeLists.txt")).read()
    m = re.search(r"set\(TVAC_PORTABLE_SOURCES\s+([^)]*)\)", text)
    portable = m.group(1).split()
    fw = re.findall(r"\$\{CMAKE_CURRENT_SOURCE_DIR\}/(fw/[a-z_]+\.c)", text)
    m = re.search(r"COMMAND \$\{TVAC_ARM_GCC\}(.*?)\n\s*-I", text, re.S)
    flags = " ".join(m.group(1).split())
    return portable, fw, flags


def case_fw(exe, root, host_db):
    gcc = shutil.which("arm-none-eabi-gcc")
    if not gcc:
        print("arm-none-eabi-gcc is not installed")
        return SKIP
    tvac = os.path.join(root, "samples/tvac")
    portable, fw, flags = fw_sources(root)
    expect("-mcpu=cortex-m4" in flags and "-Werror" in flags, "unexpected firmware flags: " + flags)
    with tempfile.TemporaryDirectory(prefix="latch-fw-") as tmp:
        build = os.path.join(tmp, "build")
        os.makedirs(build)
        inc = "-I%s -I%s/fw -I%s/runtime/include" % (tvac, tvac, root)
        entries = []
        for s in portable + fw:
            src = os.path.join(tvac, s)
            obj = os.path.join(build, os.path.basename(s) + ".o")
            entries.append({"directory": build, "file": src,
                            "command": "arm-none-eabi-gcc %s %s -c %s -o %s" % (flags, inc, src, obj)})
        start = os.path.join(root, "tests/analyzer/cross/startup.S")
        for _ in range(2):  # bear records a file once per object it builds
            entries.append({"directory": build, "file": start,
                            "command": "arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -c %s -o %s/startup.o"
                                       % (start, build)})
        compile_all(entries)
        write_db(build, entries)
        base = ["--no-progress", "-j", "2", "--cache-dir", os.path.join(tmp, "cache")]
        rc, out, err = run(exe, ["-p", build] + base, tvac)
        expect(rc == 0, "firmware database: exit %d, expected 0" % rc, out + err)
        notes = [l for l in err.splitlines() if "not analysed: assembler" in l]
        expect(len(notes) == 1 and notes[0].endswith("tests/analyzer/cross/startup.S"),
               "the .S entry must be listed once as not analysed", err)
        rc_h, out_h, err_h = run(exe, ["-p", os.path.dirname(host_db), "--only-under", tvac + "/",
                                      "--no-progress", "--no-cache"], tvac)
        expect(rc_h == 0, "host build: exit %d" % rc_h, out_h + err_h)
        expect(findings(out) == findings(out_h), "findings differ from the host build",
               out + "--- host\n" + out_h)
        # the portable core's suppressions are the same in both builds
        sup = lambda t: sorted(l for l in (t).splitlines() if "suppressed:" in l and "fw/" not in l
                               and any(("%s:" % p) in l for p in portable))
        expect(sup(out) == sup(out_h), "suppressions differ from the host build", out + out_h)
        # without asking the driver, the same database cannot be checked:
        # the message names the compiler and what was (not) tried
        rc, out, err = run(exe, ["-p", build, "--query-driver", "/nonexistent/*"] + base, tvac)
        expect(rc == 2 and "file not found" in err and "arm-none-eabi-gcc" in err
               and "--query-driver" in err, "expected exit 2 naming the compiler", err)
        # the driver's answer is cached: a second run does not run it again
        rc, out, err = run(exe, ["-p", build, "-v"] + base, tvac)
        expect(rc == 0 and "(cached)" in err and "/usr/include/newlib" in err.replace(
            "/usr/lib/arm-none-eabi/include", "/usr/include/newlib"),
               "expected the cached driver answer with newlib's headers", err)
    print("ok: Cortex-M4 firmware checked from a cross database, as the host build")
    return 0


def case_target(exe, root, name):
    cc, mflags, macro, psize = TARGETS[name]
    if not shutil.which(cc):
        print("%s is not installed" % cc)
        return SKIP
    src = os.path.join(root, "tests/analyzer/cross/libc_user.c")
    with tempfile.TemporaryDirectory(prefix="latch-tg-") as tmp:
        build = os.path.join(tmp, "build")
        cmd = "%s %s -std=c11 -DTARGET_CHECK=%s -DEXPECT_PTR_SIZE=%d -I%s/runtime/include -c %s -o %s/o.o" % (
            cc, mflags, macro, psize, root, src, tmp)
        entries = [{"directory": tmp, "file": src, "command": cmd}]
        compile_all(entries)
        write_db(build, entries)
        rc, out, err = run(exe, ["-p", build, "--no-progress", "--no-cache", "-v"], tmp)
        expect(rc == 0, "%s: exit %d, expected 0" % (cc, rc), out + err)
        expect("reports target" in err and cc in err, "the driver was not asked", err)
        # the same entry with the driver left out: the target still comes
        # from the compiler's name (clang's AVR toolchain finds avr-libc by
        # itself); for the others the target's headers are missing and the
        # message says which compiler was not asked
        rc, out, err = run(exe, ["-p", build, "--no-progress", "--no-cache",
                                 "--query-driver", "none"], tmp)
        if name == "avr":
            expect(rc == 0, "avr-gcc without the driver must still be parsed for AVR", err)
        else:
            expect(rc == 2 and "file not found" in err and "not matched by --query-driver" in err,
                   "expected a missing header naming the compiler", err)
    print("ok: %s database parsed for its target with its C library" % cc)
    return 0


def case_absent(exe, root):
    with tempfile.TemporaryDirectory(prefix="latch-ab-") as tmp:
        build = os.path.join(tmp, "build")
        src = os.path.join(root, "tests/analyzer/cross/libc_user.c")
        write_db(build, [{"directory": tmp, "file": src,
                          "command": "xtensa-esp32-elf-gcc -mlongcalls -c %s -o o.o" % src}])
        env = dict(os.environ, PATH="/usr/bin:/bin")
        rc, out, err = run(exe, ["-p", build, "--no-progress", "--no-cache"], tmp, env)
        expect(rc == 2, "absent compiler: exit %d, expected 2" % rc, err)
        expect("compiler 'xtensa-esp32-elf-gcc'" in err and "not installed" in err,
               "the message must name the absent compiler", err)
        expect(out == "", "nothing may be printed to stdout", out)
    print("ok: an absent cross compiler is a clear exit 2")
    return 0


def case_db(exe, root, schema_path):
    cross = os.path.join(root, "tests/analyzer/cross")
    inc = "-I%s/runtime/include" % root
    with tempfile.TemporaryDirectory(prefix="latch-db-") as tmp:
        work = os.path.join(tmp, "src")
        shutil.copytree(cross, work)
        build = os.path.join(work, "build")
        os.makedirs(build)
        # relative directory: '..' is the source folder, relative to build/
        entries = [
            {"directory": "..", "file": "implicit.c", "command": "cc -std=gnu11 %s -c implicit.c -o /dev/null" % inc},
            {"directory": "..", "file": "helper.c", "command": "cc -std=c11 -c helper.c -o /dev/null"},
            {"directory": "..", "file": "startup.S", "command": "cc -c startup.S -o /dev/null"},
            {"directory": "..", "file": "glue.cpp", "command": "c++ -c glue.cpp -o /dev/null"},
            {"directory": "..", "file": "syntax.c", "command": "cc -c syntax.c -o /dev/null"},
        ]
        write_db(build, entries)
        # compile_flags.txt beside the database must not be read instead
        with open(os.path.join(build, "compile_flags.txt"), "w") as f:
            f.write("-DNOT_USED\n")
        # implicit.c is gcc-clean: gcc warns, clang would refuse it
        p = subprocess.run(["gcc", "-std=gnu11", inc, "-c", "implicit.c", "-o", "/dev/null"],
                           cwd=work, capture_output=True, text=True)
        expect(p.returncode == 0 and "implicit declaration" in p.stderr,
               "implicit.c must build with gcc (with warnings)", p.stderr)
        p = subprocess.run(["clang-19", "-std=gnu11", inc, "-c", "implicit.c", "-o", "/dev/null"],
                           cwd=work, capture_output=True, text=True)
        expect(p.returncode != 0, "implicit.c must be rejected by clang-19 as it stands")
        sarif = os.path.join(tmp, "fail.sarif")
        base = ["-p", "build", "--no-progress", "-j", "2", "--cache-dir", os.path.join(tmp, "c")]
        # a real parse error still fails closed, and the SARIF file is written
        rc, out, err = run(exe, base + ["--format", "sarif", "-o", sarif], work)
        expect(rc == 2 and "syntax.c:3:12: error: expected expression" in err,
               "a syntax error must fail closed", err)
        doc = json.load(open(sarif))
        inv = doc["runs"][0]["invocations"][0]
        texts = [n["message"]["text"] for n in inv["toolExecutionNotifications"]]
        expect(inv["executionSuccessful"] is False and any("syntax.c" in t for t in texts),
               "SARIF of a failed run must carry the failure", json.dumps(doc))
        # --exclude drops the broken entry; the rest is checked
        rc, out, err = run(exe, base + ["--exclude", "syntax.c"], work)
        expect(rc == 1, "expected exit 1 (helper allocates), got %d" % rc, out + err)
        notes = [l for l in err.splitlines() if "note:" in l]
        expect(notes == [
            "latch-check: note: not analysed: C++: glue.cpp (its extern \"C\" functions count as having no body)",
            "latch-check: note: not analysed: assembler: startup.S",
            "latch-check: note: implicit.c: 3 errors of clang that gcc only warns about demoted to warnings for the analysis; first: implicit.c:14:7: warning: incompatible integer to pointer conversion initializing 'int *' with an expression of type 'int'; take the address with & [-Wint-conversion]",
        ], "unexpected notes:\n" + "\n".join(notes))
        want = ["helper.c:5:12: error: call to allocator 'malloc' in interlock path [heap-alloc]",
                "helper.c:6:2: error: call to allocator 'free' in interlock path [heap-alloc]",
                "implicit.c:17:2: error: call through function pointer 'cb' with no declared "
                "targets [indirect-call]"]
        expect(findings(out) == want, "the implicit call must reach helper's body", out)
        expect(not os.path.exists(os.path.join(build, ".latch-cache")) and
               any(n.endswith(".json") for n in os.listdir(os.path.join(tmp, "c"))),
               "--cache-dir must hold the cache, not BUILD_DIR/.latch-cache")
        # --baseline: an earlier JSON (or SARIF) hides the old findings only
        old_json = os.path.join(tmp, "old.json")
        old_sarif = os.path.join(tmp, "old.sarif")
        run(exe, base + ["--exclude", "syntax.c", "--format", "json", "-o", old_json], work)
        run(exe, base + ["--exclude", "syntax.c", "--format", "sarif", "-o", old_sarif], work)
        with open(os.path.join(work, "helper.c")) as f:
            text = f.read()
        with open(os.path.join(work, "helper.c"), "w") as f:
            f.write(text.replace("\tfree(p);\n", "\tfree(p);\n\tp = calloc(1, 2);\n\tfree(p);\n"))
        for b in (old_json, old_sarif):
            rc, out, err = run(exe, base + ["--exclude", "syntax.c", "--baseline", b], work)
            got = findings(out)
            expect(rc == 1 and got == [
                "helper.c:7:6: error: call to allocator 'calloc' in interlock path [heap-alloc]",
                "helper.c:8:2: error: call to allocator 'free' in interlock path [heap-alloc]"],
                "baseline %s must hide the two old findings and show the new ones" % b, out + err)
            expect("3 findings of baseline" in err, "the hidden count must be said", err)
        # XDG_CACHE_HOME moves the default cache out of the tree
        xdg = os.path.join(tmp, "xdg")
        env = dict(os.environ, XDG_CACHE_HOME=xdg)
        rc, out, err = run(exe, ["-p", "build", "--no-progress", "--exclude", "*/syntax.c"], work, env)
        expect(rc == 1 and os.path.isdir(os.path.join(xdg, "latch")) and
               not os.path.exists(os.path.join(build, ".latch-cache")),
               "XDG_CACHE_HOME must hold the cache", err)
        # only compile_flags.txt: a clear error, not "no entries"
        os.unlink(os.path.join(build, "compile_commands.json"))
        rc, out, err = run(exe, base, work)
        expect(rc == 2 and "compile_flags.txt' lists flags but no files" in err,
               "compile_flags.txt alone must be explained", err)
        # last, so that a missing validator skips no other check
        try:
            import jsonschema
        except ImportError:
            print("python3-jsonschema is not installed: the failure SARIF is not validated")
            return SKIP
        if not os.path.exists(schema_path):
            print("%s is absent: the failure SARIF is not validated" % schema_path)
            return SKIP
        jsonschema.validate(doc, json.load(open(schema_path)))
    print("ok: assembler, C++, --exclude, compile_flags.txt, relative directory, demoted "
          "errors, SARIF on exit 2, baselines, cache directories")
    return 0


def main():
    exe, root, case = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2]), sys.argv[3]
    try:
        if case == "fw":
            return case_fw(exe, root, os.path.abspath(sys.argv[4]))
        if case == "target":
            return case_target(exe, root, sys.argv[4])
        if case == "absent":
            return case_absent(exe, root)
        if case == "db":
            return case_db(exe, root, sys.argv[4])
    except Fail as e:
        print("FAIL: " + str(e))
        return 1
    print("unknown case " + case)
    return 2


if __name__ == "__main__":
    sys.exit(main())
