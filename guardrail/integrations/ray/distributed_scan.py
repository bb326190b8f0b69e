"""Scan corpora larger than one machine on Ray Data, with the same detectors and policy.

Each Ray task runs guardrail's own `RecordScanner` on Arrow batches and sends back its
scanner (counts and first examples, a few KB); the driver merges them in dataset order
(`guardrail.integrations.ray.partials`) and hands one `Evidence` to `policy.decide`. The
findings are therefore those of the local scan over the same rows.

Where evidence points:
    * `scan_files` (what `guardrail check --engine ray` uses) runs one task per file with
      guardrail's own readers: exact file and row, and the same input findings (GR42x) as a
      local scan. Every Ray node must see the files at the same path.
    * `scan_dataset` works on any `ray.data.Dataset`. Ray does not number rows, so guardrail
      runs the scan with `preserve_order` and counts rows per file on the driver. With
      `path_column` (our `read_json`/`read_parquet` set Ray's `include_paths`), rows are
      numbered within each file; without it, within the dataset (as `from_huggingface` gives).
      Ray's readers infer types themselves, so GR42x input findings do not apply.

Ray is an optional extra; without it every entry point raises `RayNotInstalledError`.
"""

from __future__ import annotations

import dataclasses
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

from guardrail._project import install_hint
from guardrail.config import GuardrailConfig
from guardrail.errors import GuardrailError
from guardrail.findings import Evidence, Report
from guardrail.integrations.ray.partials import Partial, merge_in_order
from guardrail.integrations.ray.tasks import PARTIAL_COLUMN, scan_batch, scan_file_rows
from guardrail.scan.scanner import RecordScanner

INSTALL_HINT = install_hint("ray")


class RayNotInstalledError(GuardrailError, ImportError):
    """Ray Data is needed for this and is not installed."""


def require_ray() -> ModuleType:
    """Import Ray Data, or say how to install it.

    Raises:
        RayNotInstalledError: if `ray[data]` cannot be imported.
    """
    try:
        import ray
        import ray.data  # `ray` alone (without the [data] extra) is not enough
    except ImportError as exc:
        raise RayNotInstalledError(
            f"guardrail's Ray engine needs Ray Data, which is not installed ({exc}); "
            f"install it with: {INSTALL_HINT}"
        ) from None
    return ray


def _fsspec_http_available() -> bool:
    import importlib

    try:
        importlib.import_module("fsspec.implementations.http")  # needs aiohttp
    except ImportError:
        return False
    return True


def read_json(paths: str | Sequence[str], **kwargs: Any) -> Any:
    """`ray.data.read_json` with `include_paths=True`, for `scan_dataset(..., path_column="path")`."""
    return require_ray().data.read_json(paths, include_paths=True, **kwargs)


def read_parquet(paths: str | Sequence[str], **kwargs: Any) -> Any:
    """`ray.data.read_parquet` with `include_paths=True`, for `scan_dataset(..., path_column="path")`."""
    ray = require_ray()
    context = ray.data.DataContext.get_current()
    saved = context.use_datasource_v2
    # Ray's V2 parquet reader lists files in several threads of a task, and each asks
    # whether fsspec's HTTP filesystem exists. Without aiohttp, threads racing on that
    # failing import see a half-initialised module (ImportError, not the
    # ModuleNotFoundError Ray handles) and the read fails now and then. The V1 reader,
    # chosen when this call is made, does not race.
    if saved and not _fsspec_http_available():
        context.use_datasource_v2 = False
    try:
        return ray.data.read_parquet(paths, include_paths=True, **kwargs)
    finally:
        context.use_datasource_v2 = saved


def scan_dataset(
    dataset: Any,
    config: GuardrailConfig | None = None,
    *,
    target: str = "ray-dataset",
    split: str | None = None,
    config_name: str | None = None,
    path_column: str | None = None,
    display: Callable[[str], str] | None = None,
    batch_size: int | None = None,
) -> Report:
    """Scan every row of a `ray.data.Dataset` and decide a verdict.

    Args:
        dataset: Any Ray dataset whose batches convert to Arrow.
        config: The policy; defaults apply when omitted. Ray scans always read everything.
        target: The name to report.
        split: Split name for locations.
        config_name: Dataset config name for locations; shares are judged per config.
        path_column: Column holding each row's source file (`"path"` from `read_json`,
            `read_parquet` or Ray's `include_paths=True`); it is not scanned itself.
        display: Maps a source path to the path shown in findings (e.g. make it relative).
        batch_size: Rows per scan task batch; `None` scans whole Ray blocks.

    Returns:
        A `Report` with one target, as `guardrail.check` returns.

    Raises:
        RayNotInstalledError: if Ray Data is not installed.
    """
    from guardrail.policy import decide

    config = config or GuardrailConfig()
    evidence = dataset_evidence(
        dataset,
        config,
        target=target,
        split=split,
        config_name=config_name,
        path_column=path_column,
        display=display,
        batch_size=batch_size,
    )
    return Report(targets=(decide(evidence, config),), fail_open=config.fail_open)


def dataset_evidence(
    dataset: Any,
    config: GuardrailConfig,
    *,
    target: str,
    split: str | None = None,
    config_name: str | None = None,
    path_column: str | None = None,
    display: Callable[[str], str] | None = None,
    batch_size: int | None = None,
    scanner: RecordScanner | None = None,
) -> Evidence:
    """The record evidence `scan_dataset` decides on, for callers that merge evidence first."""
    require_ray()
    kwargs = {
        "config": config,
        "split": split,
        "config_name": config_name,
        "path_column": path_column,
        "display": display,
    }
    out = dataset.map_batches(scan_batch, batch_format="pyarrow", batch_size=batch_size, fn_kwargs=kwargs)
    scanner = scanner or RecordScanner(config)
    with ordered(dataset, out):
        merge_in_order(scanner, _partials(out))
    return scanner.evidence(target, mode="full")


def scan_huggingface(
    dataset: Any, config: GuardrailConfig | None = None, *, target: str | None = None
) -> Report:
    """Scan a loaded `datasets.Dataset` or `DatasetDict` on Ray, every row of every split.

    Rows are numbered within each split, as `guardrail.integrations.datasets.dataset_scan.scan_dataset` numbers
    them. The rows go to Ray with `ray.data.from_arrow` on the dataset's own Arrow data, not
    `ray.data.from_huggingface`: for Hub datasets that one re-reads the Hub's parquet export
    over HTTP (which may be another revision than the one loaded, and needs aiohttp). A
    dataset you already made with `from_huggingface` can be passed to `scan_dataset`.

    Args:
        dataset: A map-style `datasets.Dataset` or `DatasetDict`.
        config: The policy; defaults apply when omitted.
        target: The name to report; defaults to the dataset's builder name.

    Returns:
        A `Report` with one target.
    """
    import datasets

    from guardrail.integrations.datasets.dataset_scan import dataset_config_name, dataset_name
    from guardrail.policy import decide

    ray = require_ray()
    config = config or GuardrailConfig()
    name = target or dataset_name(dataset)
    if isinstance(dataset, datasets.DatasetDict):
        splits = list(dataset.items())
    else:
        splits = [(str(dataset.split) if dataset.split is not None else None, dataset)]
    scanner = RecordScanner(config)
    for split, ds in splits:
        dataset_evidence(
            ray.data.from_arrow(ds.with_format("arrow")[:]),
            config,
            target=name,
            split=split,
            config_name=dataset_config_name(dataset),
            scanner=scanner,
        )
    evidence = scanner.evidence(name, mode="full", rows_total=sum(d.num_rows for _, d in splits))
    return Report(targets=(decide(evidence, config),), fail_open=config.fail_open)


def scan_files(files: Sequence[Any], config: GuardrailConfig, *, target: str) -> Evidence:
    """Scan local data files on Ray, one task per file, with guardrail's own readers.

    Args:
        files: `guardrail.readers.file_scan.DataFile`s (path, display name, split, config).
        config: The policy; files are always read in full on Ray.
        target: The target string, for the evidence.

    Returns:
        The records evidence, equal to a local full scan of the same files.
    """
    ray = require_ray()
    full = dataclasses.replace(config, full_scan_max_bytes=sys.maxsize)
    scanner = RecordScanner(full)
    if files:
        items = [
            {
                "path": str(f.path.resolve()),
                "display": f.display,
                "split": f.split or "",
                "config": f.config or "",
            }
            for f in files
        ]
        ds = ray.data.from_items(items, override_num_blocks=len(items))
        out = ds.map_batches(scan_file_rows, batch_format="pyarrow", batch_size=1, fn_kwargs={"config": full})
        with ordered(ds, out):
            merge_in_order(scanner, _partials(out))
    return scanner.evidence(target, mode="full")


def _partials(out: Any) -> Iterator[Partial]:
    for batch in out.iter_batches(batch_format="pyarrow", batch_size=None):
        for blob in batch.column(PARTIAL_COLUMN).to_pylist():
            yield Partial.loads(blob)


@contextmanager
def ordered(*datasets: Any) -> Iterator[None]:
    """Run Ray Data with `preserve_order` for the duration, then restore the settings.

    Row numbers and "first match" depend on seeing batches in dataset order, and Ray's
    file readers interleave files across threads unless order is preserved. The read
    side captures the *current* context, the plan its own copy: set both.
    """
    ray = require_ray()
    contexts = [ray.data.DataContext.get_current(), *(d.context for d in datasets)]
    saved = [(c, c.execution_options.preserve_order) for c in contexts]
    for c in contexts:
        c.execution_options.preserve_order = True
    try:
        yield
    finally:
        for c, value in saved:
            c.execution_options.preserve_order = value


def display_relative_to(root: str | Path, shown_as: str | None = None) -> Callable[[str], str]:
    """A `display` function showing paths under `root` as `shown_as/relative` (as the CLI does)."""
    base = Path(root).resolve()
    prefix = Path(shown_as if shown_as is not None else root)

    def show(path: str) -> str:
        try:
            return str(prefix / Path(path).resolve().relative_to(base))
        except ValueError:
            return path

    return show
