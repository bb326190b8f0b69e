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
TEXT_LIKE_SUFFIXES += (".pdb", ".ent", ".cif", ".mmcif")
DATA_SUFFIXES = (*_DATASETS_SUFFIXES, ".geoparquet", ".gpq", ".tar", ".xml", *TEXT_LIKE_SUFFIXES)
COMPRESSION_SUFFIXES = (".gz", ".bz2", ".xz", ".zst", ".lz4", ".zip")
# Loaded by datasets' other builders (images, audio, video, PDF, meshes, HDF5, Lance...) and
# holding no text guardrail reads: such files in a folder are could-not-check, never skipped.
# (`.md`/`.toml` load too, as harbor tasks; in a dataset folder they are docs and are listed.)
NOT_TEXT_SUFFIXES = frozenset(
    [
        ".3g2",
        ".3gp",
        ".aiff",
        ".asf",
        ".au",
        ".avr",
        ".caf",
        ".f4v",
        ".flac",
        ".flv",
        ".htk",
        ".ircam",
        ".m4v",
        ".mat4",
        ".mat5",
        ".mp3",
        ".mpc2k",
        ".mpg",
        ".mxf",
        ".nist",
        ".nut",
        ".ogg",
        ".ogm",
        ".opus",
        ".paf",
        ".pvf",
        ".raw",
        ".rf64",
        ".sd2",
        ".sds",
        ".svx",
        ".voc",
        ".w64",
        ".wav",
        ".wavex",
        ".webm",
        ".wma",
        ".wmv",
        ".wve",
        ".xi",
        ".apng",
        ".blp",
        ".bmp",
        ".bufr",
        ".bw",
        ".cur",
        ".dcx",
        ".dds",
        ".dib",
        ".emf",
        ".eps",
        ".fit",
        ".fits",
        ".flc",
        ".fli",
        ".ftc",
        ".ftu",
        ".gbr",
        ".gif",
        ".grib",
        ".icb",
        ".icns",
        ".ico",
        ".iim",
        ".im",
        ".j2c",
        ".j2k",
        ".jfif",
        ".jp2",
        ".jpc",
        ".jpe",
        ".jpeg",
        ".jpf",
        ".jpg",
        ".jpx",
        ".msp",
        ".pbm",
        ".pcd",
        ".pcx",
        ".pgm",
        ".png",
        ".pnm",
        ".ppm",
        ".ps",
        ".psd",
        ".pxr",
        ".ras",
        ".rgb",
        ".rgba",
        ".sgi",
        ".tga",
        ".tif",
        ".tiff",
        ".vda",
        ".vst",
        ".webp",
        ".wmf",
        ".xbm",
        ".xpm",
        ".avi",
        ".mkv",
        ".mov",
        ".mp4",
        ".mpeg",
        ".glb",
        ".gltf",
        ".ply",
        ".stl",
        ".nii",
        ".pdf",
        ".h5",
        ".hdf5",
        ".lance",
        ".vortex",
        ".tsfile",
        ".eval",
    ]
)


def data_suffix(path: Path) -> str | None:
    """The data format suffix of `path`, looking through one compression suffix."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSION_SUFFIXES:
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes and suffixes[-1] in DATA_SUFFIXES else None
