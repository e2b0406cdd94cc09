#!/usr/bin/env python3
"""The pre-commit hook, run by the real `pre-commit` in a temporary git
repository: a commit that adds a heap call to the interlock path is blocked,
a clean one goes through, and a commit that stages only a change to
.latch.yaml (a new root that allocates) is re-checked and blocked. The hook's settings are taken from the shipped
.pre-commit-hooks.yaml (as a `repo: local` hook, with `entry` pointing at the
built latch-check), so the manifest itself is what is tested. Offline."""
import json
import os
import shutil
import subprocess
import sys
import tempfile

CLEAN = """#include <latch/annotate.h>

static int limit = 100;

LATCH_INTERLOCK int guard_root(int p)
{
	return p > limit;
}
"""

WITH_DUMP = CLEAN + """
void dump_log(void)
{
	char *p = malloc(64);
	free(p);
}
"""
WITH_DUMP = "#include <stdlib.h>\n" + WITH_DUMP

BAD = """#include <stdlib.h>
#include <latch/annotate.h>

static int limit = 100;

LATCH_INTERLOCK int guard_root(int p)
{
	int *log = malloc(sizeof(int));
	free(log);
	return p > limit;
}
"""


def read_manifest(path):
    """The single hook of .pre-commit-hooks.yaml, read with a tiny parser for
    its flat `key: value` form (the stdlib has no YAML)."""
    hook = {}
    with open(path) as f:
        for line in f:
            line = line.split("#", 1)[0].rstrip()
            if not line.strip():
                continue
            line = line.lstrip("- ").strip() if line.startswith("- ") else line.strip()
            k, _, v = line.partition(":")
            hook[k.strip()] = v.strip()
    return hook


def git(repo, *args, check=True):
    return subprocess.run(["git"] + list(args), cwd=repo, capture_output=True, text=True,
                          check=check)


def main():
    exe, root = os.path.abspath(sys.argv[1]), os.path.abspath(sys.argv[2])
    if not shutil.which("pre-commit"):
        print("pre-commit is not installed (Debian package pre-commit)")
        return 77
    hook = read_manifest(os.path.join(root, ".pre-commit-hooks.yaml"))
    assert hook["language"] == "system" and hook["require_serial"] == "true", hook
    with tempfile.TemporaryDirectory(prefix="latch-pc-") as tmp:
        repo = os.path.join(tmp, "repo")
        os.makedirs(os.path.join(repo, "build"))
        env = dict(os.environ, PRE_COMMIT_HOME=os.path.join(tmp, "pc-home"),
                   GIT_CONFIG_NOSYSTEM="1", HOME=tmp)
        git(repo, "init", "-q")
        git(repo, "config", "user.name", "latch test")
        git(repo, "config", "user.email", "latch@example.invalid")
        with open(os.path.join(repo, "guard.c"), "w") as f:
            f.write(CLEAN)
        with open(os.path.join(repo, "build", "compile_commands.json"), "w") as f:
            json.dump([{"directory": repo, "file": "guard.c",
                        "command": "cc -std=c11 -I%s/runtime/include -c guard.c -o guard.o" % root}], f)
        with open(os.path.join(repo, ".gitignore"), "w") as f:
            f.write("build/\n")
        with open(os.path.join(repo, ".pre-commit-config.yaml"), "w") as f:
            f.write("repos:\n- repo: local\n  hooks:\n")
            f.write("  - id: %s\n    name: %s\n    entry: %s\n    args: %s\n    language: %s\n"
                    "    require_serial: %s\n    types_or: %s\n    files: %s\n    pass_filenames: %s\n"
                    % (hook["id"], hook["name"], exe, hook["args"], hook["language"],
                       hook["require_serial"], hook["types_or"], hook["files"],
                       hook["pass_filenames"]))
        subprocess.run(["pre-commit", "install"], cwd=repo, env=env, check=True,
                       capture_output=True)
        git(repo, "add", ".gitignore", ".pre-commit-config.yaml", "guard.c")
        good = subprocess.run(["git", "commit", "-q", "-m", "clean interlock"], cwd=repo, env=env,
                              capture_output=True, text=True)
        if good.returncode != 0:
            print("FAIL: the clean commit was blocked:\n" + good.stdout + good.stderr)
            return 1
        with open(os.path.join(repo, "guard.c"), "w") as f:
            f.write(BAD)
        git(repo, "add", "guard.c")
        bad = subprocess.run(["git", "commit", "-q", "-m", "log from the interlock"], cwd=repo,
                             env=env, capture_output=True, text=True)
        out = bad.stdout + bad.stderr
        if bad.returncode == 0:
            print("FAIL: the commit with a heap call in the interlock went through")
            return 1
        want = "guard.c:8:13: error: call to allocator 'malloc' in interlock path [heap-alloc]"
        if want not in out or "[heap-alloc]" not in out.split(want, 1)[1]:
            print("FAIL: expected the heap-alloc findings in the hook output:\n" + out)
            return 1
        head = git(repo, "rev-list", "--count", "HEAD").stdout.strip()
        if head != "1":
            print("FAIL: expected exactly one commit, found " + head)
            return 1
        # an allocating function nothing reaches: the commit goes through
        git(repo, "reset", "-q", "--hard", "HEAD")
        with open(os.path.join(repo, "guard.c"), "w") as f:
            f.write(WITH_DUMP)
        git(repo, "add", "guard.c")
        ok2 = subprocess.run(["git", "commit", "-q", "-m", "dump helper"], cwd=repo, env=env,
                             capture_output=True, text=True)
        if ok2.returncode != 0:
            print("FAIL: the commit of an unreachable helper was blocked:\n" + ok2.stdout +
                  ok2.stderr)
            return 1
        # only the rules file changes: dump_log becomes a root
        with open(os.path.join(repo, ".latch.yaml"), "w") as f:
            f.write("interlock_roots: [dump_log]\n")
        git(repo, "add", ".latch.yaml")
        staged = git(repo, "diff", "--cached", "--name-only").stdout.split()
        if staged != [".latch.yaml"]:
            print("FAIL: expected only .latch.yaml staged, got %s" % staged)
            return 1
        cfg = subprocess.run(["git", "commit", "-q", "-m", "dump_log is a root"], cwd=repo,
                             env=env, capture_output=True, text=True)
        out = cfg.stdout + cfg.stderr
        want = "guard.c:13:12: error: call to allocator 'malloc' in interlock path [heap-alloc]"
        if cfg.returncode == 0 or want not in out:
            print("FAIL: a commit of .latch.yaml alone was not re-checked (exit %d):\n%s"
                  % (cfg.returncode, out))
            return 1
        head = git(repo, "rev-list", "--count", "HEAD").stdout.strip()
        if head != "2":
            print("FAIL: expected two commits, found " + head)
            return 1
    print("ok: clean commit accepted, heap call in the interlock blocked, "
          ".latch.yaml change re-checked")
    return 0


if __name__ == "__main__":
    sys.exit(main())
