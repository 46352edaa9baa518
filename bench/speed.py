#!/usr/bin/env python3
"""Whole-process speed of `amend diff` against git's word diff, dwdiff and Python
diff-match-patch (word mode) on the inputs of gen.py, same inputs.

usage: speed.py AMEND_BINARY DATA_DIR [PYTHON_WITH_DIFF_MATCH_PATCH]
Prints a Markdown table and the ratios the acceptance criteria name.

Each tool runs SPEED_REPEAT times (default 5) per input, the tools in turn, and the table
gives the median: a single run of a few milliseconds varies by half its time on a shared
machine. A tool whose run takes over a second, or times out, runs once."""

import os
import shutil
import subprocess
import threading
import sys
import statistics
import time

TIMEOUT = int(os.environ.get("SPEED_TIMEOUT", "600"))
REPEAT = max(1, int(os.environ.get("SPEED_REPEAT", "5")))
SLOW = 1.0


def run(cmd):
    """The wall time of one run of `cmd`, or None when it ran out of time.

    The process is waited for with a blocking wait and killed by a timer: waiting with a
    timeout (`subprocess.run(timeout=...)`) polls with growing sleeps (0.5, 1, 2, 4 ms ...),
    which rounds a run of a few milliseconds up to the next poll, to as much as twice
    its time."""
    start = time.perf_counter()
    process = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    timer = threading.Timer(TIMEOUT, process.kill)
    timer.start()
    process.wait()
    elapsed = time.perf_counter() - start
    timer.cancel()
    return None if elapsed >= TIMEOUT else elapsed


def median(samples):
    """The median of the runs, or None when one timed out."""
    if any(t is None for t in samples):
        return None
    return statistics.median(samples)


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
            samples = {n: [] for n in names}
            for _ in range(REPEAT):
                for n in names:
                    done = samples[n]
                    if done and (done[-1] is None or done[-1] > SLOW):
                        continue
                    done.append(run(tools[n](a, b)))
            row = {n: median(samples[n]) for n in names}
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
