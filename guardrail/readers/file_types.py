"""Which files are data files: the suffixes `datasets`' packaged builders read.

Kept apart from the readers themselves so target resolution can ask it without importing
pyarrow and the scanner.
"""

from __future__ import annotations

from pathlib import Path

# What datasets' packaged builders read; compressed forms are accepted as datasets does.
DATA_SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv", ".tsv", ".parquet", ".txt", ".arrow")
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip")


def data_suffix(path: Path) -> str | None:
    """The data format suffix of `path`, looking through one compression suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes and suffixes[-1] in DATA_SUFFIXES else None
