"""Newline-aligned, UTF-8-clean byte chunks of a text data file, read with bounded memory.

Every text format (JSON lines, CSV/TSV, plain text) is read through here: the file is
cut at line ends (for CSV, only where quotes are balanced, so quoted multi-line values
stay whole); a chunk grows past its target only to finish one very long line.

For a full scan of JSON lines or text, the chunks are also sifted for candidate lines
(`linefilter.sift`) on two worker threads, a few chunks ahead, and a regular file is read
there too, by byte range (`os.pread`), so reading, UTF-8 checking, line counting and the
prefilter all run outside the GIL while this thread hands chunks over in file order.
"""

from __future__ import annotations

import io
import os
import random
import stat
import threading
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from typing import BinaryIO

import numpy as np

from guardrail.readers import newlines
from guardrail.readers.file_bounds import MAX_LINE_BYTES, check_line, line_too_long
from guardrail.readers.linefilter import Sift, sift
from guardrail.readers.parquet import workers as cores

CHUNK_BYTES = 8 * 1024 * 1024
SAMPLE_BLOCK_BYTES = 256 * 1024


# A piece of a file, and how to read it again (None: it cannot be, and must be kept).
Piece = tuple[bytes | bytearray, Callable[[], bytes] | None]


@dataclass(frozen=True)
class Chunk:
    """Whole lines of a file.

    Args:
        body: The bytes, valid UTF-8, ending at a line end (or the end of the file); None
            when the chunk was sifted as it was read and its bytes went back to the read
            buffer (only the candidate lines are parsed): `data` then reads them again.
        first_line: 1-based line number of the first line, or None in a sampled block.
        bad_utf8_line: 1-based line of the first invalid UTF-8 byte, if bytes were replaced.
        sifted: Whether `sift` was worked out while reading (it may still be None: the
            chunk must then be parsed whole).
        sift: The chunk's candidate lines (`linefilter.sift`), when `sifted`.
        size: How many bytes the chunk holds, when `body` is None.
        reread: Reads the chunk's bytes from the file again, when `body` is None: by file
            descriptor, so only while the file the chunks come from is still open.
    """

    body: bytes | None
    first_line: int | None
    bad_utf8_line: int | None = None
    sifted: bool = False
    sift: Sift | None = None
    size: int = 0
    reread: Callable[[], bytes] | None = None

    @property
    def data(self) -> bytes:
        """The chunk's bytes (read from the file again if the chunk does not hold them)."""
        if self.body is not None:
            return self.body
        assert self.reread is not None
        return self.reread()

    @property
    def nbytes(self) -> int:
        return len(self.body) if self.body is not None else self.size


def _valid_utf8(data: bytes | bytearray) -> bool:
    """Arrow's SIMD validator: several times faster than decoding, and makes no copy."""
    if data.isascii():
        return True
    import pyarrow as pa

    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    try:
        pa.LargeStringArray.from_buffers(1, offsets, pa.py_buffer(data)).validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _repaired(data: bytes | bytearray) -> tuple[bytes | bytearray, int | None]:
    """`data` with invalid UTF-8 replaced, and the 0-based line (within `data`) of the first bad byte."""
    if _valid_utf8(data):
        return data, None
    try:
        data.decode("utf-8")
        return data, None
    except UnicodeDecodeError as exc:
        return data.decode("utf-8", "replace").encode("utf-8"), data.count(b"\n", 0, exc.start)


def _clean(data: bytes, first_line: int | None) -> Chunk:
    fixed, bad = _repaired(data)
    if bad is None:
        return Chunk(data, first_line)
    return Chunk(bytes(fixed), first_line, first_line + bad if first_line is not None else 0)


class _LongLine(Exception):
    """A line past the cap: `pending` bytes so far, after `before` line ends of unyielded data."""

    def __init__(self, pending: int, before: int) -> None:
        super().__init__(pending, before)
        self.pending, self.before = pending, before


def _cut(buf: bytes, quotes: bool) -> int:
    """Index just past the last line end at which a CSV quote is not open (-1 if none).

    The quotes before the last line end are counted once; stepping back a line takes off
    only that line's quotes. (Counting from the start at every step made a chunk that ends
    inside a long multi-line quoted value quadratic: 3.8 s for 2,000 lines of 4 MB.)
    """
    cut = buf.rfind(b"\n")
    open_quote = quotes and cut >= 0 and buf.count(b'"', 0, cut) % 2 == 1
    while open_quote and cut >= 0:
        prev = buf.rfind(b"\n", 0, cut)
        open_quote ^= buf.count(b'"', prev + 1, cut) % 2 == 1
        cut = prev
    return cut + 1 if cut >= 0 else -1


def _pieces(f: BinaryIO, size: int) -> Iterator[bytes]:
    """Newline-aligned pieces of about `size` bytes: read, then finish the last line.

    One copy per piece (the read, plus the short line's completion), where cutting at the
    last line end and carrying the rest over copies every piece twice more.
    """
    while True:
        data = f.read(size)
        if not data:
            return
        if not data.endswith(b"\n"):
            pending = len(data) - data.rfind(b"\n") - 1
            rest = f.readline(MAX_LINE_BYTES + 1 - pending) if pending <= MAX_LINE_BYTES else b""
            if pending + len(rest.removesuffix(b"\n")) > MAX_LINE_BYTES:
                raise _LongLine(pending + len(rest), data.count(b"\n"))
            data += rest
        yield data


def _quoted_pieces(f: BinaryIO, size: int) -> Iterator[bytes]:
    """Newline-aligned pieces cut only where CSV quotes are balanced (quoted values may span lines)."""
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
                reached = pending_len - len(data) + ends if ends >= 0 else pending_len
                if reached > MAX_LINE_BYTES:
                    raise _LongLine(reached, 0)
                if ends < 0:
                    continue
            buf = b"".join(pending)
            # An unbalanced quote must not make the whole file one chunk.
            cut = _cut(buf, pending_len < 8 * size)
            if cut <= 0:  # one line longer than a chunk: keep reading until it ends
                if len(buf) > MAX_LINE_BYTES:
                    raise _LongLine(len(buf), 0)
                pending, pending_len = [buf], len(buf)
                continue
            head, tail = buf[:cut], buf[cut:]
            pending, pending_len = ([tail] if tail else []), len(tail)
        else:
            head = b"".join(pending)
            pending = []
            last = len(head) - head.rfind(b"\n") - 1
            if last > MAX_LINE_BYTES:
                raise _LongLine(last, head.count(b"\n"))
        if head:
            yield head
        if not data:
            return


def chunks(
    f: BinaryIO, *, quotes: bool = False, size: int = CHUNK_BYTES, line: int = 1, sift_as: str | None = None
) -> Iterator[Chunk]:
    """Read `f` to the end in newline-aligned chunks of about `size` bytes (`f` starts at `line`).

    Args:
        f: A binary stream.
        quotes: Cut only where CSV quotes are balanced.
        size: About how many bytes a chunk holds.
        line: The line number `f` starts at.
        sift_as: "json" or "text": also sift each chunk for candidate lines, on worker
            threads (see `linefilter.sift`). A regular file is then read by byte range on
            those threads too, so this thread only hands out the work.
    """
    if sift_as is not None:
        span = None if quotes else _byte_range(f)
        if span is not None:
            yield from _sifted(_ranges(*span, size), line, sift_as)
        else:
            pieces = _quoted_pieces(f, size) if quotes else _pieces(f, size)
            yield from _sifted((partial(_given, piece) for piece in pieces), line, sift_as)
        return
    try:
        for piece in _quoted_pieces(f, size) if quotes else _pieces(f, size):
            yield _clean(piece, line)
            line += newlines.count(piece)
    except _LongLine as exc:
        raise line_too_long(line + exc.before) from None


def _given(piece: bytes) -> Piece:
    return piece, None


def _byte_range(f: BinaryIO) -> tuple[int, int, int] | None:
    """(descriptor, start, stop) of what is left to read of a regular file; None for a stream."""
    range_of = getattr(f, "byte_range", None)
    if callable(range_of):
        return range_of()
    if isinstance(f, io.BufferedReader) and isinstance(f.raw, io.FileIO):
        fd = f.fileno()
        info = os.fstat(fd)
        if stat.S_ISREG(info.st_mode):
            return fd, f.tell(), info.st_size
    return None


def _ranges(fd: int, lo: int, hi: int, size: int) -> Iterator[Callable[[], Piece]]:
    """Readers of the lines starting in each `size`-byte range of `[lo, hi)`, in order."""
    for at in range(lo, hi, size):
        yield partial(_read_range, fd, at, min(at + size, hi), lo, hi)


LINE_SEARCH_BYTES = 1 << 16


def _line_start(fd: int, at: int, lo: int, until: int, cap: int | None = None) -> int:
    """The first offset in `[at, until]` where a line starts (`until` if none does before it).

    Raises:
        _LongLine: no line end within `cap` bytes of `at`.
    """
    if at <= lo or at >= until:
        return min(max(at, lo), until)
    pos = at - 1  # a line starts at `at` if the byte before it ends one
    while pos < until - 1:
        window = os.pread(fd, min(LINE_SEARCH_BYTES, until - pos), pos)
        if not window:
            break
        end = window.find(b"\n")
        if end >= 0:
            return pos + end + 1
        pos += len(window)
        if cap is not None and pos - at > cap:
            raise _LongLine(pos - at, 0)
    return until


def _read_range(fd: int, at: int, stop: int, lo: int, hi: int) -> Piece:
    """The lines that start in `[at, stop)`, read with one `preadv` into this thread's buffer.

    Where two ranges meet, both work out the same line start, so every line is read by
    exactly one of them; a range inside one long line owns none and reads no further.
    """
    first = _line_start(fd, at, lo, stop)
    if first >= stop:
        return b"", None
    try:
        last = _line_start(fd, stop, lo, hi, MAX_LINE_BYTES)
    except _LongLine as exc:  # the too-long line is this range's last: its line ends come first
        raise _LongLine(exc.pending, newlines.count(os.pread(fd, stop - first, first))) from None
    buf = _read_buffer(last - first)
    with memoryview(buf) as view:
        got = os.preadv(fd, [view], first)
    if got < len(buf):  # the file shrank under us: what is there is what gets scanned
        del buf[got:]
    return buf, partial(os.pread, fd, got, first)


_BUFFERS = threading.local()


def _read_buffer(n: int) -> bytearray:
    """This thread's read buffer, resized to `n` bytes.

    Sift threads read every range into the same buffer: a fresh 8 MB object per range
    costs page faults and zeroing in the kernel (a fifth of the scan's CPU, measured),
    as the allocator hands the memory back between chunks. Nothing outside `_prepare`
    keeps a view of it (a sifted chunk holds copies of its candidate lines; a chunk parsed
    whole gets a copy); if a view is still alive anyway, the buffer cannot be resized and
    a new one is made, so nobody's bytes ever change under them.
    """
    buf: bytearray | None = getattr(_BUFFERS, "buf", None)
    if buf is not None:
        try:
            if len(buf) > n:
                del buf[n:]
            elif len(buf) < n:
                buf.extend(bytes(n - len(buf)))
            return buf
        except BufferError:  # exported: leave it to whoever holds it
            pass
    buf = _BUFFERS.buf = bytearray(n)
    return buf


# Chunks worked on ahead of the parse: enough to keep both cores busy, few enough that
# memory stays a few chunks whatever the file size.
PREPARE_AHEAD = 3


@dataclass(frozen=True)
class _Prepared:
    body: bytes | None
    size: int
    reread: Callable[[], bytes] | None
    bad: int | None
    lines: int
    sift: Sift | None


def _prepare(read: Callable[[], Piece], fmt: str) -> _Prepared:
    """Everything a chunk needs that runs without the GIL: read, UTF-8 check, line count, sift."""
    piece, reread = read()
    if not piece:
        return _Prepared(b"", 0, None, None, 0, None)
    if len(piece) > MAX_LINE_BYTES:  # only a piece this big can hold a line over the cap
        ends = newlines.positions(piece)
        lengths = np.diff(np.concatenate(([-1], ends, [len(piece)]))) - 1
        if lengths.size and int(lengths.max()) > MAX_LINE_BYTES:
            raise _LongLine(int(lengths.max()), int(lengths.argmax()))
    data, bad = _repaired(piece)
    found = sift(data, fmt)
    # sift counted the lines already (a last line without a line end among them)
    count = newlines.count(data) if found is None else found.lines - (not data.endswith(b"\n"))
    if found is not None and bad is None and reread is not None:
        return _Prepared(None, len(data), reread, None, count, found)  # the buffer is free again
    return _Prepared(bytes(data), len(data), None, bad, count, found)


def _sifted(jobs: Iterator[Callable[[], Piece]], line: int, fmt: str) -> Iterator[Chunk]:
    """Chunks with their sift, prepared on worker threads (os.pread, Arrow, numpy and
    Hyperscan release the GIL); yielded in file order, numbered as they come."""
    workers = min(2, cores())
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="guardrail-sift") as pool:
        pending: deque[Future[_Prepared]] = deque()

        def ready() -> Chunk | None:
            nonlocal line
            try:
                got = pending.popleft().result()
            except _LongLine as exc:
                raise line_too_long(line + exc.before) from None
            bad = None if got.bad is None else line + got.bad
            chunk = Chunk(got.body, line, bad, sifted=True, sift=got.sift, size=got.size, reread=got.reread)
            line += got.lines
            return chunk if got.size else None

        try:
            while True:
                try:
                    read = next(jobs, None)
                except _LongLine as exc:  # from a sequential reader: after the pieces before it
                    while pending:
                        ready()
                    raise line_too_long(line + exc.before) from None
                if read is None:
                    break
                pending.append(pool.submit(_prepare, read, fmt))
                if len(pending) > PREPARE_AHEAD and (chunk := ready()) is not None:
                    yield chunk
            while pending:
                if (chunk := ready()) is not None:
                    yield chunk
        finally:  # the reader stopped early (an error, or a consumer that closed us)
            for job in pending:
                job.cancel()


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
