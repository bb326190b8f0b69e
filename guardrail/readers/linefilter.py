"""Prefilter line files on their raw bytes, so only lines that could hold a finding are parsed.

A chunk of JSON lines, CSV or text is searched whole by the prefilter engine; a line with no
candidate is counted as a row and never parsed. Raw bytes can hide what a parse would show,
so these lines are candidates too (or the chunk is parsed whole):
- JSON escapes (`\\u0074witter`, `x.com\\/`) can spell any character: a line with `\\u` or
  `\\/` is a candidate;
- a JSON line that is blank, not an object, or not closed (truncated) is a candidate, so
  blank and malformed lines are handled exactly as a full parse handles them;
- a JSON `null` value is a candidate, so a column null in every row is still seen;
- CSV: a chunk with any quote character is parsed whole (a quoted value may hold commas,
  quotes and line ends); otherwise a line with the wrong number of delimiters is a candidate;
- a lone carriage return (a line end for text files) makes the chunk parse whole.
UTF-16/32 files are re-encoded before they get here (`textchunks.utf_encoding`) and a BOM
is an invisible character the prefilter already looks for.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from guardrail.readers import newlines
from guardrail.scan.matcher import matcher

JSON_TRIGGERS = (
    r"\\[u/]",
    r"^[ \t]*[^{ \t]",
    r"[^} \t\r\n][ \t\r]*$",
    r":[ \t]*null",
)


# At most one candidate line per this many bytes of a chunk: past that (a file of tweets, or
# of millions of blank or non-object lines) picking lines out costs more than parsing the chunk
# whole, and a candidate list per line would grow with the chunk.
CANDIDATE_BYTES = 1024


@dataclass(frozen=True)
class Sift:
    """Which lines of a chunk must be parsed.

    Args:
        lines: Lines in the chunk (a last line without a line end counts).
        index: 0-based line index of each candidate line, ascending.
        text: The candidate lines, without their line ends.
    """

    lines: int
    index: np.ndarray
    text: list[bytes]


def sift(data: bytes | bytearray, fmt: str, *, columns: int = 0, delimiter: bytes = b",") -> Sift | None:
    """The candidate lines of `data`, or None when the chunk must be parsed whole.

    Args:
        data: Whole lines of a file, valid UTF-8.
        fmt: "json", "csv" or "text".
        columns: For CSV, the number of columns in the header.
        delimiter: For CSV, the delimiter.
    """
    if not data:
        return Sift(0, np.zeros(0, np.int64), [])
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    tail = data[data.rfind(b"\n") + 1 :]
    if tail and not tail.strip():
        return None  # a blank last line without a line end: no trigger can see it
    if fmt == "csv" and (columns < 2 or b'"' in data):
        return None
    limit = len(data) // CANDIDATE_BYTES + 16
    spans = matcher().line_spans(data, JSON_TRIGGERS if fmt == "json" else (), limit)
    if spans is None:
        return None  # candidates everywhere (or blank and bad lines): parse it whole
    # The line of a span is the number of line ends before its start.
    count, idx = newlines.before(data, [s for s, _ in spans])
    lines = count + (0 if data.endswith(b"\n") else 1)
    if fmt == "csv":
        starts_a, stops_a = _bounds(data, newlines.positions(data))
        ragged = _ragged(data, starts_a, stops_a, columns, delimiter)
        if ragged.size > limit:
            return None  # bad or blank rows everywhere: pyarrow's own parse handles them faster
        if ragged.size:
            idx = np.union1d(idx, ragged)
            return Sift(len(starts_a), idx, [bytes(data[starts_a[i] : stops_a[i]]) for i in idx])
    return Sift(lines, idx, [bytes(data[s:e]) for s, e in spans])  # copies: `data` may be reused


def _bounds(data: bytes | bytearray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and stop (line end excluded) of every line, from the line ends' offsets."""
    starts = np.concatenate(([0], ends + 1))
    stops = np.concatenate((ends, [len(data)]))
    if data.endswith(b"\n"):
        starts, stops = starts[:-1], stops[:-1]
    return starts, stops


def _ragged(
    data: bytes | bytearray, starts: np.ndarray, stops: np.ndarray, columns: int, delimiter: bytes
) -> np.ndarray:
    """Lines whose delimiter count is not `columns - 1` (blank lines included)."""
    delims = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == delimiter[0])
    counts = np.searchsorted(delims, stops) - np.searchsorted(delims, starts)
    return np.flatnonzero(counts != columns - 1).astype(np.int64)
