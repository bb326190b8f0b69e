"""Bounds on what one data file may cost before any reader parses it.

Everything a reader sees passes through here first: the file must be a regular file (a FIFO
or a device such as `/dev/zero` would hang or never end, and its `st_size` is 0, so size caps
cannot see it); decompressed bytes are counted against a budget (a ratio to the compressed
size, and an absolute cap), so a zip or gzip bomb stops early; UTF-16/32 text is decoded to
UTF-8 rather than read as mangled bytes. Each refusal is a `LimitExceeded` whose `code`
becomes the could-not-check problem naming the file.

Kept apart from the readers and the scanner so the read path can change without moving them.
"""

from __future__ import annotations

import codecs
import io
import os
import stat
from pathlib import Path
from typing import Any, BinaryIO

# Decompressed text that expands past both of these is treated as a bomb: ordinary JSON
# lines and CSV compress 5-20x (zstd on very repetitive records rarely past 60x).
DECOMPRESSION_RATIO = 100
DECOMPRESSION_FLOOR_BYTES = 256 * 1024 * 1024
# However well it compresses, no single file is decompressed past this.
DECOMPRESSED_MAX_BYTES = 4 * 1024 * 1024 * 1024
# A line (a JSON record, a CSV row with its quoted newlines) longer than this is not read.
MAX_LINE_BYTES = 256 * 1024 * 1024
# Parquet decodes a column chunk of a row group at once: a few KB of file may declare GBs.
MAX_PARQUET_CHUNK_BYTES = 1024 * 1024 * 1024
# A whole-document JSON file (not JSON lines) is parsed in memory, so it is capped too.
MAX_JSON_DOCUMENT_BYTES = 512 * 1024 * 1024

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


class LimitExceeded(OSError):
    """A file was refused or cut short by a bound; `code` names the kind for the report."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def kind_of(mode: int) -> str:
    """What a non-regular file is, in words, from its `st_mode`."""
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISDIR(mode):
        return "a directory"
    return "not a regular file"


def special_file(path: Path) -> str | None:
    """What `path` is if it is not a regular file (after following links), else None."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return None  # missing or unreadable: the open that follows says so
    return None if stat.S_ISREG(mode) else kind_of(mode)


def open_regular(path: Path) -> BinaryIO:
    """Open a regular file for reading; refuse anything else before a byte is read.

    Opened non-blocking and checked with `fstat` on the open descriptor, so a FIFO cannot
    block the open itself, and a file swapped for a device after a `stat` is still caught.

    Raises:
        LimitExceeded: code `special-file`, if `path` is a FIFO, device, socket or directory.
        OSError: if the file cannot be opened.
    """
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise LimitExceeded("special-file", f"is {kind_of(mode)}, not a regular file; refused unread")
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def decompression_limit(compressed_bytes: int) -> int:
    """How many decompressed bytes a file of `compressed_bytes` may expand to."""
    return min(DECOMPRESSED_MAX_BYTES, max(DECOMPRESSION_FLOOR_BYTES, compressed_bytes * DECOMPRESSION_RATIO))


class _Counted(io.RawIOBase):
    """A decompressing stream that stops with `LimitExceeded` past `limit` bytes."""

    def __init__(self, inner: BinaryIO, limit: int, compressed_bytes: int) -> None:
        self._inner, self._limit, self._compressed = inner, limit, compressed_bytes
        self.read_bytes = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self._inner.read(len(buffer))
        self.read_bytes += len(data)
        if self.read_bytes > self._limit:
            raise LimitExceeded(
                "decompression-limit",
                f"expands past {self._limit / 2**20:,.0f} MiB from {self._compressed:,} compressed bytes "
                f"(budget: {DECOMPRESSION_RATIO}x, at most {DECOMPRESSED_MAX_BYTES / 2**30:.0f} GiB); "
                "stopped reading it as a possible decompression bomb",
            )
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def budgeted(inner: BinaryIO, compressed_bytes: int) -> BinaryIO:
    """`inner` (a decompressing stream), counted against the decompression budget."""
    raw = _Counted(inner, decompression_limit(compressed_bytes), compressed_bytes)
    return io.BufferedReader(raw, buffer_size=1 << 20)


class _Transcoded(io.RawIOBase):
    """Text in another Unicode encoding, read back as UTF-8 bytes."""

    def __init__(self, inner: BinaryIO, encoding: str, head: bytes) -> None:
        self._inner = inner
        self._decoder = codecs.getincrementaldecoder(encoding)("replace")
        self._pending = self._decoder.decode(head).encode("utf-8")
        self._done = False

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._pending and not self._done:
            data = self._inner.read(1 << 20)
            self._done = not data
            self._pending = self._decoder.decode(data, final=self._done).encode("utf-8")
        n = min(len(buffer), len(self._pending))
        buffer[:n], self._pending = self._pending[:n], self._pending[n:]
        return n

    def close(self) -> None:
        self._inner.close()
        super().close()


def wide_encoding(head: bytes) -> tuple[str, int] | None:
    """The UTF-16/32 codec of text starting with `head`, and the length of its byte-order mark.

    By the mark, or for UTF-16 without one by its NUL bytes; None for UTF-8 and anything else.
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return None if encoding == "utf-8" else (encoding, len(bom))
    guessed = _bomless_utf16(head)
    return None if guessed is None else (guessed, 0)


def _bomless_utf16(head: bytes) -> str | None:
    """UTF-16 without a byte-order mark: ASCII-heavy text has a NUL in every other byte."""
    sample = head[: 4096 - (len(head[:4096]) % 2)]
    if len(sample) < 8:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    if odd > 0.4 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.4 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def unicode_text(stream: BinaryIO) -> tuple[BinaryIO, str | None]:
    """`stream` as UTF-8 bytes, and the encoding it was decoded from (None if it was UTF-8).

    A UTF-8 byte-order mark is dropped; UTF-16/32 (with a mark, or UTF-16 without one, told by
    its NUL bytes) is decoded. The returned stream is not seekable when it was transcoded.
    """
    head = stream.read(4096)
    if head.startswith(codecs.BOM_UTF8):
        return _prepend(head[len(codecs.BOM_UTF8) :], stream), None
    wide = wide_encoding(head)
    if wide is not None:
        encoding, bom = wide
        return _transcode(stream, encoding, head[bom:]), encoding
    return _prepend(head, stream), None


def _transcode(stream: BinaryIO, encoding: str, head: bytes) -> BinaryIO:
    return io.BufferedReader(_Transcoded(stream, encoding, head), buffer_size=1 << 20)


class _Prepended(io.RawIOBase):
    def __init__(self, head: bytes, inner: BinaryIO) -> None:
        self._head, self._inner = head, inner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n], self._head = self._head[:n], self._head[n:]
            return n
        data = self._inner.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def close(self) -> None:
        self._inner.close()
        super().close()


def _prepend(head: bytes, stream: BinaryIO) -> BinaryIO:
    if stream.seekable() if hasattr(stream, "seekable") else False:
        # Seekable (a plain file): rewind instead, so sampling can still seek.
        stream.seek(stream.tell() - len(head))
        return stream
    return io.BufferedReader(_Prepended(head, stream), buffer_size=1 << 20)


def check_line(pending_bytes: int, line: int) -> None:
    """Refuse a line that has grown past `MAX_LINE_BYTES` without ending.

    Raises:
        LimitExceeded: code `line-too-long`, naming the line.
    """
    if pending_bytes > MAX_LINE_BYTES:
        raise line_too_long(line)


def line_too_long(line: int) -> LimitExceeded:
    """The refusal of line `line` (0: unknown), longer than `MAX_LINE_BYTES`."""
    return LimitExceeded(
        "line-too-long",
        f"{f'line {line}' if line else 'a line'} is longer than {MAX_LINE_BYTES / 2**20:.0f} MiB without ending; "
        "it and the rest of the file were not read",
    )


def check_parquet(metadata: Any) -> None:
    """Refuse a parquet file whose metadata declares a column chunk over the cap.

    Args:
        metadata: A `pyarrow.parquet.FileMetaData`.

    Raises:
        LimitExceeded: code `decompression-limit`, naming the row group and column.
    """
    for g in range(metadata.num_row_groups):
        group = metadata.row_group(g)
        for c in range(group.num_columns):
            column = group.column(c)
            leaf = metadata.schema.column(c)
            # Fixed-width values decode to exactly this, whatever the encoding (a dictionary of
            # one 512 KiB value repeated fits in a few KB on disk).
            fixed = column.num_values * leaf.length if leaf.physical_type == "FIXED_LEN_BYTE_ARRAY" else 0
            size = max(column.total_uncompressed_size, fixed)
            if size > MAX_PARQUET_CHUNK_BYTES:
                raise LimitExceeded(
                    "decompression-limit",
                    f"row group {g}, column {column.path_in_schema} decodes to "
                    f"{size / 2**20:,.0f} MiB, over the "
                    f"{MAX_PARQUET_CHUNK_BYTES / 2**20:,.0f} MiB one column chunk may take; not read",
                )
