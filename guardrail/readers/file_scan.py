"""Scan data files into one evidence: choose full or sampled reading, open compressed
files, pick the reader by format, and turn unreadable files into problems naming them.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import random
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from guardrail.config import GuardrailConfig
from guardrail.detectors.records import unreadable_input
from guardrail.findings import Evidence, Location, Problem
from guardrail.readers import format_readers as rd
from guardrail.readers.file_types import DATA_SUFFIXES, data_suffix
from guardrail.readers.line_numbers import row_lines
from guardrail.readers.textchunks import Chunk, chunks, sampled_blocks
from guardrail.scan.progress import Progress
from guardrail.scan.scanner import RecordScanner

# Compressed text is about this many times smaller than the records it holds.
COMPRESSION_RATIO = 4


@dataclass(frozen=True)
class DataFile:
    """One data file of a target, with the split and config `load_dataset` gives it."""

    path: Path
    display: str
    split: str | None = None
    config: str | None = None

    @property
    def compression(self) -> str | None:
        last = self.path.suffix.lower()
        return last if data_suffix(self.path) and last not in DATA_SUFFIXES else None

    @property
    def estimated_bytes(self) -> int:
        size = self.path.stat().st_size
        return size * COMPRESSION_RATIO if self.compression else size


def _open(f: DataFile) -> BinaryIO:
    path, kind = str(f.path), f.compression
    if kind == ".gz":
        return gzip.open(path, "rb")  # type: ignore[return-value]
    if kind == ".bz2":
        return bz2.open(path, "rb")  # type: ignore[return-value]
    if kind == ".xz":
        return lzma.open(path, "rb")  # type: ignore[return-value]
    if kind in (".zst", ".lz4"):
        return pa.input_stream(path, compression="zstd" if kind == ".zst" else "lz4")
    if kind == ".zip":
        with zipfile.ZipFile(path) as archive:  # the member stays readable after the archive closes
            names = [n for n in archive.namelist() if not n.endswith("/")]
            if len(names) != 1:
                # Reading only the first member would pass the others unread.
                raise OSError(
                    f"zip archive holds {len(names)} files; only single-file archives can be read"
                    + (f" ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})" if names else "")
                )
            return archive.open(names[0])  # type: ignore[return-value]
    return open(path, "rb")


def _json_is_document(f: BinaryIO) -> bool:
    head = f.read(1 << 16)
    f.seek(0)
    text = head.lstrip()
    if text.startswith(b"["):
        return True
    first = text.split(b"\n", 1)[0]
    return text.startswith(b"{") and not first.rstrip().endswith(b"}")


def _bernoulli(stream: Iterator[Chunk], keep: float, seed: str) -> Iterator[Chunk]:
    # The first chunk is always kept, with its line numbers: it holds a CSV header, and a
    # sample must never come back empty (that would read as an empty file) however small
    # the budget is against the 1 MB chunks of a compressed stream.
    rng = random.Random(seed)
    first = next(stream, None)
    if first is None:
        return
    yield first
    for chunk in stream:
        if rng.random() < keep:
            yield Chunk(chunk.data, None, chunk.bad_utf8_line)


def _batches(f: DataFile, fh: BinaryIO, rep: rd.Reporter, budget: int | None, seed: str) -> rd.Batches:
    fmt = data_suffix(f.path)
    if fmt == ".parquet":
        source: BinaryIO | str = str(f.path) if not f.compression else io.BytesIO(fh.read())
        rows = None if budget is None else max(100, budget // 1024)
        return rd.parquet_batches(source, sample_rows=rows, seed=int(seed.rsplit(":", 1)[-1] or 0))
    if fmt == ".arrow":
        return rd.arrow_batches(str(f.path))
    if fmt == ".json" and not f.compression and _json_is_document(fh):
        if f.estimated_bytes > (budget or 0) and budget is not None:
            raise ValueError("a JSON document this large cannot be sampled; convert it to JSON lines")
        return rd.json_document_batches(fh, rep, f.display)
    quotes = fmt in (".csv", ".tsv")
    if budget is None:
        stream: Iterator[Chunk] = chunks(fh, quotes=quotes)
    elif f.compression:
        stream = _bernoulli(chunks(fh, quotes=quotes, size=1 << 20), budget / f.estimated_bytes, seed)
    else:
        stream = sampled_blocks(fh, f.path.stat().st_size, budget_bytes=budget, seed=seed, quotes=quotes)
    if fmt in (".csv", ".tsv"):
        delimiter = "\t" if fmt == ".tsv" else ","
        header = None
        if budget is not None:
            header = rd.parse_header(fh.readline(), delimiter) if not f.compression else None
        return rd.csv_batches(stream, rep, delimiter, header)
    if fmt == ".txt":
        return rd.text_batches(stream, rep)
    return rd.jsonl_batches(stream, rep)


def scan_files(
    files: Sequence[DataFile],
    config: GuardrailConfig,
    *,
    target: str,
    progress: bool = False,
    scanner: RecordScanner | None = None,
) -> Evidence:
    """Scan every file of a target into one evidence.

    Everything is scanned when the files add up to at most `config.full_scan_max_bytes`;
    otherwise each file contributes seeded blocks in proportion to its size, so every split
    and config is sampled, and the evidence says "sample".

    Args:
        files: The target's data files with their splits and configs.
        config: Sampling settings (`full_scan_max_bytes`, `sample_rows`, `seed`).
        target: The target string, for the evidence.
        progress: Show a progress bar (if datasets' bars are enabled).
        scanner: A scanner to add to (a new one by default).

    Returns:
        The records evidence; unreadable files are problems naming the file.
    """
    scanner = scanner or RecordScanner(config)
    total = sum(f.estimated_bytes for f in files)
    sample = total > config.full_scan_max_bytes
    budget_all = min(config.full_scan_max_bytes, max(8 << 20, config.sample_rows * 1024))
    with Progress(progress, f"guardrail: scanning {target}") as bar:
        for f in files:
            budget = max(1 << 18, budget_all * f.estimated_bytes // max(total, 1)) if sample else None
            _scan_file(f, scanner, budget, f"{config.seed}:{f.display}:{config.seed}", bar)
    return scanner.evidence(target, mode="sample" if sample else "full")


def with_file_lines(evidence: Evidence, files: Sequence[DataFile]) -> Evidence:
    """Give record findings in line-based files the file line of their row (see line_numbers).

    Applied by the sources that own the files (and the Ray engine), after the scan, so every
    engine's scan of the same rows stays identical and places lines the same way.
    """
    by_display = {f.display: f for f in files}
    wanted: dict[str, set[int]] = {}
    for finding in evidence.findings:
        loc = finding.location
        if loc.path in by_display and loc.row is not None and loc.line is None:
            wanted.setdefault(loc.path, set()).add(loc.row)
    if not wanted:
        return evidence
    lines: dict[str, dict[int, int]] = {}
    for display, rows in wanted.items():
        f = by_display[display]
        try:
            lines[display] = row_lines(
                data_suffix(f.path) or "", rows, partial(_open, f), f.path.stat().st_size
            )
        except (OSError, EOFError, ValueError, lzma.LZMAError, zipfile.BadZipFile):
            lines[display] = {}  # the scan already reported what could not be read
    placed = []
    for finding in evidence.findings:
        loc = finding.location
        line = lines.get(loc.path or "", {}).get(loc.row) if loc.row is not None else None
        placed.append(replace(finding, location=replace(loc, line=line)) if line else finding)
    return replace(evidence, findings=tuple(placed))


def _scan_file(f: DataFile, scanner: RecordScanner, budget: int | None, seed: str, bar: Progress) -> None:
    rep = rd.Reporter(scanner, f.display, sampled=budget is not None)
    before = scanner.rows_scanned
    try:
        with _open(f) as fh:
            for offset, batch in _batches(f, fh, rep, budget, seed):
                scanner.scan_batch(
                    batch, split=f.split, config_name=f.config, row_offset=offset, path=f.display
                )
                bar.update(batch.num_rows)
    except (OSError, EOFError, ValueError, pa.ArrowException, lzma.LZMAError, zipfile.BadZipFile) as exc:
        scanner.add_problem(
            Problem(
                "unreadable-file",
                f"{f.display}: cannot read as {data_suffix(f.path) or 'data'}: {exc}",
                "fix or remove the file, or allowlist the target with a reason",
            )
        )
        return
    rep.finish()
    if scanner.rows_scanned == before and rep.malformed == 0:
        scanner.add_input_finding(
            unreadable_input.EMPTY, f"{f.display} holds no records.", Location(path=f.display), f.display
        )
