"""Glob targets and `--exclude` patterns, matched the way CI users write them.

Shells expand `data/*.jsonl` before guardrail sees it, but CI systems and the GitHub Action
often pass the pattern through unexpanded, so guardrail expands it itself. Patterns use
`fnmatch` rules on `/`-separated paths, plus `**` for any number of folders.
"""

from __future__ import annotations

import glob
import os
import re
from collections.abc import Iterable
from functools import cache
from pathlib import Path, PurePosixPath

_MAGIC = re.compile(r"[*?[]")


def is_pattern(target: str) -> bool:
    return bool(_MAGIC.search(target))


def expand(target: str) -> list[str]:
    """Local paths matching `target`, sorted; `[target]` itself when it is not a pattern.

    A target that exists as written is never expanded (a file may be called `a[1].jsonl`).
    """
    # os.path.exists: Path.exists raises on a folder without search permission.
    if not is_pattern(target) or os.path.exists(target):
        return [target]
    return sorted(glob.glob(target, recursive=True))


@cache
def _regex(pattern: str) -> re.Pattern[str]:
    out, i = [], 0
    while i < len(pattern):
        c = pattern[i]
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
            continue
        if pattern.startswith("**", i):
            out.append(".*")
            i += 2
            continue
        if c == "*":
            out.append("[^/]*")
        elif c == "?":
            out.append("[^/]")
        elif c == "[":
            end = pattern.find("]", i + 1)
            if end == -1:
                out.append(re.escape(c))
            else:
                body = pattern[i + 1 : end].replace("\\", "\\\\")
                out.append("[^" + body[1:] + "]" if body.startswith("!") else "[" + body + "]")
                i = end
        else:
            out.append(re.escape(c))
        i += 1
    return re.compile("".join(out) + r"\Z")


def excluded(path: str | Path, patterns: Iterable[str]) -> bool:
    """Whether `path`, or any run of its folders and name, matches one of `patterns`.

    `--exclude '*.csv'` drops `data/train.csv`; `--exclude 'data/raw/**'` drops everything
    below that folder; `--exclude raw` drops a folder called raw wherever it is.
    """
    parts = PurePosixPath(Path(path).as_posix()).parts
    runs = ["/".join(parts[i:j]) for i in range(len(parts)) for j in range(i + 1, len(parts) + 1)]
    return any(_regex(p.rstrip("/")).match(run) for p in patterns for run in runs)
