"""Guard an `IterableDataset` as it is iterated, so a restricted record is never yielded.

The guard is a batched `map` in Arrow format placed right after the source: `datasets` yields
a batch's rows only after the function has returned for the whole batch, so a batch that
blocks raises before any of its rows leaves the pipeline. Being part of the pipeline, the guard
follows every derived dataset (`map`, `filter`, `shuffle`, `take`, `interleave_datasets`, ...),
and it is picklable, so DataLoader workers each carry their own copy.

The guarded dataset is then set back to no format with the source's features, so `datasets`
takes the same routes as for the unguarded stream: its usual row conversion (a `with_format(None)`
dataset instead formats every row with `Features.decode_example`: +12% iteration time on a
100k-row JSON Lines stream, where the scan costs ~2%), decoding after the guard, and the Arrow
path kept for a later `with_format("numpy")` etc.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from guardrail.findings import Evidence, Verdict
from guardrail.integrations.library_internals import drop_identity_format
from guardrail.integrations.shared import BatchScanner, enforce, judge, logger

if TYPE_CHECKING:
    import pyarrow as pa

    from guardrail.config import GuardrailConfig

# Rows per guarded batch. The price is latency: the first row of a batch waits for the whole
# batch's scan. Chosen with benchmarks/callback_overhead.py while the guarded stream still took
# the `with_format(None)` row route (see the module docstring): 1,000-row batches were ~12%
# slower than unguarded iteration, 10,000-row ones less; not re-measured since.
BATCH_ROWS = 10_000
# Read before `load_dataset(streaming=True)` returns, in small batches so an obviously
# restricted stream fails at once without waiting for a full guarded batch.
UPFRONT_BATCHES = 2
UPFRONT_BATCH_ROWS = 1_000


class StreamGuard:
    """Scan each Arrow batch and raise `GuardrailViolation` before a blocked batch is yielded.

    Args:
        card: Evidence gathered before streaming (card, Hub metadata), already filtered to
            the loaded config; merged with the record evidence at every batch.
        config: The policy.
        target: Name of the dataset in reports.
        split: Split being streamed.
        config_name: Dataset config being streamed.
    """

    def __init__(
        self,
        card: Evidence,
        config: GuardrailConfig,
        target: str,
        *,
        split: str | None = None,
        config_name: str | None = None,
    ) -> None:
        self.card = card
        self.config = config
        self.target = target
        self.split = split
        self.scanner = BatchScanner(config, target, split=split, config_name=config_name)
        self.warned = False

    def __call__(self, table: pa.Table) -> pa.Table:
        first = self.scanner.rows
        records = self.scanner.scan(table)
        report = judge([self.card.merge(records)], self.config)
        where = f"split {self.split}, " if self.split else ""
        context = (
            f"{self.target} while streaming ({where}rows {first}-{self.scanner.rows - 1}); "
            "no row of that batch was yielded"
        )
        if report.blocked:
            enforce(report, context)
        elif not self.warned and report.targets[0].verdict is Verdict.WARN:
            self.warned = True  # once per stream: a warning per batch would drown the log
            enforce(report, context)
        return table


def guard(dataset: Any, stream_guard: Callable[[pa.Table], pa.Table], batch_rows: int = BATCH_ROWS) -> Any:
    """Return `dataset` (an `IterableDataset`) with `stream_guard` run on every batch.

    `stream_guard` is a `StreamGuard`; any table-to-table callable is accepted so the benchmark
    can measure this same pipeline with the scan left out.
    """
    features = dataset.features
    # No `features=` on the map: an untyped step is what makes `datasets` cast, decode and
    # format after it exactly as it does after the source (the guard still sees tables cast to
    # `features`: the Arrow map casts its input).
    guarded = dataset.with_format("arrow").map(stream_guard, batched=True, batch_size=batch_rows)
    guarded = guarded.with_format(None)
    guarded.info.features = features  # `with_format` copied the info; this is the new dataset's own
    # `with_format(None)` leaves a format object that sends every row through a per-row
    # conversion; the unguarded stream has none.
    drop_identity_format(guarded)
    return guarded


def check_upfront(
    dataset: Any,
    stream_guard: StreamGuard,
    batches: int = UPFRONT_BATCHES,
    batch_rows: int = UPFRONT_BATCH_ROWS,
) -> int:
    """Read the first `batches` batches through `stream_guard`; return the rows read.

    Raises:
        GuardrailViolation: if those rows (with the card evidence) are blocked.
    """
    rows = 0
    for table in dataset.with_format("arrow").iter(batch_size=batch_rows):
        stream_guard(table)
        rows += table.num_rows
        batches -= 1
        if batches <= 0:
            break
    if rows == 0:
        logger.debug("%s: stream is empty; nothing to check up front", stream_guard.target)
    return rows
