"""Data files: every format and compression, and bad input becoming findings or problems."""

from __future__ import annotations

import bz2
import gzip
import json
import lzma
import zipfile
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guardrail.config import GuardrailConfig
from guardrail.findings import Evidence
from guardrail.readers import format_readers
from guardrail.readers.file_scan import DataFile, scan_files

POSTS = [{"text": f"so true https://t.co/AbCd{i:04d}", "id": i} for i in range(5)]


def _scan(path: Path, **config: object) -> Evidence:
    return scan_files([DataFile(path, path.name)], GuardrailConfig(**config), target=path.name)  # type: ignore[arg-type]


def _rules(ev: Evidence) -> dict[str, str]:
    return {f.rule_id: f.severity.value for f in ev.findings}


def _jsonl(rows: list[dict[str, object]]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode()


def _csv(rows: list[dict[str, object]], sep: str = ",") -> bytes:
    return (f"text{sep}id\n" + "".join(f"{r['text']}{sep}{r['id']}\n" for r in rows)).encode()


FORMATS = [
    ("a.jsonl", _jsonl(POSTS)),
    ("a.json", _jsonl(POSTS)),
    ("a.ndjson", _jsonl(POSTS)),
    ("array.json", json.dumps(POSTS).encode()),
    ("wrapped.json", json.dumps({"version": 1, "data": POSTS}, indent=1).encode()),
    ("a.csv", _csv(POSTS)),
    ("a.tsv", _csv(POSTS, "\t")),
    ("a.txt", "\n".join(str(r["text"]) for r in POSTS).encode()),
    ("a.jsonl.gz", gzip.compress(_jsonl(POSTS))),
    ("a.csv.bz2", bz2.compress(_csv(POSTS))),
    ("a.jsonl.xz", lzma.compress(_jsonl(POSTS))),
]


@pytest.mark.parametrize(("name", "data"), FORMATS, ids=[f[0] for f in FORMATS])
def test_formats(tmp_path: Path, name: str, data: bytes) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    ev = _scan(path)
    assert _rules(ev) == {"GR402": "high"}
    assert ev.scan is not None and ev.scan.rows_scanned == 5 and ev.scan.mode == "full"


def test_parquet_and_arrow(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(POSTS)
    pq.write_table(table, tmp_path / "a.parquet")
    with pa.OSFile(str(tmp_path / "a.arrow"), "wb") as sink, pa.ipc.new_stream(sink, table.schema) as w:
        w.write_table(table)
    for name in ("a.parquet", "a.arrow"):
        assert _rules(_scan(tmp_path / name)) == {"GR402": "high"}


BAD_INPUT = [
    ("empty.jsonl", b"", {"GR420": "low"}),
    ("blank.csv", b"text\n", {"GR420": "low"}),
    (
        "truncated.jsonl",
        _jsonl(POSTS[:1]) + b'{"text": "RT @bob: cut',
        {"GR402": "high", "GR421": "medium", "GR408": "medium"},
    ),
    ("invalid.jsonl", b'{"text": "fine"}\nnot json at all\n{"text": "ok"}\n', {"GR421": "medium"}),
    ("ragged.csv", b"text,label\nhello,1\n@USER a,b,c,d\nbye,0\n", {"GR421": "medium", "GR407": "medium"}),
    ("latin1.txt", b"caf\xe9 au lait\nplain line\n", {"GR422": "low"}),
    ("nulls.jsonl", b'{"text": "a", "extra": null}\n{"text": "b", "extra": null}\n', {"GR424": "low"}),
]


@pytest.mark.parametrize(("name", "data", "expected"), BAD_INPUT, ids=[b[0] for b in BAD_INPUT])
def test_bad_input_is_a_finding_naming_file_and_line(
    tmp_path: Path, name: str, data: bytes, expected: dict[str, str]
) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    ev = _scan(path)
    assert _rules(ev) == expected
    assert not ev.problems
    for f in ev.findings:
        assert f.location.path == name


def test_malformed_line_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(b'{"text": "a"}\n{"text": "b"}\n{"text": oops}\n')
    # Parsing every line finds any bad one; the raw-bytes prefilter only parses lines that
    # could hide something, and a line that is an object from `{` to `}` is not one of them.
    full = scan_files([DataFile(path, path.name)], GuardrailConfig(), target=path.name, sifted=False)
    [f] = [f for f in full.findings if f.rule_id == "GR421"]
    assert f.location.line == 3 and "line 3" in f.message
    path.write_bytes(b'{"text": "a"}\n{"text": "b"}\n{"text": "oo\n{"text": "c"}\n')  # truncated line
    [f] = [f for f in _scan(path).findings if f.rule_id == "GR421"]
    assert f.location.line == 3 and "line 3" in f.message


def test_a_bad_csv_row_deep_in_a_chunk_is_named_by_its_line(tmp_path: Path) -> None:
    # Quoted, so the chunk is parsed whole, by pyarrow, in blocks: the bad row sits blocks in.
    rows = [f'"row {i} about the markets",{i}' for i in range(120_000)]
    rows[90_000] = '"ragged",1,2,3'
    path = tmp_path / "deep.csv"
    path.write_text("text,n\n" + "\n".join(rows) + "\n")
    assert path.stat().st_size > 3 * format_readers.PARSE_BLOCK_BYTES
    [f] = [f for f in _scan(path).findings if f.rule_id == "GR421"]
    assert f.location.line == 90_002 and "line 90002" in f.message


def test_a_quoted_csv_value_longer_than_a_parse_block_is_read(tmp_path: Path) -> None:
    # pyarrow refuses a quoted value that straddles its blocks; the chunk is parsed as one.
    lines = "\n".join(f"line {i} of a long quoted note" for i in range(80_000))
    big = f'"{lines}\nsee https://t.co/AbCdEf1234",1'
    assert len(big) > 2 * format_readers.PARSE_BLOCK_BYTES
    rows = ["text,n", *(f"row {i},{i}" for i in range(1000)), big, *(f"row {i},{i}" for i in range(1000))]
    path = tmp_path / "long.csv"
    path.write_text("\n".join(rows) + "\n")
    ev = _scan(path)
    assert not ev.problems
    assert ev.scan is not None and ev.scan.rows_scanned == 2001
    assert {f.rule_id for f in ev.findings} >= {"GR402"}


def test_rows_are_cut_at_line_ends_only_as_datasets_does(tmp_path: Path) -> None:
    # A form feed or U+2028 inside a line is not a line end for `load_dataset`.
    text = tmp_path / "a.txt"
    text.write_bytes(b"page\x0cone\r\nsee https://t.co/AbCdEf12\n")
    [f] = _scan(text).findings
    assert f.location.row == 1
    jsonl = tmp_path / "b.jsonl"
    good = json.dumps({"text": "a\u2028b https://t.co/AbCdEf12"}, ensure_ascii=False)
    jsonl.write_bytes(("{oops\n" + good + "\n").encode())
    [bad] = [f for f in _scan(jsonl).findings if f.rule_id == "GR421"]
    assert "1 line(s)" in bad.message


def test_binary_column_is_scanned_for_ascii_markers(tmp_path: Path) -> None:
    table = pa.table({"blob": pa.array([b"\x89PNG\x00\xff", b"see https://t.co/AbCdEf12"], pa.binary())})
    pq.write_table(table, tmp_path / "b.parquet")
    assert _rules(_scan(tmp_path / "b.parquet")) == {"GR423": "low", "GR402": "high"}


def test_unreadable_file_is_a_problem_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "broken.parquet"
    path.write_bytes(b"PAR1 this is not parquet")
    ev = _scan(path)
    assert [p.code for p in ev.problems] == ["unreadable-file"]
    assert "broken.parquet" in ev.problems[0].message


def test_zip_members_are_never_left_unread(tmp_path: Path) -> None:
    one, two = tmp_path / "one.jsonl.zip", tmp_path / "two.jsonl.zip"
    with zipfile.ZipFile(one, "w") as z:
        z.writestr("a.jsonl", _jsonl(POSTS))
    with zipfile.ZipFile(two, "w") as z:
        z.writestr("a.jsonl", _jsonl([{"text": "hello", "id": 0}]))
        z.writestr("b.jsonl", _jsonl(POSTS))
    assert _rules(_scan(one)) == {"GR402": "high"}
    ev = _scan(two)
    assert [p.code for p in ev.problems] == ["unreadable-file"] and "2 files" in ev.problems[0].message


def test_huge_single_value(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("w") as f:
        f.write(json.dumps({"text": "word " * 20_000_000 + "https://t.co/AbCdEf12"}) + "\n")
        f.write(json.dumps({"text": "short"}) + "\n")
    ev = _scan(path)
    # one long value among two rows: a share too high for low, but not post-sized, so not high
    assert _rules(ev) == {"GR425": "low", "GR402": "medium"}
    assert ev.scan is not None and ev.scan.rows_scanned == 2
