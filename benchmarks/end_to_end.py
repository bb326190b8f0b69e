"""End-to-end scan rates against the decode floor, side by side in one run.

Generates one corpus (default ~220 MB of article-like text, about 0.1% of rows with an X
link, some disguised), writes it as JSON lines and as snappy parquet (row groups of 50k
rows), plus a 20 MB copy of each, and times on the same files:
- `guardrail check FILE` (the CLI, start to exit): the marginal rate (220 MB - 20 MB) / (t_big - t_small),
  so interpreter start-up and pattern compilation cancel out; and its peak RSS on both sizes;
- pyarrow's own decode of the same files, in this process (`pq.read_table`, `pyarrow.json.read_json`,
  threads on): the decode floor; and the same decode as the first thing a new process does
  (marginal, big minus small), which pays for cold memory as the CLI always does;
- the naive user loop (`json.loads` per line, one lower-cased `re` alternation) on the 20 MB copy;
- `grep -E` with that alternation over the raw JSON lines;
- the card path: every dev card in one call, and one card start to exit.

The package is byte-compiled first, as installing it does, so start-up is not a recompile.

Each figure is the median of `--runs` runs (default 3) with its range; ratios are per run.
Within a run each CLI file is checked `--repeat` times (default 3) and the fastest counts, so
start-up jitter does not swamp the marginal rate.

    python benchmarks/end_to_end.py [--mb 220] [--small-mb 20] [--runs 3] [--repeat 3] [--keep DIR]
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# `../shared` beside the main checkout; a worktree sits one level deeper.
CARDS = next(
    (
        p / "shared" / "eval" / "dev-corpus"
        for p in (ROOT.parent, ROOT.parent.parent)
        if (p / "shared").is_dir()
    ),
    ROOT.parent / "shared" / "eval" / "dev-corpus",
)
GUARDRAIL = [sys.executable, "-m", "guardrail"]
# What a user would write to find X links: one alternation, lower-cased text.
NAIVE = r"twitter\.com|x\.com/|t\.co/|pic\.twitter|rt @|twimg\.com"

_PROSE = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "it",
    "as",
    "was",
    "with",
    "be",
    "by",
    "on",
    "not",
    "he",
    "this",
    "are",
    "or",
    "his",
    "from",
    "at",
    "which",
    "but",
    "have",
    "an",
    "they",
    "you",
    "were",
    "her",
    "she",
    "there",
    "would",
    "their",
    "we",
    "him",
    "been",
    "has",
    "when",
    "who",
    "will",
    "more",
    "no",
    "if",
    "out",
    "so",
    "said",
    "what",
    "up",
    "its",
    "about",
    "into",
    "than",
    "them",
    "can",
    "only",
    "other",
    "new",
    "some",
    "could",
    "time",
    "these",
    "two",
    "may",
    "then",
    "do",
    "first",
    "any",
    "my",
    "now",
    "council",
    "minister",
    "reported",
    "market",
    "season",
    "players",
    "government",
    "company",
    "election",
    "weather",
    "police",
]
PLANTS = (
    "new post https://t.co/{id} so good",
    "RT @user_{n}: this is going around https://twitter.com/user_{n}/status/1{n:018d}",
    "read it at mobile.twitter.com/someone/status/1{n:018d} before it is gone",
    "disguised link twitter[.]com/a_b/status/1{n:018d} here",
    "{long} pic.twitter.com/{id} — Reporter (@reporter) June 2, 2014 {long}",
)


def corpus(target_mb: int, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    words = np.array(_PROSE)
    pool = [" ".join(words[rng.integers(0, len(words), rng.integers(30, 300))]) for _ in range(4000)]
    n = int(target_mb * 1e6 / (np.mean([len(p) for p in pool]) + 40))
    picks = rng.integers(0, len(pool), n)
    rows = [pool[i] for i in picks]
    for k, j in enumerate(range(0, n, 1000)):  # one row in 1,000
        j = int(rng.integers(j, min(n, j + 1000)))
        rows[j] = PLANTS[k % len(PLANTS)].format(id=f"Ab{j:06d}", n=j, long=pool[picks[j]])
    return pa.table(
        {
            "id": pa.array(np.arange(n), pa.int32()),
            "text": pa.array(rows, pa.large_string()),
            "score": pa.array(rng.random(n)),
            "label": pa.array(rng.integers(0, 5, n), pa.int8()),
        }
    )


def write(table: pa.Table, folder: Path, stem: str) -> tuple[Path, Path]:
    import pyarrow.parquet as pq

    jsonl = folder / f"{stem}.jsonl"
    with jsonl.open("w", encoding="utf-8") as out:
        for row in table.to_pylist():
            out.write(json.dumps(row, ensure_ascii=False) + "\n")
    parquet = folder / f"{stem}.parquet"
    pq.write_table(table, parquet, row_group_size=50_000, compression="snappy")
    return jsonl, parquet


# A fresh, small interpreter runs the CLI, so the peak RSS it reports for its children is the
# CLI's (and its pool workers'), not this process's (a forked child starts with the parent's).
_WRAPPER = """
import json, resource, subprocess, sys, time
start = time.perf_counter()
out = subprocess.run(sys.argv[1:], capture_output=True).stdout
wall = time.perf_counter() - start
r = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall": wall, "cpu": r.ru_utime + r.ru_stime, "rss": r.ru_maxrss / 1024, "out": out.decode()}))
"""


@dataclass(frozen=True)
class Run:
    wall: float  # seconds, start to exit
    cpu: float  # user + system seconds of the CLI and its workers
    rss: float  # MB, the largest process
    report: dict[str, object]


def run_cli(args: list[str], cwd: Path) -> Run:
    # --no-cache: every run must scan; a cached result would time a file hash, not the scan.
    cmd = [sys.executable, "-c", _WRAPPER, *GUARDRAIL, "check", "--no-cache", "--format", "json", *args]
    got = json.loads(subprocess.run(cmd, cwd=cwd, capture_output=True, check=True).stdout)
    out = got["out"]
    return Run(got["wall"], got["cpu"], got["rss"], json.loads(out) if out.strip() else {})


_FRESH = """
import sys, time
import pyarrow.json as paj, pyarrow.parquet as pq
start = time.perf_counter()
(pq.read_table if sys.argv[1].endswith(".parquet") else paj.read_json)(sys.argv[1])
print(time.perf_counter() - start)
"""


def fresh_decode(path: Path) -> float:
    """Seconds pyarrow takes to decode `path` in a new process (imports not counted): cold memory,
    as the CLI always has it."""
    out = subprocess.run([sys.executable, "-c", _FRESH, str(path)], capture_output=True, check=True).stdout
    return float(out)


def cpu_self() -> float:
    r = resource.getrusage(resource.RUSAGE_SELF)
    c = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime + c.ru_utime + c.ru_stime


def measured(fn: Callable[[], object]) -> tuple[float, float]:
    """Wall and CPU seconds (this process's threads and children) of `fn()`."""
    c, start = cpu_self(), time.perf_counter()
    fn()
    return time.perf_counter() - start, cpu_self() - c


def naive(path: Path) -> int:
    pattern = re.compile(NAIVE)
    hits = 0
    with path.open(encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            if any(isinstance(v, str) and pattern.search(v.lower()) for v in record.values()):
                hits += 1
    return hits


def engine_of(report: dict[str, object]) -> str:
    for target in report.get("targets", []):  # type: ignore[union-attr]
        scan = target.get("scan") or {}
        if scan.get("engine"):
            return str(scan["engine"])
    return "?"


def spread(values: list[float], digits: int = 0) -> str:
    if all(v != v for v in values):  # NaN: not measured
        return f"{'-':>8}"
    return f"{statistics.median(values):8.{digits}f}  ({min(values):.{digits}f}–{max(values):.{digits}f})"


def generate(folder: Path, mb: int, small_mb: int, seed: int) -> None:
    """Write big/small JSONL and parquet (run in a child process: the table is large)."""
    table = corpus(mb, seed)
    write(table, folder, "big")
    write(table.slice(0, int(table.num_rows * small_mb / mb)), folder, "small")
    (folder / "sizes.json").write_text(json.dumps({"rows": table.num_rows, "text_mb": table.nbytes / 1e6}))


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=220)
    ap.add_argument("--small-mb", type=int, default=20)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--repeat", type=int, default=3, help="CLI runs per file and run; the fastest counts")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--keep", type=Path, help="write the data here and keep it (default: a temp dir)")
    ap.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.generate:
        generate(args.generate, args.mb, args.small_mb, args.seed)
        return 0

    import pyarrow.json as paj
    import pyarrow.parquet as pq

    # Byte-compile guardrail first, as installing a wheel does: with PYTHONDONTWRITEBYTECODE
    # set (as in some CI shells) every CLI run would otherwise recompile each module it imports.
    compileall.compile_dir(str(ROOT / "guardrail"), quiet=1)
    folder = args.keep or Path(tempfile.mkdtemp(prefix="guardrail-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    names = [folder / n for n in ("big.jsonl", "big.parquet", "small.jsonl", "small.parquet")]
    if not all(p.exists() for p in names):
        gen = [sys.executable, __file__, "--generate", str(folder), "--mb", str(args.mb)]
        subprocess.run([*gen, "--small-mb", str(args.small_mb), "--seed", str(args.seed)], check=True)
    big_j, big_p, small_j, small_p = names
    (folder / "guardrail.toml").write_text(f"[tool.guardrail]\nfull-scan-max-bytes = {1 << 40}\n")
    size = {p: p.stat().st_size / 1e6 for p in names}
    info = json.loads((folder / "sizes.json").read_text())
    # Parquet rates are over the decoded text size (what pq.read_table returns) for both the CLI
    # and pyarrow; JSONL rates over the file size. Ratios compare like with like.
    text_big = info["text_mb"]
    text_small = pq.read_metadata(small_p).num_rows / pq.read_metadata(big_p).num_rows * text_big
    print(
        f"data: {info['rows']:,} rows; JSONL {size[big_j]:,.0f} MB (+{size[small_j]:,.0f} MB copy), parquet "
        f"{size[big_p]:,.0f} MB on disk, {text_big:,.0f} MB decoded; cores {os.cpu_count()}; "
        f"load average {os.getloadavg()[0]:.1f}"
    )
    keys = (
        "cli_jsonl",
        "cli_parquet",
        "pa_json",
        "pa_parquet",
        "naive",
        "grep",
        "fresh_json",
        "fresh_parquet",
    )
    wall: dict[str, list[float]] = {k: [] for k in keys}
    cpu: dict[str, list[float]] = {k: [] for k in keys}
    rss: dict[str, list[float]] = {}
    engine = "?"
    config = ["--config", str(folder / "guardrail.toml")]
    grep = shutil.which("grep") or "grep"
    for run in range(args.runs):
        got: dict[str, Run] = {}
        # The marginal rate divides by t_big - t_small, a few tenths of a second against a
        # start-up of about a second whose jitter is of the same order: each size is run
        # `--repeat` times, interleaved, and the fastest of each is kept.
        for _ in range(args.repeat):
            for path in (small_j, big_j, small_p, big_p):
                r = run_cli([*config, path.name], folder)
                if path.name not in got or r.wall < got[path.name].wall:
                    got[path.name] = r
                engine = engine_of(r.report)
        for path in (small_j, big_j, small_p, big_p):
            rss.setdefault(path.name, []).append(got[path.name].rss)
        json_mb = size[big_j] - size[small_j]
        for key, big, small, mb in (
            ("cli_jsonl", "big.jsonl", "small.jsonl", json_mb),
            ("cli_parquet", "big.parquet", "small.parquet", text_big - text_small),
        ):
            wall[key].append(mb / (got[big].wall - got[small].wall))
            cpu[key].append(mb / max(got[big].cpu - got[small].cpu, 1e-3))
        for key, big, small, mb in (
            ("fresh_json", big_j, small_j, json_mb),
            ("fresh_parquet", big_p, small_p, text_big - text_small),
        ):
            rate = mb / (
                min(fresh_decode(big) for _ in range(args.repeat))
                - min(fresh_decode(small) for _ in range(args.repeat))
            )
            wall[key].append(rate)
            cpu[key].append(float("nan"))
        for key, fn, mb in (
            ("pa_json", lambda: paj.read_json(big_j), size[big_j]),
            ("pa_parquet", lambda: pq.read_table(big_p), text_big),
            ("naive", lambda: naive(small_j), size[small_j]),
            (
                "grep",
                lambda: subprocess.run([grep, "-E", "-i", "-c", NAIVE, str(big_j)], capture_output=True),
                size[big_j],
            ),
        ):
            w, c = min(measured(fn) for _ in range(args.repeat))  # the same best-of as the CLI
            wall[key].append(mb / w)
            cpu[key].append(mb / c)
        print(
            f"run {run + 1}: MB/s wall (per CPU-second): CLI JSONL {wall['cli_jsonl'][-1]:,.0f} "
            f"({cpu['cli_jsonl'][-1]:,.0f}), parquet {wall['cli_parquet'][-1]:,.0f} ({cpu['cli_parquet'][-1]:,.0f}); "
            f"pyarrow JSON {wall['pa_json'][-1]:,.0f} ({cpu['pa_json'][-1]:,.0f}), parquet {wall['pa_parquet'][-1]:,.0f} "
            f"({cpu['pa_parquet'][-1]:,.0f}); naive {wall['naive'][-1]:,.1f}; grep -E {wall['grep'][-1]:,.0f} "
            f"({cpu['grep'][-1]:,.0f}); load {os.getloadavg()[0]:.1f}"
        )

    print(f"\nengine: {engine}; MB/s, median (range) over {args.runs} runs; wall clock | per CPU-second")
    for key, label in (
        ("cli_jsonl", "guardrail check, JSONL (marginal)"),
        ("cli_parquet", "guardrail check, parquet (marginal)"),
        ("pa_json", "pyarrow read_json (parse only)"),
        ("pa_parquet", "pyarrow read_table (decode floor)"),
        ("fresh_json", "pyarrow read_json, new process (marg.)"),
        ("fresh_parquet", "pyarrow read_table, new process (marg.)"),
        ("naive", "naive json.loads + re loop"),
        ("grep", "grep -E -i on raw JSONL"),
    ):
        print(f"  {label:38s} {spread(wall[key])} | {spread(cpu[key])}")

    def ratio(num: str, den: str, target: float, what: str, wall_only: bool = False) -> None:
        for name, rates in (("wall", wall), ("cpu", cpu))[: 1 if wall_only else 2]:
            vals = [a / b for a, b in zip(rates[num], rates[den], strict=True)]
            ok = "yes" if statistics.median(vals) >= target else "NO"
            print(f"  {what:34s} {name:4s} {spread(vals, 2)}x  target >= {target}: {ok}")

    print("ratios (each from one run; median (range)):")
    ratio("cli_parquet", "pa_parquet", 0.8, "parquet CLI / pyarrow decode")
    ratio("cli_parquet", "fresh_parquet", 0.8, "parquet CLI / decode in a new process", wall_only=True)
    ratio("cli_jsonl", "pa_json", 2.0, "JSONL CLI / pyarrow JSON parse")
    ratio("cli_jsonl", "fresh_json", 2.0, "JSONL CLI / JSON parse in a new process", wall_only=True)
    ratio("cli_jsonl", "naive", 30.0, "JSONL CLI / naive loop")
    ratio("cli_jsonl", "grep", 1.0, "JSONL CLI / grep -E")
    print("peak RSS of the CLI, MB (largest process, median):")
    for name in ("small.jsonl", "big.jsonl", "small.parquet", "big.parquet"):
        print(f"  {name:14s} {statistics.median(rss[name]):6.0f}")

    cards = sorted(CARDS.glob("*/README.md"))
    if cards:
        many = [run_cli([str(c) for c in cards], ROOT).wall for _ in range(args.runs)]
        one = [run_cli([str(cards[0])], ROOT).wall for _ in range(max(args.runs, 5))]
        print(f"cards: all {len(cards)} dev cards in one call {spread(many, 2)} s")
        print(f"       one card, start to exit    {spread(one, 3)} s  (target < 0.3 s)")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (on {os.cpu_count()} cores)")
    if not args.keep:
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
