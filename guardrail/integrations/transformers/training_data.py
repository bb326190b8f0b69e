"""Find the data behind a Trainer's dataloader and gather evidence about it.

Callbacks never see `train_dataset` (design.md §3). What they see is the dataloader, whose
`dataset` the Trainer has already pruned to the model's inputs: raw text is usually gone and
only `input_ids` remain. So evidence comes from three places, in this order:

1. provenance left by `guardrail.load_dataset` (card evidence, pins, the loader's scan);
2. text columns still present, scanned as records;
3. otherwise `input_ids` decoded back to text with the `processing_class` (a deterministic
   sample of rows when the dataset is large) and scanned.
"""

from __future__ import annotations

import dataclasses
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from guardrail.config import GuardrailConfig
from guardrail.findings import Evidence, Problem, ScanInfo
from guardrail.integrations.datasets import provenance_channel as provenance
from guardrail.integrations.library_internals import fingerprint
from guardrail.integrations.shared import BatchScanner, dataset_evidence, texts_batch

TOKEN_COLUMN = "input_ids"
# Rows read from the head of an iterable dataset before training starts; the rest is checked
# batch by batch as the dataloader yields it.
ITERABLE_HEAD_ROWS = 1000
DECODE_CHUNK = 1000


@dataclass
class DataSummary:
    """What the callback learnt about one dataloader's data, for the report and the audit."""

    role: str  # "train" or "eval"
    kind: str  # class name of the dataset
    evidence: list[Evidence] = field(default_factory=list)
    provenance: tuple[provenance.ProvenanceEntry, ...] = ()
    fingerprint: str | None = None
    num_rows: int | None = None
    how: str = ""
    iterable: bool = False


def unwrap(dataset: Any) -> Any:
    """The `datasets` object under accelerate/torch wrappers (IterableDatasetShard, Subset...)."""
    seen = 0
    while not _is_hf(dataset) and hasattr(dataset, "dataset") and seen < 8:
        dataset = dataset.dataset
        seen += 1
    return dataset


def _is_hf(dataset: Any) -> bool:
    module = type(dataset).__module__ or ""
    return module.startswith("datasets.")


def summarize(
    role: str,
    dataset: Any,
    processing_class: Any,
    config: GuardrailConfig,
    *,
    decode_rows: int | None = None,
    head_rows: int = ITERABLE_HEAD_ROWS,
) -> DataSummary:
    """Gather every piece of evidence about a dataloader's dataset.

    Args:
        role: "train" or "eval", used to name targets.
        dataset: `dataloader.dataset` (wrappers are looked through).
        processing_class: The tokenizer or processor the Trainer was given, to decode token IDs.
        config: The policy (sampling limits, whether to read records).
        decode_rows: Rows of token IDs to decode; default `config.sample_rows`.
        head_rows: Rows read from the head of an iterable dataset.
    """
    data = unwrap(dataset)
    target = f"{role} data"
    summary = DataSummary(role=role, kind=type(data).__name__)
    summary.fingerprint = fingerprint(data)
    summary.num_rows = _len(data)
    summary.provenance = provenance.read(data)
    for entry in summary.provenance:
        assert entry.evidence is not None
        name = f"{entry.target} (loaded with guardrail.load_dataset, {role})"
        summary.evidence.append(
            Evidence(
                target=name,
                findings=entry.evidence.findings,
                problems=entry.evidence.problems,
                notes=(f"loader verdict {entry.verdict} at {entry.checked_at}",),
                scan=entry.scan,
                resolved={**entry.resolved, **({"config": entry.config} if entry.config else {})},
            )
        )
    if not config.scan_records:
        summary.how = "records not read (scan-records = false)"
        return summary
    limit = decode_rows if decode_rows is not None else config.sample_rows
    if _is_hf(data) and type(data).__name__ == "Dataset":
        summary.evidence.append(_map_style(data, target, processing_class, config, limit, summary))
    elif _is_iterable(data):
        summary.iterable = True
        summary.evidence.append(_iterable_head(data, target, processing_class, config, summary, head_rows))
    else:
        summary.evidence.append(_torch_map_style(data, target, processing_class, config, limit, summary))
    return summary


def _len(data: Any) -> int | None:
    try:
        return len(data)
    except TypeError:
        return None


def _is_iterable(data: Any) -> bool:
    try:
        import torch.utils.data as tud
    except ImportError:  # pragma: no cover - the callback always has torch
        return not hasattr(data, "__getitem__")
    return isinstance(data, tud.IterableDataset) or type(data).__name__ == "IterableDataset"


def _has_text(feature: Any) -> bool:
    """Whether a `datasets` feature holds strings anywhere (a column, a list, chat messages)."""
    if isinstance(feature, Mapping):
        return any(_has_text(f) for f in feature.values())
    if isinstance(feature, list | tuple):
        return any(_has_text(f) for f in feature)
    inner = getattr(feature, "feature", None)
    if inner is not None:
        return _has_text(inner)
    return getattr(feature, "dtype", None) in ("string", "large_string")


def _map_style(
    data: Any, target: str, tok: Any, config: GuardrailConfig, limit: int, summary: DataSummary
) -> Evidence:
    text_columns = [c for c, f in data.features.items() if _has_text(f)]
    if text_columns:
        summary.how = f"records scanned ({', '.join(text_columns)})"
        return dataset_evidence(data, config, target)
    if TOKEN_COLUMN not in data.column_names:
        summary.how = "no text and no input_ids: nothing to scan"
        return Evidence(target=target, notes=(f"{target} has no text column and no {TOKEN_COLUMN}",))
    n = len(data)
    columns = data.select_columns([TOKEN_COLUMN]).with_format(None)
    if n <= limit:
        rows = (columns[i : i + DECODE_CHUNK][TOKEN_COLUMN] for i in range(0, n, DECODE_CHUNK))
    else:
        picked = sorted(random.Random(config.seed).sample(range(n), limit))
        rows = (columns[picked[i : i + DECODE_CHUNK]][TOKEN_COLUMN] for i in range(0, limit, DECODE_CHUNK))
    summary.how = f"{TOKEN_COLUMN} decoded and scanned ({min(n, limit):,} of {n:,} rows)"
    return _decoded(
        rows, target, tok, config, total=n, split=summary.role, dataset_rows=picked if n > limit else None
    )


def _torch_map_style(
    data: Any, target: str, tok: Any, config: GuardrailConfig, limit: int, summary: DataSummary
) -> Evidence:
    n = _len(data)
    if n is None or not hasattr(data, "__getitem__"):
        summary.how = "dataset cannot be indexed; checked batch by batch only"
        return Evidence(target=target)
    indices = range(n) if n <= limit else sorted(random.Random(config.seed).sample(range(n), limit))
    texts: list[str] = []
    ids: list[Sequence[int]] = []
    text_rows: list[int] = []
    id_rows: list[int] = []
    for i in indices:
        row = data[i]
        if isinstance(row, Mapping):
            _collect(row, i, texts, text_rows, ids, id_rows)
    summary.how = f"rows read with __getitem__ ({len(indices):,} of {n:,})"
    evidence = (
        _decoded(iter([ids]), target, tok, config, total=n, split=summary.role, dataset_rows=id_rows)
        if ids
        else Evidence(target=target)
    )
    if texts:
        scanner = BatchScanner(config, target, split=summary.role)
        evidence = evidence.merge(_at_rows(scanner.scan(texts_batch(texts)), text_rows))
    return evidence


def _iterable_head(
    data: Any, target: str, tok: Any, config: GuardrailConfig, summary: DataSummary, head_rows: int
) -> Evidence:
    if not _is_hf(data):
        # A plain torch IterableDataset may be a one-shot generator: reading its head here
        # could eat the rows the training loop expects. Its batches are checked as drawn.
        summary.how = "iterable dataset: checked batch by batch as the dataloader yields"
        return Evidence(target=target)
    texts: list[str] = []
    ids: list[Sequence[int]] = []
    text_rows: list[int] = []
    id_rows: list[int] = []
    for i, row in enumerate(data.take(head_rows)):
        _collect(row, i, texts, text_rows, ids, id_rows)
    summary.how = (
        f"iterable dataset: first {head_rows:,} rows checked up front, "
        "then every batch as the dataloader yields it"
    )
    evidence = (
        _decoded(iter([ids]), target, tok, config, total=None, split=summary.role, dataset_rows=id_rows)
        if ids
        else Evidence(target=target)
    )
    if texts:
        scanned = BatchScanner(config, target, split=summary.role).scan(texts_batch(texts))
        evidence = evidence.merge(_at_rows(scanned, text_rows))
    return evidence


def _collect(
    row: Mapping[str, Any],
    index: int,
    texts: list[str],
    text_rows: list[int],
    ids: list[Sequence[int]],
    id_rows: list[int],
) -> None:
    """Add a row's string values and token IDs, remembering the dataset row of each."""
    for value in row.values():
        if isinstance(value, str):
            texts.append(value)
            text_rows.append(index)
    if TOKEN_COLUMN in row:
        ids.append(_as_list(row[TOKEN_COLUMN]))
        id_rows.append(index)


def _at_rows(evidence: Evidence, rows: Sequence[int]) -> Evidence:
    """`evidence` whose row numbers count scanned values, with each mapped back to `rows[i]`.

    Sampled rows and string values gathered from several columns are scanned as one list;
    without this a finding would name its position in that list, not the dataset row.
    """
    findings = tuple(
        f
        if f.location.row is None or not 0 <= f.location.row < len(rows)
        else dataclasses.replace(f, location=dataclasses.replace(f.location, row=rows[f.location.row]))
        for f in evidence.findings
    )
    return dataclasses.replace(evidence, findings=findings)


def _as_list(value: Any) -> Sequence[int]:
    return value.tolist() if hasattr(value, "tolist") else list(value)


def decode(tok: Any, ids: Sequence[Sequence[int]]) -> list[str]:
    """Decode rows of token IDs with a tokenizer or a processor that wraps one."""
    decoder = tok if hasattr(tok, "batch_decode") else getattr(tok, "tokenizer", None)
    if decoder is None:
        raise TypeError(f"{type(tok).__name__} cannot decode token IDs (no batch_decode)")
    return list(decoder.batch_decode(ids, skip_special_tokens=True))


def _decoded(
    chunks: Iterable[Sequence[Sequence[int]]],
    target: str,
    tok: Any,
    config: GuardrailConfig,
    total: int | None,
    split: str | None = None,
    dataset_rows: Sequence[int] | None = None,
) -> Evidence:
    if tok is None:
        return Evidence(
            target=target,
            problems=(
                Problem(
                    "cannot-decode",
                    f"{target} holds only {TOKEN_COLUMN} and the Trainer was given no processing_class "
                    "to decode them with, so its text could not be checked",
                    "pass processing_class=tokenizer to the Trainer, or load the data with guardrail.load_dataset",
                ),
            ),
        )
    scanner = BatchScanner(config, target, split=split)
    for chunk in chunks:
        scanner.scan(texts_batch(decode(tok, chunk)))
    evidence = scanner.evidence()
    scan = ScanInfo(
        mode="full" if total is not None and scanner.rows >= total else "sample",
        rows_scanned=scanner.rows,
        rows_total=total,
    )
    decoded = Evidence(
        target=evidence.target,
        findings=evidence.findings,
        problems=evidence.problems,
        notes=(*evidence.notes, "text recovered by decoding input_ids with the processing_class"),
        scan=scan,
        resolved=evidence.resolved,
    )
    return decoded if dataset_rows is None else _at_rows(decoded, dataset_rows)
