"""`guardrail.load_dataset`: `datasets.load_dataset` that refuses X (Twitter) data.

It takes exactly the arguments of `datasets.load_dataset` (plus `guardrail_config`) and passes
every one through. Before returning it checks the card (the evidence that concerns the loaded
config) and the records, raises `GuardrailViolation` on a block, logs warnings, and stamps the
result with provenance (`guardrail.integrations.datasets.provenance_channel`) for `GuardrailCallback`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from guardrail._version import __version__
from guardrail.config import GuardrailConfig, load_config
from guardrail.errors import GuardrailError, TargetError
from guardrail.findings import Evidence, Problem, TargetReport
from guardrail.integrations.datasets import provenance_channel as provenance
from guardrail.integrations.datasets import streaming as stream
from guardrail.integrations.library_internals import fingerprint, packaged_builder_names
from guardrail.integrations.shared import dataset_evidence, enforce, for_config, judge

if TYPE_CHECKING:
    from datasets import Dataset, DatasetDict, Features, IterableDataset, IterableDatasetDict
    from datasets.download import DownloadConfig, DownloadMode
    from datasets.splits import Split
    from datasets.utils.info_utils import VerificationMode
    from datasets.utils.version import Version

CARD_NAME = "README.md"


def load_dataset(
    path: str,
    name: str | None = None,
    data_dir: str | None = None,
    data_files: str | Sequence[str] | Mapping[str, str | Sequence[str]] | None = None,
    split: str | Split | list[str] | list[Split] | None = None,
    cache_dir: str | None = None,
    features: Features | None = None,
    download_config: DownloadConfig | None = None,
    download_mode: DownloadMode | str | None = None,
    verification_mode: VerificationMode | str | None = None,
    keep_in_memory: bool | None = None,
    save_infos: bool = False,
    revision: Version | str | None = None,
    token: bool | str | None = None,
    streaming: bool = False,
    num_proc: int | None = None,
    storage_options: dict[str, Any] | None = None,
    *,
    guardrail_config: GuardrailConfig | None = None,
    **config_kwargs: Any,
) -> DatasetDict | Dataset | IterableDatasetDict | IterableDataset:
    """Load a dataset like `datasets.load_dataset`, refusing data that came from X (Twitter).

    Every argument of `datasets.load_dataset` is accepted and passed through unchanged; see its
    documentation. The return type is the same (`Dataset`, `DatasetDict`, `IterableDataset` or
    `IterableDatasetDict`).

    Args:
        path: A local dataset folder, a packaged builder (`"json"`, `"csv"`, `"parquet"`, ...)
            with `data_files=`, or a Hub dataset ID.
        name: The dataset config. Card evidence that names other configs does not count.
        streaming: If True, the returned dataset is checked batch by batch as it is
            iterated; the first batches are checked before this function returns.
        guardrail_config: The policy to apply. Defaults to `[tool.guardrail]` in
            pyproject.toml or guardrail.toml, discovered from the working directory, as the CLI does.
        **config_kwargs: Builder keyword arguments, passed through.

    Returns:
        What `datasets.load_dataset` returns, with provenance in each split's `info.description`.

    Raises:
        GuardrailViolation: if the card or the records are blocked (or could not be checked,
            unless the configuration fails open). Nothing is returned in that case.
        TargetError: if the source cannot be checked at all (for example a Hub ID while Hub
            support is unavailable).
    """
    import datasets

    config = guardrail_config if guardrail_config is not None else load_config()
    target = _display(path, data_files)
    context = f"load_dataset({path!r}{f', name={name!r}' if name else ''})"
    source = _source_evidence(path, name, data_dir, data_files, revision, config)
    # The card alone can block: fail before anything is downloaded or prepared.
    enforce(judge([for_config(source, name)], config), context)

    loaded = datasets.load_dataset(
        path,
        name=name,
        data_dir=data_dir,
        data_files=data_files,
        split=split,
        cache_dir=cache_dir,
        features=features,
        download_config=download_config,
        download_mode=download_mode,
        verification_mode=verification_mode,
        keep_in_memory=keep_in_memory,
        save_infos=save_infos,
        revision=revision,
        token=token,
        streaming=streaming,
        num_proc=num_proc,
        storage_options=storage_options,
        **config_kwargs,
    )
    parts = _splits(loaded)
    config_name = name or _config_name(parts)
    card = for_config(source, config_name)

    if streaming:
        guards = {
            s: stream.StreamGuard(card, config, target, split=s, config_name=config_name) for s in parts
        }
        records = Evidence(target=target)
        if config.scan_records:
            for s, part in parts.items():
                upfront = stream.StreamGuard(card, config, target, split=s, config_name=config_name)
                stream.check_upfront(part, upfront)
                records = records.merge(upfront.scanner.evidence())
        report = judge([card.merge(records)], config)
        enforce(report, context)
        if config.scan_records:
            parts = {s: stream.guard(part, guards[s]) for s, part in parts.items()}
            loaded = _rebuild(loaded, parts)
    else:
        records = dataset_evidence(loaded, config, target) if config.scan_records else Evidence(target)
        report = judge([card.merge(records)], config)
        enforce(report, context)

    entry = _entry(target, config_name, report.targets[0], card.merge(records), parts, streaming)
    for part in parts.values():
        provenance.stamp(part, [entry])
    return loaded


def _display(path: str, data_files: object) -> str:
    if data_files is None:
        return path
    return f"{path}:{_first_file(data_files) or data_files}"


def _first_file(data_files: object) -> str | None:
    if isinstance(data_files, str):
        return data_files
    if isinstance(data_files, Mapping):
        data_files = next(iter(data_files.values()), None)
        return _first_file(data_files)
    if isinstance(data_files, Sequence) and data_files:
        return _first_file(data_files[0])
    return None


def _is_packaged_builder(path: str) -> bool:
    return path in packaged_builder_names() and not Path(path).exists()


def _source_evidence(
    path: str,
    name: str | None,
    data_dir: str | None,
    data_files: object,
    revision: object,
    config: GuardrailConfig,
) -> Evidence:
    """Evidence from what describes the data rather than the data: the card, Hub metadata."""
    from guardrail.engine import CheckContext
    from guardrail.sources.card_file import card_file_evidence

    # With a context, local cards also follow `source_datasets` (knowledge base and HF cache only).
    ctx = CheckContext(config=config)
    local = Path(path)
    if _is_packaged_builder(path) or local.is_file():
        # A data-file builder has no card; a folder given as data_dir may still have one.
        first = _first_file(data_files)
        resolved = {"path": str(Path(first).resolve())} if first and Path(first).exists() else {}
        target = _display(path, data_files)
        card_dir = Path(data_dir) if data_dir else None
        if card_dir is not None and (card_dir / CARD_NAME).is_file():
            evidence = card_file_evidence(target, card_dir / CARD_NAME, str(card_dir / CARD_NAME), ctx)
            return dataclasses.replace(evidence, resolved={**evidence.resolved, **resolved})
        return Evidence(
            target=target,
            notes=("no dataset card: data files are judged on their records alone",),
            resolved=resolved,
        )
    if local.is_dir():
        card_path = local / CARD_NAME
        if card_path.is_file():
            return card_file_evidence(path, card_path, str(card_path), ctx)
        return Evidence(
            target=path,
            notes=("no dataset card (README.md) in this folder; judged on its records alone",),
            resolved={"path": str(local.resolve())},
        )
    return _hub_evidence(path, name, revision, config)


def _hub_evidence(repo_id: str, name: str | None, revision: object, config: GuardrailConfig) -> Evidence:
    from guardrail.engine import CheckContext
    from guardrail.sources import looks_like_hub_id
    from guardrail.sources.hub_dataset import HubSource

    target = f"{repo_id}@{revision}" if revision else repo_id
    if not looks_like_hub_id(target):
        raise TargetError(
            f"guardrail.load_dataset cannot check {repo_id!r}: not a local folder, a packaged builder "
            "with data_files=, or a Hub dataset ID"
        )
    # Records are scanned from what `datasets` loads, so the Hub source reads metadata only.
    ctx = CheckContext(config=dataclasses.replace(config, scan_records=False))
    try:
        return HubSource(target, config=name).gather(ctx)
    except TargetError as exc:
        raise TargetError(f"guardrail.load_dataset cannot check {repo_id!r}: {exc}") from exc
    except GuardrailError as exc:
        # Gated, offline, timeout: "could not check" is a result the policy decides on.
        code = getattr(exc, "code", "check-failed")
        return Evidence(target=target, problems=(Problem(code, str(exc), getattr(exc, "hint", "")),))


def _splits(loaded: Any) -> dict[str, Any]:
    """Split name -> Dataset/IterableDataset for any return type of `load_dataset`."""
    if isinstance(loaded, Mapping):
        return dict(loaded.items())
    return {str(loaded.split) if loaded.split is not None else "train": loaded}


def _rebuild(loaded: Any, parts: dict[str, Any]) -> Any:
    if isinstance(loaded, Mapping):
        rebuilt: Any = type(loaded)
        return rebuilt(parts)
    return next(iter(parts.values()))


def _config_name(parts: Mapping[str, Any]) -> str | None:
    for part in parts.values():
        name = getattr(part.info, "config_name", None)
        if name:
            return str(name)
    return None


def _entry(
    target: str,
    config_name: str | None,
    decided: TargetReport,
    evidence: Evidence,
    parts: Mapping[str, Any],
    streaming: bool,
) -> provenance.ProvenanceEntry:
    rows: dict[str, int | None] = {s: getattr(p, "num_rows", None) for s, p in parts.items()}
    prints = {s: fp for s, p in parts.items() if (fp := fingerprint(p))}
    return provenance.ProvenanceEntry(
        target=target,
        config=config_name,
        verdict=decided.verdict.value,
        resolved=dict(evidence.resolved),
        splits=rows,
        fingerprints=prints,
        evidence=evidence,
        scan=decided.scan,
        checked_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        guardrail_version=__version__,
        streaming=streaming,
    )
