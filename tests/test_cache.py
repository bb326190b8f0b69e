"""The check cache: a second check of the same data skips the scan; any change to the key re-scans."""

from __future__ import annotations

import dataclasses
import json
import os
from pathlib import Path

import datasets
import pytest

import guardrail
from guardrail import cache as cache_module
from guardrail.cache import CheckCache, cache_dir, dataset_parts
from guardrail.config import GuardrailConfig, parse_config
from guardrail.findings import Evidence, Problem
from guardrail.integrations.shared import dataset_evidence

X_ROWS = ["RT @user: look https://twitter.com/gardenfan/status/1456789012345678901"]
CLEAN = [f"Tomatoes like full sun, note {i}." for i in range(30)]


@pytest.fixture
def home(tmp_path: Path, scans: list[int]) -> Path:
    """The fresh HF_HOME `scans` set for this test, so entries never leak between tests."""
    return tmp_path / "hf"


def data(texts: list[str]) -> datasets.Dataset:
    return datasets.Dataset.from_dict({"text": texts})


def test_cache_lives_under_hf_home(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert cache_dir() == home / "guardrail" / "checks"
    monkeypatch.delenv("HF_HOME")
    monkeypatch.setenv("HF_HUB_CACHE", str(home.parent / "elsewhere" / "hub"))
    assert cache_dir() == home.parent / "elsewhere" / "guardrail" / "checks"


def test_second_scan_of_the_same_data_is_skipped(home: Path, scans: list[int]) -> None:
    ds, config = data(CLEAN + X_ROWS), GuardrailConfig()
    first = dataset_evidence(ds, config, "a")
    assert scans and list(home.rglob("*.json"))
    scans.clear()
    again = dataset_evidence(ds, config, "b")
    assert scans == []
    assert again.target == "b" and again.findings == first.findings and again.scan == first.scan
    assert any("reused the scan cached" in n for n in again.notes)


@pytest.mark.parametrize(
    "change",
    ["data", "split", "config_name", "version", "knowledge", "policy"],
)
def test_any_change_to_the_key_rescans(
    change: str, home: Path, scans: list[int], monkeypatch: pytest.MonkeyPatch
) -> None:
    ds, config = data(CLEAN + X_ROWS), GuardrailConfig()
    dataset_evidence(ds, config, "t")
    scans.clear()
    if change == "data":
        ds = data(CLEAN + X_ROWS + ["one more row"])
    elif change == "split":
        ds = datasets.DatasetDict({"test": ds})
    elif change == "config_name":
        ds = data(CLEAN + X_ROWS)  # same rows and fingerprint, another dataset config
        ds.info.config_name = "other"
    elif change == "version":
        monkeypatch.setattr(cache_module, "__version__", "999.0")
    elif change == "knowledge":
        monkeypatch.setattr(cache_module, "knowledge_digest", lambda: "changed-knowledge")
    else:
        config = dataclasses.replace(config, sample_rows=123)
    dataset_evidence(ds, config, "t")
    assert scans, f"a changed {change} must re-scan"


def test_the_cache_flag_is_not_part_of_the_key_and_turns_it_off(home: Path, scans: list[int]) -> None:
    ds = data(CLEAN)
    dataset_evidence(ds, GuardrailConfig(cache=False), "t")
    assert not list(home.rglob("*.json"))
    assert parse_config({"cache": False}).cache is False
    with pytest.raises(guardrail.ConfigError, match="cache"):
        parse_config({"cache": "no"})


@pytest.mark.parametrize("damage", ["garbage", "tampered", "other-key"])
def test_a_damaged_entry_is_ignored_and_rewritten(
    damage: str, home: Path, scans: list[int], caplog: pytest.LogCaptureFixture
) -> None:
    ds, config = data(CLEAN + X_ROWS), GuardrailConfig()
    first = dataset_evidence(ds, config, "t")
    (entry,) = home.rglob("*.json")
    raw = json.loads(entry.read_text(encoding="utf-8"))
    if damage == "garbage":
        entry.write_text("{not json", encoding="utf-8")
    elif damage == "tampered":
        raw["evidence"]["findings"] = []  # a pass smuggled in: the digest no longer matches
        entry.write_text(json.dumps(raw), encoding="utf-8")
    else:
        raw["key"]["policy"] = "0" * 16
        entry.write_text(json.dumps(raw), encoding="utf-8")
    scans.clear()
    again = dataset_evidence(ds, config, "t")
    assert scans, "a damaged entry must never be trusted"
    assert again.findings == first.findings
    assert "damaged check-cache entry" in caplog.text
    rewritten = json.loads(entry.read_text(encoding="utf-8"))
    assert rewritten["evidence"]["findings"] and rewritten["key"]["policy"] != "0" * 16


def test_could_not_check_is_never_stored(home: Path) -> None:
    store = CheckCache(GuardrailConfig())
    unchecked = Evidence("t", problems=(Problem("hub-timeout", "took too long"),))
    assert store.through("x", {"a": "1"}, "t", lambda: unchecked) is unchecked
    assert not list(home.rglob("*.json"))
    assert store.get("x", {"a": "1"}, "t") is None


def _stored(store: CheckCache, name: str) -> Path:
    """Store a clean result under key `name`; the entry's path."""
    store.put("x", {"name": name}, Evidence(name))
    return store._path(store.key("x", {"name": name}))


def _age(path: Path, days: float) -> None:
    then = path.stat().st_mtime - days * 86400
    os.utime(path, (then, then))


def test_entries_unused_for_a_month_are_pruned_and_a_hit_counts_as_use(home: Path) -> None:
    store = CheckCache(GuardrailConfig())
    used, unused, recent = (_stored(store, n) for n in ("used", "unused", "recent"))
    for path in (used, unused):
        _age(path, cache_module.MAX_AGE_DAYS + 1)
    assert store.get("x", {"name": "used"}, "t") is not None  # a hit refreshes the entry
    half_written = used.parent / f"{used.stem}.abc.tmp"
    half_written.write_text("{", encoding="utf-8")
    _age(half_written, 1)
    removed = cache_module.prune(store.directory, force=True)
    assert removed == 2
    assert used.exists() and recent.exists()
    assert not unused.exists() and not half_written.exists()
    assert store.get("x", {"name": "unused"}, "t") is None


def test_past_the_entry_cap_the_least_recently_used_go(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = CheckCache(GuardrailConfig())
    paths = [_stored(store, f"e{i}") for i in range(5)]
    for days, path in enumerate(paths):
        _age(path, days)  # e0 used last, e4 first
    monkeypatch.setattr(cache_module, "MAX_ENTRIES", 3)
    cache_module.prune(store.directory, force=True)
    assert [p.exists() for p in paths] == [True, True, True, False, False]


def test_a_store_prunes_at_most_once_a_day(home: Path) -> None:
    store = CheckCache(GuardrailConfig())
    first = _stored(store, "first")  # the first store prunes (no marker yet) and leaves a marker
    marker = store.directory / ".last-prune"
    assert marker.exists()
    _age(first, cache_module.MAX_AGE_DAYS + 1)
    _stored(store, "second")
    assert first.exists(), "pruned again within a day"
    _age(marker, 2)
    _stored(store, "third")
    assert not first.exists()


def test_pruning_touches_only_the_cache_own_files(home: Path) -> None:
    store = CheckCache(GuardrailConfig())
    _stored(store, "mine")
    foreign = [store.directory / "notes.json", store.directory / "abc" / "x.json"]
    inside = next(p for p in store.directory.iterdir() if p.is_dir())
    foreign.append(inside / "zz-other.json")
    for path in foreign:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("{}", encoding="utf-8")
        _age(path, cache_module.MAX_AGE_DAYS + 5)
    cache_module.prune(store.directory, force=True)
    assert all(p.exists() for p in foreign)


def test_streams_have_no_key() -> None:
    assert dataset_parts(data(CLEAN).to_iterable_dataset()) is None


def test_load_dataset_twice_scans_once(home: Path, scans: list[int], tmp_path: Path) -> None:
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "train.jsonl").write_text(
        "".join(json.dumps({"text": t}) + "\n" for t in CLEAN), encoding="utf-8"
    )
    guardrail.load_dataset(str(folder), split="train", guardrail_config=GuardrailConfig())
    assert scans
    scans.clear()
    guardrail.load_dataset(str(folder), split="train", guardrail_config=GuardrailConfig())
    assert scans == []
    # Editing the file changes what datasets loads, its fingerprint, and so the key.
    (folder / "train.jsonl").write_text(json.dumps({"text": X_ROWS[0]}) + "\n", encoding="utf-8")
    with pytest.raises(guardrail.GuardrailViolation):
        guardrail.load_dataset(str(folder), split="train", guardrail_config=GuardrailConfig())
    assert scans


def test_cli_check_of_a_local_file_is_cached_by_content(
    home: Path, scans: list[int], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from guardrail.cli import main

    data_file = tmp_path / "rows.jsonl"
    data_file.write_text("".join(json.dumps({"text": t}) + "\n" for t in CLEAN), encoding="utf-8")
    assert main(["check", str(data_file)]) == 0
    assert scans
    scans.clear()
    capsys.readouterr()
    assert main(["check", "--format", "json", str(data_file)]) == 0
    assert scans == []
    (reused,) = json.loads(capsys.readouterr().out)["targets"]
    assert reused["verdict"] == "pass" and any("reused the scan cached" in n for n in reused["notes"])
    assert main(["check", "--no-cache", str(data_file)]) == 0
    assert scans
    # Same size, same mtime, other bytes: the content hash still tells them apart.
    stat = data_file.stat()
    text = data_file.read_text(encoding="utf-8").replace("Tomatoes like full sun", "RT @USER: https://t.co/a")
    text = text[: stat.st_size].ljust(stat.st_size)
    data_file.write_text(text, encoding="utf-8")
    os.utime(data_file, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    assert data_file.stat().st_size == stat.st_size
    scans.clear()
    assert main(["check", str(data_file)]) == 1
    assert scans


def test_cli_check_of_a_folder_rereads_the_card_and_reuses_the_records(
    home: Path, scans: list[int], tmp_path: Path
) -> None:
    from guardrail.cli import main

    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "train.jsonl").write_text(
        "".join(json.dumps({"text": t}) + "\n" for t in CLEAN), encoding="utf-8"
    )
    (folder / "README.md").write_text("---\nlicense: mit\n---\n# Notes\n", encoding="utf-8")
    assert main(["check", str(folder)]) == 0
    scans.clear()
    assert main(["check", str(folder)]) == 0
    assert scans == []
    # The card is never cached: one that now says the data is from X blocks at once.
    (folder / "README.md").write_text(
        "---\nlicense: mit\n---\n# Notes\n\nPosts collected with the Twitter API.\n", encoding="utf-8"
    )
    assert main(["check", str(folder)]) == 1
    assert scans == []
