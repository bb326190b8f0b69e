"""Newline-aligned, UTF-8-clean byte chunks of a text data file, read with bounded memory.

Every text format (JSON lines, CSV/TSV, plain text) is read through here: the file is
cut at line ends (for CSV, only where quotes are balanced, so quoted multi-line values
stay whole); a chunk grows past its target only to finish one very long line.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

CHUNK_BYTES = 8 * 1024 * 1024
SAMPLE_BLOCK_BYTES = 256 * 1024


@dataclass(frozen=True)
class Chunk:
    """Whole lines of a file.

    Args:
        data: The bytes, valid UTF-8, ending at a line end (or the end of the file).
        first_line: 1-based line number of the first line, or None in a sampled block.
        bad_utf8_line: 1-based line of the first invalid UTF-8 byte, if bytes were replaced.
    """

    data: bytes
    first_line: int | None
    bad_utf8_line: int | None = None


def _clean(data: bytes, first_line: int | None) -> Chunk:
    try:
        data.decode("utf-8")
        return Chunk(data, first_line)
    except UnicodeDecodeError as exc:
        line = None if first_line is None else first_line + data.count(b"\n", 0, exc.start)
        fixed = data.decode("utf-8", "replace").encode("utf-8")
        return Chunk(fixed, first_line, line if line is not None else 0)


def _cut(buf: bytes, quotes: bool) -> int:
    """Index just past the last line end at which a CSV quote is not open (-1 if none)."""
    cut = buf.rfind(b"\n")
    while quotes and cut >= 0 and buf.count(b'"', 0, cut) % 2:
        cut = buf.rfind(b"\n", 0, cut)
    return cut + 1 if cut >= 0 else -1


def chunks(f: BinaryIO, *, quotes: bool = False, size: int = CHUNK_BYTES) -> Iterator[Chunk]:
    """Read `f` to the end in newline-aligned chunks of about `size` bytes."""
    pending: list[bytes] = []
    pending_len = 0
    line = 1
    while True:
        data = f.read(size)
        if data:
            pending.append(data)
            pending_len += len(data)
            if pending_len < size:
                continue
            buf = b"".join(pending)
            # An unbalanced quote must not make the whole file one chunk.
            cut = _cut(buf, quotes and pending_len < 8 * size)
            if cut <= 0:  # one line longer than a chunk: keep reading until it ends
                pending, pending_len = [buf], len(buf)
                continue
            head, tail = buf[:cut], buf[cut:]
            pending, pending_len = ([tail] if tail else []), len(tail)
        else:
            head = b"".join(pending)
            pending = []
        if head:
            yield _clean(head, line)
            line += head.count(b"\n")
        if not data:
            return


def sampled_blocks(
    f: BinaryIO, size: int, *, budget_bytes: int, seed: str, quotes: bool = False
) -> Iterator[Chunk]:
    """Seeded blocks spread over a seekable file, each trimmed to whole lines.

    Args:
        f: A seekable binary file.
        size: The file's size in bytes.
        budget_bytes: About how many bytes to read in all.
        seed: Seed string; the same seed and file give the same blocks.
        quotes: Cut CSV blocks only where quotes are balanced.
    """
    n_blocks = max(1, size // SAMPLE_BLOCK_BYTES)
    want = max(1, min(n_blocks, budget_bytes // SAMPLE_BLOCK_BYTES))
    picks = sorted(random.Random(seed).sample(range(n_blocks), want))
    for block in picks:
        start = block * SAMPLE_BLOCK_BYTES
        f.seek(start)
        data = f.read(SAMPLE_BLOCK_BYTES)
        if start > 0:  # drop the partial first line
            nl = data.find(b"\n")
            data = data[nl + 1 :] if nl >= 0 else b""
        rest = f.readline() if data and not data.endswith(b"\n") else b""
        data += rest
        if data.strip():
            yield _clean(data, 1 if start == 0 else None)
