"""Spread a large full scan over the cores: files and byte ranges of line files, merged in order.

Each part is scanned by a worker process into its own `RecordScanner`; the parts come back
in data order and are merged with `RecordScanner.merge`, each shifted by the rows of the
parts of its file before it, so the report is the one a serial scan gives. Workers are
forked: they inherit the imported modules and the compiled prefilter.

A worker still costs about 0.1-0.2 CPU-seconds to warm up (fresh memory, the exact rules'
first compile), and one core scans a JSON-lines file at roughly 500-650 MB/s, so below a few
hundred MB a pool is slower than this process alone (measured: 227 MB of JSON lines, serial
0.35 s, two workers 0.56 s). Even alone, this process reads and sifts a line file on two
threads (`textchunks`), and pyarrow decodes parquet row groups on a thread pool
(`readers.parquet`), so parquet is not split over processes (on 682 MB of JSON lines, 2 cores,
threads alone took 0.87-1.53 s and the pool 1.17-1.21 s: about even).
"""

from __future__ import annotations

import itertools
import multiprocessing
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from typing import Any

from guardrail.readers.file_types import data_suffix
from guardrail.readers.parquet import workers
from guardrail.scan.progress import Progress
from guardrail.scan.scanner import RecordScanner

# Below this a pool costs more (fork, warm-up, pickled results) than the other cores save.
MIN_BYTES = 512 << 20
# A line file is cut into byte ranges only when each range is at least this big.
MIN_RANGE_BYTES = 128 << 20


@dataclass(frozen=True)
class Part:
    """A piece of a line file for one worker: bytes `[start, stop)`, cut at line starts."""

    start: int
    stop: int


@dataclass(frozen=True)
class PartResult:
    """What reading (part of) a file leaves for the file's closing checks."""

    rows: int  # rows numbered in this part (later parts' rows are shifted by it)
    scanned: int  # rows scanned, raw lines included
    malformed: int = 0
    first_malformed: tuple[int | None, str] | None = None
    failed: bool = False


# `f` below is a `file_scan.DataFile` (path, display, compression); this module sits under it.
Unit = tuple[int, Any, Part | None]
Work = Callable[[Any, Part | None], tuple[RecordScanner, PartResult]]
Finish = Callable[..., None]


def _line_ranges(f: Any, n: int, splittable: Callable[[Any], bool]) -> list[Part] | None:
    """`n` byte ranges of an uncompressed JSON-lines or text file, cut after line ends."""
    if f.compression or data_suffix(f.path) not in (".jsonl", ".json", ".txt"):
        return None
    size = f.path.stat().st_size
    n = min(n, size // MIN_RANGE_BYTES)
    if n < 2 or not splittable(f):
        return None
    cuts = [0]
    with open(f.path, "rb") as fh:
        for k in range(1, n):
            fh.seek(max(size * k // n, cuts[-1]))
            fh.readline()  # to the start of the next line
            cuts.append(min(fh.tell(), size))
    cuts.append(size)
    parts = [Part(a, b) for a, b in itertools.pairwise(cuts) if b > a]
    return parts if len(parts) > 1 else None


def plan(files: Sequence[Any], n: int, splittable: Callable[[Any], bool]) -> list[Unit]:
    """Units of work in data order: (file index, file, part or None for the whole file)."""
    units: list[Unit] = []
    for i, f in enumerate(files):
        try:
            parts = _line_ranges(f, n, splittable)
        except Exception:  # whatever it is, the whole-file reader reports it with the file's name
            parts = None
        units.extend((i, f, p) for p in parts) if parts else units.append((i, f, None))
    return units


_WORK: Work | None = None


def _run(unit: Unit) -> tuple[RecordScanner, PartResult]:
    assert _WORK is not None  # set before the fork
    return _WORK(unit[1], unit[2])


def scan(
    files: Sequence[Any],
    scanner: RecordScanner,
    bar: Progress,
    *,
    work: Work,
    finish: Finish,
    splittable: Callable[[Any], bool],
) -> bool:
    """Scan `files` fully in a pool into `scanner`; False (nothing done) when a pool would not pay.

    Args:
        files: The data files, in data order.
        scanner: Where the parts are merged.
        bar: Progress, updated as parts finish.
        work: Scans one part of a file into a new scanner (runs in a worker).
        finish: The per-file closing checks, `finish(f, scanner, results, scanned, sampled=False)`.
        splittable: Whether a line file may be cut into byte ranges.
    """
    global _WORK
    n = workers()
    total = sum(f.estimated_bytes for f in files)
    if n < 2 or total < MIN_BYTES or not sys.platform.startswith("linux"):
        return False
    units = plan(files, n, splittable)
    if len(units) < 2:
        return False
    _WORK = work  # the forked workers inherit it
    results: dict[int, list[tuple[PartResult, RecordScanner]]] = {}
    ctx = multiprocessing.get_context("fork")
    with ProcessPoolExecutor(max_workers=min(n, len(units)), mp_context=ctx) as pool:
        for unit, (part_scanner, result) in zip(units, pool.map(_run, units), strict=True):
            results.setdefault(unit[0], []).append((result, part_scanner))
            bar.update(result.scanned)
    for i, f in enumerate(files):
        rows_before, scanned = 0, 0
        for result, part_scanner in results.get(i, []):
            scanner.merge(part_scanner, row_offsets={f.display: rows_before})
            rows_before += result.rows
            scanned += result.scanned
        finish(f, scanner, [r for r, _ in results.get(i, [])], scanned, sampled=False)
    return True
