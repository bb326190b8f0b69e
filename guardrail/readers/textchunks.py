"""Newline-aligned, UTF-8-clean byte chunks of a text data file, read with bounded memory.

Every text format (JSON lines, CSV/TSV, plain text) is read through here: the file is
cut at line ends (for CSV, only where quotes are balanced, so quoted multi-line values
stay whole); a chunk grows past its target only to finish one very long line.
"""

from __future__ import annotations

import io
import random
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from guardrail.readers.file_bounds import MAX_LINE_BYTES, check_line

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


def _valid_utf8(data: bytes) -> bool:
    """Arrow's SIMD validator: several times faster than decoding, and makes no copy."""
    if data.isascii():
        return True
    import numpy as np
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _clean(data: bytes, first_line: int | None) -> Chunk:
    if _valid_utf8(data):
        return Chunk(data, first_line)
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


def chunks(f: BinaryIO, *, quotes: bool = False, size: int = CHUNK_BYTES, line: int = 1) -> Iterator[Chunk]:
    """Read `f` to the end in newline-aligned chunks of about `size` bytes (`f` starts at `line`)."""
    pending: list[bytes] = []
    pending_len = 0
    while True:
        data = f.read(size)
        if data:
            pending.append(data)
            pending_len += len(data)
            if pending_len < size:
                continue
            if len(pending) > 1:
                # A line carried over from the last read: join only once it ends, never on
                # every read (that made a long line quadratic); give up on it past the cap.
                ends = data.find(b"\n")
                check_line(pending_len - len(data) + ends if ends >= 0 else pending_len, line)
                if ends < 0:
                    continue
            buf = b"".join(pending)
            # An unbalanced quote must not make the whole file one chunk.
            cut = _cut(buf, quotes and pending_len < 8 * size)
            if cut <= 0:  # one line longer than a chunk: keep reading until it ends
                check_line(len(buf), line)
                pending, pending_len = [buf], len(buf)
                continue
            head, tail = buf[:cut], buf[cut:]
            pending, pending_len = ([tail] if tail else []), len(tail)
        else:
            head = b"".join(pending)
            pending = []
            check_line(len(head) - head.rfind(b"\n") - 1, line + head.count(b"\n"))
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
            if nl < 0 and data:
                # The whole block sits inside one line: make sure that line ends within the
                # cap, or a file of one endless line would sample as "no records".
                check_line(len(data) + len(f.readline(MAX_LINE_BYTES + 1)), 0)
            data = data[nl + 1 :] if nl >= 0 else b""
        rest = f.readline(MAX_LINE_BYTES + 1) if data and not data.endswith(b"\n") else b""
        if len(rest) > MAX_LINE_BYTES:
            check_line(len(rest), 0)
        data += rest
        if data.strip():
            yield _clean(data, 1 if start == 0 else None)


def utf_encoding(head: bytes) -> str | None:
    """The UTF-16/UTF-32 codec of a text file, by its byte-order mark or its NUL pattern.

    Such a file is valid UTF-8 byte by byte (ASCII with NULs between), so without this its
    text would be scanned as `t\\0w\\0i...` and pass unseen. None for anything else.
    """
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    sample = head[: len(head) // 4 * 4]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    lanes = [sample[i::4].count(0) / (len(sample) // 4) for i in range(4)]
    if lanes[1] > 0.9 and lanes[2] > 0.9 and lanes[3] > 0.9 and lanes[0] < 0.1:
        return "utf-32-le"
    if lanes[0] > 0.9 and lanes[1] > 0.9 and lanes[2] > 0.9 and lanes[3] < 0.1:
        return "utf-32-be"
    odd, even = (lanes[1] + lanes[3]) / 2, (lanes[0] + lanes[2]) / 2
    if odd > 0.9 and even < 0.1:
        return "utf-16-le"
    if even > 0.9 and odd < 0.1:
        return "utf-16-be"
    return None


class Recoded(io.RawIOBase):
    """A binary stream of UTF-16/32 text, read as UTF-8 bytes."""

    def __init__(self, f: BinaryIO, encoding: str) -> None:
        self.encoding = encoding
        self._text = io.TextIOWrapper(f, encoding=encoding, errors="replace", newline="")
        self._pending = b""

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._text.close()
        super().close()

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            out, self._pending = self._pending + self._text.read().encode("utf-8"), b""
            return out
        while len(self._pending) < size:
            text = self._text.read(max(size // 2, 1))
            if not text:
                break
            self._pending += text.encode("utf-8")
        out, self._pending = self._pending[:size], self._pending[size:]
        return out

    def readline(self, size: int | None = -1) -> bytes:
        if b"\n" in self._pending:
            line, _, self._pending = self._pending.partition(b"\n")
            return line + b"\n"
        out, self._pending = self._pending + self._text.readline().encode("utf-8"), b""
        return out
