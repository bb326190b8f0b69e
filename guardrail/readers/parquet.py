"""Read a parquet file for scanning: only the columns that can hold text, row groups in parallel.

Numbers, booleans, dates and times cannot carry an X link, so they are not decoded: the
scanner gets their names (for the shape rules) and, from the file's statistics, whether
they hold any value (for the null-column finding). 64-bit integers are still read (tweet
ids are stored as int64), and so is any column whose statistics are missing. Row groups
are decoded by a small thread pool a few groups ahead of the scan and handed over in file
order, so memory stays at a few row groups whatever the file's size.
"""

from __future__ import annotations

import os
import threading
from collections import deque
from collections.abc import Iterator
from concurrent.futures import Future, ThreadPoolExecutor

import pyarrow as pa
import pyarrow.parquet as pq


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


def row_group_batches(
    source: str | pa.Buffer, columns: list[str], *, ahead: int | None = None
) -> Iterator[pa.RecordBatch]:
    """Every row group's `columns`, decoded `ahead` groups in advance, in file order."""
    ahead = ahead or workers()
    local = threading.local()

    def opened() -> pq.ParquetFile:
        # One reader per thread: a ParquetFile is not meant to be read from two threads.
        if not hasattr(local, "pf"):
            local.pf = pq.ParquetFile(source if isinstance(source, str) else pa.BufferReader(source))
        return local.pf

    def read(g: int) -> pa.Table:
        return opened().read_row_group(g, columns=columns, use_threads=False)

    todo = range(opened().metadata.num_row_groups)
    with ThreadPoolExecutor(ahead, thread_name_prefix="guardrail-parquet") as pool:
        pending: deque[Future[pa.Table]] = deque()
        for g in todo:
            pending.append(pool.submit(read, g))
            if len(pending) > ahead:
                yield from pending.popleft().result().to_batches()
        while pending:
            yield from pending.popleft().result().to_batches()
