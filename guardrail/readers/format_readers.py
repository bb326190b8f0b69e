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
from dataclasses import dataclass
from typing import BinaryIO

import numpy as np
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.json as paj
import pyarrow.parquet as pq

from guardrail.detectors.records import unreadable_input
from guardrail.findings import Location, Problem
from guardrail.readers.file_bounds import MAX_JSON_DOCUMENT_BYTES, LimitExceeded
from guardrail.readers.linefilter import Sift, sift
from guardrail.readers.textchunks import Chunk
from guardrail.scan import arrays
from guardrail.scan.scanner import RecordScanner

RAW_COLUMN = "<raw line>"
BATCH_ROWS = 65_536


@dataclass(frozen=True)
class Sparse:
    """A chunk read through the raw-bytes prefilter: rows counted unparsed, and the candidates.

    Args:
        skipped: Rows counted without being parsed (no candidate on their line).
        skipped_bytes: Their size in bytes.
        batch: The parsed candidate rows, or None.
        rows: The file row of each row of `batch`.
    """

    skipped: int
    skipped_bytes: int
    batch: pa.RecordBatch | None
    rows: np.ndarray
    seen: tuple[str, ...] = ()  # columns null in `batch` but present in a skipped row (so not null)


Batches = Iterator[tuple[int | None, pa.RecordBatch | Sparse]]


def _sparse(s: Sift, chunk: Chunk, row: int, parsed: pa.Table | None, no_row: np.ndarray) -> Sparse:
    """Place the candidates' rows among the chunk's rows; `no_row` marks candidates that gave none."""
    before = np.cumsum(no_row) - no_row  # candidate lines without a row before each candidate
    rows = (row + s.index - before)[~no_row.astype(bool)]
    skipped = s.lines - len(s.index)
    nbytes = chunk.nbytes - sum(len(t) + 1 for t in s.text)
    batch = parsed.combine_chunks().to_batches()[0] if parsed is not None and parsed.num_rows else None
    return Sparse(skipped, max(nbytes, 0), batch, rows.astype(np.int64))


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

    def note(self, text: str) -> None:
        self.scanner.add_note(text)

    def unread(self, names: list[str], why: str) -> None:
        """Parts of the file that were not read: could-not-check, naming them."""
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5:,} more" if len(names) > 5 else "")
        self.scanner.add_problem(
            Problem(
                "unread-data",
                f"{self.display}: {len(names):,} member(s) not read ({why}): {shown}",
                "remove them, or allowlist the target with a reason if they hold no text",
            )
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
    return pa.RecordBatch.from_arrays([arrays.strings(lines)], names=[RAW_COLUMN])


def records_table(records: list[object]) -> pa.Table:
    rows = [r if isinstance(r, dict) else {"value": r} for r in records]
    # Every key of every record: `from_pylist` would take the columns of the first record
    # only, and a field that first appears later would go unscanned.
    keys = list(dict.fromkeys(k for r in rows for k in r))
    paths: set[tuple[str, ...]] = set()
    try:
        present = sum(_key_paths(r, (), paths) for r in rows)
    except RecursionError:
        raise LimitExceeded("too-deeply-nested", "a record nests too deeply to read") from None
    _refuse_wide(len(paths), len(rows), present)
    try:
        return pa.Table.from_pydict({k: [r.get(k) for r in rows] for k in keys})
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError):
        # Types that differ between records: keep strings, serialise the rest as JSON.
        text = {
            k: [None if (v := r.get(k)) is None else v if isinstance(v, str) else json.dumps(v) for r in rows]
            for k in keys
        }
        return pa.Table.from_pydict(text)


# Candidate lines of several chunks are parsed and scanned together: a parse or a scan has a
# fixed cost that would otherwise dominate when a chunk holds only a few candidates.
SIFT_HOLD_BYTES = 64 << 20
_BOM = "\ufeff".encode()


# pyarrow parses a chunk about twice as fast in blocks of this size as in one block of the
# whole chunk (measured here on 64 MB of CSV: 2.4 against 1.3 GB/s), the block staying in cache.
PARSE_BLOCK_BYTES = 1 << 20


def _sift(chunk: Chunk, fmt: str) -> Sift | None:
    """The chunk's candidate lines, worked out while reading if they were; None: parse it whole."""
    if chunk.sifted:
        return chunk.sift
    return sift(chunk.data, fmt) if chunk.first_line is not None else None


# A table of JSON lines holds a cell per row and field, even where the field is missing: lines
# that each bring new keys make it quadratic (20,000 one-key lines, 469 KB, took 3.9 GB). Pieces
# are parsed apart so that lines x key mentions stays under this, and a whole that would still
# be past it, and mostly missing cells, is refused.
MAX_JSON_CELLS = 16_000_000


def _json_block(data: pa.Buffer | bytes) -> pa.Table:
    """`data` parsed by pyarrow as one block of JSON lines, on this thread.

    One block per call: pyarrow 26 crashes the process (a segmentation fault, not an error)
    when a later block of one reader holds an object where an earlier one held a string; as
    one block, the same lines are an `ArrowInvalid`.
    """
    opts = paj.ReadOptions(use_threads=False, block_size=max(len(data) + 1, 1 << 20))
    return paj.read_json(pa.BufferReader(data), read_options=opts)


def _json_pieces(data: bytes, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Cuts of `data[start:end]` at line ends, each at most `PARSE_BLOCK_BYTES`, and each with
    (lines x `":` key mentions) under `MAX_JSON_CELLS` unless it is one line."""
    while start < end:
        stop = min(end, start + PARSE_BLOCK_BYTES)
        if stop < end:
            cut = data.rfind(b"\n", start, stop)
            stop = cut + 1 if cut >= start else (data.find(b"\n", stop, end) + 1 or end)
        lines = data.count(b"\n", start, stop) or 1
        if lines > 1 and lines * data.count(b'":', start, stop) > MAX_JSON_CELLS:
            middle = data.rfind(b"\n", start, start + (stop - start) // 2)
            if middle >= start:
                yield from _json_pieces(data, start, middle + 1)
                yield from _json_pieces(data, middle + 1, stop)
                start = stop
                continue
        yield start, stop
        start = stop


def _json_lines(data: bytes) -> pa.Table:
    """`data` parsed by pyarrow as JSON lines, in pieces (see `MAX_JSON_CELLS`), as one table.

    Pieces also parse faster than one block (the block stays in cache). Pieces whose fields
    differ are unified as pyarrow unifies blocks; fields that cannot be (a string here, an
    object there) are an `ArrowInvalid`, as in one block.

    Raises:
        LimitExceeded: `too-many-fields`, when the union of fields over the rows would exceed
            `MAX_JSON_CELLS` cells.
    """
    if len(data) <= PARSE_BLOCK_BYTES and data.count(b"\n") * data.count(b'":') <= MAX_JSON_CELLS:
        return _json_block(data)
    buffer = pa.py_buffer(data)
    tables = [t for s, e in _json_pieces(data, 0, len(data)) if (t := _json_block(buffer[s:e])).num_rows]
    if not tables:
        return _json_block(data)
    first = tables[0].schema
    if all(t.schema.equals(first) for t in tables):
        return pa.concat_tables(tables).combine_chunks()
    try:
        schema = pa.unify_schemas([t.schema for t in tables], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise pa.ArrowInvalid(str(exc)) from None
    rows = sum(t.num_rows for t in tables)
    _refuse_wide(_leaf_fields(schema), rows, data.count(b'":'))
    try:
        return pa.concat_tables(tables, promote_options="permissive").combine_chunks()
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise pa.ArrowInvalid(str(exc)) from None


def _key_paths(value: object, at: tuple[str, ...], paths: set[tuple[str, ...]]) -> int:
    """Add the key paths of `value`'s objects (list elements share their list's) to `paths`;
    returns how many keys it holds."""
    if isinstance(value, dict):
        n = 0
        for k, v in value.items():
            here = (*at, str(k))
            paths.add(here)
            n += 1 + _key_paths(v, here, paths)
        return n
    if isinstance(value, list):
        return sum(_key_paths(v, at, paths) for v in value)
    return 0


def _leaf_fields(schema: pa.Schema) -> int:
    """Fields a table of `schema` holds a cell for in every row: nested ones too, whose keys
    cost the same (`{"a": {"k1": ...}}`, `{"a": [{"k1": ...}]}`)."""

    def count(t: pa.DataType) -> int:
        if pa.types.is_struct(t):
            return sum(count(t.field(i).type) for i in range(t.num_fields)) or 1
        if pa.types.is_list(t) or pa.types.is_large_list(t):
            return count(t.value_type)
        return 1

    return sum(count(f.type) for f in schema)


def _refuse_wide(fields: int, rows: int, present: int) -> None:
    """Refuse a table of mostly missing cells past `MAX_JSON_CELLS` (`present`: cells the data
    fills, at most); a dense table costs what its data does, however wide."""
    if fields * rows > max(MAX_JSON_CELLS, 8 * present):
        raise LimitExceeded(
            "too-many-fields",
            f"{rows:,} records with {fields:,} distinct fields between them would take "
            f"{fields * rows:,} cells to read as a table (at most {MAX_JSON_CELLS:,}); not read",
        )


def jsonl_batches(chunks: Iterator[Chunk], rep: Reporter, *, sifted: bool = False) -> Batches:
    row = 0
    held: list[tuple[Chunk, Sift]] = []
    held_bytes = 0
    for chunk in chunks:
        rep.bad_utf8(chunk)
        s = _sift(chunk, "json") if sifted else None
        if s is not None:
            held.append((chunk, s))
            held_bytes += chunk.nbytes
            if held_bytes < SIFT_HOLD_BYTES:
                continue
        if held:
            sparse, raw = _jsonl_sifted(held, row, rep)
            if raw:  # bad lines first, as the full parse hands them over
                yield None, _raw(raw)
            yield row, sparse
            row += sparse.skipped + len(sparse.rows)
            held, held_bytes = [], 0
        if s is not None:
            continue
        offset = row if chunk.first_line is not None else None
        try:
            batches = _json_lines(chunk.data).to_batches(BATCH_ROWS)
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            batches, raw = _jsonl_slow(chunk, rep)
            if raw:
                yield None, _raw(raw)
        for batch in batches:
            yield offset, batch
            if offset is not None:
                offset += batch.num_rows
        row += sum(b.num_rows for b in batches)
    if held:
        sparse, raw = _jsonl_sifted(held, row, rep)
        if raw:
            yield None, _raw(raw)
        yield row, sparse


def _jsonl_sifted(held: list[tuple[Chunk, Sift]], row: int, rep: Reporter) -> tuple[Sparse, list[str]]:
    """Parse only the candidate lines of `held` chunks, with the full parse's rules for blank and bad lines."""
    texts = [
        # A BOM opens the file, not its first record (pyarrow skips it at the start of a read).
        t.removeprefix(_BOM) if c.first_line == 1 and i == 0 else t
        for c, s in held
        for i, t in zip(s.index.tolist(), s.text, strict=True)
    ]
    no_row = np.array([not t.strip() for t in texts], dtype=np.int64)  # blank: no row
    lines = [t for t in texts if t.strip()]
    raw: list[str] = []
    parsed: pa.Table | None = None
    if lines:
        try:
            parsed = _json_lines(b"\n".join(lines))
            if parsed.num_rows != len(lines):
                raise pa.ArrowInvalid("row count")
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            parsed = None
    if parsed is None and lines:
        good: list[object] = []
        k = 0
        for chunk, s in held:
            for i in s.index.tolist():
                if not no_row[k]:
                    line = texts[k].decode("utf-8")
                    try:
                        good.append(_json_line(line, (chunk.first_line or 0) + i))
                    except json.JSONDecodeError:
                        rep.malformed_row((chunk.first_line or 0) + i, line[:200])
                        raw.append(line)
                        no_row[k] = 1
                        _stop_if_mostly_bad(len(raw), len(good))
                k += 1
        parsed = records_table(good) if good else None
    # Place each candidate's row among its chunk's rows: lines without a row before it shift it.
    rows: list[np.ndarray] = []
    skipped = nbytes = k = 0
    for chunk, s in held:
        mine = no_row[k : k + len(s.index)]
        k += len(s.index)
        rows.append((row + s.index - (np.cumsum(mine) - mine))[~mine.astype(bool)])
        row += s.lines - int(mine.sum())
        skipped += s.lines - len(s.index)
        nbytes += chunk.nbytes - sum(len(t) + 1 for t in s.text)
    batch = parsed.combine_chunks().to_batches()[0] if parsed is not None and parsed.num_rows else None
    seen: tuple[str, ...] = ()
    if batch is not None and skipped:
        # A skipped line holds no `null`: a key it has is not null there. Rare, so a plain search,
        # reading each chunk once for every such column (a sifted chunk reads its bytes again).
        null = [
            name
            for name, col in zip(batch.schema.names, batch.columns, strict=True)
            if col.null_count == len(col)
        ]
        found: set[str] = set()
        for c, s in held:
            if len(found) == len(null):
                break
            data = c.data
            found.update(name for name in null if name not in found and _key_in_skipped(data, s, name))
        seen = tuple(name for name in null if name in found)
    return Sparse(skipped, max(nbytes, 0), batch, np.concatenate(rows).astype(np.int64), seen), raw


def _key_in_skipped(data: bytes, s: Sift, name: str) -> bool:
    key = json.dumps(name, ensure_ascii=False).encode("utf-8")
    candidates = set(s.index.tolist())
    pos = data.find(key)
    while pos >= 0:
        if data.count(b"\n", 0, pos) not in candidates:
            return True
        pos = data.find(key, pos + 1)
    return False


def _jsonl_wrapped(chunk: Chunk) -> list[pa.RecordBatch] | None:
    """A chunk whose lines are JSON values but not all objects, parsed by pyarrow after all.

    Each non-object line `v` is written as `{"value": v}`, the row `records_table` makes of
    it, so millions of bare values (a hostile or odd file) cost one parse, not a Python
    `json.loads` and dict per line. None if pyarrow still refuses (a bad line, mixed types).
    """
    body = chunk.data.removeprefix(_BOM) if chunk.first_line == 1 else chunk.data  # as pyarrow skips it
    core = body.removesuffix(b"\n")
    if core and b"{" not in core and b"\n\n" not in core and not core.startswith(b"\n"):
        # No object and no blank line: every line is wrapped, in C.
        data = b'{"value": ' + core.replace(b"\n", b'}\n{"value": ') + b"}\n"
    else:
        data = b"\n".join(
            line if not line.strip() or line.lstrip()[:1] == b"{" else b'{"value": ' + line + b"}"
            for line in body.split(b"\n")
        )
    try:
        return _json_lines(data).to_batches(BATCH_ROWS)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None


def _json_line(line: str, line_no: int | None) -> object:
    """One JSON line parsed in Python; nesting past the interpreter's stack is a named limit."""
    try:
        return json.loads(line)
    except RecursionError:
        where = "" if line_no is None else f"line {line_no} "
        raise LimitExceeded("too-deeply-nested", f"{where}nests too deeply to read") from None


def _jsonl_slow(chunk: Chunk, rep: Reporter) -> tuple[list[pa.RecordBatch], list[str]]:
    """Line by line, for a chunk pyarrow refused: good lines become rows, bad ones raw text."""
    batches = _jsonl_wrapped(chunk)
    if batches is not None:
        return batches, []
    good: list[object] = []
    raw: list[str] = []
    for i, line in enumerate(chunk.data.decode("utf-8").split("\n")):
        if i == 0 and chunk.first_line == 1:
            line = line.removeprefix("\ufeff")  # the file's BOM, as pyarrow skips it
        if not line.strip():
            continue
        try:
            good.append(_json_line(line, None if chunk.first_line is None else chunk.first_line + i))
        except json.JSONDecodeError:
            rep.malformed_row(None if chunk.first_line is None else chunk.first_line + i, line[:200])
            raw.append(line)
            _stop_if_mostly_bad(len(raw), len(good))
    return (records_table(good).to_batches(BATCH_ROWS) if good else []), raw


# Bad lines are parsed one by one in Python (about 5 us each, and a string kept per line). Past
# this many in a block, with ten times more bad lines than records, the block is not JSON lines:
# reading on would only make the same verdict slower (40 MB of bad lines ran past a minute).
# (A run of bad lines between many good ones is read on: the whole file decides that verdict.)
MAX_BAD_LINES = 100_000


def _stop_if_mostly_bad(bad: int, good: int) -> None:
    if bad >= MAX_BAD_LINES and bad % MAX_BAD_LINES == 0 and bad > 10 * good:
        raise LimitExceeded(
            "unreadable-file",
            f"{bad:,} lines of one block did not parse as JSON (against {good:,} that did); "
            "not JSON lines, so it was not read further",
        )


def csv_batches(
    chunks: Iterator[Chunk],
    rep: Reporter,
    delimiter: str,
    header: list[str] | None = None,
    *,
    sifted: bool = False,
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
        if not data or data.isspace():  # without copying the chunk, as strip() would
            continue
        s = sift(data, "csv", columns=len(header), delimiter=delimiter.encode()) if sifted and line0 else None
        if s is not None:
            sparse, bad = _csv_sifted(s, Chunk(data, line0), row, rep, header, delimiter)
            yield row, sparse
            if bad:
                yield None, _raw(bad)
            row += sparse.skipped + len(sparse.rows)
            continue
        table, bad_rows = _csv_whole(data, header, delimiter, line0)
        for line, text in bad_rows:
            rep.malformed_row(line, text[:200])
        raw = [text for _, text in bad_rows]
        offset = row if chunk.first_line is not None else None
        for batch in table.to_batches(BATCH_ROWS):
            yield offset, batch
            if offset is not None:
                offset += batch.num_rows
        row += table.num_rows
        if raw:
            yield None, _raw(raw)


def _csv_whole(
    data: bytes, header: list[str], delimiter: str, line0: int
) -> tuple[pa.Table, list[tuple[int | None, str]]]:
    """A chunk parsed by pyarrow, and its bad rows (file line, text), as one batch of strings.

    Parsed in blocks of `PARSE_BLOCK_BYTES` (about twice as fast); a quoted value longer than
    a block makes pyarrow refuse ("straddles two block boundaries"), and the chunk is parsed
    again as one block, as it always was. Bad rows count only from the parse that succeeded.
    """
    if len(data) >= PARSE_BLOCK_BYTES:
        try:
            return _csv_parse(data, header, delimiter, line0, PARSE_BLOCK_BYTES)
        except pa.ArrowInvalid:
            pass
    return _csv_parse(data, header, delimiter, line0, len(data) + 1)


def _csv_parse(
    data: bytes, header: list[str], delimiter: str, line0: int, block: int
) -> tuple[pa.Table, list[tuple[int | None, str]]]:
    bad_rows: list[tuple[int | None, str]] = []

    def on_invalid(bad: pcsv.InvalidRow) -> str:
        bad_rows.append(
            (line0 + bad.number - 1 if bad.number is not None and line0 else None, bad.text or "")
        )
        return "skip"

    table = pcsv.read_csv(
        io.BytesIO(data),
        read_options=pcsv.ReadOptions(column_names=header, use_threads=False, block_size=block),
        parse_options=pcsv.ParseOptions(
            delimiter=delimiter, newlines_in_values=True, invalid_row_handler=on_invalid
        ),
        convert_options=pcsv.ConvertOptions(column_types={h: pa.large_string() for h in header}),
    )
    # One batch per block would cost the scanner's per-batch work each time.
    return table.combine_chunks(), bad_rows


def _csv_sifted(
    s: Sift, chunk: Chunk, row: int, rep: Reporter, header: list[str], delimiter: str
) -> tuple[Sparse, list[str]]:
    """Parse the candidate lines of a chunk without quotes, where a row is one line."""
    sep = delimiter.encode()
    no_row = np.zeros(len(s.text), dtype=np.int64)
    keep: list[bytes] = []
    raw: list[str] = []
    for k, text in enumerate(s.text):
        if not text or text == b"\r":  # an empty line: the CSV reader skips it
            no_row[k] = 1
        elif text.count(sep) != len(header) - 1:
            line = text.decode("utf-8").rstrip("\r")
            rep.malformed_row((chunk.first_line or 0) + int(s.index[k]), line[:200])
            raw.append(line)
            no_row[k] = 1
        else:
            keep.append(text)
    parsed = None
    if keep:
        data = b"\n".join(keep) + b"\n"
        parsed = pcsv.read_csv(
            io.BytesIO(data),
            read_options=pcsv.ReadOptions(column_names=header, use_threads=False, block_size=len(data) + 1),
            parse_options=pcsv.ParseOptions(delimiter=delimiter),
            convert_options=pcsv.ConvertOptions(column_types={h: pa.large_string() for h in header}),
        )
    return _sparse(s, chunk, row, parsed, no_row), raw


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


def text_batches(chunks: Iterator[Chunk], rep: Reporter, *, sifted: bool = False) -> Batches:
    row = 0
    for chunk in chunks:
        rep.bad_utf8(chunk)
        s = _sift(chunk, "text") if sifted else None
        if s is not None:
            lines = _text_lines(b"\n".join(s.text))
            parsed = pa.Table.from_arrays([arrays.strings(lines)], names=["text"]) if lines else None
            sparse = _sparse(s, chunk, row, parsed, np.zeros(len(s.text), dtype=np.int64))
            yield row, sparse
            row += sparse.skipped + len(sparse.rows)
            continue
        lines = _text_lines(chunk.data)
        yield (
            (row if chunk.first_line is not None else None),
            pa.RecordBatch.from_arrays([arrays.strings(lines)], names=["text"]),
        )
        row += len(lines)


def json_document_batches(f: BinaryIO, rep: Reporter, display: str) -> Batches:
    """A whole JSON document (an array of records, or an object holding one)."""
    raw = read_capped(f, MAX_JSON_DOCUMENT_BYTES, "a JSON document")
    try:
        doc = json.loads(raw.decode("utf-8", "replace"))
    except RecursionError:
        raise LimitExceeded("too-deeply-nested", "the JSON document nests too deeply to read") from None
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
        for batch in records_table(records[start : start + BATCH_ROWS]).to_batches():
            yield start, batch


def parquet_batches(
    source: str | pa.Buffer,
    *,
    sample_rows: int | None,
    seed: int,
    columns: list[str] | None = None,
) -> Batches:
    """Row groups of a parquet file (only `columns`, when given), or a seeded sample of them."""
    from guardrail.readers.parquet import decoded, dictionary_leaves, opened, read_group, row_group_batches

    pf = pq.ParquetFile(source if isinstance(source, str) else pa.BufferReader(source))
    columns = columns or pf.schema_arrow.names
    if sample_rows is None:
        row = 0
        for batch in row_group_batches(source, columns):
            yield row, batch
            row += batch.num_rows
        return
    import numpy as np

    md = pf.metadata
    target = pf.schema_arrow
    as_dictionaries = opened(source, dictionary_leaves(pf, columns))
    starts = np.cumsum([0] + [md.row_group(i).num_rows for i in range(md.num_row_groups)])
    rng = np.random.default_rng(seed)
    picks = sorted(rng.permutation(md.num_row_groups)[: max(1, min(md.num_row_groups, 16))])
    per_group = max(1, sample_rows // len(picks))
    for g in picks:
        # A seeded window per row group keeps row numbers exact and batches large.
        n = md.row_group(int(g)).num_rows
        start = int(rng.integers(0, max(1, n - per_group + 1)))
        window = (start, min(per_group, n - start))
        parts = read_group(as_dictionaries, int(g), columns, target, window=window, use_threads=True)
        for part in decoded(parts, target):
            for batch in pa.Table.from_batches([part]).to_batches(BATCH_ROWS):
                yield int(starts[g]) + start, batch
                start += batch.num_rows


def arrow_batches(source: str | pa.Buffer) -> Batches:
    """An Arrow IPC file (`ARROW1` magic, what `Dataset.save_to_disk` and pyarrow write) or stream."""
    with pa.memory_map(source) if isinstance(source, str) else pa.BufferReader(source) as f:
        is_file = f.read(6) == b"ARROW1"
        f.seek(0)
        if is_file:
            reader = pa.ipc.open_file(f)
            batches: Iterator[pa.RecordBatch] = (
                reader.get_batch(i) for i in range(reader.num_record_batches)
            )
        else:
            batches = iter(pa.ipc.open_stream(f))
        row = 0
        for batch in batches:
            yield row, batch
            row += batch.num_rows


def read_capped(f: BinaryIO, cap: int, what: str) -> bytes:
    """All of `f`, refusing more than `cap` bytes (a whole document is parsed in memory).

    Raises:
        LimitExceeded: code `document-too-large`.
    """
    raw = f.read(cap + 1)
    if len(raw) > cap:
        raise LimitExceeded(
            "document-too-large",
            f"{what} is larger than {cap / 2**20:,.0f} MiB and is read whole; it was not read",
        )
    return raw


def document_batches(f: BinaryIO, column: str, cap: int) -> Batches:
    """A whole file as one row, as `datasets`' xml builder gives it."""
    text = read_capped(f, cap, f"a .{column} document").decode("utf-8", "replace")
    yield 0, pa.RecordBatch.from_arrays([arrays.strings([text])], names=[column])
