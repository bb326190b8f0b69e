"""`guardrail.scrub`: the rows with X evidence go, the log and the provenance say which and why."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import datasets
import pytest
from test_callback import tokenize, trainer
from tinylm import CLEAN, X_POSTS

import guardrail
from guardrail.config import GuardrailConfig
from guardrail.integrations.datasets import provenance_channel as provenance
from guardrail.integrations.transformers import GuardrailCallback, audit

# Rows 3 and 17 of each split carry X posts; the rest are clean garden notes.
PLANTED = {3: X_POSTS[0], 17: X_POSTS[1]}
ROWS = 40


def rows() -> list[str]:
    return [PLANTED.get(i, f"{CLEAN[i % len(CLEAN)]} ({i})") for i in range(ROWS)]


def dataset() -> datasets.Dataset:
    return datasets.Dataset.from_dict({"text": rows(), "n": list(range(ROWS))})


def log_lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_scrub_drops_the_rows_and_logs_why(tmp_path: Path) -> None:
    ds = dataset()
    log = tmp_path / "excluded.jsonl"
    kept, summary = guardrail.scrub(ds, exclusion_log=log, config=GuardrailConfig())

    assert len(kept) == ROWS - len(PLANTED) and not set(PLANTED.values()) & set(kept["text"])
    assert kept["n"] == [i for i in range(ROWS) if i not in PLANTED]
    assert summary.rows_scanned == ROWS and summary.rows_dropped == len(PLANTED)
    assert summary.by_split == {"train": 2} and summary.log == log and summary.verdict == "pass"
    assert summary.by_rule["GR401"] == 2 and "GR404" not in summary.rules and "GR411" not in summary.rules
    lines = log_lines(log)
    assert [(e["split"], e["row"]) for e in lines] == [("train", 3), ("train", 17)]
    assert lines[0]["evidence"][0] == {
        "rule_id": "GR401",
        "column": "text",
        "evidence": "https://twitter.com/gardenfan42/status/1456789012345678901",
    }
    assert {"GR407", "GR408"} <= set(lines[1]["rules"])
    # The caller's dataset is untouched; the result says it was scrubbed, with what.
    assert len(ds) == ROWS and not provenance.read(ds)
    (entry,) = provenance.read(kept)
    assert entry.scrubbed is not None and entry.verdict == "pass"
    assert entry.scrubbed["rows_dropped"] == 2 and entry.scrubbed["rows_kept"] == ROWS - 2
    assert entry.scrubbed["rules"] == list(summary.rules)
    assert entry.fingerprints["train"] == kept._fingerprint


def _all_rows(data: Any) -> dict[str, list[str]]:
    return {s: [r["text"] for r in part] for s, part in data.items()}


def test_every_dataset_type_gets_the_same_decisions(tmp_path: Path) -> None:
    splits = {"train": dataset(), "test": dataset().select(range(20))}
    shapes: list[Any] = [
        datasets.DatasetDict(splits),
        datasets.IterableDatasetDict({s: d.to_iterable_dataset() for s, d in splits.items()}),
    ]
    results = []
    for i, data in enumerate(shapes):
        log = tmp_path / f"log{i}.jsonl"
        kept, summary = guardrail.scrub(data, exclusion_log=log, config=GuardrailConfig(), batch_size=7)
        assert type(kept) is type(data)
        results.append((_all_rows(kept), summary.by_split, [(e["split"], e["row"]) for e in log_lines(log)]))
        for part in kept.values():
            (entry,) = provenance.read(part)
            assert entry.scrubbed is not None and entry.scrubbed["rows_dropped"] == 4
    assert results[0] == results[1]
    assert results[0][1] == {"train": 2, "test": 2}
    stream, _ = guardrail.scrub(splits["train"].to_iterable_dataset(), config=GuardrailConfig())
    assert isinstance(stream, datasets.IterableDataset)
    assert [r["n"] for r in stream] == [i for i in range(ROWS) if i not in PLANTED]


def test_card_evidence_cannot_be_scrubbed(write_folder: Callable[..., Path]) -> None:
    # The card says the data came from X; a lenient severity lets the load through with a warning.
    card = "---\nlicense: cc-by-4.0\n---\n# Garden chatter\n\nPosts collected with the Twitter API.\n"
    folder = write_folder(rows(), card=card)
    lenient = GuardrailConfig(severity={"GR201": "medium", "GR401": "low", "GR407": "low", "GR408": "low"})
    loaded = guardrail.load_dataset(str(folder), split="train", guardrail_config=lenient)
    with pytest.raises(guardrail.ScrubRefused) as refused:
        guardrail.scrub(loaded, config=lenient)
    message = str(refused.value)
    assert "GR201" in message and "does not change where the data came from" in message
    assert isinstance(refused.value, guardrail.GuardrailViolation)


def test_dataset_level_record_evidence_is_refused_too() -> None:
    # Tweet objects: no row carries a link or a marker, the columns themselves are the evidence.
    n = len(CLEAN)
    tweets = datasets.Dataset.from_dict(
        {"text": CLEAN, "id_str": [str(10**18 + i) for i in range(n)], "retweet_count": [0] * n}
        | {"user": [{"screen_name": f"gardener{i}"} for i in range(n)]}
    )
    with pytest.raises(guardrail.ScrubRefused) as refused:
        guardrail.scrub(tweets, config=GuardrailConfig())
    assert "GR405" in str(refused.value)


def test_loaded_then_scrubbed_data_trains_and_the_audit_says_so(
    write_folder: Callable[..., Path], tokenizer: Any, model: Any, tmp_path: Path
) -> None:
    # A corpus with one quoted X post in 120 rows: a warning at load, not a block.
    texts = [f"{CLEAN[i % len(CLEAN)]} ({i})" for i in range(120)]
    texts[50] = X_POSTS[0]
    folder = write_folder(texts)
    lenient = GuardrailConfig()
    loaded = guardrail.load_dataset(str(folder), split="train", guardrail_config=lenient)
    (loaded_entry,) = provenance.read(loaded)
    assert loaded_entry.verdict == "warn"
    kept, summary = guardrail.scrub(loaded, config=lenient)
    assert summary.rows_dropped == 1 and summary.verdict == "pass"
    entries = provenance.read(kept)
    assert {bool(e.scrubbed) for e in entries} == {True, False}
    # The loader's record findings described rows that are gone; the scrub entry replaces them.
    loader_entry = next(e for e in entries if not e.scrubbed)
    assert loader_entry.evidence is not None
    assert not [f for f in loader_entry.evidence.findings if f.family.value == "records"]

    out = tmp_path / "out"
    t = trainer(model, tokenizer, tokenize(kept, tokenizer), out, GuardrailCallback(lenient))
    t.train()
    assert t.state.global_step == 2
    record = json.loads((out / audit.AUDIT_FILE).read_text(encoding="utf-8"))
    sources = record["datasets"][0]["loaded_with_guardrail"]
    scrubbed = [s for s in sources if "scrubbed" in s]
    assert len(scrubbed) == 1 and scrubbed[0]["scrubbed"]["rows_dropped"] == 1
    assert record["verdict"] == "pass"
