"""Scan data files into one evidence: choose full or sampled reading, open compressed
files, pick the reader by format, and turn unreadable files into problems naming them.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
import lzma
import os
import random
import re
import stat
import tarfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import cached_property, partial
from pathlib import Path
from typing import Any, BinaryIO

import pyarrow as pa

from guardrail.config import GuardrailConfig
from guardrail.detectors.records import unreadable_input
from guardrail.findings import Evidence, Location, Problem, internal_error
from guardrail.readers import file_bounds as bounds
from guardrail.readers import format_readers as rd
from guardrail.readers import pool
from guardrail.readers.file_types import DATA_SUFFIXES, PARQUET_SUFFIXES, TEXT_LIKE_SUFFIXES, data_suffix
from guardrail.readers.line_numbers import row_lines
from guardrail.readers.pool import Part, PartResult
from guardrail.readers.textchunks import Chunk, Recoded, chunks, sampled_blocks, utf_encoding
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

    @cached_property
    def compression(self) -> str | None:
        last, fmt = self.path.suffix.lower(), data_suffix(self.path)
        if fmt and last not in DATA_SUFFIXES:
            return last
        if fmt in (*PARQUET_SUFFIXES, ".arrow", ".tar"):
            return None  # formats with their own container
        return sniffed_compression(self.path)

    @property
    def estimated_bytes(self) -> int:
        size = self.path.stat().st_size
        return size * COMPRESSION_RATIO if self.compression else size


# A compressed stream's first bytes, none of which can start UTF-8 or UTF-16 text.
_MAGIC = (
    (b"\x1f\x8b", ".gz"),
    (b"\xfd7zXZ\x00", ".xz"),
    (b"\x28\xb5\x2f\xfd", ".zst"),
    (b"PK\x03\x04", ".zip"),
)
_BZIP2 = re.compile(rb"BZh[1-9]1AY&SY")


def sniffed_compression(path: Path) -> str | None:
    """The compression a line file's first bytes show, whatever its name says.

    `datasets` decompresses `train.jsonl` when it is gzip inside (fsspec infers it from the
    bytes), so its rows reach training; read by name alone they would be one long garbled line.
    """
    try:
        if not stat.S_ISREG(os.stat(path).st_mode):
            return None  # a FIFO or device is refused when opened, never read here
        with open(path, "rb") as fh:
            head = fh.read(10)
    except OSError:
        return None  # the open that follows reports it
    if _BZIP2.match(head):
        return ".bz2"
    return next((kind for magic, kind in _MAGIC if head.startswith(magic)), None)


def _open(f: DataFile) -> BinaryIO:
    path, kind = str(f.path), f.compression
    if kind is None:
        return bounds.open_regular(f.path)
    bounds.open_regular(f.path).close()  # refuse a FIFO or device before a decompressor reads it
    size = f.path.stat().st_size
    if kind == ".gz":
        return bounds.budgeted(gzip.open(path, "rb"), size)  # type: ignore[arg-type]
    if kind == ".bz2":
        return bounds.budgeted(bz2.open(path, "rb"), size)  # type: ignore[arg-type]
    if kind == ".xz":
        return bounds.budgeted(lzma.open(path, "rb"), size)  # type: ignore[arg-type]
    if kind in (".zst", ".lz4"):
        stream = pa.input_stream(path, compression="zstd" if kind == ".zst" else "lz4")
        return bounds.budgeted(stream, size)
    if kind == ".zip":
        with zipfile.ZipFile(path) as archive:  # the member stays readable after the archive closes
            names = [n for n in archive.namelist() if not n.endswith("/")]
            if len(names) != 1:
                # Reading only the first member would pass the others unread.
                raise OSError(
                    f"zip archive holds {len(names)} files; only single-file archives can be read"
                    + (f" ({', '.join(names[:3])}{', ...' if len(names) > 3 else ''})" if names else "")
                )
            return bounds.budgeted(archive.open(names[0]), size)  # type: ignore[arg-type]
    return bounds.open_regular(f.path)


def _open_text(f: DataFile) -> BinaryIO:
    """`_open`, with UTF-16/32 text re-encoded to UTF-8 on the fly (compressed files too)."""
    fh = _open(f)
    if data_suffix(f.path) in (*PARQUET_SUFFIXES, ".arrow", ".tar"):
        return fh
    if not fh.seekable():
        stream, encoding = bounds.unicode_text(fh)
        if encoding is not None:
            stream.guardrail_encoding = encoding  # type: ignore[attr-defined]
        return stream
    head = fh.read(4096)
    fh.seek(0)
    encoding = utf_encoding(head)
    return Recoded(fh, encoding) if encoding else fh  # type: ignore[return-value]


def _text_encoding(fh: BinaryIO) -> str | None:
    """The UTF-16/32 codec `_open_text` decoded `fh` from, if any."""
    return fh.encoding if isinstance(fh, Recoded) else getattr(fh, "guardrail_encoding", None)


def _json_is_document(f: BinaryIO, seekable: bool = True) -> bool:
    if seekable:
        head = f.read(1 << 16)
        f.seek(0)
    elif hasattr(f, "peek"):
        head = f.peek(1 << 16)[: 1 << 16]
    else:
        return False
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


def _parquet(f: DataFile, fh: BinaryIO, budget: int | None, seed: str) -> tuple[rd.Batches, dict[str, Any]]:
    """Parquet batches of the columns that can hold text, and what the scanner must know of the rest."""
    import pyarrow.parquet as pq

    from guardrail.readers.parquet import projection

    source: str | pa.Buffer = str(f.path) if not f.compression else pa.py_buffer(fh.read())
    pf = pq.ParquetFile(source if isinstance(source, str) else pa.BufferReader(source))
    bounds.check_parquet(pf.metadata)
    columns, unread = projection(pf)
    rows = None if budget is None else max(100, budget // 1024)
    batches = rd.parquet_batches(
        source, sample_rows=rows, seed=int(seed.rsplit(":", 1)[-1] or 0), columns=columns
    )
    return batches, {"schema": pf.schema_arrow, "unread": unread}


def _batches(
    f: DataFile, fh: BinaryIO, rep: rd.Reporter, budget: int | None, seed: str, sifted: bool, line: int = 1
) -> rd.Batches:
    fmt = data_suffix(f.path)
    if fmt == ".arrow":
        return rd.arrow_batches(str(f.path) if not f.compression else pa.py_buffer(fh.read()))
    if fmt == ".tar":
        from guardrail.readers.webdataset import tar_batches

        return tar_batches(fh, rep)
    encoding = _text_encoding(fh)
    if encoding is not None:
        rep.note(f"{f.display} is {encoding.upper()} text; it was decoded to UTF-8 and scanned")
    seekable = not f.compression and encoding is None
    if fmt == ".xml":
        return rd.document_batches(fh, "xml", bounds.MAX_JSON_DOCUMENT_BYTES)
    if fmt == ".json" and _json_is_document(fh, seekable):
        if f.estimated_bytes > (budget or 0) and budget is not None:
            raise bounds.LimitExceeded(
                "document-too-large", "a JSON document this large cannot be sampled; convert it to JSON lines"
            )
        return rd.json_document_batches(fh, rep, f.display)
    quotes = fmt in (".csv", ".tsv")
    is_text = fmt == ".txt" or fmt in TEXT_LIKE_SUFFIXES
    if budget is None:
        sift_as = None if quotes or not sifted else "text" if is_text else "json"
        stream: Iterator[Chunk] = chunks(fh, quotes=quotes, line=line, sift_as=sift_as)
    elif not seekable:  # compressed or re-encoded: not seekable by byte offset
        stream = _bernoulli(chunks(fh, quotes=quotes, size=1 << 20), budget / f.estimated_bytes, seed)
    else:
        stream = sampled_blocks(fh, f.path.stat().st_size, budget_bytes=budget, seed=seed, quotes=quotes)
    if fmt in (".csv", ".tsv"):
        delimiter = "\t" if fmt == ".tsv" else ","
        header = None
        if budget is not None:
            header = rd.parse_header(fh.readline(), delimiter) if seekable else None
        return rd.csv_batches(stream, rep, delimiter, header, sifted=sifted)
    if is_text:
        return rd.text_batches(stream, rep, sifted=sifted)
    return rd.jsonl_batches(stream, rep, sifted=sifted)


def scan_files(
    files: Sequence[DataFile],
    config: GuardrailConfig,
    *,
    target: str,
    progress: bool = False,
    scanner: RecordScanner | None = None,
    sifted: bool = True,
    parallel: bool = True,
) -> Evidence:
    """Scan every file of a target into one evidence.

    Everything is scanned when the files add up to at most `config.full_scan_max_bytes`;
    otherwise each file contributes seeded blocks in proportion to its size, so every split
    and config is sampled, and the evidence says "sample". A large full scan is spread over
    the machine's cores (files and line ranges) and merged in data order.

    Args:
        files: The target's data files with their splits and configs.
        config: Sampling settings (`full_scan_max_bytes`, `sample_rows`, `seed`).
        target: The target string, for the evidence.
        progress: Show a progress bar (if datasets' bars are enabled).
        scanner: A scanner to add to (a new one by default).
        sifted: Prefilter line files on their raw bytes and parse only candidate lines
            (a full scan only; False parses every line, for comparison).
        parallel: Use a process pool when the scan is large enough (False: this process only).

    Returns:
        The records evidence; unreadable files are problems naming the file.
    """
    scanner = scanner or RecordScanner(config)
    total = sum(f.estimated_bytes for f in files)
    sample = total > config.full_scan_max_bytes
    budget_all = min(config.full_scan_max_bytes, max(8 << 20, config.sample_rows * 1024))
    with Progress(progress, f"guardrail: scanning {target}") as bar:
        if (
            not sample
            and parallel
            and pool.scan(
                files,
                scanner,
                bar,
                work=partial(_scan_part, config, sifted),
                finish=finish_file,
                splittable=_splittable,
            )
        ):
            return scanner.evidence(target, mode="full")
        for f in files:
            budget = max(1 << 18, budget_all * f.estimated_bytes // max(total, 1)) if sample else None
            before = scanner.rows_scanned
            result = _scan_file(f, scanner, budget, _seed(config, f), bar, sifted)
            finish_file(f, scanner, [result], scanner.rows_scanned - before, sampled=budget is not None)
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
                data_suffix(f.path) or "", rows, partial(_open_text, f), f.path.stat().st_size
            )
        except UNREADABLE:
            lines[display] = {}  # the scan already reported what could not be read
    placed = []
    for finding in evidence.findings:
        loc = finding.location
        line = lines.get(loc.path or "", {}).get(loc.row) if loc.row is not None else None
        placed.append(replace(finding, location=replace(loc, line=line)) if line else finding)
    return replace(evidence, findings=tuple(placed))


def _scan_part(
    config: GuardrailConfig, sifted: bool, f: DataFile, part: Part | None
) -> tuple[RecordScanner, PartResult]:
    """One part of a file into a scanner of its own (run in a pool worker)."""
    scanner = RecordScanner(config)
    return scanner, _scan_file(f, scanner, None, _seed(config, f), None, sifted, part)


def _splittable(f: DataFile) -> bool:
    """Whether a line file may be cut into byte ranges: UTF-8 lines, not one JSON document."""
    with _open_text(f) as fh:
        return not isinstance(fh, Recoded) and not (data_suffix(f.path) == ".json" and _json_is_document(fh))


def _seed(config: GuardrailConfig, f: DataFile) -> str:
    return f"{config.seed}:{f.display}:{config.seed}"


# What a bad file raises from the readers and decompressors. Anything else (a TypeError, a
# KeyError, a plain ValueError...) is a bug in guardrail and is reported as one.
UNREADABLE = (
    OSError,
    EOFError,
    UnicodeError,
    json.JSONDecodeError,
    csv.Error,
    pa.ArrowException,
    lzma.LZMAError,
    zlib.error,
    zipfile.BadZipFile,
    tarfile.TarError,
)


class _ScanFailed(Exception):
    """The scanner (guardrail's own code) failed on a batch the reader produced."""


def _scan(scanner: RecordScanner, batch: Any, **kwargs: Any) -> None:
    try:
        scanner.scan_batch(batch, **kwargs)
    except Exception as exc:
        raise _ScanFailed() from exc


def _scan_file(
    f: DataFile,
    scanner: RecordScanner,
    budget: int | None,
    seed: str,
    bar: Progress | None,
    sifted: bool = True,
    part: Part | None = None,
) -> PartResult:
    rep = rd.Reporter(scanner, f.display, sampled=budget is not None)
    before = scanner.rows_scanned
    rows = 0
    try:
        with _open_part(f, part) as (fh, first_line):
            extra: dict[str, Any] = {}
            if data_suffix(f.path) in PARQUET_SUFFIXES:
                batches, extra = _parquet(f, fh, budget, seed)
            else:
                batches = _batches(f, fh, rep, budget, seed, sifted and budget is None, first_line)
            for offset, batch in batches:
                if isinstance(batch, rd.Sparse):
                    scanner.count_rows(batch.skipped, batch.skipped_bytes, config_name=f.config)
                    if batch.batch is not None:
                        _scan(
                            scanner,
                            batch.batch,
                            split=f.split,
                            config_name=f.config,
                            path=f.display,
                            rows=batch.rows,
                        )
                        scanner.mark_seen(batch.seen)
                    n = batch.skipped + len(batch.rows)
                else:
                    _scan(
                        scanner,
                        batch,
                        split=f.split,
                        config_name=f.config,
                        row_offset=offset,
                        path=f.display,
                        **extra,
                    )
                    n = batch.num_rows
                rows += n if offset is not None else 0
                if bar is not None:
                    bar.update(n)
    except bounds.LimitExceeded as exc:
        scanner.add_problem(
            Problem(
                exc.code,
                f"{f.display}: {exc}",
                "fix, split or remove the file, or allowlist the target with a reason",
            )
        )
        return PartResult(rows, scanner.rows_scanned - before, failed=True)
    except _ScanFailed as failed:
        # A bug in guardrail, not in the file: never reported as "unreadable", and it blocks.
        assert failed.__cause__ is not None
        scanner.add_problem(internal_error(f.display, failed.__cause__))
        return PartResult(rows, scanner.rows_scanned - before, failed=True)
    except UNREADABLE as exc:
        scanner.add_problem(
            Problem(
                "unreadable-file",
                f"{f.display}: cannot read as {data_suffix(f.path) or 'data'}: {exc}",
                "fix or remove the file, or allowlist the target with a reason",
            )
        )
        return PartResult(rows, scanner.rows_scanned - before, failed=True)
    except Exception as exc:  # a bug in a reader: the file may be fine
        scanner.add_problem(internal_error(f.display, exc))
        return PartResult(rows, scanner.rows_scanned - before, failed=True)
    return PartResult(rows, scanner.rows_scanned - before, rep.malformed, rep.first_malformed)


def finish_file(
    f: DataFile, scanner: RecordScanner, parts: Sequence[PartResult], scanned: int, *, sampled: bool
) -> None:
    """The per-file findings that need the whole file: bad lines in all, or no records at all."""
    if any(p.failed for p in parts):
        return
    rep = rd.Reporter(scanner, f.display, sampled=sampled)
    rep.malformed = sum(p.malformed for p in parts)
    rep.first_malformed = next((p.first_malformed for p in parts if p.first_malformed), None)
    rep.finish()
    parsed = sum(p.rows for p in parts)
    if rep.malformed > parsed:
        # Most lines are not records: the text was scanned, but X text in an encoding or a
        # format guardrail did not recognise (UTF-16 without a BOM, random bytes) is not
        # found that way. What was meant to be data was not read as data: fail closed.
        scanner.add_problem(
            Problem(
                "unreadable-file",
                f"{f.display}: {rep.malformed:,} of its {rep.malformed + parsed:,} line(s) did not parse as "
                f"{(data_suffix(f.path) or 'data').lstrip('.').upper()}; they were scanned only as raw text",
                "check the file's format and encoding (UTF-16 or UTF-32 without a byte-order mark is "
                "not detected when its text is not mostly ASCII), fix or remove it, or allowlist "
                "the target with a reason",
            )
        )
    if scanned == 0 and rep.malformed == 0:
        scanner.add_input_finding(
            unreadable_input.EMPTY, f"{f.display} holds no records.", Location(path=f.display), f.display
        )


@contextmanager
def _open_part(f: DataFile, part: Part | None) -> Iterator[tuple[BinaryIO, int]]:
    """The file (UTF-16/32 re-encoded), or its byte range, and the line number it starts at."""
    if part is None:
        with _open_text(f) as fh:
            yield fh, 1
        return
    with open(f.path, "rb") as fh:
        line = 1
        while fh.tell() < part.start:  # count the lines before the range: a fast pass, no parse
            line += fh.read(min(CHUNK_READ, part.start - fh.tell())).count(b"\n")
        yield _Limited(fh, part.stop - part.start), line  # type: ignore[misc]  # a binary reader


CHUNK_READ = 8 << 20


class _Limited(io.RawIOBase):
    """At most `size` bytes of `f` from where it stands."""

    def __init__(self, f: BinaryIO, size: int) -> None:
        self._f, self._left = f, size

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        n = self._left if size is None or size < 0 else min(size, self._left)
        data = self._f.read(n)
        self._left -= len(data)
        return data

    def byte_range(self) -> tuple[int, int, int]:
        """(descriptor, start, stop) of the range, for reading it by offset (`textchunks`)."""
        at = self._f.tell()
        return self._f.fileno(), at, at + self._left

    def readline(self, size: int | None = -1) -> bytes:
        n = self._left if size is None or size < 0 else min(size, self._left)
        data = self._f.readline(n)
        self._left -= len(data)
        return data
