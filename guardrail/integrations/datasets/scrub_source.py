"""`guardrail scrub SOURCE OUT`: write a data file, folder or Hub dataset back without its X rows.

The source is read the way training would read it (`datasets.load_dataset(..., streaming=True)`),
one batch at a time, so memory holds a batch and a Parquet writer's buffer whatever the size of
the data. Each split becomes `OUT/data/{split}-NNNNN-of-MMMMM.parquet` shards, the exclusion log
goes to `OUT/.guardrail-exclusions.jsonl` (hidden, as `datasets` and guardrail's folder walk
skip hidden files: every other file of a folder is data to them), and a card (`OUT/README.md`,
YAML only) names the shards as the data files, so `load_dataset(OUT)` and `guardrail check OUT`
read exactly them and never mistake the log for data.

Everything is written to a sibling folder first and moved to OUT only when the kept rows pass
their own scan: a refused scrub leaves nothing behind that looks like clean data.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from guardrail.config import GuardrailConfig
from guardrail.errors import ScrubRefused, TargetError
from guardrail.findings import Evidence
from guardrail.integrations.datasets.scrub import BATCH_ROWS, Excluder, ScrubSummary, refuse_source
from guardrail.integrations.shared import render_text
from guardrail.scan.progress import Progress
from guardrail.scan.row_hits import DEFAULT_DROP_RULES

LOG_NAME = ".guardrail-exclusions.jsonl"
SHARD_ROWS = 500_000
_BUILDERS = {".jsonl": "json", ".json": "json", ".ndjson": "json", ".csv": "csv", ".tsv": "csv"}
_BUILDERS |= {".parquet": "parquet", ".txt": "text", ".arrow": "arrow"}


def scrub_source(
    source: str,
    out: str | Path,
    config: GuardrailConfig,
    *,
    name: str | None = None,
    rules: Iterable[str] = DEFAULT_DROP_RULES,
    progress: bool = False,
    batch_size: int = BATCH_ROWS,
    shard_rows: int = SHARD_ROWS,
) -> ScrubSummary:
    """Write `source` to `out` as Parquet shards without the rows that carry X evidence.

    Args:
        source: A data file, a local dataset folder, or a Hub dataset ID (`org/name[@revision]`).
        out: The folder to create (it must not exist, or be empty).
        config: The policy.
        name: The dataset config to read (Hub datasets and folders with several).
        rules: Rule IDs whose row-level evidence drops a row.
        progress: Show a progress bar (rows read).
        batch_size: Rows per scanned batch.
        shard_rows: Rows per Parquet shard at most.

    Returns:
        The summary; its `log` is the exclusion log inside `out`.

    Raises:
        ScrubRefused: if the card, lineage or knowledge base says the data came from X, or the
            kept rows are still blocked; `out` is not created.
        TargetError: if `source` cannot be read or `out` is not empty.
    """
    target = Path(out)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise TargetError(f"{target}: already exists and is not an empty folder; choose a new OUT")
    card = _card_evidence(source, name, config)
    refuse_source(card, config, source)
    streams = _open(source, name)
    work = target.with_name(f".{target.name}.guardrail-partial")
    shutil.rmtree(work, ignore_errors=True)
    (work / "data").mkdir(parents=True)
    try:
        with (work / LOG_NAME).open("w", encoding="utf-8") as log:
            excluder = Excluder(config, frozenset(rules), log, source)
            with Progress(progress, f"guardrail: scrubbing {source}") as bar:
                splits = [
                    _write_split(split, stream, work / "data", excluder, batch_size, shard_rows, bar)
                    for split, stream in streams.items()
                ]
        _, report = excluder.kept_evidence(card)
        if report.blocked:
            raise ScrubRefused(
                report, f"guardrail scrub {source}: the rows left after scrubbing", render_text
            )
        (work / "README.md").write_text(_card(splits), encoding="utf-8")
        if target.exists():
            target.rmdir()
        work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return excluder.summary(target / LOG_NAME, report.targets[0].verdict.value)


def _card_evidence(source: str, name: str | None, config: GuardrailConfig) -> Evidence:
    """The source-level evidence: the folder's card, or the Hub card, metadata and lineage."""
    from guardrail.sources import resolve
    from guardrail.sources.context import CheckContext
    from guardrail.sources.folder import FolderSource
    from guardrail.sources.hub_dataset import HubSource

    ctx = CheckContext(config=dataclasses.replace(config, scan_records=False))
    found = resolve(source)  # TargetError for a missing path or an unsupported file
    if isinstance(found, FolderSource):
        return found.card_evidence(ctx)
    if isinstance(found, HubSource):
        return HubSource(source, config=name).gather(ctx)
    if _builder(Path(source)) is None:
        raise TargetError(f"{source}: not a data file, a dataset folder or a Hub dataset ID")
    return Evidence(target=source, notes=("a data file has no card: judged on its records alone",))


def _builder(path: Path) -> str | None:
    suffixes = [s.lower() for s in path.suffixes]
    for suffix in reversed(suffixes):
        if suffix in _BUILDERS:
            return _BUILDERS[suffix]
    return None


def _open(source: str, name: str | None) -> dict[str, Any]:
    import datasets

    path = Path(source)
    if path.is_file():
        builder = _builder(path)
        kwargs: dict[str, Any] = (
            {"delimiter": "\t"} if path.name.lower().endswith((".tsv", ".tsv.gz")) else {}
        )
        loaded = datasets.load_dataset(builder, data_files=str(path), streaming=True, **kwargs)
    else:
        repo, _, revision = source.partition("@")
        loaded = datasets.load_dataset(
            source if path.is_dir() else repo, name, revision=revision or None, streaming=True
        )
    if isinstance(loaded, datasets.IterableDatasetDict):
        return dict(loaded.items())
    return {"train": loaded}


def _write_split(
    split: str,
    stream: Any,
    folder: Path,
    excluder: Excluder,
    batch_size: int,
    shard_rows: int,
    bar: Progress,
) -> tuple[str, int]:
    """Write one split's kept rows as shards; returns (split, shard count)."""
    shards: list[Path] = []
    writer: pq.ParquetWriter | None = None
    in_shard = 0
    schema: pa.Schema | None = None
    row = 0
    try:
        for table in stream.with_format("arrow").iter(batch_size=batch_size):
            keep = excluder.keep_mask(table, split=split, first_row=row)
            row += table.num_rows
            bar.update(table.num_rows)
            schema = schema or table.schema
            kept = table.filter(pa.array(keep)).cast(schema)
            if writer is None or in_shard >= shard_rows:
                if writer is not None:
                    writer.close()
                shards.append(folder / f"{split}-{len(shards):05d}.parquet")
                writer, in_shard = pq.ParquetWriter(shards[-1], schema), 0
            writer.write_table(kept)
            in_shard += kept.num_rows
        if writer is None:  # an empty split still exists in the output, with its columns
            shards.append(folder / f"{split}-00000.parquet")
            features = getattr(stream, "features", None)
            empty = features.arrow_schema.empty_table() if features is not None else pa.table({})
            pq.write_table(empty, shards[-1])
    finally:
        if writer is not None:
            writer.close()
    for i, shard in enumerate(shards):
        shard.rename(folder / f"{split}-{i:05d}-of-{len(shards):05d}.parquet")
    return split, len(shards)


def _card(splits: list[tuple[str, int]]) -> str:
    # YAML only: the data files, so the log beside them is never read as data.
    lines = ["---", "configs:", "- config_name: default", "  data_files:"]
    for split, _ in splits:
        lines += [f"  - split: {split}", f"    path: data/{split}-*.parquet"]
    return "\n".join([*lines, "---", ""])
