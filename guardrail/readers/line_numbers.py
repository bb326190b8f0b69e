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

import numpy as np

from guardrail.readers import newlines

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
        if fmt in (".jsonl", ".ndjson"):
            return _jsonl_lines(fh, wanted)
        return _collect(_csv_rows(fh, fmt), wanted)


def _collect(starts: Iterator[tuple[int, int]], wanted: set[int]) -> dict[int, int]:
    out: dict[int, int] = {}
    last = max(wanted)
    for row, line in starts:
        if row in wanted:
            out[row] = line
        if row >= last:
            break
    return out


# bytes.strip() whitespace: a JSON line of only these is blank, and pyarrow gives it no row.
_IS_BLANK = np.zeros(256, dtype=bool)
_IS_BLANK[list(b" \t\n\r\x0b\x0c")] = True
# Up to this many lines of a block that open with whitespace are looked at one by one.
_FEW_ODD = 256
READ_BYTES = 1024 * 1024  # at worst (a block of blank lines) numpy holds a few int64s per byte


def _blank(data: bytes, start: int, stop: int) -> bool:
    return start >= stop or data[start:stop].isspace()


def _jsonl_lines(fh: BinaryIO, wanted: set[int]) -> dict[int, int]:
    """Row -> line for JSON lines (a row per line that is not blank), a block at a time.

    Line ends are found with numpy; only a line that starts with whitespace is looked at
    on its own, to tell a blank line from an indented record. Placing a row near the end
    of a 227 MB file took 0.8 s line by line in Python.
    """
    want = np.array(sorted(wanted), dtype=np.int64)
    out: dict[int, int] = {}
    row, line = 0, 1  # the row and line of the line not yet ended
    blank_so_far = True  # whether that line holds only whitespace so far
    while row <= want[-1]:
        data = fh.read(READ_BYTES)
        if not data:
            if not blank_so_far and row in wanted:  # a last line without a line end
                out[row] = line
            break
        ends = newlines.positions(data)
        if not ends.size:
            blank_so_far = blank_so_far and _blank(data, 0, len(data))
            continue
        full = np.ones(ends.size, dtype=bool)  # each line ended in this block: not blank
        full[0] = not (blank_so_far and _blank(data, 0, int(ends[0])))
        starts = ends[:-1] + 1
        raw = np.frombuffer(data, dtype=np.uint8)
        odd = np.flatnonzero(_IS_BLANK[raw[starts]])  # lines that open with whitespace
        if odd.size > _FEW_ODD:  # many (blank lines by the million): per byte, in numpy
            filled = np.concatenate(([0], np.cumsum(~_IS_BLANK[raw], dtype=np.int64)))
            full[odd + 1] = filled[ends[odd + 1]] > filled[starts[odd]]
        else:
            for i in odd.tolist():
                full[i + 1] = not _blank(data, int(starts[i]), int(ends[i + 1]))
        at = np.flatnonzero(full)
        rows = row + np.arange(at.size)
        hit = np.isin(rows, want)
        out.update(zip(rows[hit].tolist(), (line + at[hit]).tolist(), strict=True))
        row += at.size
        line += ends.size
        blank_so_far = _blank(data, int(ends[-1]) + 1, len(data))
    return out


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
