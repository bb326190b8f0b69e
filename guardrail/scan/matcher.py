"""The prefilter engine: find candidate values over whole Arrow buffers, not value by value.

A string column chunk is one contiguous UTF-8 data buffer plus an offsets array. Hyperscan
(SIMD multi-pattern matching, several GB/s on one core) runs once over the data buffer; each
hit's end offset is mapped back to its value through the offsets array. A hit costs one
Python callback, so no pattern may match at every byte of ordinary data: the 18-digit id
pattern matches once per run of digits, not once per digit (`prefilter.SNOWFLAKE_RUN`).
Where Hyperscan has no wheel, Arrow's RE2 kernel runs the same alternation per value (in
C++, no Python per value). Both are case-insensitive without lower-cased copies of the data
(`HS_FLAG_CASELESS`, RE2 `ignore_case`), and both only pick candidates: the exact rules run
on candidates afterwards, so the two engines give the same findings.

The engine is chosen once per process; `GUARDRAIL_PREFILTER=re2` forces the fallback.
"""

from __future__ import annotations

import os
import threading
from functools import cache
from typing import Any, Protocol

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guardrail.scan import arrays
from guardrail.scan.prefilter import (
    SNOWFLAKE_DIGITS,
    SNOWFLAKE_RUN,
    binary_parts,
    line_parts,
    prefilter,
    prefilter_bytes,
    raw_prefilter,
    string_parts,
)

ENGINE_ENV = "GUARDRAIL_PREFILTER"

# Hyperscan's case folding is ASCII-only, RE2's is Unicode simple folding: RE2 `(?i)s`
# also matches U+017F (long s) and `(?i)k` U+212A (Kelvin sign). The exact rules run on
# RE2, so these two characters make a value a candidate to keep the prefilter a superset.
_RE2_ONLY_FOLDS = r"[\x{017F}\x{212A}]"


class Matcher(Protocol):
    """Picks candidate values; `name` is reported in the scan info."""

    name: str

    def candidates(self, values: pa.Array, *, binary: bool) -> np.ndarray:
        """Indices of the values of a string/binary array that may hold a match."""
        ...

    def line_spans(
        self, data: bytes | bytearray, extra: tuple[str, ...], limit: int
    ) -> list[tuple[int, int]] | None:
        """(start, end) of each line of `data` that may hold a match or one of `extra`;
        None once more than `limit` lines (or hits) are found: sifting would not pay."""
        ...


def _data_and_offsets(values: pa.Array) -> tuple[memoryview, np.ndarray]:
    """The data buffer span of `values` and its value offsets rebased to that span (no copy)."""
    offsets = arrays.offsets(values)
    data = memoryview(values.buffers()[2] or b"")
    lo, hi = int(offsets[0]), int(offsets[-1])
    return data[lo:hi], offsets - lo


class Re2Matcher:
    """Arrow's RE2 kernel, one value at a time in C++."""

    name = "re2"

    def candidates(self, values: pa.Array, *, binary: bool) -> np.ndarray:
        pattern = prefilter_bytes() if binary else prefilter()
        mask = pc.match_substring_regex(values, pattern, ignore_case=True)
        return arrays.ints(pc.indices_nonzero(mask))

    def line_spans(
        self, data: bytes | bytearray, extra: tuple[str, ...], limit: int
    ) -> list[tuple[int, int]] | None:
        if not data:
            return []
        raw = np.frombuffer(data, dtype=np.uint8)
        ends = np.flatnonzero(raw == 10)
        starts = np.concatenate(([0], ends + 1))
        stops = np.concatenate((ends, [len(data)]))
        if stops[-1] == starts[-1]:  # data ends with a line end: no empty last line
            starts, stops = starts[:-1], stops[:-1]
        offsets = np.empty(len(starts) + 1, dtype=np.int64)
        offsets[:-1], offsets[-1] = starts, len(data)
        # Each line runs to the next line's start (its line end included), so `$` and the
        # line-end patterns see what they would see in the file.
        lines = pa.LargeStringArray.from_buffers(len(starts), pa.py_buffer(offsets), pa.py_buffer(data))
        pattern = "|".join([raw_prefilter(), *(f"(?m:{e})" for e in extra)])
        idx = arrays.ints(pc.indices_nonzero(pc.match_substring_regex(lines, pattern, ignore_case=True)))
        if len(idx) > limit:
            return None
        return [(int(starts[i]), int(stops[i])) for i in idx]


# ASCII whitespace as RE2's `\s` and Python's `bytes.isspace` see it (\v included: a superset).
_SPACES = np.frombuffer(b" \t\n\v\f\r", dtype=np.uint8)


def _may_open_value(data: memoryview, starts: np.ndarray, last: np.ndarray) -> np.ndarray:
    r"""For runs of digits ending at `last` in values starting at `starts`: whether the run can
    open its value as the snowflake rule (`^\s*[0-9]{18,19}\s*$`) needs.

    A run inside `0.024234226998503194` or `status/1234...` follows an ASCII byte that is not
    whitespace and can never be a bare id: a column of long fractions would otherwise make
    every value a candidate. A run after a non-ASCII byte is kept (normalising may turn that
    character into a space), and so is one at the value's start.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    first = last - (SNOWFLAKE_DIGITS - 1)
    before = raw[np.maximum(first - 1, 0)]
    return (first == starts) | ((first > starts) & ((before >= 0x80) | np.isin(before, _SPACES)))


_DIGIT_OR_DOT = np.frombuffer(b"0123456789.", dtype=np.uint8)


def _ids_after_digits(data: memoryview, offsets: np.ndarray) -> np.ndarray:
    """Values that open with 18 digits right after a value ending in a digit or a dot.

    In the buffer their digits run on from the value before (`7` then an id reads as one
    run of 19 digits), so `SNOWFLAKE_RUN` cannot see where they begin; their first bytes are
    checked here instead, with a few vectorised gathers per column.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    starts = offsets[1:-1]  # the first value follows nothing
    lengths = offsets[2:] - starts
    pick = np.flatnonzero((lengths >= SNOWFLAKE_DIGITS) & (starts > 0))
    pick = pick[np.isin(raw[starts[pick] - 1], _DIGIT_OR_DOT)]
    for k in range(SNOWFLAKE_DIGITS):
        if not pick.size:
            break
        c = raw[starts[pick] + k]
        pick = pick[(c >= 0x30) & (c <= 0x39)]
    return (pick + 1).astype(np.int64)


def _hs_pattern(p: str) -> bytes:
    # Hyperscan reads PCRE syntax, which RE2's `\x{...}` and character classes are already.
    return p.encode("utf-8")


class HyperscanMatcher:
    """Hyperscan over whole buffers; one database for text, one for bytes."""

    name = "hyperscan"

    def __init__(self) -> None:
        import hyperscan as hs

        self._hs = hs
        self._text = self._compile(string_parts(), utf8=True)
        self._bytes = self._compile(binary_parts(), utf8=False)
        # Which pattern is the digit run, in the text (False) and bytes (True) databases.
        self._digit_run = {
            False: string_parts().index(SNOWFLAKE_RUN),
            True: binary_parts().index(SNOWFLAKE_RUN),
        }
        self._lines: dict[tuple[str, ...], Any] = {}
        # A database's own scratch serves one scan at a time; raw-bytes sifting runs on a
        # thread beside the main one, so each thread gets a scratch of its own per database.
        self._local = threading.local()

    def _compile(self, parts: tuple[str, ...], *, utf8: bool, multiline: tuple[str, ...] = ()) -> Any:
        hs = self._hs
        db = hs.Database(mode=hs.HS_MODE_BLOCK)
        base = hs.HS_FLAG_CASELESS | (hs.HS_FLAG_UTF8 if utf8 else 0)
        exprs = [*parts, *multiline] + ([_RE2_ONLY_FOLDS] if utf8 else [])
        flags = [base] * len(parts) + [base | hs.HS_FLAG_MULTILINE] * len(multiline)
        # Not caseless: Hyperscan would fold these two back to `s` and `k`.
        flags += [hs.HS_FLAG_UTF8] if utf8 else []
        db.compile(
            expressions=[_hs_pattern(p) for p in exprs],
            ids=list(range(len(exprs))),
            elements=len(exprs),
            flags=flags,
        )
        return db

    def _hits(
        self,
        db: Any,
        data: memoryview | bytes | bytearray,
        limit: int | None = None,
        patterns: list[int] | None = None,
    ) -> np.ndarray | None:
        """Position of the last byte of every match, in one pass over `data`; None once
        there are more than `limit` (the scan stops there). `patterns` gets each match's
        pattern index."""
        ends: list[int] = []
        add = ends.append
        which = patterns.append if patterns is not None else None

        def on_match(_id: int, _start: int, stop: int, _flags: int, _ctx: object) -> bool:
            add(stop)
            if which is not None:
                which(_id)
            return limit is not None and len(ends) > limit  # True stops the scan

        scratches: dict[int, Any] | None = getattr(self._local, "scratch", None)
        if scratches is None:
            scratches = self._local.scratch = {}
        scratch = scratches.get(id(db))
        if scratch is None:
            scratch = scratches[id(db)] = self._hs.Scratch(db)
        try:
            db.scan(data, match_event_handler=on_match, scratch=scratch)
        except self._hs.ScanTerminated:
            return None
        # A match never ends at 0 except an empty one, which no prefilter pattern allows.
        return np.maximum(np.asarray(ends, dtype=np.int64) - 1, 0)

    def candidates(self, values: pa.Array, *, binary: bool) -> np.ndarray:
        data, offsets = _data_and_offsets(values)
        if not len(data):
            return np.zeros(0, dtype=np.int64)
        patterns: list[int] = []
        hits = self._hits(self._bytes if binary else self._text, data, patterns=patterns)
        assert hits is not None  # no limit
        at = np.searchsorted(offsets, hits, side="right") - 1
        digits = np.asarray(patterns, dtype=np.int64) == self._digit_run[binary]
        if digits.any():
            keep = ~digits
            keep[digits] = _may_open_value(data, offsets[at[digits]], hits[digits])
            at = at[keep]
        return np.union1d(at, _ids_after_digits(data, offsets)).astype(np.int64)

    def line_spans(
        self, data: bytes | bytearray, extra: tuple[str, ...], limit: int
    ) -> list[tuple[int, int]] | None:
        db = self._lines.get(extra)
        if db is None:
            with _COMPILE_LOCK:
                db = self._lines.get(extra)
                if db is None:
                    db = self._lines[extra] = self._compile(line_parts(), utf8=True, multiline=extra)
        # A line can hit many times; a limit on hits is a limit on lines, a few times over.
        hits = self._hits(db, data, 4 * limit)
        if hits is None:
            return None
        spans: list[tuple[int, int]] = []
        stop = -1
        for at in np.unique(hits).tolist():
            if at <= stop:
                continue  # this line is already a candidate
            start = data.rfind(b"\n", 0, at) + 1  # a hit on a line end belongs to the line it ends
            stop = data.find(b"\n", at)
            stop = len(data) if stop < 0 else stop
            spans.append((start, stop))
        return spans if len(spans) <= limit else None


_COMPILE_LOCK = threading.Lock()


@cache
def matcher() -> Matcher:
    """Hyperscan when it is installed (and not disabled), else Arrow's RE2."""
    if os.environ.get(ENGINE_ENV, "").lower() != "re2":
        try:
            return HyperscanMatcher()
        except ImportError:
            pass
    return Re2Matcher()
