"""File lines for the dataset rows that findings point at, in line-based data files.

Rows count from 0 as `datasets` counts them; a person opening the JSONL or CSV counts lines
from 1 in an editor, and code scanning needs that line. The two differ: JSON Lines skips
blank lines, CSV has a header and quoted values that span lines. So the line is found by
reading the file again up to the last row asked for (only for the few rows findings name,
and only for files small enough to re-read cheaply); text files need no read (a row is a line).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable, Iterator
from typing import BinaryIO

# Re-reading a larger file to place a handful of findings costs more than the line is worth.
MAX_BYTES = 512 * 1024 * 1024

Opener = Callable[[], BinaryIO]


def row_lines(fmt: str, rows: Iterable[int], open_file: Opener, size: int) -> dict[int, int]:
    """Map each of `rows` (0-based dataset rows) to its 1-based first line in the file.

    Args:
        fmt: The data format suffix (`.jsonl`, `.ndjson`, `.csv`, `.tsv`, `.txt`).
        rows: The rows to place.
        open_file: Opens the file's (decompressed) bytes from the start.
        size: The file's size on disk, to bound the work.

    Returns:
        The rows that could be placed; other formats and oversized files give `{}`.
    """
    wanted = set(rows)
    if not wanted:
        return {}
    if fmt == ".txt":
        return {r: r + 1 for r in wanted}
    if size > MAX_BYTES or fmt not in (".jsonl", ".ndjson", ".csv", ".tsv"):
        return {}
    with open_file() as fh:
        starts = _jsonl_rows(fh) if fmt in (".jsonl", ".ndjson") else _csv_rows(fh, fmt)
        return _collect(starts, wanted)


def _collect(starts: Iterator[tuple[int, int]], wanted: set[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    last = max(wanted)
    for row, line in starts:
        if row in wanted:
            out[row] = line
        if row >= last:
            break
    return out


def _jsonl_rows(fh: BinaryIO) -> Iterator[tuple[int, int]]:
    """(row, line) for each record: one per line, blank lines skipped (as pyarrow reads them)."""
    row = 0
    for line_no, line in enumerate(fh, start=1):
        if line.strip():
            yield row, line_no
            row += 1


def _csv_rows(fh: BinaryIO, fmt: str) -> Iterator[tuple[int, int]]:
    """(row, line) for each record after the header; quoted values may span lines."""
    text = io.TextIOWrapper(fh, encoding="utf-8", errors="replace", newline="")
    reader = csv.reader(text, delimiter="\t" if fmt == ".tsv" else ",")
    row, start, header_seen = 0, 1, False
    for record in reader:
        if record:  # pyarrow skips empty lines
            if header_seen:
                yield row, start
                row += 1
            header_seen = True
        start = reader.line_num + 1
