"""Read a parquet file for scanning: only the columns that can hold text, row groups in parallel.

Numbers, booleans, dates and times cannot carry an X link, so they are not decoded: the
scanner gets their names (for the shape rules) and, from the file's statistics, whether
they hold any value (for the null-column finding). 64-bit integers are still read (tweet
ids are stored as int64), and so is any column whose statistics are missing. Row groups
are decoded by a small thread pool a few groups ahead of the scan and handed over in file
order, so memory stays at a few row groups whatever the file's size.

Text is read as Arrow dictionaries, so what is decoded from the file is what it holds: a
dictionary-encoded column of one long value repeated a million times is a few KB on disk
and would be GBs decoded. Before a dictionary is decoded, its decoded size is counted from
its value lengths and indices; a column chunk past `MAX_PARQUET_CHUNK_BYTES` is refused, and
a row group past `DECODE_AHEAD_BYTES` is decoded in slices, each only as the scan reaches it.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from guardrail.readers import file_bounds as bounds
from guardrail.scan import arrays

# A row group whose dictionaries decode to at most this is decoded on its reading thread;
# a larger one is handed over in slices of about `SLICE_BYTES` decoded, one at a time.
DECODE_AHEAD_BYTES = 256 * 1024 * 1024
SLICE_BYTES = 32 * 1024 * 1024


def workers() -> int:
    """Cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def _skippable(t: pa.DataType) -> bool:
    """A flat column that cannot hold text or a tweet id."""
    if pa.types.is_integer(t):
        return t.bit_width < 64
    return (
        pa.types.is_boolean(t) or pa.types.is_floating(t) or pa.types.is_temporal(t) or pa.types.is_decimal(t)
    )


def projection(pf: pq.ParquetFile) -> tuple[list[str], dict[str, bool]]:
    """The columns to read, and for each column left out whether it holds a non-null value."""
    schema = pf.schema_arrow
    md = pf.metadata
    leaf_index = {pf.schema.column(j).path: j for j in range(md.num_columns)}
    read: list[str] = []
    unread: dict[str, bool] = {}
    for field in schema:
        j = leaf_index.get(field.name)
        if not _skippable(field.type) or j is None:
            read.append(field.name)
            continue
        nonnull = False
        for g in range(md.num_row_groups):
            stats = md.row_group(g).column(j).statistics
            if stats is None or not stats.has_null_count:
                break  # cannot tell without reading it
            nonnull = nonnull or md.row_group(g).column(j).num_values > stats.null_count
        else:
            unread[field.name] = nonnull
            continue
        read.append(field.name)
    if not read and schema.names:  # keep one column so batches still carry their row count
        read.append(schema.names[0])
        unread.pop(schema.names[0], None)
    return read, unread


def _leaf_count(t: pa.DataType) -> int:
    """Parquet leaf columns an Arrow field of type `t` is stored in."""
    if isinstance(t, pa.ExtensionType):
        return _leaf_count(t.storage_type)
    if pa.types.is_struct(t):
        return sum(_leaf_count(t.field(i).type) for i in range(t.num_fields))
    if pa.types.is_map(t):
        return _leaf_count(t.key_type) + _leaf_count(t.item_type)
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_fixed_size_list(t):
        return _leaf_count(t.value_type)
    if pa.types.is_list_view(t) or pa.types.is_large_list_view(t):
        return _leaf_count(t.value_type)
    return 1


def dictionary_leaves(pf: pq.ParquetFile, columns: list[str]) -> list[int]:
    """The byte-array leaf columns under `columns`, to be read as Arrow dictionaries.

    Every one is, whatever the metadata says of its encodings: a file may declare none and
    still hold dictionary pages.
    """
    wanted = set(columns)
    schema, md = pf.schema_arrow, pf.metadata
    owner: list[str] = [f.name for f in schema for _ in range(_leaf_count(f.type))]
    if len(owner) != md.num_columns:  # not the usual layout: go by the leaf paths
        owner = [pf.schema.column(j).path.split(".")[0] for j in range(md.num_columns)]
    return [
        j
        for j in range(md.num_columns)
        if owner[j] in wanted and pf.schema.column(j).physical_type == "BYTE_ARRAY"
    ]


def _has_dictionary(t: pa.DataType) -> bool:
    if pa.types.is_dictionary(t):
        return True
    return any(_has_dictionary(t.field(i).type) for i in range(t.num_fields))


def _list_offsets(array: pa.Array) -> np.ndarray:
    wide = pa.types.is_large_list(array.type)
    raw = np.frombuffer(array.buffers()[1], dtype=np.int64 if wide else np.int32)
    return raw[array.offset : array.offset + len(array) + 1].astype(np.int64, copy=False)


def _value_bytes(array: pa.Array, path: str, totals: dict[str, int]) -> np.ndarray | None:
    """What each value of `array` takes once its dictionaries are decoded (None: nothing to decode).

    Adds each dictionary leaf's whole decoded size to `totals`, by path.
    """
    t = array.type
    if not _has_dictionary(t):
        return None
    n = len(array)
    if pa.types.is_dictionary(t):
        values = array.dictionary
        vt = values.type
        if pa.types.is_string(vt) or pa.types.is_binary(vt):
            lengths = np.diff(arrays.offsets(values)).astype(np.int64) + 4
        elif pa.types.is_large_string(vt) or pa.types.is_large_binary(vt):
            lengths = np.diff(arrays.offsets(values)).astype(np.int64) + 8
        else:
            lengths = np.full(len(values), max(1, vt.bit_width // 8) if vt.num_fields == 0 else 8, np.int64)
        if not len(lengths) or not n:
            out = np.zeros(n, np.int64)
        else:
            idx = np.clip(arrays.raw_values(array.indices), 0, len(lengths) - 1)  # null slots hold anything
            out = lengths[idx]
            if array.null_count:
                out[~arrays.bools(array.is_valid())] = 0
        totals[path] = totals.get(path, 0) + int(out.sum())
        return out
    if pa.types.is_struct(t):
        out = np.zeros(n, np.int64)
        for i in range(t.num_fields):
            child = _value_bytes(array.field(i), f"{path}.{t.field(i).name}", totals)
            if child is not None:
                out += child
        return out
    if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_map(t):
        child = _value_bytes(array.values, f"{path}[]", totals)
        if child is None:
            return None
        ends = np.concatenate([np.zeros(1, np.int64), np.cumsum(child)])
        off = _list_offsets(array)
        return ends[off[1:]] - ends[off[:-1]]
    if pa.types.is_fixed_size_list(t):
        child = _value_bytes(array.values, f"{path}[]", totals)
        if child is None:
            return None
        k = t.list_size
        return child[array.offset * k : (array.offset + n) * k].reshape(n, k).sum(axis=1)
    # A dictionary under a type not read here (list views): decoded as it is.
    return None


def _row_bytes(batch: pa.RecordBatch, totals: dict[str, int]) -> np.ndarray | None:
    """What each row of `batch` takes once its dictionaries are decoded (None: nothing to decode)."""
    out: np.ndarray | None = None
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        sizes = _value_bytes(column, name, totals)
        if sizes is not None:
            out = sizes if out is None else out + sizes
    return out


def _refuse_past_cap(group: int, totals: dict[str, int]) -> None:
    cap = bounds.MAX_PARQUET_CHUNK_BYTES
    for path, size in totals.items():
        if size > cap:
            raise bounds.LimitExceeded(
                "decompression-limit",
                f"row group {group}, column {path} decodes to {size / 2**20:,.0f} MiB from its dictionary, "
                f"over the {cap / 2**20:,.0f} MiB one column chunk may take; not read",
            )


# A row group read: batches decoded already, or a batch of dictionaries and the row ranges
# (start, length) to decode it in, one at a time.
Part = tuple[pa.RecordBatch, list[tuple[int, int]] | None]


def _cuts(sizes: np.ndarray) -> list[tuple[int, int]]:
    """Row ranges (start, length) of about `SLICE_BYTES` each; a larger row is a range of its own."""
    ends = np.cumsum(sizes)
    out: list[tuple[int, int]] = []
    start = 0
    while start < len(sizes):
        base = int(ends[start - 1]) if start else 0
        stop = max(start + 1, int(np.searchsorted(ends, base + SLICE_BYTES, side="right")))
        out.append((start, stop - start))
        start = stop
    return out


def _decode(batch: pa.RecordBatch, schema: pa.Schema) -> pa.RecordBatch:
    """`batch` with its dictionaries decoded to `schema`'s types, as a plain read gives them."""
    if batch.schema.equals(schema):
        return batch
    columns = []
    for column, field in zip(batch.columns, schema, strict=True):
        if column.type != field.type:
            column = column.cast(field.type)
            if column.null_count == 0 and column.buffers()[0] is not None and column.type.num_fields == 0:
                # A plain read leaves out a validity bitmap with nothing null (`nbytes` counts it).
                column = pa.Array.from_buffers(
                    column.type, len(column), [None, *column.buffers()[1:]], 0, column.offset
                )
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, schema=schema)


def _schema_for(read: pa.Schema, target: pa.Schema) -> pa.Schema:
    """The fields of `target` that `read` has, in its order (a repeated name takes its next field)."""
    seen: dict[str, int] = {}
    fields = []
    for name in read.names:
        k = seen.get(name, 0)
        seen[name] = k + 1
        fields.append(target.field(target.get_all_field_indices(name)[k]))
    return pa.schema(fields, metadata=read.metadata)


def read_group(
    pf: pq.ParquetFile,
    group: int,
    columns: list[str],
    target: pa.Schema,
    *,
    window: tuple[int, int] | None = None,
    use_threads: bool = False,
) -> list[Part]:
    """Row group `group` of `pf` (opened with `dictionary_leaves` as `read_dictionary`).

    Its dictionaries are decoded to the `target` schema's types here when they come to no
    more than `DECODE_AHEAD_BYTES`; otherwise the parts name the slices `decoded` decodes one
    by one. Only the rows of `window` (start, length), when given, are kept.

    Raises:
        LimitExceeded: code `decompression-limit`, when a column chunk's dictionary decodes past
            `MAX_PARQUET_CHUNK_BYTES`.
    """
    table = pf.read_row_group(group, columns=columns, use_threads=use_threads)
    batches = table.to_batches()
    totals: dict[str, int] = {}
    sizes = [_row_bytes(b, totals) for b in batches]
    _refuse_past_cap(group, totals)
    if window is not None:
        batches = table.slice(*window).to_batches()
        sizes = [_row_bytes(b, {}) for b in batches]
    schema = _schema_for(table.schema, target)
    parts: list[Part] = []
    for batch, size in zip(batches, sizes, strict=True):
        if size is None or not batch.num_rows:
            parts.append((batch, None))
        elif int(size.sum()) <= DECODE_AHEAD_BYTES:
            parts.append((_decode(batch, schema), None))
        else:
            parts.append((batch, _cuts(size)))
    return parts


def decoded(parts: list[Part], target: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The batches of `read_group`'s parts, each slice decoded only when it is asked for."""
    for batch, cuts in parts:
        if cuts is None:
            yield batch
            continue
        schema = _schema_for(batch.schema, target)
        for start, length in cuts:
            yield _decode(batch.slice(start, length), schema)


def opened(source: str | pa.Buffer, dictionaries: list[int]) -> pq.ParquetFile:
    """`source` as a parquet file whose `dictionaries` leaves are read as Arrow dictionaries."""
    return pq.ParquetFile(
        source if isinstance(source, str) else pa.BufferReader(source), read_dictionary=dictionaries or None
    )


def row_group_batches(
    source: str | pa.Buffer, columns: list[str], *, ahead: int | None = None
) -> Iterator[pa.RecordBatch]:
    """Every row group's `columns`, decoded `ahead` groups in advance, in file order."""
    ahead = ahead or workers()
    local = threading.local()
    plain = pq.ParquetFile(source if isinstance(source, str) else pa.BufferReader(source))
    target = plain.schema_arrow
    dictionaries = dictionary_leaves(plain, columns)

    def read(g: int) -> list[Part]:
        # One reader per thread: a ParquetFile is not meant to be read from two threads.
        if not hasattr(local, "pf"):
            local.pf = opened(source, dictionaries)
        return read_group(local.pf, g, columns, target)

    todo = range(plain.metadata.num_row_groups)
    with ThreadPoolExecutor(ahead, thread_name_prefix="guardrail-parquet") as pool:
        pending: deque[Future[list[Part]]] = deque()
        for g in todo:
            pending.append(pool.submit(read, g))
            if len(pending) > ahead:
                yield from decoded(pending.popleft().result(), target)
        while pending:
            yield from decoded(pending.popleft().result(), target)
