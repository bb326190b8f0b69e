"""Issue 10 (part B) invariant, as properties over generated data files, folders and rows.

1. Data that carries planted X content never gets `pass`, whatever its format, encoding,
   compression, nesting, folder layout, row shape or tokenizer.
2. Data guardrail could not fully read never gets `pass` either.
3. A crash in guardrail's own code stops the run under every configuration, fail_open
   included, and the other detectors' findings survive it.

Example counts are modest (the suite must stay fast); each property states its count.
"""

from __future__ import annotations

import bz2
import functools
import gzip
import io
import json
import lzma
import os
import tarfile
import tempfile
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from guardrail.config import GuardrailConfig
from guardrail.engine import check
from guardrail.findings import Verdict
from guardrail.integrations.datasets.dataset_scan import scan_dataset
from guardrail.integrations.shared import judge
from guardrail.integrations.transformers.training_data import summarize

# 40 per property keeps the suite fast; GUARDRAIL_PROPERTY_EXAMPLES=500 for a longer hunt.
EXAMPLES = settings(
    max_examples=int(os.environ.get("GUARDRAIL_PROPERTY_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

CLEAN = [f"An ordinary sentence number {i} about soil, seeds and the weather." for i in range(12)]
X_POSTS = st.builds(
    "{} {}://{}/{}/status/{}".format,
    st.sampled_from(["RT @gardenfan:", "so true!!", "look", ""]),
    st.sampled_from(["https", "http"]),
    st.sampled_from(["x.com", "twitter.com", "mobile.twitter.com", "www.twitter.com"]),
    st.from_regex(r"[A-Za-z][A-Za-z0-9_]{2,12}", fullmatch=True),
    st.integers(10**17, 2 * 10**18).map(str),
)

TEXT_FORMATS = ["jsonl", "json", "csv", "tsv", "txt", "xml"]
FORMATS = [*TEXT_FORMATS, "parquet", "arrow", "tar"]
ENCODINGS = ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "utf-32"]
COMPRESSIONS = ["", ".gz", ".bz2", ".xz", ".zst", ".zip"]


def _nest(text: str, depth: int) -> Any:
    value: Any = text
    for level in range(depth):
        value = {"meta": value} if level % 2 else [value]
    return value


def _records(texts: list[str], depth: int) -> list[dict[str, Any]]:
    return [{"id": i, "text": _nest(t, depth)} for i, t in enumerate(texts)]


def _payload(fmt: str, texts: list[str], depth: int) -> bytes | pa.Table:
    rows = _records(texts, depth)
    if fmt == "jsonl":
        return "".join(json.dumps(r) + "\n" for r in rows).encode()
    if fmt == "json":
        return json.dumps(rows).encode()
    if fmt in ("csv", "tsv"):
        sep = "," if fmt == "csv" else "\t"
        return ("id" + sep + "text\n" + "".join(f'{i}{sep}"{t}"\n' for i, t in enumerate(texts))).encode()
    if fmt == "txt":
        return "".join(t + "\n" for t in texts).encode()
    if fmt == "xml":
        return ("<rows>" + "".join(f"<row>{t}</row>" for t in texts) + "</rows>").encode()
    return pa.Table.from_pylist(rows)


def _compress(kind: str, name: str, data: bytes) -> bytes:
    if kind == ".gz":
        return gzip.compress(data)
    if kind == ".bz2":
        return bz2.compress(data)
    if kind == ".xz":
        return lzma.compress(data)
    if kind == ".zst":
        sink = pa.BufferOutputStream()
        with pa.CompressedOutputStream(sink, "zstd") as out:
            out.write(data)
        return bytes(sink.getvalue())
    if kind == ".zip":
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr(name, data)
        return buf.getvalue()
    return data


def write_data(folder: Path, fmt: str, encoding: str, compression: str, texts: list[str], depth: int) -> Path:
    name = f"data.{fmt}"
    payload = _payload(fmt, texts, depth)
    if isinstance(payload, pa.Table):
        if fmt == "parquet":
            pq.write_table(payload, folder / name)
        elif fmt == "arrow":
            with pa.OSFile(str(folder / name), "wb") as sink, pa.ipc.new_file(sink, payload.schema) as w:
                w.write_table(payload)
        else:  # a webdataset shard: one JSON member per row
            with tarfile.open(folder / name, "w") as archive:
                for i, row in enumerate(payload.to_pylist()):
                    data = json.dumps(row).encode()
                    info = tarfile.TarInfo(f"{i:05d}.json")
                    info.size = len(data)
                    archive.addfile(info, io.BytesIO(data))
        return folder / name
    if encoding != "utf-8":
        payload = payload.decode().encode(encoding)
    path = folder / (name + compression)
    path.write_bytes(_compress(compression, name, payload))
    return path


@st.composite
def planted(draw: st.DrawFn) -> dict[str, Any]:
    fmt = draw(st.sampled_from(FORMATS))
    text_format = fmt in TEXT_FORMATS
    posts = draw(st.lists(X_POSTS, min_size=1, max_size=4))
    texts = list(CLEAN)
    for post in posts:
        texts.insert(draw(st.integers(0, len(texts))), post)
    return {
        "fmt": fmt,
        "encoding": draw(st.sampled_from(ENCODINGS)) if text_format else "utf-8",
        "compression": draw(st.sampled_from(COMPRESSIONS)) if text_format else "",
        "depth": draw(st.integers(0, 4)) if fmt in ("jsonl", "json", "parquet", "arrow", "tar") else 0,
        "texts": texts,
        "layout": draw(st.sampled_from(["file", "folder", "folder+other"])),
    }


@EXAMPLES
@given(planted())
def test_planted_x_content_never_passes(case: dict[str, Any]) -> None:
    # 40 examples over 9 formats x 6 encodings x 6 compressions x nesting x 3 layouts.
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ds"
        folder.mkdir()
        path = write_data(
            folder, case["fmt"], case["encoding"], case["compression"], case["texts"], case["depth"]
        )
        if case["layout"] == "folder+other":
            # A clean file of another format beside it: datasets picks one format; guardrail both.
            other = "jsonl" if case["fmt"] != "jsonl" else "csv"
            write_data(folder, other, "utf-8", "", CLEAN * 3, 0).rename(folder / f"clean.{other}")
        target = path if case["layout"] == "file" else folder
        report = check([str(target)], GuardrailConfig())
        assert report.targets[0].verdict is not Verdict.PASS, report.targets[0]


@EXAMPLES
@given(
    fmt=st.sampled_from(["parquet", "arrow", "jsonl.gz", "jsonl.zst", "jsonl.bz2", "csv.xz", "json.zip"]),
    cut=st.floats(0.05, 0.95),
    junk=st.binary(min_size=0, max_size=64),
)
def test_data_that_cannot_be_fully_read_never_passes(fmt: str, cut: float, junk: bytes) -> None:
    # 40 examples: binary and compressed files truncated at a random point, junk appended.
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        base, _, compression = fmt.partition(".")
        path = write_data(folder, base, "utf-8", f".{compression}" if compression else "", CLEAN * 40, 0)
        data = path.read_bytes()
        path.write_bytes(data[: max(1, int(len(data) * cut))] + junk)
        report = check([str(path)], GuardrailConfig())
        target = report.targets[0]
        assert target.verdict is not Verdict.PASS, target
        assert target.problems or target.findings  # what could not be read is stated


CRASH_POINTS = [
    "guardrail.scan.scanner.RecordScanner._scan_leaf",
    "guardrail.readers.format_readers.jsonl_batches",
    "guardrail.detectors.card.prose.CardProseDetector.detect",
    "guardrail.scan.batch_bounds.windowed",
]


@EXAMPLES
@given(
    point=st.sampled_from(CRASH_POINTS),
    fail_open=st.booleans(),
    warnings_as_errors=st.booleans(),
    # Not OSError or Arrow errors: raised inside a reader they are what a bad file raises.
    error=st.sampled_from([RuntimeError, ValueError, KeyError, TypeError, AttributeError]),
)
def test_a_crash_in_guardrail_blocks_under_every_configuration(
    point: str, fail_open: bool, warnings_as_errors: bool, error: type[Exception]
) -> None:
    # 40 examples: 4 crash points x 5 exception types x fail_open x warnings-as-errors.
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ds"
        folder.mkdir()
        (folder / "README.md").write_text("---\nlicense: mit\n---\n# Garden notes\n\nSoil and seeds.\n")
        # One candidate row, so the prefilter hands the scanner something: every crash point runs.
        write_data(folder, "jsonl", "utf-8", "", [*CLEAN * 3, "see https://t.co/AbCdEf1234"], 0)
        config = GuardrailConfig(fail_open=fail_open, warnings_as_errors=warnings_as_errors)
        with mock.patch(point, side_effect=error("injected bug"), autospec=True):
            report = check([str(folder)], config)
        assert report.exit_code == 1, report.targets[0]
        assert "internal-error" in [p.code for p in report.targets[0].problems]


def test_other_detectors_findings_survive_a_crash() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "ds"
        folder.mkdir()
        (folder / "README.md").write_text("---\nlicense: mit\n---\n# Garden notes\n")
        write_data(
            folder, "jsonl", "utf-8", "", [*CLEAN, "RT @a: https://x.com/a/status/1789012345678901234"] * 3, 0
        )
        point = "guardrail.detectors.card.prose.CardProseDetector.detect"
        with mock.patch(point, side_effect=RuntimeError("injected"), autospec=True):
            report = check([str(folder)], GuardrailConfig(fail_open=True))
        target = report.targets[0]
        assert any(f.family.value == "records" for f in target.findings)
        assert report.exit_code == 1


# -- rows, batches and tokenizers (the callback's and scan_dataset's entry points) ------------


@functools.cache
def tokenizers() -> dict[str, Any]:
    import sys

    sys.path.insert(0, str(Path(__file__).parents[1] / "integrations"))
    from test_robustness_callback import wordpiece
    from tinylm import build_tokenizer

    return {"byte-level BPE": build_tokenizer(), "WordPiece": wordpiece()}


class Rows:
    """A torch-style map dataset (`__len__`/`__getitem__`) of rows of any shape."""

    def __init__(self, rows: list[Any]) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return len(self.rows)

    def __getitem__(self, i: int) -> Any:
        return self.rows[i]


def _row(shape: str, text: str, tok: Any) -> Any:
    ids = tok(text)["input_ids"]
    return {
        "dict-text": {"text": text, "label": 1},
        "dict-messages": {"messages": [{"role": "user", "content": text}]},
        "dict-ids": {"input_ids": ids, "attention_mask": [1] * len(ids)},
        "tuple-ids": (ids, 0),
        "string": text,
    }[shape]


@EXAMPLES
@given(
    tokenizer=st.sampled_from(["byte-level BPE", "WordPiece"]),
    shape=st.sampled_from(["dict-text", "dict-messages", "dict-ids", "tuple-ids", "string"]),
    post=X_POSTS,
    where=st.integers(0, len(CLEAN)),
)
def test_callback_up_front_check_never_passes_planted_x(
    tokenizer: str, shape: str, post: str, where: int
) -> None:
    # 40 examples: 2 tokenizers x 5 row shapes x URL spellings x positions.
    tok = tokenizers()[tokenizer]
    texts = [*CLEAN[:where], post, *CLEAN[where:]]
    data = Rows([_row(shape, t, tok) for t in texts])
    summary = summarize("train", data, tok, GuardrailConfig())
    report = judge(summary.evidence, GuardrailConfig())
    assert all(t.verdict is not Verdict.PASS for t in report.targets) and report.targets


@EXAMPLES
@given(post=X_POSTS, depth=st.integers(0, 4), tokens_only=st.booleans())
def test_scan_dataset_never_passes_planted_x_or_undecodable_tokens(
    post: str, depth: int, tokens_only: bool
) -> None:
    # 40 examples: nested features around a planted post, or token IDs without text.
    if tokens_only:
        ds = datasets.Dataset.from_dict({"input_ids": [[5, 6, 7, len(post)]] * 8})
    else:
        ds = datasets.Dataset.from_list(_records([*CLEAN, post], depth))
    assert scan_dataset(ds).targets[0].verdict is not Verdict.PASS
