#!/usr/bin/env python3
"""diff-match-patch in word mode (its documented line-mode trick applied to words): each
word with its trailing spaces becomes one character, the characters are diffed, then
mapped back and cleaned up semantically. usage: dmp_words.py OLD NEW > diff"""

import re
import sys

from diff_match_patch import diff_match_patch

TOKEN = re.compile(r"\S+\s*|\s+")


def words_to_chars(a, b):
    table = {}
    words = [""]

    def encode(text):
        out = []
        for w in TOKEN.findall(text):
            if w not in table:
                table[w] = len(words)
                words.append(w)
            out.append(chr(table[w]))
        return "".join(out)

    return encode(a), encode(b), words


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        a = f.read()
    with open(sys.argv[2], encoding="utf-8") as f:
        b = f.read()
    dmp = diff_match_patch()
    dmp.Diff_Timeout = 0
    ca, cb, words = words_to_chars(a, b)
    diffs = dmp.diff_main(ca, cb, False)
    dmp.diff_charsToLines(diffs, words)
    dmp.diff_cleanupSemantic(diffs)
    out = sys.stdout
    for op, text in diffs:
        out.write({-1: "[-", 0: "", 1: "{+"}[op] + text + {-1: "-]", 0: "", 1: "+}"}[op])


if __name__ == "__main__":
    main()
