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
import random
import tarfile
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from guardrail.config import GuardrailConfig
from guardrail.detectors.records import unreadable_input
from guardrail.findings import Evidence, Location, Problem, internal_error
from guardrail.readers import file_bounds as bounds
from guardrail.readers import format_readers as rd
from guardrail.readers.file_types import DATA_SUFFIXES, PARQUET_SUFFIXES, TEXT_LIKE_SUFFIXES, data_suffix
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
    return open(path, "rb")


def _json_is_document(f: BinaryIO, seekable: bool) -> bool:
    if seekable:
        head = f.read(1 << 16)
        f.seek(0)
    else:
        head = f.peek(1 << 16)[: 1 << 16]  # type: ignore[attr-defined]
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
    if fmt in PARQUET_SUFFIXES:
        source: BinaryIO | str = str(f.path) if not f.compression else io.BytesIO(fh.read())
        bounds.check_parquet(pq.read_metadata(source))
        rows = None if budget is None else max(100, budget // 1024)
        return rd.parquet_batches(source, sample_rows=rows, seed=int(seed.rsplit(":", 1)[-1] or 0))
    if fmt == ".arrow":
        return rd.arrow_batches(str(f.path) if not f.compression else pa.py_buffer(fh.read()))
    if fmt == ".tar":
        from guardrail.readers.webdataset import tar_batches

        return tar_batches(fh, rep)
    fh, encoding = bounds.unicode_text(fh)
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
    if budget is None:
        stream: Iterator[Chunk] = chunks(fh, quotes=quotes)
    elif not seekable:
        stream = _bernoulli(chunks(fh, quotes=quotes, size=1 << 20), budget / f.estimated_bytes, seed)
    else:
        stream = sampled_blocks(fh, f.path.stat().st_size, budget_bytes=budget, seed=seed, quotes=quotes)
    if fmt in (".csv", ".tsv"):
        delimiter = "\t" if fmt == ".tsv" else ","
        header = None
        if budget is not None:
            header = rd.parse_header(fh.readline(), delimiter) if seekable else None
        return rd.csv_batches(stream, rep, delimiter, header)
    if fmt == ".txt" or fmt in TEXT_LIKE_SUFFIXES:
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


def _scan_file(f: DataFile, scanner: RecordScanner, budget: int | None, seed: str, bar: Progress) -> None:
    rep = rd.Reporter(scanner, f.display, sampled=budget is not None)
    before = scanner.rows_scanned
    try:
        with _open(f) as fh:
            for offset, batch in _batches(f, fh, rep, budget, seed):
                try:
                    scanner.scan_batch(
                        batch, split=f.split, config_name=f.config, row_offset=offset, path=f.display
                    )
                except Exception as exc:
                    raise _ScanFailed() from exc
                bar.update(batch.num_rows)
    except bounds.LimitExceeded as exc:
        scanner.add_problem(
            Problem(
                exc.code,
                f"{f.display}: {exc}",
                "fix, split or remove the file, or allowlist the target with a reason",
            )
        )
        return
    except _ScanFailed as failed:
        # A bug in guardrail, not in the file: never reported as "unreadable", and it blocks.
        assert failed.__cause__ is not None
        scanner.add_problem(internal_error(f.display, failed.__cause__))
        return
    except UNREADABLE as exc:
        scanner.add_problem(
            Problem(
                "unreadable-file",
                f"{f.display}: cannot read as {data_suffix(f.path) or 'data'}: {exc}",
                "fix or remove the file, or allowlist the target with a reason",
            )
        )
        return
    except Exception as exc:  # a bug in a reader: the file may be fine
        scanner.add_problem(internal_error(f.display, exc))
        return
    rep.finish()
    if scanner.rows_scanned == before and rep.malformed == 0:
        scanner.add_input_finding(
            unreadable_input.EMPTY, f"{f.display} holds no records.", Location(path=f.display), f.display
        )
