"""The raw-bytes prefilter of line files reports exactly what parsing every line reports."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig
from guardrail.findings import Evidence
from guardrail.readers import format_readers as readers
from guardrail.readers.file_scan import DataFile, scan_files
from guardrail.readers.textchunks import utf_encoding

FILLER = [f"an ordinary line {i} about the markets and the weather" for i in range(300)]


def _jsonl_body() -> str:
    rows: list[str] = [json.dumps({"text": t, "source": "web", "n": i}) for i, t in enumerate(FILLER)]
    rows[10] = '{"text": "see https:\\/\\/twitter.com\\/jd\\/status\\/1234567 now", "source": "web", "n": 10}'
    rows[20] = '{"text": "\\u0074witter.com/jd/status/7654321", "source": "web", "n": 20}'
    rows[30] = ""  # blank line: no row
    rows[31] = "   "
    rows[40] = '{"text": "so true https://t.co/AbCdEf1234", "source": null, "n": 40}'  # null, seen elsewhere
    rows[50] = "[1, 2]"  # not an object
    rows[60] = '{"text": "RT @bob: wow", "source": "web", "n": 60, "id": 1227261586521382913}'
    rows[70] = '{"text": "fine", "retweet_count": 3, "id_str": "1", "screen_name": "a", "source": "web"}'
    rows[80] = '{"text": "nested", "user": {"url": "https://x.com/jd/status/99"}, "source": "web"}'
    rows[90] = '{"text": "ｔｗｉｔｔｅｒ.com/jd/status/1234567", "source": "web"}'
    rows[100] = '{"text": "twitter[.]com/jd/status/1234567", "source": "web"}'
    rows[110] = '{"text": "gone", "always_null": null}'
    rows[-1] = '{"text": "truncated https://t.co/Zz'  # last line, cut short
    return "\ufeff" + "\r\n".join(rows[:150]) + "\n" + "\n".join(rows[150:])


def _csv_body(sep: str) -> str:
    lines = [f"text{sep}id"] + [f"{t}{sep}{i}" for i, t in enumerate(FILLER)]
    lines[5] = f"wow https://t.co/AbCdEf1234{sep}5"
    lines[25] = f"ragged{sep}1{sep}2"
    # A blank line (skipped). Placed after the ragged line: the full parse numbers a bad row
    # by pyarrow's row count, which leaves out blank lines above it; the prefilter counts lines.
    lines[45] = ""
    lines[35] = f"RT @bob: x.com/bob/status/1234567{sep}35"
    return "\n".join(lines) + "\n"


def _quoted_csv() -> str:
    lines = ["text,id"] + [f"{t},{i}" for i, t in enumerate(FILLER)]
    lines[12] = '"a value, quoted\nover two lines with https://t.co/AbCdEf1234",12'
    lines[40] = '"RT @bob: ""quoted"" x.com/bob/status/1234567",40'
    return "\n".join(lines) + "\n"


def _text_body() -> str:
    lines = list(FILLER)
    lines[3] = "check https://t.co/AbCdEf1234"
    lines[9] = ""
    lines[17] = "page\x0cone x.com/jd/status/1234567"
    return "\n".join(lines) + "\n"


def _text_lone_cr() -> str:
    return "one\rtwo https://t.co/AbCdEf1234\rthree\n" + "\n".join(FILLER) + "\n"


CORPUS: list[tuple[str, bytes]] = [
    ("a.jsonl", _jsonl_body().encode()),
    ("b.jsonl.gz", gzip.compress(_jsonl_body().encode())),
    ("c.csv", _csv_body(",").encode()),
    ("d.tsv", _csv_body("\t").encode()),
    ("e.csv", _quoted_csv().encode()),
    ("f.txt", _text_body().encode()),
    ("g.txt", _text_lone_cr().encode()),
    ("h.jsonl", _jsonl_body().encode("utf-16")),  # with a BOM
    ("i.jsonl", _jsonl_body().lstrip("\ufeff").encode("utf-16-le")),  # no BOM: by its NULs
    ("j.txt", _text_body().encode("utf-32")),
    ("k.csv", ("\ufeff" + _csv_body(",")).encode()),
]


def _view(ev: Evidence) -> tuple[object, ...]:
    findings = sorted(
        (
            f.rule_id,
            f.severity.value,
            f.location.row,
            f.location.line,
            f.location.column,
            f.evidence,
            # a schema finding counts the rows of the batches that carry the field; the
            # prefilter parses fewer rows per batch, so only its presence is compared
            None if f.rule_id == "GR405" else f.matched,
            f.scanned,
        )
        for f in ev.findings
    )
    assert ev.scan is not None
    return findings, ev.scan.rows_scanned, [p.message for p in ev.problems]


def _fast_equals_full(tmp_path: Path, name: str, data: bytes) -> Evidence:
    """Scan `data` as file `name` with and without the raw-bytes prefilter; the reports must match."""
    path = tmp_path / name
    path.write_bytes(data)
    files = [DataFile(path, name, "train")]
    fast = scan_files(files, GuardrailConfig(), target=name)
    full = scan_files(files, GuardrailConfig(), target=name, sifted=False)
    assert _view(fast) == _view(full)
    return fast


@pytest.mark.parametrize(("name", "data"), CORPUS, ids=[c[0] for c in CORPUS])
def test_prefiltered_scan_equals_full_parse(tmp_path: Path, name: str, data: bytes) -> None:
    fast = _fast_equals_full(tmp_path, name, data)
    assert fast.findings, "every corpus file holds something to find"


def test_only_candidate_lines_are_parsed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(_jsonl_body().encode())
    parsed: list[int] = []
    original = readers._jsonl_sifted

    def spy(*args: object) -> tuple[readers.Sparse, list[str]]:
        out = original(*args)  # type: ignore[arg-type]
        parsed.append(0 if out[0].batch is None else out[0].batch.num_rows)
        return out

    monkeypatch.setattr(readers, "_jsonl_sifted", spy)
    ev = scan_files([DataFile(path, "a.jsonl")], GuardrailConfig(), target="a")
    assert (
        ev.scan is not None and ev.scan.rows_scanned == 298
    )  # 300 lines less 2 blank ones (bad lines count as raw rows)
    assert 0 < sum(parsed) < 30


def test_utf16_and_utf32_are_recognised() -> None:
    assert utf_encoding("ab".encode("utf-16")) == "utf-16"
    assert utf_encoding("ab".encode("utf-32")) == "utf-32"
    assert utf_encoding("hello world".encode("utf-16-le")) == "utf-16-le"
    assert utf_encoding("hello world".encode("utf-16-be")) == "utf-16-be"
    assert utf_encoding("hello world".encode("utf-32-le")) == "utf-32-le"
    assert utf_encoding(b"plain ascii text\n") is None
    assert utf_encoding(b"\x00\x01\x02binary\x00\xff" * 20) is None


@pytest.mark.parametrize("name", ["a.jsonl", "c.csv", "f.txt"])
def test_many_small_chunks_give_the_same_report(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    from functools import partial

    from guardrail.readers import file_scan as files_module
    from guardrail.readers.textchunks import chunks

    # Chunks of 4 kB, candidates held over a few chunks: rows and lines must carry across both.
    monkeypatch.setattr(files_module, "chunks", partial(chunks, size=4096))
    monkeypatch.setattr(readers, "SIFT_HOLD_BYTES", 10_000)
    one = dict(CORPUS)[name]
    data = one + (b"\n" if name == "a.jsonl" else b"") + one  # two copies; the second BOM is mid-file
    _fast_equals_full(tmp_path, name, data)


@pytest.mark.parametrize(
    "filler", [b"\n", b"1\n", b'{"text": "tweet tweet"}\n'], ids=["blank", "bare value", "candidate"]
)
def test_a_chunk_of_candidates_everywhere_is_parsed_whole_with_the_same_report(
    tmp_path: Path, filler: bytes
) -> None:
    from guardrail.readers.linefilter import sift

    # Every line is a candidate: a list of them would grow with the chunk (millions of lines
    # in a hostile file), so past one per CANDIDATE_BYTES the chunk is parsed whole.
    data = filler * 50_000 + b'{"text": "so true https://t.co/AbCdEf1234"}\n'
    assert sift(data, "json") is None
    ev = _fast_equals_full(tmp_path, "a.jsonl", data)
    assert any(f.rule_id == "GR402" for f in ev.findings)


def test_a_csv_chunk_of_bad_rows_everywhere_is_parsed_whole_with_the_same_report(tmp_path: Path) -> None:
    from guardrail.readers.linefilter import sift

    body = b"ragged\n" * 50_000 + b"so true https://t.co/AbCdEf1234,1\n"
    assert sift(body, "csv", columns=2) is None
    ev = _fast_equals_full(tmp_path, "c.csv", b"text,id\n" + body)
    assert {"GR402", "GR421"} <= {f.rule_id for f in ev.findings}
