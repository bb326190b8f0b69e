"""Bounds on a record batch before the scanner reads it: nesting depth and single values.

A JSON object nested ten thousand levels deep reads into Arrow fine, then crashes the
process when its schema is hashed; so a batch nested deeper than `MAX_NESTING` is refused
first (could-not-check). A single value of hundreds of MB would be copied several times by
normalisation, so values over `VALUE_WINDOW_BYTES` are scanned as overlapping windows, one
at a time, each still reported against its row.

Kept apart from the scanner's per-value work, which stays as it is.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guardrail.scan import arrays
from guardrail.scan.columns import Leaf, leaves

MAX_NESTING = 64
VALUE_WINDOW_BYTES = 4 * 1024 * 1024
# Consecutive windows share this many bytes, so a URL or handle cut by one edge is whole
# in the next window.
WINDOW_OVERLAP_BYTES = 4096


def nesting_depth(schema: pa.Schema, stop: int = MAX_NESTING + 1) -> int:
    """How deeply `schema` nests structs, lists and maps (iterative: no recursion limit)."""
    deepest = 0
    stack: list[tuple[pa.DataType, int]] = [(f.type, 1) for f in schema]
    while stack:
        t, depth = stack.pop()
        deepest = max(deepest, depth)
        if deepest >= stop:
            return deepest
        if pa.types.is_struct(t):
            stack.extend((t.field(i).type, depth + 1) for i in range(t.num_fields))
        elif pa.types.is_map(t):
            stack.extend([(t.key_type, depth + 1), (t.item_type, depth + 1)])
        elif hasattr(t, "value_type"):  # list kinds and dictionaries
            stack.append((t.value_type, depth + 1))
    return deepest


def too_deep(schema: pa.Schema) -> bool:
    return nesting_depth(schema) > MAX_NESTING


def bounded_leaves(batch: pa.RecordBatch) -> Iterator[Leaf]:
    """`columns.leaves(batch)`, with oversized values cut into windows."""
    for leaf in leaves(batch):
        yield from windowed(leaf)


def windowed(leaf: Leaf) -> Iterator[Leaf]:
    """`leaf`, with every value over `VALUE_WINDOW_BYTES` scanned as its own windows.

    The leaf itself comes first with those values set to null; then, lazily, one single-value
    leaf per window, mapped to the row of the value it was cut from.
    """
    values = leaf.values
    if leaf.kind not in ("string", "binary") or len(values) == 0:
        yield leaf
        return
    # Lengths from the offsets in numpy: a Python scalar handed to a pyarrow kernel makes
    # pyarrow import pandas (about 0.4 s of a CLI run).
    big = np.diff(arrays.offsets(values)) > VALUE_WINDOW_BYTES
    if values.null_count:
        big &= arrays.bools(pc.is_valid(values))
    positions = np.flatnonzero(big)
    if not positions.size:
        yield leaf
        return
    yield replace(leaf, values=pc.if_else(arrays.mask(big), pa.nulls(1, values.type)[0], values))
    rows = np.arange(len(values)) if leaf.rows is None else leaf.rows
    for pos in positions:
        data = _value_bytes(values, int(pos))
        for piece in _windows(data, text=leaf.kind == "string"):
            array = pa.Array.from_buffers(
                pa.large_binary(),
                1,
                [None, pa.py_buffer(np.array([0, len(piece)], np.int64)), pa.py_buffer(piece)],
            )
            if leaf.kind == "string":
                array = array.cast(pa.large_string())
            yield Leaf(leaf.path, array, rows[[int(pos)]], leaf.kind, whole_bytes=len(data))


def _value_bytes(values: pa.Array, i: int) -> memoryview:
    """The bytes of value `i`, without copying them."""
    offsets = arrays.offsets(values)
    return memoryview(values.buffers()[2])[int(offsets[i]) : int(offsets[i + 1])]


def _windows(data: memoryview, *, text: bool) -> Iterator[bytes]:
    step = VALUE_WINDOW_BYTES - WINDOW_OVERLAP_BYTES
    start = 0
    while start < len(data):
        end = min(len(data), start + VALUE_WINDOW_BYTES)
        lo, hi = start, end
        if text:  # cut at UTF-8 character starts, so each window decodes
            while lo < len(data) and data[lo] & 0xC0 == 0x80:
                lo += 1
            while hi < len(data) and data[hi] & 0xC0 == 0x80:
                hi -= 1
        yield bytes(data[lo:hi])
        if end == len(data):
            return
        start += step
