"""Partial scan states from Ray tasks, and their deterministic merge on the driver.

A Ray task scans some batches with its own `RecordScanner` and sends the scanner back
(counts and first examples only, so a few KB). The driver merges the partials in dataset
order with `RecordScanner.merge`, which makes "first match" and every count what one
scanner reading the same rows in the same order would report. Nothing here imports Ray.

Row numbers: a task cannot know where its batch starts in the file, so it numbers rows
from 0 per file *within its batch* and reports how many rows of each file it saw (`runs`).
The driver, reading the partials in order, knows how many rows of each file came before
and shifts the partial's examples by that much.
"""

from __future__ import annotations

import pickle
from collections.abc import Iterable
from dataclasses import dataclass

from guardrail.scan.scanner import RecordScanner

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


def merge_in_order(scanner: RecordScanner, partials: Iterable[Partial]) -> RecordScanner:
    """Merge partials, given in dataset order, into `scanner` and return it."""
    seen: dict[str | None, int] = {}
    for part in partials:
        scanner.merge(part.scanner, row_offsets=seen)
        for path, n in part.runs:
            seen[path] = seen.get(path, 0) + n
    return scanner
