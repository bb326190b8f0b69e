"""`scan_dataset` on datasets objects: verdicts, splits, and nothing about the dataset changes."""

from __future__ import annotations

import datasets
import pytest

from guardrail.config import GuardrailConfig
from guardrail.findings import Verdict
from guardrail.integrations.datasets.dataset_scan import scan_dataset
from guardrail.scan.scanner import RecordScanner

POSTS = {"text": ["@USER so true", "@USER nope", "RT @a: hi", "plain"], "meta": [{"source": "web"}] * 4}
NEWS = {"text": ["The council met on Tuesday.", "Markets rose."], "meta": [{"source": "wire"}] * 2}


def _ds(data: dict[str, list[object]]) -> datasets.Dataset:
    return datasets.Dataset.from_dict(data)


CASES = [
    ("posts", lambda: _ds(POSTS), Verdict.BLOCK),
    ("news", lambda: _ds(NEWS), Verdict.PASS),
    ("dict", lambda: datasets.DatasetDict(train=_ds(NEWS), test=_ds(POSTS)), Verdict.BLOCK),
    ("iterable", lambda: _ds(POSTS).to_iterable_dataset(), Verdict.BLOCK),
    (
        "iterable dict",
        lambda: datasets.IterableDatasetDict(train=_ds(NEWS).to_iterable_dataset()),
        Verdict.PASS,
    ),
    (
        "nested provenance",
        lambda: _ds({"text": ["a", "b"], "meta": [{"source": "twitter"}, {"source": "web"}]}),
        Verdict.BLOCK,
    ),
]


@pytest.mark.parametrize(("name", "make", "verdict"), CASES, ids=[c[0] for c in CASES])
def test_verdicts(name: str, make: object, verdict: Verdict) -> None:
    report = scan_dataset(make(), target=name)  # type: ignore[operator]
    assert [t.verdict for t in report.targets] == [verdict]
    assert report.targets[0].target == name


def test_split_is_located() -> None:
    report = scan_dataset(datasets.DatasetDict(train=_ds(NEWS), test=_ds(POSTS)))
    assert {f.location.split for f in report.targets[0].findings} == {"test"}


def test_dataset_and_fingerprint_unchanged() -> None:
    ds = _ds(POSTS).with_format("numpy")
    before = (ds._fingerprint, ds.format, ds.num_rows, ds.column_names)
    scan_dataset(ds)
    assert (ds._fingerprint, ds.format, ds.num_rows, ds.column_names) == before


def test_large_dataset_is_sampled_across_splits() -> None:
    big = _ds({"text": [f"plain row {i}" for i in range(30_000)]})
    tweets = _ds({"text": [f"so https://t.co/AbCd{i:05d}" for i in range(30_000)]})
    config = GuardrailConfig(full_scan_max_bytes=10_000, sample_rows=1_000)
    report = scan_dataset(datasets.DatasetDict(a=big, b=tweets), config)
    t = report.targets[0]
    assert t.scan is not None and t.scan.mode == "sample" and t.scan.rows_scanned < 5_000
    assert t.verdict is Verdict.BLOCK


def test_scanner_accepts_dict_batches_incrementally() -> None:
    scanner = RecordScanner()
    for i in range(3):
        scanner.scan_batch({"text": ["plain", f"@USER {i}"]}, split="train", row_offset=2 * i)
    [f] = scanner.findings()
    assert (f.rule_id, f.matched, f.scanned, f.location.row) == ("GR407", 3, 6, 1)


def test_nested_lists_of_structs_are_scanned() -> None:
    scanner = RecordScanner()
    scanner.scan_batch(
        {
            "doc": ["a", "b"],
            "entities": [{"urls": [{"url": "example.org"}]}, {"urls": [{"url": "https://t.co/AbCdEf12"}]}],
        }
    )
    [f] = scanner.findings()
    assert (f.rule_id, f.location.row, f.location.column) == ("GR402", 1, "entities.urls[].url")


def test_tweet_schema_in_nested_struct() -> None:
    scanner = RecordScanner()
    scanner.scan_batch({"text": ["hi"], "user": [{"screen_name": "a", "id_str": "1", "followers_count": 2}]})
    assert [(f.rule_id, f.severity.value) for f in scanner.findings()] == [("GR405", "high")]


def test_merge_of_parts_equals_one_scan() -> None:
    texts = [f"plain row {i}" for i in range(30)]
    texts[4] = texts[17] = texts[25] = "RT @bob: see https://t.co/AbCdEf12"
    whole = RecordScanner()
    whole.scan_batch({"text": texts}, path="f.jsonl")
    merged = RecordScanner()
    for lo in (0, 10, 20):
        part = RecordScanner()
        part.scan_batch({"text": texts[lo : lo + 10]}, path="f.jsonl")
        merged.merge(part, row_offsets={"f.jsonl": lo})
    assert [f.to_dict() for f in merged.findings()] == [f.to_dict() for f in whole.findings()]
    assert merged.evidence("t").scan == whole.evidence("t").scan
