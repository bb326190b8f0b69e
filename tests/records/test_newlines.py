"""Line-end counting in numpy agrees with counting byte by byte."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from guardrail.readers import newlines

DATA = st.binary(max_size=400).map(lambda b: b.replace(b"\x00", b"\n"))


@given(data=DATA, picks=st.lists(st.integers(0, 400), max_size=150))
def test_counts_before_offsets_match_bytes_count(data: bytes, picks: list[int]) -> None:
    offsets = sorted({min(p, len(data)) for p in picks})  # few and many (> 64) both occur
    total, before = newlines.before(data, offsets)
    assert total == data.count(b"\n") == newlines.count(data)
    assert before.tolist() == [data.count(b"\n", 0, at) for at in offsets]
    assert newlines.positions(data).tolist() == [i for i, c in enumerate(data) if c == 10]
