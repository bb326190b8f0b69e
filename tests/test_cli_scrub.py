"""`guardrail scrub SOURCE OUT`: Parquet shards without the X rows, a log, and OUT passes a check."""

from __future__ import annotations

import json
from pathlib import Path

import datasets
import pyarrow.parquet as pq
import pytest

from guardrail.cli import main
from guardrail.config import GuardrailConfig
from guardrail.integrations.datasets.scrub_source import LOG_NAME, scrub_source

CLEAN = "Tomatoes like full sun and a deep weekly watering"
PLANTED = {
    7: "so true https://t.co/AbC123xyz",
    20: "RT @user: look https://twitter.com/gardenfan/status/1456789012345678901",
    33: "read https://x.com/plot/status/1789012345678901234 now",
}
ROWS = 60


def write_jsonl(path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as f:
        for i in range(ROWS):
            f.write(json.dumps({"text": PLANTED.get(i, f"{CLEAN} ({i})"), "n": i}) + "\n")
    return path


def test_scrub_a_data_file_then_check_passes(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl")
    assert main(["check", str(source)]) == 1  # the source itself is blocked
    capsys.readouterr()
    out = tmp_path / "clean"
    assert main(["scrub", str(source), str(out), "--format", "json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["rows_scanned"] == ROWS and summary["rows_dropped"] == len(PLANTED)

    (shard,) = sorted((out / "data").glob("*.parquet"))
    assert shard.name == "train-00000-of-00001.parquet"
    kept = pq.read_table(shard)
    assert kept.column("n").to_pylist() == [i for i in range(ROWS) if i not in PLANTED]
    lines = [json.loads(line) for line in (out / LOG_NAME).read_text(encoding="utf-8").splitlines()]
    assert [(e["split"], e["row"]) for e in lines] == [("train", r) for r in sorted(PLANTED)]

    assert main(["check", str(out)]) == 0, capsys.readouterr().out
    assert datasets.load_dataset(str(out), split="train").num_rows == ROWS - len(PLANTED)


def test_scrub_a_folder_into_several_shards_per_split(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    write_jsonl(folder / "train.jsonl")
    write_jsonl(folder / "test.jsonl")
    (folder / "README.md").write_text("---\nlicense: cc-by-4.0\n---\n# Garden notes\n", encoding="utf-8")
    out = tmp_path / "out"
    summary = scrub_source(str(folder), out, GuardrailConfig(), batch_size=8, shard_rows=20)
    assert summary.by_split == {"train": 3, "test": 3}
    train = sorted(p.name for p in (out / "data").glob("train-*.parquet"))
    assert len(train) > 1 and all(n.endswith(f"-of-{len(train):05d}.parquet") for n in train)
    loaded = datasets.load_dataset(str(out))
    assert {s: d.num_rows for s, d in loaded.items()} == {"train": ROWS - 3, "test": ROWS - 3}
    assert main(["check", str(out)]) == 0


def test_card_evidence_refuses_and_leaves_nothing(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "ds"
    write_jsonl(folder / "train.jsonl")
    (folder / "README.md").write_text(
        "---\nlicense: cc-by-4.0\n---\n# Garden chatter\n\nPosts collected with the Twitter API.\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    assert main(["scrub", str(folder), str(out)]) == 1
    err = capsys.readouterr().err
    assert "scrub refused" in err and "GR201" in err and "where the data came from" in err
    assert not out.exists() and not list(tmp_path.glob(".out*"))


def test_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = write_jsonl(tmp_path / "corpus.jsonl")
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine", encoding="utf-8")
    assert main(["scrub", str(source), str(busy)]) == 2
    assert "not an empty folder" in capsys.readouterr().err
    assert main(["scrub", str(source), str(tmp_path / "o"), "--rule", "GR999"]) == 2
    assert main(["scrub", str(tmp_path / "missing.jsonl"), str(tmp_path / "o")]) == 2


def test_scrub_is_in_the_cli_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    assert "scrub" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["check", "--help"])
    assert "--no-cache" in capsys.readouterr().out
