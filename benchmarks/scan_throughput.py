"""Record-scan throughput: guardrail's Arrow/RE2 scanner against a naive per-row `re` loop.

Generates a synthetic corpus (default ~200 MB of article-like text with rare planted X
markers, some disguised), scans it with `RecordScanner` and with a plain Python loop over
the same rule patterns, checks that both count the same matching rows per rule, and prints
MB/s, rows/s, peak memory and the speed ratio. Single-threaded on both sides.

    python benchmarks/scan_throughput.py [--mb 200] [--naive-mb 20] [--seed 0] [--parquet]

The naive loop is ~100x slower, so it runs on the first `--naive-mb` of the corpus (the
whole corpus with `--naive-mb 0`); guardrail scans that same slice again for the row check.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pyarrow as pa

_PROSE = (
    "the of and to in a is that for it as was with be by on not he this are or his from at which but have "
    "an they you were her she there would their we him been has when who will more no if out so said what "
    "up its about into than them can only other new some could time these two may then do first any my now "
    "such like our over man me even most made after also did many before must through back years where much "
    "your way well down should because each just those people how too little state good very make world "
    "council minister reported market season players government company election weather police"
)
WORDS = _PROSE.split()

PLANTS = (
    "new post https://t.co/{id} so good",
    "RT @user_{n}: this is going around https://twitter.com/user_{n}/status/1{n:018d}",
    "@USER i cannot believe this happened lol",
    "read it at mobile.twitter.com/someone/status/1{n:018d} before it is gone",
    "disguised link twitter[.]com/a_b/status/1{n:018d} here",
    "zero width x\u200b.com/handle/status/1{n:018d} there",
    "{long} pic.twitter.com/{id} — Reporter (@reporter) June 2, 2014 {long}",
)


def corpus(target_mb: int, seed: int) -> tuple[pa.Table, int]:
    rng = np.random.default_rng(seed)
    words = np.array(WORDS)
    pool = [" ".join(words[rng.integers(0, len(words), rng.integers(30, 300))]) for _ in range(4000)]
    n_rows = int(target_mb * 1e6 / np.mean([len(p) for p in pool]))
    picks = rng.integers(0, len(pool), n_rows)
    rows = [pool[i] for i in picks]
    planted = 0
    for i in range(0, n_rows, 5_000):  # about one planted row in 5,000
        j = int(rng.integers(i, min(n_rows, i + 5_000)))
        template = PLANTS[planted % len(PLANTS)]
        rows[j] = template.format(id=f"Ab{j:06d}", n=j, long=pool[picks[j]])
        planted += 1
    return pa.table({"text": pa.array(rows, pa.large_string())}), planted


def guardrail_counts(table: pa.Table) -> tuple[dict[str, int], float]:
    from guardrail.scan.scanner import RecordScanner

    scanner = RecordScanner()
    start = time.perf_counter()
    offset = 0
    for batch in table.to_batches(max_chunksize=50_000):
        scanner.scan_batch(batch, split="train", row_offset=offset)
        offset += batch.num_rows
    elapsed = time.perf_counter() - start
    return {key: t.matched for (key, _), t in scanner._tallies.items()}, elapsed


def _python_pattern(source: str) -> re.Pattern[str]:
    return re.compile(
        re.sub(r"\\x\{([0-9A-Fa-f]+)\}", lambda m: chr(int(m.group(1), 16)), source), re.IGNORECASE
    )


def naive_counts(table: pa.Table) -> tuple[dict[str, int], float]:
    """What one would write without Arrow: for each row, normalise and try each rule."""
    from guardrail.detectors.records import VALUE_SIGNALS
    from guardrail.scan.normalise import _REPLACEMENTS

    signals = [(s, _python_pattern(s.pattern)) for s in VALUE_SIGNALS if not s.provenance_only]
    replacements = [(_python_pattern(p), r) for p, r in _REPLACEMENTS]
    counts: dict[str, int] = {}
    start = time.perf_counter()
    for value in table.column("text").to_pylist():
        for pattern, replacement in replacements:
            value = pattern.sub(replacement, value)
        hit: dict[str, bool] = {}
        for signal, pattern in signals:
            ok = pattern.search(value) is not None and not any(hit.get(o) for o in signal.excludes)
            if ok and signal.refine is not None:
                ok = signal.refine([value])[0] > 0
            hit[signal.key] = ok
            if ok:
                counts[signal.key] = counts.get(signal.key, 0) + 1
    return counts, time.perf_counter() - start


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mb", type=int, default=200, help="corpus size in MB (default 200)")
    ap.add_argument("--naive-mb", type=int, default=20, help="MB the naive loop scans (0: all)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--parquet", action="store_true", help="also time reading + scanning a parquet file")
    args = ap.parse_args()

    table, planted = corpus(args.mb, args.seed)
    mb = table.column("text").nbytes / 1e6
    rows = table.num_rows
    print(f"corpus: {mb:,.0f} MB, {rows:,} rows, {planted} planted rows")

    pool = pa.default_memory_pool()
    base_arrow = pool.bytes_allocated()
    ours, t_ours = guardrail_counts(table)
    arrow_peak = (pool.max_memory() or 0) - base_arrow
    # Best of three: the machine is shared, and the first run also compiles the patterns.
    t_ours = min(t_ours, *(guardrail_counts(table)[1] for _ in range(2)))
    print(f"guardrail: {t_ours:.2f} s  {mb / t_ours:,.0f} MB/s  {rows / t_ours:,.0f} rows/s (best of 3)")

    part = table
    if args.naive_mb and args.naive_mb < mb:
        part = table.slice(0, int(rows * args.naive_mb / mb))
    part_mb = part.column("text").nbytes / 1e6
    theirs, t_naive = naive_counts(part)
    naive_rate = part_mb / t_naive
    print(
        f"naive re:  {t_naive:.2f} s on {part_mb:,.0f} MB  {naive_rate:,.1f} MB/s  {part.num_rows / t_naive:,.0f} rows/s"
    )
    ours_part = ours if part is table else guardrail_counts(part)[0]

    if args.parquet:
        import pyarrow.parquet as pq

        from guardrail.config import GuardrailConfig
        from guardrail.readers.file_scan import DataFile, scan_files

        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "corpus.parquet"
            pq.write_table(table, path, row_group_size=50_000)
            config = GuardrailConfig(full_scan_max_bytes=1 << 40)
            start = time.perf_counter()
            scan_files([DataFile(path, path.name)], config, target=path.name)
            t_file = time.perf_counter() - start
            print(f"parquet file end to end: {t_file:.2f} s  {mb / t_file:,.0f} MB/s")

    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"peak memory: Arrow pool during scan +{arrow_peak / 1e6:,.0f} MB; process max RSS {rss_mb:,.0f} MB"
    )
    print(f"ratio: {(mb / t_ours) / naive_rate:.1f}x the naive loop's MB/s")
    same = ours_part == theirs
    print(f"whole corpus, rows per rule: {sorted(ours.items())}")
    print(f"same rows per rule on the naive slice: {'yes' if same else 'NO'}  {sorted(ours_part.items())}")
    if not same:
        print(f"                                      naive={sorted(theirs.items())}")
    return 0 if same else 1


if __name__ == "__main__":
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    pa.set_cpu_count(1)
    sys.exit(main())
