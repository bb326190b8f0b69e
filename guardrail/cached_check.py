"""`guardrail check` on local data files and folders, with their record scans remembered.

The key for local data is its content: per data file its display path, split, config, size,
mtime and SHA-256. The hash is what makes it sound (a file rewritten within the same second
with the same size still changes it); the rest names the entry. Hashing reads the file, which
costs far less than parsing and scanning it, but more than a *sampled* scan reads, so data
larger than `full-scan-max-bytes` is not cached. Card evidence is never cached: it is cheap,
and its lineage may depend on what the HF cache holds today. Hub IDs are not cached either:
the commit needs a Hub request, and their record scan is a bounded sample already.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from guardrail.cache import CheckCache, file_digest
from guardrail.config import GuardrailConfig
from guardrail.engine import run_checks, within_deadline
from guardrail.findings import Evidence, Report
from guardrail.sources.context import CheckContext

if TYPE_CHECKING:
    from guardrail.readers.file_scan import DataFile


def check_cached(targets: Iterable[str], config: GuardrailConfig, *, progress: bool = False) -> Report:
    """`guardrail.check`, reusing cached record scans of unchanged local data."""
    return run_checks(targets, CheckContext(config=config, progress=progress), _gather_within_deadline)


def _gather_within_deadline(target: str, ctx: CheckContext) -> Evidence:
    # The same per-target deadline as `engine.check`: the cache must not lift the bound.
    return within_deadline(target, ctx.config.target_timeout, lambda: gather_cached(target, ctx))


def gather_cached(target: str, ctx: CheckContext) -> Evidence:
    """Gather one target's evidence; a local target's records come from the cache when unchanged."""
    from guardrail.sources import resolve
    from guardrail.sources.data_file import DataFileSource
    from guardrail.sources.folder import FolderSource

    source = resolve(target)
    store = CheckCache(ctx.config)
    if not store.enabled or not ctx.config.scan_records:
        return source.gather(ctx)
    if isinstance(source, DataFileSource):
        # Imported here, not at the top: a card-only check (pre-commit) must not load pyarrow.
        from guardrail.readers.file_scan import DataFile

        key = files_key([DataFile(source.path, target)], ctx.config)
        return store.through("local-files", key, target, lambda: source.gather(ctx))
    if isinstance(source, FolderSource):
        # Keyed by every file the folder's record scan reads (its plan), not only the files
        # `datasets` would pick; the card half is re-read every time.
        files, _ = source.record_plan(ctx.config.exclude)
        records = store.through(
            "local-files", files_key(files, ctx.config), target, lambda: source._records(ctx)
        )
        return source.card_evidence(ctx).merge(records)
    return source.gather(ctx)


def files_key(files: Sequence[DataFile], config: GuardrailConfig) -> dict[str, Any] | None:
    """The content key of a full scan of `files`; None when they would be sampled (or are none)."""
    if not files:
        return None
    try:
        if sum(f.estimated_bytes for f in files) > config.full_scan_max_bytes:
            return None
        described = []
        for f in files:
            stat = f.path.stat()
            described.append(
                [f.display, f.split, f.config, stat.st_size, stat.st_mtime_ns, file_digest(f.path)]
            )
    except OSError:
        return None  # unreadable now: the scan reports it, and nothing is cached
    return {"files": described}
