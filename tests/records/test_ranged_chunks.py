"""A regular file read by byte ranges on worker threads gives the chunks a sequential read gives."""

from __future__ import annotations

import io
from dataclasses import replace
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.readers import textchunks
from guardrail.readers.file_bounds import LimitExceeded
from guardrail.readers.linefilter import sift
from guardrail.readers.textchunks import chunks

LINES = st.lists(
    st.one_of(
        st.text(alphabet='abc xyz{}":,\r', max_size=40),
        st.just('{"text": "see https://t.co/AbCdEf1234"}'),
        st.just(""),
        st.text(alphabet="é✓ ", max_size=5),
    ),
    max_size=60,
)


def _ranged(path: Path, size: int, fmt: str = "json") -> list[textchunks.Chunk]:
    """The chunks, each holding its bytes (a sifted chunk reads them again while the file is open)."""
    with open(path, "rb") as f:
        assert textchunks._byte_range(f) is not None  # the ranged path, not the stream one
        return [replace(c, body=c.data) for c in chunks(f, size=size, sift_as=fmt)]


@settings(max_examples=150, deadline=None)
@given(lines=LINES, size=st.integers(1, 64), end=st.sampled_from(["", "\n"]))
def test_ranges_cover_every_line_once_numbered_in_order(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str], size: int, end: str
) -> None:
    path = tmp_path_factory.mktemp("r") / "a.jsonl"
    data = ("\n".join(lines) + end).encode()
    path.write_bytes(data)
    got = _ranged(path, size)
    assert b"".join(c.data for c in got) == data
    line = 1
    for c in got:
        assert c.data and c.sifted and c.first_line == line
        assert c.data.endswith(b"\n") or c is got[-1]  # every chunk is whole lines
        expected = sift(c.data, "json")
        assert (c.sift is None) == (expected is None)
        if c.sift is not None and expected is not None:
            assert c.sift.lines == expected.lines and c.sift.index.tolist() == expected.index.tolist()
        line += c.data.count(b"\n")


def test_ranged_and_sequential_reads_agree_on_candidates(tmp_path: Path) -> None:
    rows = [f'{{"text": "row {i} about the weather"}}' for i in range(500)]
    rows[7] = '{"text": "see https://twitter.com/jd/status/1234567"}'
    rows[333] = '{"text": "so true https://t.co/AbCdEf1234"}'
    data = ("\n".join(rows) + "\n").encode()
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    ranged = _ranged(path, 1000)
    sequential = list(chunks(io.BytesIO(data), size=1000, sift_as="json"))  # a stream: read in order
    assert len(ranged) > 10

    def candidates(cs: list[textchunks.Chunk]) -> list[int]:
        return [c.first_line + int(i) for c in cs if c.sift is not None for i in c.sift.index if c.first_line]

    assert candidates(ranged) == candidates(sequential) == [8, 334]


def test_a_line_over_the_cap_across_ranges_is_refused_naming_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(textchunks, "MAX_LINE_BYTES", 5000)
    path = tmp_path / "a.jsonl"
    path.write_bytes(b'{"a": 1}\n{"a": 2}\n{"a": "' + b"y" * 20_000 + b'"}\n{"a": 3}\n')
    with pytest.raises(LimitExceeded, match="line 3 "):
        _ranged(path, 1024)
    # also when the long line sits inside one range (ranges bigger than the cap)
    with pytest.raises(LimitExceeded, match="line 3 "):
        _ranged(path, 1 << 20)


def test_a_sifted_range_gives_its_buffer_back_and_reads_its_bytes_again(tmp_path: Path) -> None:
    rows = [f'{{"text": "row {i} about the weather"}}' for i in range(400)]
    rows[123] = '{"text": "so true https://t.co/AbCdEf1234"}'
    data = ("\n".join(rows) + "\n").encode()
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as f:
        got = list(chunks(f, size=2000, sift_as="json"))
        assert all(c.body is None and c.sift is not None for c in got)  # no chunk keeps a copy
        assert b"".join(c.data for c in got) == data  # read again, from the file
        assert sum(c.nbytes for c in got) == len(data)
    hits = [c.first_line + int(i) for c in got if c.sift is not None and c.first_line for i in c.sift.index]
    assert hits == [124]


def test_a_chunk_parsed_whole_keeps_its_own_bytes(tmp_path: Path) -> None:
    data = b"".join(
        b'{"text": "RT @user https://t.co/AbCdEf1234"}\n' for _ in range(200)
    )  # candidates everywhere
    path = tmp_path / "a.jsonl"
    path.write_bytes(data)
    with open(path, "rb") as f:
        got = list(chunks(f, size=4000, sift_as="json"))
    assert got and all(c.sift is None and c.body is not None for c in got)
    assert b"".join(c.data for c in got) == data  # after the file is closed: they are copies


def test_the_read_buffer_is_reused_unless_someone_still_holds_a_view() -> None:
    first = textchunks._read_buffer(100)
    first[:] = b"a" * 100
    assert textchunks._read_buffer(50) is first and len(first) == 50
    assert textchunks._read_buffer(200) is first and len(first) == 200
    view = memoryview(first)
    second = textchunks._read_buffer(10)
    assert second is not first and len(second) == 10
    assert len(view) == 200  # the holder's bytes are left alone
    view.release()


def test_a_file_that_shrinks_under_a_range_read_gives_what_is_there(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    data = b'{"a": 1}\n' * 1000
    path.write_bytes(data)
    with open(path, "rb") as f:
        fd, lo, hi = textchunks._byte_range(f)  # type: ignore[misc]
        (read,) = list(textchunks._ranges(fd, lo, hi, hi))
        with open(path, "r+b") as w:
            w.truncate(95)  # ten lines and a half
        piece, reread = read()
        assert bytes(piece) == data[:95]
        assert reread is not None and reread() == bytes(piece)


def _cut_reference(buf: bytes, quotes: bool) -> int:
    cut = buf.rfind(b"\n")
    while quotes and cut >= 0 and buf.count(b'"', 0, cut) % 2:
        cut = buf.rfind(b"\n", 0, cut)
    return cut + 1 if cut >= 0 else -1


@settings(max_examples=300, deadline=None)
@given(buf=st.text(alphabet='a",\n', max_size=80).map(str.encode), quotes=st.booleans())
def test_csv_cuts_fall_where_quotes_are_balanced(buf: bytes, quotes: bool) -> None:
    assert textchunks._cut(buf, quotes) == _cut_reference(buf, quotes)


def test_a_chunk_ending_inside_a_long_quoted_value_is_cut_before_it() -> None:
    head = b"a,1\n" * 1000
    buf = head + b'"' + b"x\n" * 100_000  # was quadratic: a count from the start per line
    assert textchunks._cut(buf, True) == len(head)
