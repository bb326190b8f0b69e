"""Partial scan states from Ray tasks, and their deterministic merge on the driver.

A Ray task scans some batches with its own `RecordScanner` and sends the scanner back
(counts and first examples only, so a few KB). The driver merges the partials in dataset
order, which makes "first match" and every count exactly what one scanner reading the
same rows in the same order would report. Nothing here imports Ray.

Row numbers: a task cannot know where its batch starts in the file, so it numbers rows
from 0 per file *within its batch* and reports how many rows of each file it saw (`runs`).
The driver, reading the partials in order, knows how many rows of each file came before
and shifts the partial's examples by that much.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from guardrail.records.scanner import RecordScanner

Runs = tuple[tuple[str | None, int], ...]  # (file, rows of that file in this batch), in order


@dataclass(frozen=True)
class Partial:
    """What one Ray task returns for one batch (or one file).

    Args:
        scanner: The task's scanner, with rows numbered from 0 per file within the batch.
        runs: How many rows of each file the batch held, in order; empty when the rows
            were already numbered correctly (one task per whole file).
    """

    scanner: RecordScanner
    runs: Runs = ()

    def dumps(self) -> bytes:
        return pickle.dumps((self.scanner, self.runs), protocol=pickle.HIGHEST_PROTOCOL)

    @staticmethod
    def loads(blob: bytes) -> Partial:
        # Only ever reads blobs our own Ray tasks wrote during this scan.
        scanner, runs = pickle.loads(blob)
        return Partial(scanner, tuple(runs))


def merge_scanner(into: RecordScanner, part: RecordScanner, row_offsets: Mapping[str | None, int]) -> None:
    """Add `part`'s counts to `into` as if `into` had scanned `part`'s rows next.

    Args:
        into: The merged state so far (earlier rows).
        part: A later partial; its example rows are shifted by `row_offsets[path]`.
        row_offsets: Rows of each file that came before `part` (missing means 0).
    """

    def shift(ex: object) -> object:
        row, path = getattr(ex, "row", None), getattr(ex, "path", None)
        if row is None or not row_offsets.get(path):
            return ex
        return replace(ex, row=row + row_offsets[path])  # type: ignore[type-var]

    into.rows_scanned += part.rows_scanned
    into.bytes_scanned += part.bytes_scanned
    for config, n in part._scanned.items():
        into._scanned[config] = into._scanned.get(config, 0) + n
    for key, t in part._tallies.items():
        mine = into._tallies.get(key)
        if mine is None:
            into._tallies[key] = replace(t, first=shift(t.first) if t.first else None)  # type: ignore[arg-type]
            continue
        mine.matched += t.matched
        mine.post_like += t.post_like
        mine.strong += t.strong
        if mine.first is None and t.first is not None:
            mine.first = shift(t.first)  # type: ignore[assignment]
    for hkey, (hit, example, rows) in part._schema_hits.items():
        prev = into._schema_hits.get(hkey)
        # Like the scanner itself: the latest judgement, the first example, summed rows.
        into._schema_hits[hkey] = (hit, prev[1] if prev else example, (prev[2] if prev else 0) + rows)
    for column, (seen, where) in part._columns.items():
        prev_col = into._columns.get(column)
        into._columns[column] = (seen or bool(prev_col and prev_col[0]), prev_col[1] if prev_col else where)
    for ikey, finding in part._input.items():
        into._input.setdefault(ikey, finding)
    into._problems.extend(part._problems)
    for note in part._notes:
        into.add_note(note)


def merge_in_order(scanner: RecordScanner, partials: Iterable[Partial]) -> RecordScanner:
    """Merge partials, given in dataset order, into `scanner` and return it."""
    seen: dict[str | None, int] = {}
    for part in partials:
        merge_scanner(scanner, part.scanner, seen)
        for path, n in part.runs:
            seen[path] = seen.get(path, 0) + n
    return scanner


def runs_of(paths: Sequence[str | None]) -> list[tuple[str | None, int, int]]:
    """Contiguous runs of equal values in `paths`: (value, start, length)."""
    out: list[tuple[str | None, int, int]] = []
    start = 0
    for i in range(1, len(paths) + 1):
        if i == len(paths) or paths[i] != paths[start]:
            out.append((paths[start], start, i - start))
            start = i
    return out
