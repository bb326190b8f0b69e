"""Flatten a record batch into the leaves the scanner reads: strings, binaries and integers.

Structs become dotted paths (`user.screen_name`); list elements keep a map back to the
row that holds them, so a hit inside `entities.urls[3].expanded_url` is still reported
against its row. Everything stays columnar; no value is turned into a Python object.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from guardrail.scan import arrays


@dataclass(frozen=True)
class Leaf:
    """One scannable column of a batch.

    Args:
        path: Dotted path of the field; list levels add `[]` (`entities.urls[].url`).
        values: The leaf's values: string, binary or integer.
        rows: For values inside lists, the batch row of each value; None when one per row.
        kind: "string", "binary" or "integer".
        whole_bytes: For a window cut from one oversized value, that value's size.
    """

    path: str
    values: pa.Array
    rows: np.ndarray | None
    kind: str
    whole_bytes: int | None = None

    @property
    def in_list(self) -> bool:
        return self.rows is not None

    def batch_rows(self, positions: np.ndarray) -> np.ndarray:
        """Batch row indices of the values at `positions`, without duplicates."""
        rows = positions if self.rows is None else self.rows[positions]
        return np.unique(rows)


def _compose(outer: np.ndarray | None, inner: np.ndarray) -> np.ndarray:
    return inner if outer is None else outer[inner]


def _walk(array: pa.Array, path: str, rows: np.ndarray | None) -> Iterator[Leaf]:
    t = array.type
    if pa.types.is_dictionary(t):
        yield from _walk(array.dictionary_decode(), path, rows)
    elif pa.types.is_string(t) or pa.types.is_large_string(t):
        yield Leaf(path, array, rows, "string")
    elif pa.types.is_string_view(t):
        yield Leaf(path, array.cast(pa.large_string()), rows, "string")
    elif pa.types.is_binary(t) or pa.types.is_large_binary(t) or pa.types.is_binary_view(t):
        if pa.types.is_binary_view(t):
            array = array.cast(pa.large_binary())
        yield Leaf(path, array, rows, "binary")
    elif pa.types.is_fixed_size_binary(t):
        yield Leaf(path, array.cast(pa.binary()), rows, "binary")
    elif pa.types.is_integer(t) and t.bit_width == 64:
        yield Leaf(path, array, rows, "integer")
    elif pa.types.is_struct(t):
        for i, child in enumerate(array.flatten()):
            yield from _walk(child, f"{path}.{t.field(i).name}" if path else t.field(i).name, rows)
    elif (
        pa.types.is_list(t)
        or pa.types.is_large_list(t)
        or pa.types.is_fixed_size_list(t)
        or (pa.types.is_list_view(t) or pa.types.is_large_list_view(t))
    ):
        if pa.types.is_list_view(t) or pa.types.is_large_list_view(t):
            array = array.cast(pa.large_list(t.value_type))
        parents = arrays.ints(pc.list_parent_indices(array))
        values = pc.list_flatten(array)
        yield from _walk(values, f"{path}[]", _compose(rows, parents))
    elif pa.types.is_map(t):
        # List kernels abort the process on a map array; read it as the list of
        # {key, value} structs it is stored as.
        entries = pa.struct([pa.field("key", t.key_type, nullable=False), t.item_field])
        as_list = array.cast(pa.list_(pa.field("entries", entries, nullable=False)))
        yield from _walk(as_list, path, rows)
    # Numbers other than int64, booleans, dates, nulls: nothing X-specific to read.


def leaves(batch: pa.RecordBatch) -> Iterator[Leaf]:
    """Every string, binary and 64-bit integer leaf of `batch`, depth first."""
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        yield from _walk(column, name, None)


def field_paths(schema: pa.Schema) -> list[str]:
    """Dotted paths of every field and nested field in `schema` (list levels elided)."""
    out: list[str] = []

    def visit(t: pa.DataType, prefix: str) -> None:
        if pa.types.is_struct(t):
            for f in t:
                out.append(f"{prefix}{f.name}")
                visit(f.type, f"{prefix}{f.name}.")
        elif pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
            visit(t.value_type, prefix)
        elif pa.types.is_map(t):
            visit(t.item_type, prefix)

    for f in schema:
        out.append(f.name)
        visit(f.type, f"{f.name}.")
    return out
