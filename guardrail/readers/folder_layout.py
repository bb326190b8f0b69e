"""Which data files of a local folder belong to which config and split.

Resolved by `datasets` itself (`get_dataset_config_names`, then each config's
`load_dataset_builder(folder, name).config.data_files`: what `load_dataset(folder, name)`
reads), so `configs:` in the card, `data/train-*.parquet`-style names and split folders
mean the same to guardrail as to the training run. If datasets cannot resolve the
folder, every data file is scanned without a split, and a note says so.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

from guardrail.readers.file_scan import DataFile
from guardrail.readers.file_types import data_suffix


def folder_files(folder: Path, display_root: str) -> tuple[list[DataFile], list[str]]:
    """The data files of `folder`, with splits and configs, and notes about the resolution."""
    try:
        files = _resolved(folder, display_root)
        if files:
            return files, []
    except Exception as exc:  # any failure of datasets' resolution: fall back, never skip data
        note = f"datasets could not resolve the folder's data files ({type(exc).__name__}: {exc}); scanned every data file"
        return _every_file(folder, display_root), [note]
    return _every_file(folder, display_root), []


def _display(path: Path, folder: Path, display_root: str) -> str:
    try:
        return str(Path(display_root) / path.resolve().relative_to(folder.resolve()))
    except ValueError:
        return str(path)


def _builder_configs(folder: Path) -> list[Any]:
    """The builder config of each config `load_dataset(folder, name)` would load, through datasets' public API."""
    import datasets

    # Instantiating a builder touches its cache folder (a lock file): keep that out of the
    # user's HF cache, since checking a folder must not write anywhere.
    with tempfile.TemporaryDirectory(prefix="guardrail-layout-") as cache:
        return [
            datasets.load_dataset_builder(str(folder), name, cache_dir=cache).config
            for name in datasets.get_dataset_config_names(str(folder))
        ]


def _resolved(folder: Path, display_root: str) -> list[DataFile]:
    from datasets.data_files import DataFilesDict

    out: list[DataFile] = []
    seen: set[tuple[str, str | None]] = set()
    for bc in _builder_configs(folder):
        data_files = bc.data_files
        if data_files is None:
            continue
        config = None if bc.name == "default" else bc.name
        if not isinstance(data_files, DataFilesDict):
            data_files = DataFilesDict.from_patterns(data_files, base_path=str(folder))
        for split, paths in data_files.items():
            for p in paths:
                path = Path(p if os.path.isabs(p) else folder / p)
                if data_suffix(path) is None or (str(path), config) in seen:
                    continue
                seen.add((str(path), config))
                out.append(DataFile(path, _display(path, folder, display_root), str(split), config))
    return out


def _every_file(folder: Path, display_root: str) -> list[DataFile]:
    from guardrail.readers.folder_inventory import walk

    # walk, not rglob: a folder too deep for datasets' recursive glob lands here, and
    # Python 3.11's rglob recurses as deep.
    paths = []
    for here, dirs, names in walk(str(folder), lambda exc: None):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        paths += [Path(here) / n for n in names if not n.startswith(".")]
    return [
        DataFile(p, _display(p, folder, display_root))
        for p in sorted(paths)
        if p.is_file() and data_suffix(p) is not None
    ]
