#!/usr/bin/env python3
"""Whole-process speed of `amend diff` against git's word diff, dwdiff and Python
diff-match-patch (word mode) on the inputs of gen.py: one run each, same inputs.

usage: speed.py AMEND_BINARY DATA_DIR [PYTHON_WITH_DIFF_MATCH_PATCH]
Prints a Markdown table and the ratios the acceptance criteria name."""

import os
import shutil
import subprocess
import sys
import time

TIMEOUT = int(os.environ.get("SPEED_TIMEOUT", "600"))


def run(cmd):
    start = time.perf_counter()
    try:
        subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                       timeout=TIMEOUT, check=False)
    except subprocess.TimeoutExpired:
        return None
    return time.perf_counter() - start


def main():
    amend, data = sys.argv[1], sys.argv[2]
    python = sys.argv[3] if len(sys.argv) > 3 else sys.executable
    here = os.path.dirname(os.path.abspath(__file__))
    tools = {
        "amend": lambda a, b: [amend, "diff", a, b, "--to", "md"],
        "git": lambda a, b: ["git", "diff", "--no-index", "--word-diff=porcelain", a, b],
    }
    if shutil.which("dwdiff"):
        tools["dwdiff"] = lambda a, b: ["dwdiff", a, b]
    tools["diff-match-patch"] = lambda a, b: [python, os.path.join(here, "dmp_words.py"), a, b]
    names = list(tools)
    print("| input | " + " | ".join(f"{n} (s)" for n in names) + " | git / amend |")
    print("|---" * (len(names) + 2) + "|")
    times = {}
    for size in ["15k", "1m", "10m"]:
        for rate in ["1", "10"]:
            a = os.path.join(data, f"{size}-{rate}.old.txt")
            b = os.path.join(data, f"{size}-{rate}.new.txt")
            row = {}
            for n in names:
                row[n] = run(tools[n](a, b))
            times[(size, rate)] = row
            fmt = lambda t: f">{TIMEOUT}" if t is None else f"{t:.3f}"
            ratio = (row["git"] / row["amend"]) if row["amend"] and row["git"] else float("nan")
            print(f"| {size} {rate}% edits | " + " | ".join(fmt(row[n]) for n in names)
                  + f" | {ratio:.2f} |", flush=True)
    for rate in ["1", "10"]:
        t1 = times[("1m", rate)]["amend"]
        t10 = times[("10m", rate)]["amend"]
        print(f"amend t(10 MB)/t(1 MB) at {rate}% edits: {t10 / t1:.1f}")


if __name__ == "__main__":
    main()
