"""Which files are data files: the suffixes `datasets`' packaged builders read.

Kept apart from the readers themselves so target resolution can ask it without importing
pyarrow and the scanner.
"""

from __future__ import annotations

from pathlib import Path

# What datasets' packaged builders read; compressed forms are accepted as datasets does.
_DATASETS_SUFFIXES = (".jsonl", ".json", ".ndjson", ".csv", ".tsv", ".parquet", ".txt", ".arrow")
# Also loaded by datasets, and read by guardrail: parquet under other names, webdataset tars,
# whole XML documents, and line-based text formats (read as plain text lines).
PARQUET_SUFFIXES = (".parquet", ".geoparquet", ".gpq")
TEXT_LIKE_SUFFIXES: tuple[str, ...] = (".conll", ".conllu", ".fasta", ".fa", ".faa", ".ffn", ".fna")
TEXT_LIKE_SUFFIXES += (".frn", ".afa", ".fastq", ".fq", ".gb", ".gbk", ".genbank")
DATA_SUFFIXES = (*_DATASETS_SUFFIXES, ".geoparquet", ".gpq", ".tar", ".xml", *TEXT_LIKE_SUFFIXES)
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip")


def data_suffix(path: Path) -> str | None:
    """The data format suffix of `path`, looking through one compression suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes and suffixes[-1] in DATA_SUFFIXES else None
