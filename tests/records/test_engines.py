"""Hyperscan and the Arrow RE2 fallback pick candidates differently but report the same findings."""

from __future__ import annotations

from collections.abc import Iterator

import pyarrow as pa
import pytest
from record_helpers import FILLER
from test_value_rules import CASES, EVASIONS

from guardrail.scan import matcher as m
from guardrail.scan.scanner import RecordScanner

hyperscan = pytest.importorskip("hyperscan")


@pytest.fixture
def use_engine(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    def use(name: str) -> None:
        monkeypatch.setenv(m.ENGINE_ENV, name)
        m.matcher.cache_clear()
        assert m.matcher().name == name

    yield use
    m.matcher.cache_clear()


def _corpus() -> list[pa.RecordBatch]:
    values = [v for _, rows, _ in CASES for v in rows] + [*EVASIONS, "ſtatus", "twitter.com/jd/ſtatus/12345"]
    n = len(values)
    nested = pa.array(
        [{"user": {"name": v}, "urls": [v, "plain"], "tags": {"k": v}} for v in values],
        pa.struct(
            [
                ("user", pa.struct([("name", pa.string())])),
                ("urls", pa.list_(pa.string())),
                ("tags", pa.map_(pa.string(), pa.string())),
            ]
        ),
    )
    table = pa.table(
        {
            "text": pa.array(values, pa.large_string()),
            "short": pa.array(values, pa.string()),
            "view": pa.array(values, pa.string_view()),
            "dict": pa.array(values, pa.string()).dictionary_encode(),
            "blob": pa.array([v.encode() for v in values], pa.binary()),
            "nested": nested,
            "ids": pa.array([1227261586521382913 if i % 3 else i for i in range(n)], pa.int64()),
        }
    )
    # Odd batch sizes: the slices start inside the buffers, as a dataset window would.
    return [*table.slice(0, 7).to_batches(), *table.slice(7).to_batches(max_chunksize=13)]


def _scan(batches: list[pa.RecordBatch]) -> tuple[list[tuple[object, ...]], int]:
    scanner = RecordScanner()
    offset = 0
    for b in batches:
        scanner.scan_batch(b, split="train", row_offset=offset, path="corpus")
        offset += b.num_rows
    ev = scanner.evidence("corpus")
    found = sorted(
        (f.rule_id, f.severity.value, f.location.row, f.location.column, f.evidence, f.matched, f.scanned)
        for f in ev.findings
    )
    assert ev.scan is not None
    return found, ev.scan.rows_scanned


def test_both_engines_report_identical_findings(use_engine: object) -> None:
    batches = _corpus()
    use_engine("hyperscan")  # type: ignore[operator]
    fast = _scan(batches)
    use_engine("re2")  # type: ignore[operator]
    fallback = _scan(batches)
    assert fast == fallback
    rules = {f[0] for f in fast[0]}
    assert {"GR401", "GR402", "GR411"} <= rules  # the corpus really exercises the rules


@pytest.mark.parametrize("engine", ["hyperscan", "re2"])
def test_every_evasion_is_a_candidate(use_engine: object, engine: str) -> None:
    use_engine(engine)  # type: ignore[operator]
    values = pa.array([*FILLER[:3], *EVASIONS, *FILLER[3:6]], pa.large_string())
    idx = m.matcher().candidates(values, binary=False)
    assert list(idx) == list(range(3, 3 + len(EVASIONS)))


def test_buffer_hits_map_to_values_through_offsets(use_engine: object) -> None:
    use_engine("hyperscan")  # type: ignore[operator]
    values = pa.array(["clean", None, "", "a twitter b twitter", "x", "t.co/", "end"], pa.string()).slice(1)
    assert list(m.matcher().candidates(values, binary=False)) == [2, 4]
    blob = pa.array([b"\x00\xff", b"hxxp://", b"\xfe"], pa.large_binary())
    assert list(m.matcher().candidates(blob, binary=True)) == [1]


ID = "123456789012345678"


@pytest.mark.parametrize("binary", [False, True])
def test_a_digit_run_is_a_candidate_only_where_it_can_open_a_bare_id(
    use_engine: object, binary: bool
) -> None:
    use_engine("hyperscan")  # type: ignore[operator]
    values = [
        "0.024234226998503194",  # a long fraction: never a bare id
        ID,
        "7",
        ID + "9",  # after a value ending in a digit: the buffer's run starts earlier
        "  " + ID + "  ",
        "\u3000" + ID,  # a character that normalises to a space
        "x" + ID,
        "see status/" + ID,
        "1." + ID,
    ]
    arr = pa.array(
        [v.encode() for v in values] if binary else values, pa.large_binary() if binary else pa.string()
    )
    found = list(m.matcher().candidates(arr, binary=binary))
    assert found == [1, 3, 4, 5]
    if not binary:  # the fallback engine, anchored per value, keeps no fewer than the exact rule needs
        use_engine("re2")  # type: ignore[operator]
        assert set(m.matcher().candidates(arr, binary=False)) <= set(found)


def test_a_column_of_small_numbers_is_one_digit_run_not_a_hit_per_byte(use_engine: object) -> None:
    use_engine("hyperscan")  # type: ignore[operator]
    numbers = pa.array([str(i % 7) for i in range(10_000)] + ["", ID], pa.string())
    data, _ = m._data_and_offsets(numbers)
    found: list[int] = []
    m.matcher()._hits(m.matcher()._text, data, patterns=found)  # type: ignore[attr-defined]
    assert len(found) <= 1  # the buffer's one unbroken run of digits
    assert list(m.matcher().candidates(numbers, binary=False)) == [10_001]


def test_scan_info_names_the_engine(use_engine: object) -> None:
    for engine in ("hyperscan", "re2"):
        use_engine(engine)  # type: ignore[operator]
        scanner = RecordScanner()
        scanner.scan_batch(pa.table({"text": FILLER}))
        scan = scanner.evidence("t").scan
        assert scan is not None and scan.to_dict()["engine"] == engine


def test_in_memory_dataset_is_scanned_on_its_own_buffers(monkeypatch: pytest.MonkeyPatch) -> None:
    import datasets

    from guardrail.integrations.datasets.dataset_scan import scan_dataset

    texts = [*FILLER * 50, "so true https://t.co/AbCdEf1234"]
    ds = datasets.Dataset.from_dict({"text": texts})
    data = ds.data.column("text").chunk(0).buffers()[2]
    lo, hi = data.address, data.address + data.size
    seen: list[tuple[int, int]] = []
    original = m.matcher().candidates

    def spy(values: pa.Array, *, binary: bool) -> object:
        buf = values.buffers()[2]
        seen.append((buf.address, buf.address + buf.size))
        return original(values, binary=binary)

    monkeypatch.setattr(m.matcher(), "candidates", spy)
    report = scan_dataset(ds)
    assert report.targets[0].findings, "the link is found"
    # The prefilter read the dataset's own Arrow data buffer: no copy, no Python per row.
    assert seen and all(lo <= a and b <= hi for a, b in seen)
