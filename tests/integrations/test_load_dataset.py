"""`guardrail.load_dataset`: same signature, refuses X data before returning it, stamps provenance."""

from __future__ import annotations

import inspect
import json
import logging
from collections.abc import Callable
from pathlib import Path
from typing import Any

import datasets
import pytest
from tinylm import CLEAN, CLEAN_CARD, X_CARD, X_POSTS

import guardrail
from guardrail.config import AllowEntry, GuardrailConfig
from guardrail.errors import GuardrailViolation, TargetError
from guardrail.findings import Verdict
from guardrail.integrations.datasets import provenance_channel as provenance

CARDS_ONLY = GuardrailConfig(scan_records=False)

MULTI_CARD = """---
license: cc-by-4.0
configs:
- config_name: notes
  data_files: notes/*.jsonl
  default: true
- config_name: tweets
  data_files: tweets/*.jsonl
---
# Garden notes

Short notes about vegetable gardening.
"""


@pytest.fixture
def multi(tmp_path: Path) -> Path:
    folder = tmp_path / "multi"
    for config in ("notes", "tweets"):
        (folder / config).mkdir(parents=True)
        (folder / config / "a.jsonl").write_text(json.dumps({"text": CLEAN[0]}) + "\n", encoding="utf-8")
    (folder / "README.md").write_text(MULTI_CARD, encoding="utf-8")
    return folder


def test_signature_mirrors_datasets_load_dataset() -> None:
    ours = inspect.signature(guardrail.load_dataset).parameters
    theirs = inspect.signature(datasets.load_dataset).parameters
    assert [n for n in ours if n != "guardrail_config"] == list(theirs)
    for name, param in theirs.items():
        assert (ours[name].kind, ours[name].default) == (param.kind, param.default), name
    assert ours["guardrail_config"].kind is inspect.Parameter.KEYWORD_ONLY


def test_x_card_blocks_before_returning(write_folder: Callable[..., Path]) -> None:
    folder = write_folder(CLEAN, card=X_CARD)
    with pytest.raises(GuardrailViolation) as caught:
        guardrail.load_dataset(str(folder), guardrail_config=CARDS_ONLY)
    (target,) = caught.value.report.targets
    assert target.verdict is Verdict.BLOCK
    assert {f.rule_id for f in target.findings} >= {"GR101"}
    assert "GR101" in str(caught.value) and "load_dataset(" in str(caught.value)


def test_clean_folder_is_returned_with_provenance(write_folder: Callable[..., Path]) -> None:
    folder = write_folder(CLEAN, card=CLEAN_CARD)
    loaded = guardrail.load_dataset(str(folder), guardrail_config=CARDS_ONLY)
    assert isinstance(loaded, datasets.DatasetDict)
    assert loaded["train"]["text"] == CLEAN
    (entry,) = provenance.read(loaded["train"])
    assert (entry.target, entry.verdict, entry.config) == (str(folder), "pass", "default")
    assert entry.splits == {"train": len(CLEAN)}
    assert entry.fingerprints["train"]


def test_split_argument_returns_a_dataset(write_folder: Callable[..., Path]) -> None:
    folder = write_folder(CLEAN, card=CLEAN_CARD)
    loaded = guardrail.load_dataset(str(folder), split="train[:3]", guardrail_config=CARDS_ONLY)
    assert isinstance(loaded, datasets.Dataset)
    assert len(loaded) == 3
    assert provenance.read(loaded)


def test_card_evidence_is_filtered_to_the_loaded_config(multi: Path) -> None:
    assert guardrail.load_dataset(str(multi), "notes", split="train", guardrail_config=CARDS_ONLY)
    assert guardrail.load_dataset(str(multi), split="train", guardrail_config=CARDS_ONLY)  # default: notes
    with pytest.raises(GuardrailViolation) as caught:
        guardrail.load_dataset(str(multi), "tweets", guardrail_config=CARDS_ONLY)
    assert [f.configs for f in caught.value.report.targets[0].findings] == [("tweets",)]


def test_warnings_are_logged_and_promoted_per_config(
    write_folder: Callable[..., Path], caplog: pytest.LogCaptureFixture
) -> None:
    folder = write_folder(CLEAN, card="# Notes\n\nNo front matter in this card.\n")
    with caplog.at_level(logging.WARNING, logger="guardrail"):
        loaded = guardrail.load_dataset(str(folder), split="train", guardrail_config=CARDS_ONLY)
    assert len(loaded) == len(CLEAN)
    assert any(r.name == "guardrail" and "GR004" in r.getMessage() for r in caplog.records)
    assert provenance.read(loaded)[0].verdict == "warn"
    other = GuardrailConfig(scan_records=False, warnings_as_errors=("some-other-config",))
    assert guardrail.load_dataset(str(folder), split="train", guardrail_config=other)
    strict = GuardrailConfig(scan_records=False, warnings_as_errors=("default",))
    with pytest.raises(GuardrailViolation, match="GR004"):
        guardrail.load_dataset(str(folder), split="train", guardrail_config=strict)


def test_allowlisted_folder_passes_and_provenance_keeps_the_findings(
    write_folder: Callable[..., Path],
) -> None:
    folder = write_folder(CLEAN, card=X_CARD)
    config = GuardrailConfig(
        scan_records=False, allow=(AllowEntry(reason="licensed from X for research", path=str(folder)),)
    )
    loaded = guardrail.load_dataset(str(folder), split="train", guardrail_config=config)
    (entry,) = provenance.read(loaded)
    assert entry.verdict == "pass"
    assert entry.evidence is not None and "GR101" in {f.rule_id for f in entry.evidence.findings}


def test_config_is_discovered_like_the_cli(
    write_folder: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = write_folder(CLEAN, card=X_CARD)
    project = tmp_path / "project"
    project.mkdir()
    (project / "guardrail.toml").write_text(
        f'scan-records = false\n[[allow]]\npath = "{folder}"\nreason = "licensed"\n', encoding="utf-8"
    )
    monkeypatch.chdir(project)
    assert guardrail.load_dataset(str(folder), split="train")


def test_hub_id_offline_gives_a_clear_error_not_a_crash() -> None:
    with pytest.raises((GuardrailViolation, TargetError)) as caught:
        guardrail.load_dataset("guardrail-tests/surely-not-cached", guardrail_config=CARDS_ONLY)
    assert "guardrail-tests/surely-not-cached" in str(caught.value)


def test_data_file_builder_passes_arguments_through(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_text(
        "text,label\n" + "".join(f'"{t}",{i % 2}\n' for i, t in enumerate(CLEAN)), encoding="utf-8"
    )
    loaded = guardrail.load_dataset("csv", data_files={"train": str(path)}, split="train")
    assert loaded["text"] == CLEAN
    assert provenance.read(loaded)[0].target == f"csv:{path}"


def test_records_block_a_folder_without_card(write_folder: Callable[..., Path]) -> None:
    folder = write_folder(CLEAN + X_POSTS)
    with pytest.raises(GuardrailViolation) as caught:
        guardrail.load_dataset(str(folder))
    assert caught.value.report.targets[0].verdict is Verdict.BLOCK


def test_records_block_a_json_data_file(tmp_path: Path) -> None:
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps({"text": t}) + "\n" for t in CLEAN + X_POSTS), encoding="utf-8")
    with pytest.raises(GuardrailViolation):
        guardrail.load_dataset("json", data_files=str(path), split="train")


def _jsonl(path: Path, texts: list[str]) -> Path:
    path.write_text(
        "".join(json.dumps({"text": t, "n": i}) + "\n" for i, t in enumerate(texts)), encoding="utf-8"
    )
    return path


def test_streaming_clean_yields_everything_with_provenance(tmp_path: Path) -> None:
    texts = [CLEAN[i % len(CLEAN)] for i in range(2500)]
    stream = guardrail.load_dataset(
        "json", data_files=str(_jsonl(tmp_path / "a.jsonl", texts)), split="train", streaming=True
    )
    assert isinstance(stream, datasets.IterableDataset)
    assert [r["text"] for r in stream] == texts
    assert list(stream.features) == ["text", "n"]
    assert provenance.read(stream.map(lambda r: r))[0].streaming is True


def test_streaming_restricted_head_fails_at_once(tmp_path: Path) -> None:
    path = _jsonl(tmp_path / "a.jsonl", [*CLEAN, X_POSTS[0], *CLEAN])
    with pytest.raises(GuardrailViolation):
        guardrail.load_dataset("json", data_files=str(path), split="train", streaming=True)


def test_streaming_never_yields_a_restricted_record(tmp_path: Path) -> None:
    from guardrail.integrations.datasets import streaming

    restricted_at = streaming.BATCH_ROWS + 500
    assert restricted_at > streaming.UPFRONT_BATCHES * streaming.UPFRONT_BATCH_ROWS
    texts = [CLEAN[i % len(CLEAN)] for i in range(restricted_at + 100)]
    texts[restricted_at] = X_POSTS[1]
    stream = guardrail.load_dataset(
        "json", data_files={"train": str(_jsonl(tmp_path / "a.jsonl", texts))}, streaming=True
    )
    seen: list[dict[str, Any]] = []
    with pytest.raises(GuardrailViolation) as caught:
        for row in stream["train"].shuffle(seed=0, buffer_size=10):
            seen.append(row)
    assert "while streaming" in str(caught.value)
    assert all("x.com" not in r["text"] for r in seen)
    # Rows of earlier batches flowed; the whole batch holding the restricted row was withheld.
    batch_start = restricted_at - restricted_at % streaming.BATCH_ROWS
    assert max(r["n"] for r in seen) < batch_start
    assert len(seen) >= batch_start - 10  # all but the shuffle buffer


def test_streaming_rows_are_those_datasets_yields(tmp_path: Path) -> None:
    # The guarded stream converts judged batches to Python in one go (a different `datasets`
    # route from plain iteration); values, types and derived datasets must not change.
    path = tmp_path / "a.jsonl"
    rows = [
        {"text": CLEAN[i % len(CLEAN)], "n": i, "f": i / 3, "meta": {"a": [i], "b": None if i % 2 else "y"}}
        for i in range(2500)
    ]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    plain = datasets.load_dataset("json", data_files=str(path), split="train", streaming=True)
    stream = guardrail.load_dataset("json", data_files=str(path), split="train", streaming=True)
    assert stream.features == plain.features
    got, want = list(stream), list(plain)
    assert got == want
    assert [[type(v) for v in r.values()] for r in got[:4]] == [
        [type(v) for v in r.values()] for r in want[:4]
    ]
    assert list(stream.shuffle(seed=0, buffer_size=50).take(60)) == list(
        plain.shuffle(seed=0, buffer_size=50).take(60)
    )
    first = next(iter(stream.with_format("numpy")))
    assert first["f"] == next(iter(plain.with_format("numpy")))["f"]
    assert type(first["f"]) is type(next(iter(plain.with_format("numpy")))["f"])


def test_local_card_lineage_blocks_derived_data(write_folder: Callable[..., Path]) -> None:
    card = "---\nlicense: mit\nsource_datasets:\n- tweet_eval\n---\n# Sentiment subset\n\nShort labelled texts.\n"
    folder = write_folder(CLEAN, card=card)
    with pytest.raises(GuardrailViolation) as caught:
        guardrail.load_dataset(str(folder), split="train")
    rules = {f.rule_id for t in caught.value.report.targets for f in t.findings}
    assert "GR301" in rules
