"""Issue 10 (part B): each way data files and folders passed, hung or crashed, as a regression test.

Every case plants X content (or unreadable data) and asserts the target never gets `pass`.
Large inputs (bombs, a 500 MB line, a 300 MB value) are reproduced at small scale by lowering
the bound under test; the full sizes are measured by the issue's probe, not timed here.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import guardrail
from guardrail.config import GuardrailConfig
from guardrail.engine import check
from guardrail.errors import GuardrailViolation
from guardrail.findings import TargetReport, Verdict
from guardrail.integrations.datasets.dataset_scan import scan_dataset
from guardrail.readers import file_bounds as bounds
from guardrail.readers import textchunks
from guardrail.scan import batch_bounds

X = "RT @plotholder: tomatoes https://x.com/plotholder/status/1789012345678901234"
X_ROWS = [{"text": f"{X} #{i}", "id_str": str(1789012345678901234 + i)} for i in range(20)]
CLEAN_ROWS = [{"text": f"An ordinary sentence number {i} about gardens."} for i in range(20)]


def jsonl(rows: list[dict[str, str]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in rows)


def csv_text(rows: list[dict[str, str]]) -> str:
    return "text\n" + "".join(f'"{r["text"]}"\n' for r in rows)


def one(target: Path | str, **config: object) -> TargetReport:
    return check([str(target)], GuardrailConfig(**config)).targets[0]  # type: ignore[arg-type]


def codes(report: TargetReport) -> list[str]:
    return [p.code for p in report.problems]


@pytest.fixture
def deadline() -> Iterator[None]:
    """Fail, rather than hang the suite, if a check blocks on a FIFO or device."""

    def fire(signum: int, frame: FrameType | None) -> None:
        raise TimeoutError("the check hung")

    old = signal.signal(signal.SIGALRM, fire)
    signal.alarm(30)
    yield
    signal.alarm(0)
    signal.signal(signal.SIGALRM, old)


# -- folders: every file accounted for -------------------------------------------------------


def _tar(path: Path, rows: list[dict[str, str]], extra: dict[str, bytes] | None = None) -> None:
    with tarfile.open(path, "w") as archive:
        members = {f"{i:04d}.json": json.dumps(r).encode() for i, r in enumerate(rows)}
        for name, data in {**members, **(extra or {})}.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))


@pytest.mark.parametrize("name", ["data.tar", "data.xml", "data.geoparquet", "data.gpq"])
def test_folder_of_a_format_datasets_loads_is_scanned(tmp_path: Path, name: str) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    path = folder / name
    if name.endswith(".tar"):
        _tar(path, X_ROWS)
    elif name.endswith(".xml"):
        path.write_text("<posts>" + "".join(f"<p>{r['text']}</p>" for r in X_ROWS) + "</posts>")
    else:
        pq.write_table(pa.Table.from_pylist(X_ROWS), path)
    report = one(folder)
    assert report.verdict is not Verdict.PASS
    assert any(f.family.value == "records" for f in report.findings)


def test_webdataset_members_without_text_are_listed_not_passed(tmp_path: Path) -> None:
    path = tmp_path / "shards.tar"
    _tar(path, CLEAN_ROWS, {"0000.jpg": b"\xff\xd8\xff not really a jpeg"})
    report = one(path)
    assert report.verdict is Verdict.ERROR
    assert codes(report) == ["unread-data"] and "0000.jpg" in report.problems[0].message


def test_csv_beside_jsonl_files_is_scanned(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "a.jsonl").write_text(jsonl(CLEAN_ROWS))
    (folder / "b.jsonl").write_text(jsonl(CLEAN_ROWS))
    (folder / "retweets.csv").write_text(csv_text(X_ROWS))
    report = one(folder)
    assert report.verdict is Verdict.BLOCK
    assert any("retweets.csv" in n for n in report.notes)


def test_empty_folder_is_could_not_check(tmp_path: Path) -> None:
    (tmp_path / "ds").mkdir()
    report = one(tmp_path / "ds")
    assert report.verdict is Verdict.ERROR and codes(report) == ["empty-target"]
    assert not any("card alone" in n for n in report.notes)  # there is no card either
    (tmp_path / "ds" / "README.md").write_text("---\nlicense: mit\n---\n# Garden notes\n")
    assert any(n.endswith("judged on its card alone") for n in one(tmp_path / "ds").notes)


def test_folder_linking_a_directory_outside_itself(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "train.jsonl").write_text(jsonl(X_ROWS))
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "data").symlink_to(outside, target_is_directory=True)
    report = one(folder)
    assert report.verdict is Verdict.BLOCK
    assert any("followed symlink data" in n for n in report.notes)
    # ...and the loader, which reaches the rows through the link, refuses them too.
    with pytest.raises(GuardrailViolation):
        guardrail.load_dataset(str(folder), data_files="data/*.jsonl", split="train")


def test_folder_link_loop_ends(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "train.jsonl").write_text(jsonl(X_ROWS))
    (folder / "again").symlink_to(folder, target_is_directory=True)
    assert one(folder).verdict is Verdict.BLOCK


def test_files_datasets_loads_but_guardrail_cannot_read_are_could_not_check(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "train.jsonl").write_text(jsonl(CLEAN_ROWS))
    (folder / "scan.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    (folder / "LICENSE").write_text("MIT")
    report = one(folder)
    assert report.verdict is Verdict.ERROR
    assert codes(report) == ["unread-data-files"] and "scan.png" in report.problems[0].message
    assert any("LICENSE" in n for n in report.notes)


def test_every_format_datasets_loads_is_read_or_could_not_check() -> None:
    # datasets' own table (private) against ours: a format datasets adds must land in one of them.
    from datasets.packaged_modules import _EXTENSION_TO_MODULE

    from guardrail.readers.file_types import DATA_SUFFIXES, NOT_TEXT_SUFFIXES

    known = {*DATA_SUFFIXES, *NOT_TEXT_SUFFIXES, ".md", ".toml"}
    assert {ext.lower() for ext in _EXTENSION_TO_MODULE} <= known


def test_folder_linking_the_root_is_bounded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from guardrail.readers import folder_inventory

    monkeypatch.setattr(folder_inventory, "MAX_ENTRIES", 50)
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "train.jsonl").write_text(jsonl(CLEAN_ROWS))
    (folder / "everything").symlink_to("/usr", target_is_directory=True)
    report = one(folder, scan_records=False)
    assert report.verdict is Verdict.ERROR and "folder-too-large" in codes(report)


def test_clean_folder_with_other_files_still_passes(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "train.jsonl").write_text(jsonl(CLEAN_ROWS))
    (folder / "LICENSE").write_text("MIT")
    (folder / ".gitattributes").write_text("*.jsonl lfs")
    assert one(folder).verdict is Verdict.PASS


# -- special files ----------------------------------------------------------------------------


def test_fifo_as_data_file_is_refused_at_once(tmp_path: Path, deadline: None) -> None:
    os.mkfifo(tmp_path / "x.jsonl")
    report = one(tmp_path / "x.jsonl")
    assert report.verdict is Verdict.ERROR and codes(report) == ["special-file"]


def test_fifo_as_card_is_refused_at_once(tmp_path: Path, deadline: None) -> None:
    os.mkfifo(tmp_path / "card.md")
    report = one(tmp_path / "card.md")
    assert report.verdict is Verdict.ERROR and "FIFO" in report.problems[0].message


def test_fifo_readme_in_a_folder_is_refused(tmp_path: Path, deadline: None) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    os.mkfifo(folder / "README.md")
    (folder / "train.jsonl").write_text(jsonl(X_ROWS))
    report = one(folder)
    assert report.verdict is Verdict.BLOCK  # the records still decide
    assert "unreadable-card" in codes(report) and "special-file" in codes(report)


def test_dev_zero_as_data_file_is_refused(tmp_path: Path, deadline: None) -> None:
    (tmp_path / "zero.jsonl").symlink_to("/dev/zero")
    report = one(tmp_path / "zero.jsonl")
    assert report.verdict is Verdict.ERROR and codes(report) == ["special-file"]


def test_one_fifo_among_targets_affects_only_itself(tmp_path: Path, deadline: None) -> None:
    os.mkfifo(tmp_path / "x.jsonl")
    (tmp_path / "real.jsonl").write_text(jsonl(X_ROWS))
    report = check([str(tmp_path / "x.jsonl"), str(tmp_path / "real.jsonl")], GuardrailConfig())
    assert [t.verdict for t in report.targets] == [Verdict.ERROR, Verdict.BLOCK]


# -- crashes: map columns, deep nesting --------------------------------------------------------


def test_map_column_is_scanned(tmp_path: Path) -> None:
    meta = pa.array([[("url", r["text"])] for r in X_ROWS], pa.map_(pa.string(), pa.string()))
    pq.write_table(pa.table({"meta": meta}), tmp_path / "m.parquet")
    assert one(tmp_path / "m.parquet").verdict is Verdict.BLOCK


def test_ten_thousand_deep_json_is_could_not_check(tmp_path: Path) -> None:
    text = json.dumps(X)
    for _ in range(10_000):
        text = '{"a":' + text + "}"
    (tmp_path / "deep.jsonl").write_text(text + "\n")
    report = one(tmp_path / "deep.jsonl")
    assert report.verdict is Verdict.ERROR and codes(report) == ["too-deeply-nested"]


@pytest.mark.parametrize("shape", ["array", "object-in-arrays"])
def test_deep_arrays_in_a_line_are_could_not_check_not_a_guardrail_bug(tmp_path: Path, shape: str) -> None:
    # A clean line of 1,000 nested arrays: no raw-bytes candidate, but the line-shape check sends
    # it to Python's parser, whose recursion limit must read as the nesting limit.
    inner = "1" if shape == "array" else '{"a": 1}'
    lines = ['{"text": "an ordinary line"}', "[" * 1000 + inner + "]" * 1000]
    (tmp_path / "deep.jsonl").write_text("\n".join(lines) + "\n")
    report = one(tmp_path / "deep.jsonl")
    assert report.verdict is Verdict.ERROR and codes(report) == ["too-deeply-nested"]
    assert "line 2 " in report.problems[0].message and not report.failed_internally


def test_moderate_nesting_is_still_read(tmp_path: Path) -> None:
    text = json.dumps(X)
    for _ in range(30):
        text = '{"a":' + text + "}"
    (tmp_path / "nested.jsonl").write_text((text + "\n") * 20)
    assert one(tmp_path / "nested.jsonl").verdict is Verdict.BLOCK


# -- bombs and long lines ---------------------------------------------------------------------


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "DECOMPRESSION_FLOOR_BYTES", 1 << 20)


@pytest.fixture
def short_lines(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(bounds, "MAX_LINE_BYTES", 1 << 20)
    monkeypatch.setattr(textchunks, "MAX_LINE_BYTES", 1 << 20)


def test_gzip_bomb_stops_at_the_budget(tmp_path: Path, small_budget: None, short_lines: None) -> None:
    with gzip.open(tmp_path / "bomb.jsonl.gz", "wb") as f:
        for _ in range(64):
            f.write(b"a" * (1 << 20))
    report = one(tmp_path / "bomb.jsonl.gz")
    assert report.verdict is Verdict.ERROR and codes(report) == ["decompression-limit"]


def test_zip_bomb_of_short_lines_stops_at_the_budget(tmp_path: Path, small_budget: None) -> None:
    with zipfile.ZipFile(tmp_path / "bomb.jsonl.zip", "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("bomb.jsonl", jsonl(CLEAN_ROWS[:1]) * 400_000)
    report = one(tmp_path / "bomb.jsonl.zip")
    assert report.verdict is Verdict.ERROR and codes(report) == ["decompression-limit"]


def test_compressed_file_within_budget_is_read(tmp_path: Path) -> None:
    with gzip.open(tmp_path / "x.jsonl.gz", "wt") as f:
        f.write(jsonl(X_ROWS))
    assert one(tmp_path / "x.jsonl.gz").verdict is Verdict.BLOCK


@pytest.mark.parametrize("compressed", [False, True])
def test_line_over_the_cap_is_could_not_check_naming_it(
    tmp_path: Path, short_lines: None, compressed: bool
) -> None:
    # Longer than one 8 MB read, so the reader is mid-line when it passes the (lowered) cap.
    body = jsonl(CLEAN_ROWS[:2]) + '{"text": "' + X + " " + "y" * (9 << 20) + '"}\n'
    path = tmp_path / ("long.jsonl.gz" if compressed else "long.jsonl")
    if compressed:
        with gzip.open(path, "wt") as f:
            f.write(body)
    else:
        path.write_text(body)
    report = one(path)
    assert report.verdict is Verdict.ERROR and codes(report) == ["line-too-long"]
    assert "line 3" in report.problems[0].message


def test_sampled_file_of_one_endless_line_is_not_empty(tmp_path: Path, short_lines: None) -> None:
    # Sampled blocks all fell inside the one line and were dropped: "holds no records".
    path = tmp_path / "one.jsonl"
    path.write_text('{"text": "' + X + " " + "y" * (12 << 20) + '"}')
    report = one(path, full_scan_max_bytes=1 << 20)
    assert report.verdict is Verdict.ERROR and codes(report) == ["line-too-long"]


def test_long_line_is_read_in_linear_time(tmp_path: Path) -> None:
    # 48 MB in one line: re-joining the pending bytes on every 8 MB read made this quadratic.
    path = tmp_path / "one.jsonl"
    with path.open("w") as f:
        f.write('{"text": "' + X + " " + "y" * (48 << 20) + '"}\n')
    with path.open("rb") as f:
        lines = [c.data.count(b"\n") for c in textchunks.chunks(f)]
    assert lines == [1]


# -- encodings and formats --------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-8-sig"])
def test_unicode_csv_of_tweets_is_decoded_and_blocks(tmp_path: Path, encoding: str) -> None:
    (tmp_path / "t.csv").write_bytes(csv_text(X_ROWS).encode(encoding))
    report = one(tmp_path / "t.csv")
    assert report.verdict is Verdict.BLOCK
    assert not [f for f in report.findings if f.rule_id == "GR422"]  # nothing was replaced


def test_arrow_ipc_file_is_read(tmp_path: Path) -> None:
    table = pa.Table.from_pylist(X_ROWS)
    with pa.OSFile(str(tmp_path / "t.arrow"), "wb") as sink, pa.ipc.new_file(sink, table.schema) as w:
        w.write_table(table)
    assert one(tmp_path / "t.arrow").verdict is Verdict.BLOCK


def test_dataset_saved_to_disk_arrow_shard_is_read(tmp_path: Path) -> None:
    datasets.Dataset.from_list(X_ROWS).save_to_disk(str(tmp_path / "saved"))
    shard = next((tmp_path / "saved").glob("*.arrow"))
    assert one(shard).verdict is Verdict.BLOCK


# -- single values ----------------------------------------------------------------------------


def test_huge_value_is_scanned_in_windows_at_its_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(batch_bounds, "VALUE_WINDOW_BYTES", 64 << 10)
    # The URL straddles the first window edge; only the overlap sees it whole.
    edge = (64 << 10) - 30
    big = "z" * edge + " " + X + " " + "é" * (200 << 10)
    rows = [r["text"] for r in CLEAN_ROWS[:3]] + [big] + [r["text"] for r in CLEAN_ROWS[3:]]
    pq.write_table(pa.table({"text": rows}), tmp_path / "v.parquet")
    report = one(tmp_path / "v.parquet")
    assert report.verdict is not Verdict.PASS
    hits = [f for f in report.findings if f.family.value == "records"]
    assert hits and {f.location.row for f in hits} == {3}


def test_parquet_declaring_a_huge_column_chunk_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(bounds, "MAX_PARQUET_CHUNK_BYTES", 1 << 20)
    pq.write_table(pa.table({"text": ["z" * (2 << 20) + X]}), tmp_path / "v.parquet", compression="zstd")
    assert (tmp_path / "v.parquet").stat().st_size < 10_000
    report = one(tmp_path / "v.parquet")
    assert report.verdict is Verdict.ERROR and codes(report) == ["decompression-limit"]


def test_windows_cover_the_value_and_keep_utf8_whole() -> None:
    data = memoryview(("ab€" * 50_000).encode())
    windows = list(batch_bounds._windows(data, text=True))
    assert all(w.decode("utf-8") for w in windows)
    assert sum(len(w) for w in windows) >= len(data)


# -- fail_open and guardrail's own failures ---------------------------------------------------


def test_crashing_card_detector_blocks_under_fail_open_and_keeps_record_findings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import guardrail.detectors as detectors

    class Broken:
        rules = ()

        def detect(self, card: object) -> list[object]:
            raise RuntimeError("detector bug")

    monkeypatch.setattr(detectors, "CARD_DETECTORS", (Broken(), *detectors.CARD_DETECTORS))
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Garden\n")
    (folder / "train.jsonl").write_text(jsonl(X_ROWS))
    report = check([str(folder)], GuardrailConfig(fail_open=True))
    target = report.targets[0]
    assert "internal-error" in codes(target)
    assert any(f.family.value == "records" for f in target.findings)
    assert report.exit_code == 1


def test_scanner_bug_is_an_internal_error_not_an_unreadable_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guardrail.scan.scanner import RecordScanner

    def broken(self: RecordScanner, *args: object) -> None:
        raise ValueError("scanner bug")

    monkeypatch.setattr(RecordScanner, "_scan_leaf", broken)
    # One candidate row, so the raw-bytes prefilter hands the scanner a batch to crash on.
    (tmp_path / "clean.jsonl").write_text(jsonl([*CLEAN_ROWS, X_ROWS[0]]))
    report = check([str(tmp_path / "clean.jsonl")], GuardrailConfig(fail_open=True))
    assert codes(report.targets[0]) == ["internal-error"]
    assert report.exit_code == 1  # fail_open waives unreadable data, never guardrail's bugs


def test_fail_open_still_waives_unreadable_data(tmp_path: Path) -> None:
    (tmp_path / "ds").mkdir()
    report = check([str(tmp_path / "ds")], GuardrailConfig(fail_open=True))
    assert report.targets[0].verdict is Verdict.ERROR and report.exit_code == 0


# -- scan_dataset -----------------------------------------------------------------------------


def test_scan_dataset_of_token_ids_only_is_could_not_check() -> None:
    ds = datasets.Dataset.from_dict({"input_ids": [[101, 2054, 102]] * 5, "labels": [0, 1, 0, 1, 0]})
    report = scan_dataset(ds)
    assert report.targets[0].verdict is Verdict.ERROR
    assert codes(report.targets[0]) == ["cannot-decode"]


def test_scan_dataset_with_text_beside_token_ids_is_scanned() -> None:
    ds = datasets.Dataset.from_dict({"text": [r["text"] for r in X_ROWS], "input_ids": [[1, 2, 3]] * 20})
    assert scan_dataset(ds).targets[0].verdict is Verdict.BLOCK


def test_scanner_bug_on_hub_records_is_an_internal_error_not_hub_bad_response(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from guardrail.readers.hub import record_sample
    from guardrail.readers.hub.ref import HubRef
    from guardrail.scan.scanner import RecordScanner

    def one_batch(*args: object) -> Iterator[tuple[str, int, pa.RecordBatch]]:
        yield "train", 0, pa.record_batch({"text": [X]})

    def broken(self: RecordScanner, *args: object) -> None:
        raise KeyError("scanner bug")

    monkeypatch.setattr(record_sample, "stream_batches", one_batch)
    monkeypatch.setattr(RecordScanner, "_scan_leaf", broken)
    evidence = record_sample.scan_hub_records(HubRef("org/x"), None, (None,), GuardrailConfig(), "org/x")
    assert [p.code for p in evidence.problems] == ["internal-error"]


def test_an_archive_of_files_in_a_folder_is_could_not_check(tmp_path: Path) -> None:
    # datasets.load_dataset(folder) extracts data.zip and returns its rows; they must not pass unread.
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Garden notes\n")
    with zipfile.ZipFile(folder / "data.zip", "w") as z:
        z.writestr("inner.jsonl", jsonl(X_ROWS))
    assert [len(split) for split in datasets.load_dataset(str(folder)).values()] == [len(X_ROWS)]
    report = one(folder)
    assert report.verdict is Verdict.ERROR
    assert codes(report) == ["unread-data-files"] and "data.zip" in report.problems[0].message


def _unlistable(monkeypatch: pytest.MonkeyPatch, folder: Path) -> None:
    """`folder` cannot be listed, as for a user without read permission (tests may run as root)."""
    real_scandir = os.scandir

    def scandir(path: str | os.PathLike[str] = ".") -> object:
        if os.path.realpath(path) == os.path.realpath(folder):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)


def test_a_subfolder_that_cannot_be_listed_is_could_not_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ds"
    (folder / "data").mkdir(parents=True)
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Garden notes\n")
    (folder / "data" / "train.jsonl").write_text(jsonl(X_ROWS))
    (folder / "notes.jsonl").write_text(jsonl(CLEAN_ROWS))
    _unlistable(monkeypatch, folder / "data")
    report = one(folder)
    assert report.verdict is Verdict.ERROR
    assert codes(report) == ["unreadable-folder"]
    assert "data (Permission denied)" in report.problems[0].message
    assert report.scan is not None and report.scan.rows_scanned == len(CLEAN_ROWS)  # the rest is scanned


def test_a_folder_target_that_cannot_be_listed_is_could_not_check(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "train.jsonl").write_text(jsonl(X_ROWS))
    _unlistable(monkeypatch, folder)
    report = one(folder)
    assert report.verdict is Verdict.ERROR and codes(report) == ["unreadable-folder"]
    assert not report.failed_internally


@pytest.mark.skipif(
    os.geteuid() != 0 or not Path("/usr/bin/setpriv").exists(),
    reason="needs root and setpriv to drop to nobody",
)
def test_an_unreadable_subfolder_blocks_for_a_user_without_permission(tmp_path: Path) -> None:
    # pytest's own temp root is private to root: the user must be able to reach the folder.
    base = Path(tempfile.mkdtemp(prefix="guardrail-perm-"))
    try:
        _check_as_nobody(base, tmp_path)
    finally:
        shutil.rmtree(base)


AS_NOBODY = ["/usr/bin/setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"]


def _check_as_nobody(base: Path, tmp_path: Path) -> None:
    base.chmod(0o755)
    folder = base / "ds"
    (folder / "data").mkdir(parents=True)
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Garden notes\n")
    (folder / "data" / "train.jsonl").write_text(jsonl(X_ROWS))
    (folder / "data").chmod(0)
    result = subprocess.run(
        [
            *AS_NOBODY,
            sys.executable,
            "-m",
            "guardrail",
            "check",
            str(folder),
            "--no-cache",
            "--format",
            "json",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")},
        cwd="/",
    )
    target = json.loads(result.stdout)["targets"][0]
    assert result.returncode == 1
    assert target["verdict"] == "error" and [p["code"] for p in target["problems"]] == ["unreadable-folder"]
    # A target the user cannot even reach is a usage error naming it, not a guardrail bug.
    base.chmod(0o700)
    result = subprocess.run(
        [*AS_NOBODY, sys.executable, "-m", "guardrail", "check", str(folder), "--no-cache"],
        capture_output=True,
        text=True,
        env={**os.environ, "HF_HUB_OFFLINE": "1", "HF_HOME": str(tmp_path / "hf")},
        cwd="/",
    )
    assert result.returncode == 2 and "permission denied" in result.stderr


@pytest.mark.parametrize("kind", ["gzip", "bz2", "xz", "zstd"])
def test_a_compressed_file_under_a_plain_name_is_read_decompressed(tmp_path: Path, kind: str) -> None:
    import bz2
    import lzma

    raw = jsonl(CLEAN_ROWS + X_ROWS[:1]).encode()
    sink = pa.BufferOutputStream()
    with pa.CompressedOutputStream(sink, "zstd") as out:
        out.write(raw)
    packed = {"gzip": gzip.compress, "bz2": bz2.compress, "xz": lzma.compress}.get(
        kind, lambda _: sink.getvalue().to_pybytes()
    )(raw)
    path = tmp_path / "train.jsonl"
    path.write_bytes(packed)
    if kind == "gzip":  # what training would get: datasets decompresses it by its bytes
        rows = datasets.load_dataset("json", data_files=str(path), split="train")
        assert rows.num_rows == len(CLEAN_ROWS) + 1
    report = one(path)
    assert report.verdict is Verdict.BLOCK
    assert report.scan is not None and report.scan.rows_scanned == len(CLEAN_ROWS) + 1
    x_finding = next(f for f in report.findings if f.rule_id == "GR401")
    assert x_finding.location.row == len(CLEAN_ROWS)


def test_text_that_merely_starts_like_a_magic_number_stays_text(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("BZh9 is how bzip2 files start; PK is how zips start\n" + X + "\n")
    report = one(path)
    assert report.verdict is Verdict.BLOCK and report.scan is not None and report.scan.rows_scanned == 2


def test_lines_that_each_bring_new_fields_are_refused_not_read_quadratically(
    tmp_path: Path, deadline: None
) -> None:
    # 5,000 one-key lines made a 5,000 x 5,000 table of mostly missing cells (14 s, 336 MB; at
    # 20,000 lines, 3.9 GB). Refused as too many fields, at once; with one bad line too.
    lines = [json.dumps({f"k{i}": "see x.com"}) for i in range(5000)]
    (tmp_path / "keys.jsonl").write_text("\n".join(lines) + "\n")
    (tmp_path / "keys_bad.jsonl").write_text("\n".join([*lines, "{not json"]) + "\n")
    for name in ("keys.jsonl", "keys_bad.jsonl"):
        report = one(tmp_path / name)
        assert report.verdict is Verdict.ERROR and codes(report) == ["too-many-fields"], name
        assert "5,000 distinct fields" in report.problems[0].message


def test_wide_dense_and_sparse_optional_fields_are_still_read(tmp_path: Path) -> None:
    dense = [{f"f{j}": f"value {i} {j}" for j in range(300)} for i in range(3000)]
    dense[1234]["f7"] = X
    sparse = [{f"f{(i * 7 + j) % 120}": "v" for j in range(6)} | {"text": f"row {i}"} for i in range(60_000)]
    sparse[45_000]["text"] = X
    (tmp_path / "dense.jsonl").write_text(jsonl(dense))  # type: ignore[arg-type]
    (tmp_path / "sparse.jsonl").write_text(jsonl(sparse))  # type: ignore[arg-type]
    for name, row in (("dense.jsonl", 1234), ("sparse.jsonl", 45_000)):
        report = one(tmp_path / name)
        assert not report.problems, name
        assert [f.location.row for f in report.findings if f.rule_id == "GR401"] == [row], name


def test_json_lines_parsed_in_pieces_give_the_table_of_one_parse(monkeypatch: pytest.MonkeyPatch) -> None:
    from guardrail.readers import format_readers as fr

    rows = [{"text": f"row {i}", "n": i, "meta": {"a": i % 3}} for i in range(4000)]
    rows[2500] |= {"late": "a field that first appears late", "n": 2.5}  # int then float: promoted
    data = ("\ufeff" + jsonl(rows) + "\n\n").encode()
    whole = fr._json_block(data)
    monkeypatch.setattr(fr, "MAX_JSON_CELLS", 1000)
    monkeypatch.setattr(fr, "PARSE_BLOCK_BYTES", 4096)
    assert fr._json_lines(data).equals(whole)
    with pytest.raises(pa.ArrowInvalid):  # a string here, an object there: as one parse refuses it
        fr._json_lines(jsonl([{"a": "s"}] * 500 + [{"a": {"b": 1}}] * 500).encode())


def test_a_folder_nested_deeper_than_pythons_recursion_limit_is_walked(tmp_path: Path) -> None:
    # Python 3.11's os.walk and rglob recurse once per level (RecursionError, an internal-error).
    here = tmp_path / "ds"
    here.mkdir()
    old = os.getcwd()
    try:
        os.chdir(here)  # one level at a time: the full path outgrows what one call may take
        for _ in range(1200):
            os.mkdir("d")
            os.chdir("d")
        Path("train.jsonl").write_text(jsonl(X_ROWS))
    finally:
        os.chdir(old)
    try:
        report = one(here)
    finally:
        _remove_deep(here, 1200)  # shutil.rmtree recurses too
    assert not report.problems
    assert report.verdict is Verdict.BLOCK and report.scan is not None
    assert report.scan.rows_scanned == len(X_ROWS)


def _remove_deep(top: Path, depth: int) -> None:
    old = os.getcwd()
    try:
        os.chdir(top)
        for _ in range(depth):
            os.chdir("d")
        os.remove("train.jsonl")
        for _ in range(depth):
            os.chdir("..")
            os.rmdir("d")
    finally:
        os.chdir(old)


@pytest.mark.parametrize("kind", ["utf-16-le without a BOM", "random bytes", "plain prose"])
def test_a_line_file_whose_lines_mostly_do_not_parse_is_could_not_check(tmp_path: Path, kind: str) -> None:
    rng = random.Random(7)
    if kind == "utf-16-le without a BOM":  # not mostly ASCII, so not recognised as UTF-16
        cjk = [{"text": "中文文本测试内容" * 3} for _ in range(50)] + X_ROWS[:1]
        data = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in cjk).encode("utf-16-le")
    elif kind == "random bytes":
        data = rng.randbytes(300_000)
    else:
        data = ("An ordinary line of prose, not JSON.\n" * 30 + jsonl(CLEAN_ROWS[:3])).encode()
    (tmp_path / "data.jsonl").write_bytes(data)
    report = one(tmp_path / "data.jsonl")
    assert report.verdict is Verdict.ERROR and codes(report) == ["unreadable-file"]
    assert "did not parse as JSONL" in report.problems[0].message


def test_a_few_bad_lines_among_records_still_only_warn(tmp_path: Path) -> None:
    (tmp_path / "data.jsonl").write_text(jsonl(CLEAN_ROWS) + "{not json\nnor this\n")
    report = one(tmp_path / "data.jsonl")
    assert report.verdict is Verdict.WARN and not report.problems
    assert [f.rule_id for f in report.findings] == ["GR421"]


@pytest.mark.parametrize("bad_line", [b"x", b'{"a": 1'])
def test_a_file_of_bad_lines_stops_early_as_unreadable(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad_line: bytes
) -> None:
    # 40 MB of bad lines ran past a minute, one Python parse per line; the verdict was set early.
    from guardrail.readers import format_readers

    monkeypatch.setattr(format_readers, "MAX_BAD_LINES", 1000)
    (tmp_path / "bad.jsonl").write_bytes(jsonl(CLEAN_ROWS[:5]).encode() + (bad_line + b"\n") * 50_000)
    report = one(tmp_path / "bad.jsonl")
    assert report.verdict is Verdict.ERROR and codes(report) == ["unreadable-file"]
    assert "1,000 lines of one block did not parse as JSON (against 5 that did)" in report.problems[0].message


def test_a_run_of_bad_lines_among_many_good_ones_is_read_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guardrail.readers import format_readers

    monkeypatch.setattr(format_readers, "MAX_BAD_LINES", 1000)
    rows = [{"text": f"an ordinary line {i}"} for i in range(500)]
    (tmp_path / "runs.jsonl").write_text(jsonl(rows) + "{bad\n" * 2000 + jsonl(rows * 6))
    report = one(tmp_path / "runs.jsonl")
    assert report.verdict is Verdict.WARN and not report.problems  # 3,500 good lines, 2,000 bad
    assert [f.rule_id for f in report.findings] == ["GR421"]


def test_a_folder_of_many_files_is_scanned_without_datasets_resolution(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # datasets took 11 s to resolve 5,000 files (a minute for 20,000): past the bound every
    # file is scanned as found, and the report says so.
    from guardrail.sources import folder as folder_source

    monkeypatch.setattr(folder_source, "MAX_RESOLVED_FILES", 5)
    ds = tmp_path / "ds"
    ds.mkdir()
    for i in range(8):
        (ds / f"part-{i}.jsonl").write_text(jsonl(X_ROWS if i == 6 else CLEAN_ROWS[:2]))
    report = one(ds)
    assert report.verdict is Verdict.BLOCK and not report.problems
    assert report.scan is not None and report.scan.rows_scanned == 7 * 2 + len(X_ROWS)
    assert any(
        "8 data files: data files scanned without datasets' split resolution" in n for n in report.notes
    )
    assert {f.location.path for f in report.findings} == {str(ds / "part-6.jsonl")}


@pytest.mark.parametrize(
    ("shape", "bad_line"),
    [
        ('{"a": {"k%d": "see x.com"}}', False),
        ('{"a": [{"k%d": "see x.com"}]}', False),
        ('{"a": {"k%d": "x.com"}}', True),
    ],
)
def test_new_fields_inside_nested_objects_are_counted_too(
    tmp_path: Path, deadline: None, shape: str, bad_line: bool
) -> None:
    lines = [shape % i for i in range(5000)] + (["{not json"] if bad_line else [])
    (tmp_path / "nested.jsonl").write_text("\n".join(lines) + "\n")
    report = one(tmp_path / "nested.jsonl")
    assert report.verdict is Verdict.ERROR and codes(report) == ["too-many-fields"]
