"""`guardrail check --engine ray`: the same check, with data files and folders scanned on Ray.

Targets resolve exactly as with the local engine; data files and folders gather their card
evidence locally and their records through `guardrail.integrations.ray.scan_files` (same
readers, same file list, every file read in full). Card files have no records, and Hub
datasets are read through the Hub client as usual: both are checked locally.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Iterable

from guardrail.config import GuardrailConfig
from guardrail.engine import CheckContext, internal_error, run_checks, within_deadline
from guardrail.findings import Evidence, Problem, Report
from guardrail.sources import resolve
from guardrail.sources.data_file import DataFileSource
from guardrail.sources.folder import FolderSource
from guardrail.sources.hub_dataset import HubSource

HUB_NOTE = "--engine ray scans local data files and folders; this Hub dataset was checked locally"


def init_ray(progress: bool = False) -> None:
    """Connect to the cluster in `RAY_ADDRESS`, or start a quiet local Ray (no dashboard).

    The report goes to stdout; Ray's execution chatter is kept off stderr unless it warns.
    """
    from guardrail.integrations.ray.distributed_scan import require_ray

    ray = require_ray()
    if ray.is_initialized():
        return
    if os.environ.get("RAY_ADDRESS"):
        ray.init(logging_level=logging.WARNING, log_to_driver=False)
    else:
        ray.init(logging_level=logging.WARNING, log_to_driver=False, include_dashboard=False)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    context = ray.data.DataContext.get_current()
    context.print_on_execution_start = False
    context.enable_progress_bars = progress


def _records(source: DataFileSource | FolderSource, ctx: CheckContext) -> Evidence:
    from guardrail.integrations.ray.distributed_scan import scan_files
    from guardrail.readers.file_scan import DataFile, with_file_lines

    if isinstance(source, DataFileSource):
        files, plan = [DataFile(source.path, source.target)], Evidence(target=source.target)
    else:
        # The same accounting as the local engine: every file scanned, listed or refused.
        files, plan = source.record_plan(ctx.config.exclude)
        if not files:
            return plan
    return plan.merge(with_file_lines(scan_files(files, ctx.config, target=source.target), files))


def _gather(target: str, ctx: CheckContext) -> Evidence:
    """One target, within `target-timeout` as on the local engine (a stalled cluster or a
    lost worker must not hold the check, and with it a CI job, without end)."""
    return within_deadline(target, ctx.config.target_timeout, lambda: _gather_now(target, ctx))


def _gather_now(target: str, ctx: CheckContext) -> Evidence:
    source = resolve(target)
    if isinstance(source, DataFileSource):
        resolved = {"path": str(source.path)}
        if not ctx.config.scan_records:
            return source.gather(ctx)  # nothing to scan: identical to the local engine
        return _records(source, ctx).merge(Evidence(target=target, resolved=resolved))
    if isinstance(source, FolderSource):
        if not ctx.config.scan_records:
            return source.gather(ctx)
        return source.card_evidence(ctx).merge(_records(source, ctx))
    evidence = source.gather(ctx)
    if isinstance(source, HubSource):
        return evidence.merge(Evidence(target=target, notes=(HUB_NOTE,)))
    return evidence


def check(targets: Iterable[str], config: GuardrailConfig, *, progress: bool = False) -> Report:
    """`guardrail.engine.check` with records of data files and folders scanned on Ray.

    Raises:
        RayNotInstalledError: if Ray Data is not installed.
        TargetError: if a target does not exist or is of an unsupported kind.
    """
    init_ray(progress)
    return run_checks(targets, CheckContext(config=config, progress=progress), _gather, _failure)


def _failure(target: str, exc: Exception) -> Problem:
    # Failures inside Ray (lost node, worker crash) are named as such rather than as a bug.
    if not type(exc).__module__.startswith("ray"):
        return internal_error(target, exc)
    return Problem(
        "ray-failed",
        f"{target}: guardrail failed while checking on Ray: {type(exc).__name__}: {exc}",
        "check the Ray cluster and rerun, or run with --engine local",
    )
