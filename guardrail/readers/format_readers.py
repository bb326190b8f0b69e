"""Read data files as Arrow batches, the way `datasets`' packaged builders would.

We use pyarrow's own readers (json, csv, parquet, ipc) rather than `load_dataset`: the
builders first copy the whole file into an Arrow cache on disk, which is slow and
unbounded, while reading chunk by chunk keeps memory to one chunk and lets a bad line
become a finding instead of an exception. Column typing follows the builders closely
enough for scanning (CSV columns are read as strings; JSON types are inferred per chunk).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import BinaryIO

import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.json as paj
import pyarrow.parquet as pq

from guardrail.detectors.records import unreadable_input
from guardrail.findings import Location
from guardrail.readers.textchunks import Chunk
from guardrail.scan.scanner import RecordScanner

RAW_COLUMN = "<raw line>"
BATCH_ROWS = 65_536

Batches = Iterator[tuple[int | None, pa.RecordBatch]]


class Reporter:
    """Collects problems with one file's input and hands them to the scanner once."""

    def __init__(self, scanner: RecordScanner, display: str, *, sampled: bool) -> None:
        self.scanner, self.display, self.sampled = scanner, display, sampled
        self.malformed = 0
        self.first_malformed: tuple[int | None, str] | None = None

    def bad_utf8(self, chunk: Chunk) -> None:
        if chunk.bad_utf8_line is not None:
            line = f" (first at line {chunk.bad_utf8_line})" if chunk.bad_utf8_line else ""
            self.scanner.add_input_finding(
                unreadable_input.NOT_UTF8,
                f"{self.display} is not valid UTF-8{line}; undecodable bytes were replaced.",
                Location(path=self.display, line=chunk.bad_utf8_line or None),
            )

    def malformed_row(self, line: int | None, text: str) -> None:
        self.malformed += 1
        if self.first_malformed is None:
            self.first_malformed = (line, text)

    def finish(self) -> None:
        if self.malformed and self.first_malformed is not None and not self.sampled:
            line, text = self.first_malformed
            at = f", first at line {line}" if line else ""
            self.scanner.add_input_finding(
                unreadable_input.MALFORMED,
                f"{self.display}: {self.malformed:,} line(s) could not be parsed{at}; scanned as raw text.",
                Location(path=self.display, line=line),
                text,
            )


def _raw(lines: list[str]) -> pa.RecordBatch:
    return pa.record_batch({RAW_COLUMN: pa.array(lines, pa.large_string())})


def _records_table(records: list[object]) -> pa.Table:
    rows = [r if isinstance(r, dict) else {"value": r} for r in records]
    try:
        return pa.Table.from_pylist(rows)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # Types that differ between records: keep strings, serialise the rest as JSON.
        text = [{k: v if isinstance(v, str) else json.dumps(v) for k, v in r.items()} for r in rows]
        return pa.Table.from_pylist(text)


def jsonl_batches(chunks: Iterator[Chunk], rep: Reporter) -> Batches:
    row = 0
    for chunk in chunks:
        rep.bad_utf8(chunk)
        offset = row if chunk.first_line is not None else None
        try:
            opts = paj.ReadOptions(use_threads=False, block_size=max(len(chunk.data) + 1, 1 << 20))
            table = paj.read_json(io.BytesIO(chunk.data), read_options=opts)
            batches = table.to_batches(BATCH_ROWS)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            batches, raw = _jsonl_slow(chunk, rep)
            if raw:
                yield None, _raw(raw)
        for batch in batches:
            yield offset, batch
            if offset is not None:
                offset += batch.num_rows
        row += sum(b.num_rows for b in batches)


def _jsonl_slow(chunk: Chunk, rep: Reporter) -> tuple[list[pa.RecordBatch], list[str]]:
    """Line by line, for a chunk pyarrow refused: good lines become rows, bad ones raw text."""
    good: list[object] = []
    raw: list[str] = []
    for i, line in enumerate(chunk.data.decode("utf-8").split("\n")):
        if not line.strip():
            continue
        try:
            good.append(json.loads(line))
        except json.JSONDecodeError:
            rep.malformed_row(None if chunk.first_line is None else chunk.first_line + i, line[:200])
            raw.append(line)
    return (_records_table(good).to_batches(BATCH_ROWS) if good else []), raw


def csv_batches(
    chunks: Iterator[Chunk], rep: Reporter, delimiter: str, header: list[str] | None = None
) -> Batches:
    row = 0
    for chunk in chunks:
        rep.bad_utf8(chunk)
        data = chunk.data
        if header is None:
            first, _, data = data.partition(b"\n")
            header = parse_header(first, delimiter)
            line0 = 2
        elif chunk.first_line == 1:
            # The first block of a sampled file, whose header the caller already read.
            data = data.partition(b"\n")[2]
            line0 = 2
        else:
            line0 = chunk.first_line or 0  # 0: a sampled block, line numbers unknown
        if not data.strip():
            continue
        raw: list[str] = []

        def on_invalid(bad: pcsv.InvalidRow, line0: int = line0, raw: list[str] = raw) -> str:
            line = line0 + bad.number - 1 if bad.number is not None and line0 else None
            rep.malformed_row(line, (bad.text or "")[:200])
            raw.append(bad.text or "")
            return "skip"

        table = pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=header, use_threads=False, block_size=len(data) + 1),
            parse_options=pcsv.ParseOptions(
                delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
            ),
            convert_options=pcsv.ConvertOptions(column_types={h: pa.large_string() for h in header}),
        )
        offset = row if chunk.first_line is not None else None
        for batch in table.to_batches(BATCH_ROWS):
            yield offset, batch
            if offset is not None:
                offset += batch.num_rows
        row += table.num_rows
        if raw:
            yield None, _raw(raw)


def parse_header(line: bytes, delimiter: str) -> list[str]:
    names = next(csv.reader([line.decode("utf-8", "replace").rstrip("\r")], delimiter=delimiter), [])
    seen: dict[str, int] = {}
    out = []
    for i, name in enumerate(names):
        name = name or f"column_{i}"
        seen[name] = seen.get(name, 0) + 1
        out.append(name if seen[name] == 1 else f"{name}_{seen[name]}")
    return out


def _text_lines(data: bytes) -> list[str]:
    """Lines as `datasets`' text builder cuts them: at line ends only (`\n`, `\r\n`, `\r`).

    Not `str.splitlines()`, which also cuts at form feeds, U+2028 and other separators
    inside a line, so rows would stop matching the row numbers `load_dataset` gives.
    """
    lines = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    if lines[-1] == "":
        lines.pop()
    return lines


def text_batches(chunks: Iterator[Chunk], rep: Reporter) -> Batches:
    row = 0
    for chunk in chunks:
        rep.bad_utf8(chunk)
        lines = _text_lines(chunk.data)
        yield (
            (row if chunk.first_line is not None else None),
            pa.record_batch({"text": pa.array(lines, pa.large_string())}),
        )
        row += len(lines)


def json_document_batches(f: BinaryIO, rep: Reporter, display: str) -> Batches:
    """A whole JSON document (an array of records, or an object holding one)."""
    raw = f.read()
    try:
        doc = json.loads(raw.decode("utf-8", "replace"))
    except json.JSONDecodeError as exc:
        rep.malformed_row(exc.lineno, str(exc))
        yield None, _raw([raw.decode("utf-8", "replace")])
        return
    if isinstance(doc, dict):
        lists = [v for v in doc.values() if isinstance(v, list)]
        records: list[object] = lists[0] if len(lists) == 1 else [doc]
    else:
        records = doc if isinstance(doc, list) else [doc]
    for start in range(0, len(records), BATCH_ROWS):
        for batch in _records_table(records[start : start + BATCH_ROWS]).to_batches():
            yield start, batch


def parquet_batches(source: BinaryIO | str, *, sample_rows: int | None, seed: int) -> Batches:
    pf = pq.ParquetFile(source)
    if sample_rows is None:
        row = 0
        for batch in pf.iter_batches(batch_size=BATCH_ROWS, use_threads=False):
            yield row, batch
            row += batch.num_rows
        return
    import numpy as np

    md = pf.metadata
    starts = np.cumsum([0] + [md.row_group(i).num_rows for i in range(md.num_row_groups)])
    rng = np.random.default_rng(seed)
    groups = sorted(rng.permutation(md.num_row_groups)[: max(1, min(md.num_row_groups, 16))])
    per_group = max(1, sample_rows // len(groups))
    for g in groups:
        # A seeded window per row group keeps row numbers exact and batches large.
        n = md.row_group(int(g)).num_rows
        start = int(rng.integers(0, max(1, n - per_group + 1)))
        table = pf.read_row_group(int(g), use_threads=False).slice(start, per_group)
        for batch in table.to_batches(BATCH_ROWS):
            yield int(starts[g]) + start, batch
            start += batch.num_rows


def arrow_batches(path: str) -> Batches:
    with pa.memory_map(path) as source:
        try:
            reader: pa.RecordBatchReader = pa.ipc.open_stream(source)
        except pa.ArrowInvalid:
            reader = pa.ipc.open_file(source).to_reader()
        row = 0
        for batch in reader:
            yield row, batch
            row += batch.num_rows
