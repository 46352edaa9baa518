#!/usr/bin/env python3
"""Generates the inputs of the speed comparison (bench/speed.py) from real resolution text.

The source is the reconstructed text of WTSA Resolution 75 (Rev. Dubai, 2012) in
crates/diff/tests/data. A document of the wanted size is a collection of resolutions
numbered 1, 2, ...: each is the source with 5% of its words replaced by other words of
the source (so no two are the same). The new version of a document has a given share of
its words edited (a third replaced, a third deleted, a third inserted) and, per
resolution, one item moved with probability 0.3. Deterministic (fixed seed).

usage: gen.py OUT_DIR   writes {15k,1m,10m}-{1,10}.{old,new}.txt
"""

import os
import random
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "..", "crates", "diff", "tests", "data",
                      "res75-dubai-2012.reconstructed.txt")
SIZES = {"15k": 15_000, "1m": 1_000_000, "10m": 10_000_000}
RATES = {"1": 0.01, "10": 0.10}
WORD = re.compile(r"[A-Za-z]{3,}")


def vary(text, vocab, share, rng):
    """Replaces `share` of the words of `text` by random words of `vocab`."""
    return WORD.sub(lambda m: rng.choice(vocab) if rng.random() < share else m.group(0), text)


def document(lines, vocab, size, rng):
    out = []
    total = 0
    number = 0
    while total < size:
        number += 1
        res = list(lines)
        res[0] = re.sub(r"RESOLUTION 75", f"RESOLUTION {number}", res[0])
        body = [vary(l, vocab, 0.05, rng) if i > 0 else l for i, l in enumerate(res)]
        text = "\n".join(body) + "\n"
        out.append(text)
        total += len(text.encode("utf-8"))
    return out


def edit(resolution, vocab, rate, rng):
    lines = resolution.split("\n")
    # Move one labelled item within its resolution, sometimes.
    items = [i for i, l in enumerate(lines) if re.match(r"^\s*[a-z]{1,4}\)\s", l)]
    if len(items) > 2 and rng.random() < 0.3:
        a, b = rng.sample(items, 2)
        lines.insert(b, lines.pop(a))
    out = []
    for i, line in enumerate(lines):
        if i == 0:  # keep the title line, which pairs the resolutions
            out.append(line)
            continue
        words = line.split(" ")
        new = []
        for w in words:
            r = rng.random()
            if r < rate / 3:
                new.append(rng.choice(vocab))
            elif r < 2 * rate / 3:
                continue
            elif r < rate:
                new.append(w)
                new.append(rng.choice(vocab))
            else:
                new.append(w)
        out.append(" ".join(new))
    return "\n".join(out)


def main():
    out_dir = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "data")
    os.makedirs(out_dir, exist_ok=True)
    with open(SOURCE, encoding="utf-8") as f:
        source = f.read()
    lines = source.rstrip("\n").split("\n")
    vocab = sorted(set(WORD.findall(source)))
    for size_name, size in SIZES.items():
        rng = random.Random(size)
        old = document(lines, vocab, size, rng)
        for rate_name, rate in RATES.items():
            rng_edit = random.Random(size * 100 + int(rate * 100))
            new = [edit(r, vocab, rate, rng_edit) for r in old]
            base = os.path.join(out_dir, f"{size_name}-{rate_name}")
            with open(base + ".old.txt", "w", encoding="utf-8") as f:
                f.write("".join(old))
            with open(base + ".new.txt", "w", encoding="utf-8") as f:
                f.write("".join(new))
            print(f"{base}.{{old,new}}.txt: {sum(len(r) for r in old)} bytes, {rate:.0%} edits")


if __name__ == "__main__":
    main()
