"""Target resolution: local paths win; Hub-looking IDs go to the Hub; the rest is an error."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrail.errors import TargetError
from guardrail.sources import data_suffix, looks_like_hub_id, resolve


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("tweet_eval", True),
        ("cardiffnlp/tweet_eval", True),
        ("org/name@main", True),
        ("org/name@3f2a9c1e", True),
        ("./README.md", False),
        ("README.md", False),
        ("data/train.jsonl", False),
        ("/abs/path", False),
        ("a/b/c", False),
        ("org/name/", False),
        ("has space/name", False),
        # the Hub's own rules: no "--" or "..", no ".git" ending
        ("a--b/c", False),
        ("a/b..c", False),
        ("a/b.git", False),
        ("a-b/c.d", True),
    ],
)
def test_hub_id_shape(target: str, expected: bool) -> None:
    assert looks_like_hub_id(target) is expected


@pytest.mark.parametrize(
    ("name", "suffix"),
    [("a.jsonl", ".jsonl"), ("a.csv.gz", ".csv"), ("a.json.zst", ".json"), ("a.png", None), ("a.gz", None)],
)
def test_data_suffix_looks_through_compression(name: str, suffix: str | None) -> None:
    assert data_suffix(Path(name)) == suffix


def test_missing_path_is_a_target_error() -> None:
    with pytest.raises(TargetError, match="no such file"):
        resolve("missing/README.md")


def test_kinds(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("# card\n")
    assert type(resolve(str(card))).__name__ == "CardFileSource"
    assert type(resolve(str(tmp_path))).__name__ == "FolderSource"
    assert type(resolve("org/name")).__name__ == "HubSource"


@pytest.mark.parametrize("target", ["a--b/c", "a/b.git", "a" * 300 + "/" + "b" * 300])
def test_a_name_the_hub_refuses_is_a_target_error_not_a_crash(target: str) -> None:
    with pytest.raises(TargetError, match="not a Hub dataset ID"):
        resolve(target)
