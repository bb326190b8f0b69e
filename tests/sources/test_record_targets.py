"""`guardrail check` on data files and dataset folders: verdicts, exit codes, card + records."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from guardrail.cli import main

POSTS = "".join(json.dumps({"text": f"@USER so true https://t.co/AbCd{i:04d}"}) + "\n" for i in range(6))
NEWS = "".join(
    json.dumps({"text": "The council met on Tuesday to approve the bridge budget. " * 8 + extra}) + "\n"
    for extra in ["", "Photo: pic.twitter.com/AbCdEf — City Hall (@cityhall) May 3, 2021", "", ""]
)
CLEAN_CARD = "---\nlicense: cc-by-4.0\n---\n# Bridges\nMinutes of council meetings.\n"


def _check_json(*args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, dict[str, object]]:
    code = main(["check", "--format", "json", *args])
    return code, json.loads(capsys.readouterr().out)


CASES = [
    ("posts.jsonl", POSTS, "block", 1),
    ("news.jsonl", NEWS, "warn", 0),  # one embedded post: noted, never blocked
    ("empty.jsonl", "", "warn", 0),
]


@pytest.mark.parametrize(("name", "content", "verdict", "code"), CASES, ids=[c[0] for c in CASES])
def test_data_file_verdicts(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], name: str, content: str, verdict: str, code: int
) -> None:
    path = tmp_path / name
    path.write_text(content)
    exit_code, doc = _check_json(str(path), capsys=capsys)
    [target] = doc["targets"]  # type: ignore[misc]
    assert (target["target"], target["verdict"], exit_code) == (str(path), verdict, code)


def test_news_embedding_one_post_is_not_blocked(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "news.jsonl").write_text(NEWS)
    _, doc = _check_json(str(tmp_path / "news.jsonl"), capsys=capsys)
    findings = doc["targets"][0]["findings"]  # type: ignore[index]
    assert findings and all(f["severity"] != "high" for f in findings)


def test_cli_subprocess_json_and_exit_code(tmp_path: Path) -> None:
    path = tmp_path / "file.jsonl"
    path.write_text(POSTS)
    proc = subprocess.run(
        [sys.executable, "-m", "guardrail", "check", "--format", "json", str(path)],
        capture_output=True,
        text=True,
    )
    doc = json.loads(proc.stdout)
    assert proc.returncode == 1 and doc["targets"][0]["verdict"] == "block"
    assert {f["rule_id"] for f in doc["targets"][0]["findings"]} == {"GR402", "GR407"}


def test_no_records_skips_the_scan(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "posts.jsonl"
    path.write_text(POSTS)
    code = main(["check", "--format", "json", "--no-records", str(path)])
    doc = json.loads(capsys.readouterr().out)
    assert (
        code == 0 and doc["targets"][0]["verdict"] == "pass" and doc["targets"][0]["scan"]["mode"] == "none"
    )


def _folder(tmp_path: Path, card: str | None, files: dict[str, str]) -> Path:
    root = tmp_path / "ds"
    for rel, content in files.items():
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        (root / rel).write_text(content)
    if card is not None:
        (root / "README.md").write_text(card)
    return root


FOLDERS = [
    ("clean card, tweet records", CLEAN_CARD, {"data/train.jsonl": POSTS}, "block"),
    ("clean card, news records", CLEAN_CARD, {"data/train.jsonl": NEWS}, "warn"),
    ("no card, tweet records", None, {"train.jsonl": POSTS}, "block"),
    ("tweets only in test split", CLEAN_CARD, {"data/train.jsonl": NEWS, "data/test.jsonl": POSTS}, "block"),
]


@pytest.mark.parametrize(("name", "card", "files", "verdict"), FOLDERS, ids=[f[0] for f in FOLDERS])
def test_folder_verdicts(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    name: str,
    card: str | None,
    files: dict[str, str],
    verdict: str,
) -> None:
    root = _folder(tmp_path, card, files)
    _, doc = _check_json(str(root), capsys=capsys)
    assert doc["targets"][0]["verdict"] == verdict  # type: ignore[index]


def test_folder_splits_and_configs_follow_datasets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    card = (
        "---\nlicense: cc-by-4.0\nconfigs:\n- config_name: news\n  data_files: news/*.jsonl\n"
        "- config_name: social\n  data_files:\n  - split: test\n    path: social/part.jsonl\n---\n# Mixed\n"
    )
    root = _folder(tmp_path, card, {"news/a.jsonl": NEWS, "social/part.jsonl": POSTS})
    _, doc = _check_json(str(root), capsys=capsys)
    target = doc["targets"][0]  # type: ignore[index]
    record = [f for f in target["findings"] if f["rule_id"] == "GR402"]
    assert target["verdict"] == "block"
    assert record[0]["configs"] == ["social"] and record[0]["location"]["split"] == "test"
    assert record[0]["location"]["path"] == str(Path(str(root)) / "social" / "part.jsonl")


def test_missing_card_is_noted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = _folder(tmp_path, None, {"train.jsonl": NEWS})
    _, doc = _check_json(str(root), capsys=capsys)
    assert any("README.md" in n for n in doc["targets"][0]["notes"])  # type: ignore[index]
