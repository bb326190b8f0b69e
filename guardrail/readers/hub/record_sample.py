"""A bounded sample of a Hub dataset's records, read by streaming (no full download).

`datasets` retries streaming reads for minutes (20 retries, 5-60 s apart), which a guard
cannot wait for. The whole sample therefore runs in a worker thread with a deadline; if it
is missed the records count as not checked (`hub-timeout`), never as clean.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from guardrail.errors import HubAccessError
from guardrail.findings import Evidence, Problem, ScanInfo
from guardrail.readers.hub.failures import TIMEOUT, hub_failure
from guardrail.readers.hub.ref import HubRef

if TYPE_CHECKING:
    from guardrail.config import GuardrailConfig

MAX_CONFIGS = 8
MIN_ROWS_PER_CONFIG = 100
BATCH_ROWS = 256
# Total time for a sample, in units of the per-request timeout: opening a streamed config
# takes a handful of requests (info, tree, data-file HEAD/GET) before the first row arrives.
DEADLINE_FACTOR = 6


def stream_batches(
    ref: HubRef, commit: str | None, config: str | None, limit: int
) -> Iterator[tuple[str, int, dict[str, list[Any]]]]:
    """Yield (split, first row index, batch of columns) from `config`, at most `limit` rows."""
    import datasets

    streams = datasets.load_dataset(ref.repo_id, config, revision=commit or ref.revision, streaming=True)
    splits = dict(streams.items()) if hasattr(streams, "items") else {"train": streams}
    per_split = max(1, limit // max(1, len(splits)))
    for split, stream in splits.items():
        offset = 0
        for batch in stream.take(per_split).iter(batch_size=BATCH_ROWS):
            yield split, offset, batch
            offset += len(next(iter(batch.values()), []))


def scan_hub_records(
    ref: HubRef, commit: str | None, configs: tuple[str | None, ...], config: GuardrailConfig, target: str
) -> Evidence:
    """Sample and scan records of `ref` within a deadline. The one seam to the record scanner.

    Args:
        ref: The repo.
        commit: The resolved commit to read (so records and card come from the same state).
        configs: Configs to sample (`(None,)` for the default one).
        config: The run's configuration (sample size, timeout).
        target: The target as given, for the evidence.

    Returns:
        Record findings and a `ScanInfo`; a problem when records could not be read.
    """
    chosen = configs[:MAX_CONFIGS]
    notes: tuple[str, ...] = ()
    if len(configs) > MAX_CONFIGS:
        skipped = ", ".join(str(c) for c in configs[MAX_CONFIGS:])
        notes = (f"records sampled from the first {MAX_CONFIGS} configs only; not sampled: {skipped}",)
    per_config = max(MIN_ROWS_PER_CONFIG, config.sample_rows // max(1, len(chosen)))
    deadline = config.hub_timeout * DEADLINE_FACTOR
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["evidence"] = _scan(ref, commit, chosen, per_config, target, config)
        except BaseException as exc:  # reported to the caller's thread below
            outcome["error"] = exc

    worker = threading.Thread(target=work, name=f"guardrail-records-{ref.repo_id}", daemon=True)
    worker.start()
    worker.join(deadline)
    if worker.is_alive():
        error = HubAccessError(
            f"{ref} (records): streaming a sample took longer than {deadline:g} s "
            f"({DEADLINE_FACTOR} x hub-timeout)",
            code=TIMEOUT,
            hint="retry later, raise `hub-timeout`, or check with --no-records (card and metadata only)",
        )
        return _problem(target, error, notes)
    if "error" in outcome:
        exc = outcome["error"]
        if not isinstance(exc, Exception):
            raise exc
        error = (
            exc
            if isinstance(exc, HubAccessError)
            else hub_failure(exc, ref, timeout=config.hub_timeout, what="records")
        )
        return _problem(target, error, notes)
    evidence: Evidence = outcome["evidence"]
    return Evidence(
        target=target,
        findings=evidence.findings,
        problems=evidence.problems,
        notes=notes + evidence.notes,
        scan=evidence.scan,
    )


def _problem(target: str, error: HubAccessError, notes: tuple[str, ...]) -> Evidence:
    return Evidence(
        target=target,
        problems=(Problem(error.code, str(error), error.hint),),
        notes=notes,
        scan=ScanInfo(mode="none"),
    )


def _scan(
    ref: HubRef,
    commit: str | None,
    configs: tuple[str | None, ...],
    per_config: int,
    target: str,
    config: GuardrailConfig,
) -> Evidence:
    from guardrail.scan.scanner import RecordScanner

    scanner = RecordScanner(config)
    for name in configs:
        for split, offset, batch in stream_batches(ref, commit, name, per_config):
            scanner.scan_batch(batch, split=split, config_name=name, row_offset=offset)
    evidence: Evidence = scanner.evidence(target, mode="sample")
    return evidence
