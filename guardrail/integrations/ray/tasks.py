"""The functions Ray runs on its workers: scan Arrow batches or whole files into partials.

Kept apart from `guardrail.integrations.ray` so workers unpickle plain module-level
functions and import only the scanner, never the driver-side code. Nothing here imports Ray.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc

from guardrail.config import GuardrailConfig
from guardrail.integrations.ray.partials import Partial
from guardrail.scan.scanner import RecordScanner

PARTIAL_COLUMN = "guardrail_partial"


def _result(partials: list[Partial]) -> pa.Table:
    return pa.table({PARTIAL_COLUMN: pa.array([p.dumps() for p in partials], pa.binary())})


def path_runs(column: pa.ChunkedArray | pa.Array) -> list[tuple[str | None, int, int]]:
    """(path, start, length) for each run of equal paths, without a Python loop over rows."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    if len(array) == 0:
        return []
    encoded = pc.run_end_encode(array)
    ends = encoded.run_ends.to_pylist()
    values = encoded.values.to_pylist()
    starts = [0, *ends[:-1]]
    return [(v, s, e - s) for v, s, e in zip(values, starts, ends, strict=True)]


def scan_batch(
    batch: pa.Table,
    *,
    config: GuardrailConfig,
    split: str | None,
    config_name: str | None,
    path_column: str | None,
    display: Callable[[str], str] | None,
) -> pa.Table:
    """Scan one Ray batch; rows are numbered from 0 per file within the batch (see `Partial`)."""
    scanner = RecordScanner(config)
    if path_column is None:
        runs: list[tuple[str | None, int, int]] = [(None, 0, batch.num_rows)]
        data = batch
    else:
        runs = path_runs(batch.column(path_column))
        data = batch.drop_columns([path_column])  # the file name is not part of the record
    # Ray's readers hand over blocks in many small chunks; the scanner's cost is per batch,
    # so one contiguous batch per run is several times faster (and the copy is one block).
    data = data.combine_chunks()
    seen: dict[str | None, int] = {}
    out: list[tuple[str | None, int]] = []
    for path, start, length in runs:
        shown = display(path) if display is not None and path is not None else path
        offset = seen.get(shown, 0)
        scanner.scan_batch(
            data.slice(start, length), split=split, config_name=config_name, row_offset=offset, path=shown
        )
        seen[shown] = offset + length
        out.append((shown, length))
    return _result([Partial(scanner, tuple(out))])


def scan_file_rows(batch: pa.Table, *, config: GuardrailConfig) -> pa.Table:
    """Scan the files named in `batch` (one row per file) with guardrail's local readers."""
    from guardrail.readers.file_scan import DataFile, scan_files

    partials = []
    for row in batch.to_pylist():
        f = DataFile(Path(row["path"]), row["display"], row["split"] or None, row["config"] or None)
        scanner = RecordScanner(config)
        scan_files([f], config, target=f.display, scanner=scanner)
        partials.append(Partial(scanner))
    return _result(partials)
