"""The provenance channel survives the operations training scripts apply (design.md §3)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import datasets
import pytest

from guardrail.findings import Evidence, Family, Finding, Location, Severity
from guardrail.integrations.datasets import provenance_channel as provenance
from guardrail.integrations.datasets.provenance_channel import ProvenanceEntry

FINDING = Finding(
    rule_id="GR201",
    severity=Severity.MEDIUM,
    message="The card mentions posts.",
    location=Location(path="ds/README.md", line=7, section="About"),
    evidence="posts from a social site",
    family=Family.CARD_PROSE,
    configs=("notes",),
)


def entry(target: str = "ds", verdict: str = "warn") -> ProvenanceEntry:
    return ProvenanceEntry(
        target=target,
        config="notes",
        verdict=verdict,
        resolved={"path": f"/data/{target}"},
        splits={"train": 4},
        fingerprints={"train": "abc"},
        evidence=Evidence(target=target, findings=(FINDING,)),
        checked_at="2025-06-05T00:00:00+00:00",
        guardrail_version="0.1.0",
    )


def stamped(target: str = "ds", n: int = 4) -> datasets.Dataset:
    ds = datasets.Dataset.from_dict(
        {"text": [f"{target} row {i}" for i in range(n)], "label": [i % 2 for i in range(n)]}
    )
    provenance.stamp(ds, [entry(target)])
    return ds


def targets(ds: Any) -> set[str]:
    return {e.target for e in provenance.read(ds)}


def test_round_trip_keeps_findings_and_pins() -> None:
    (back,) = provenance.decode(provenance.encode([entry()]))
    assert back.evidence is not None
    assert back.evidence.findings == (FINDING,)
    assert back.resolved == {"path": "/data/ds"}
    assert (back.config, back.verdict, dict(back.splits)) == ("notes", "warn", {"train": 4})


def test_user_description_is_kept_and_restamping_does_not_duplicate() -> None:
    ds = datasets.Dataset.from_dict({"text": ["a"]})
    ds.info.description = "My notes."
    provenance.stamp(ds, [entry()])
    provenance.stamp(ds, [entry()])
    assert ds.info.description.startswith("My notes.\n")
    assert ds.info.description.count(provenance.MARKER) == 1


def test_unparseable_lines_are_ignored() -> None:
    text = provenance.MARKER + "{not json\n" + provenance.encode([entry()])
    assert [e.target for e in provenance.decode(text)] == ["ds"]


OPS: list[tuple[str, Callable[[datasets.Dataset], Any]]] = [
    ("map", lambda d: d.map(lambda r: {"n": len(r["text"])})),
    ("batched map", lambda d: d.map(lambda b: {"n": [len(t) for t in b["text"]]}, batched=True)),
    ("filter", lambda d: d.filter(lambda r: r["label"] == 1)),
    ("select", lambda d: d.select([0, 2])),
    ("remove_columns", lambda d: d.remove_columns(["label"])),
    ("shuffle", lambda d: d.shuffle(seed=0)),
    ("train_test_split", lambda d: d.train_test_split(test_size=0.5, seed=0)["test"]),
    ("with_format torch", lambda d: d.with_format("torch")),
]


@pytest.mark.parametrize("name,op", OPS, ids=[n for n, _ in OPS])
def test_survives_dataset_operations(name: str, op: Callable[[datasets.Dataset], Any]) -> None:
    assert targets(op(stamped())) == {"ds"}


def test_survives_tokenisation_with_text_removed(tokenizer: Any) -> None:
    tokenised = stamped().map(lambda b: tokenizer(b["text"]), batched=True, remove_columns=["text", "label"])
    assert tokenised.column_names == ["input_ids", "attention_mask"]
    assert targets(tokenised) == {"ds"}


def test_concatenate_keeps_every_source() -> None:
    both = datasets.concatenate_datasets([stamped("a"), stamped("b")])
    assert targets(both) == {"a", "b"}


def test_concatenate_of_same_source_merges_splits() -> None:
    ds = stamped("a")
    parts = ds.train_test_split(test_size=0.5, seed=0)
    assert targets(datasets.concatenate_datasets([parts["train"], parts["test"]])) == {"a"}


def test_concatenate_with_unguarded_data_reads_as_guarded_only() -> None:
    # datasets drops empty descriptions when merging: the channel cannot tell that part of the
    # rows never went through the loader. This is why the callback always scans the rows too.
    unguarded = datasets.Dataset.from_dict({"text": ["x"], "label": [0]})
    assert targets(datasets.concatenate_datasets([stamped("a"), unguarded])) == {"a"}


def test_interleave_keeps_every_source() -> None:
    mixed = datasets.interleave_datasets([stamped("a"), stamped("b")], seed=0)
    assert targets(mixed) == {"a", "b"}


def test_iterable_operations_keep_every_source() -> None:
    a = datasets.IterableDataset.from_generator(lambda: iter([{"text": "a"}]))
    b = datasets.IterableDataset.from_generator(lambda: iter([{"text": "b"}]))
    provenance.stamp(a, [entry("a")])
    provenance.stamp(b, [entry("b")])
    derived = datasets.interleave_datasets([a.map(lambda r: r).filter(lambda r: True), b.shuffle(seed=0)])
    assert targets(derived) == {"a", "b"}


def test_to_iterable_dataset_loses_the_channel() -> None:
    # Documented limit (design.md §3): the callback falls back to scanning rows.
    assert targets(stamped().to_iterable_dataset()) == set()


def test_save_to_disk_round_trip(tmp_path: Any) -> None:
    stamped().save_to_disk(str(tmp_path / "saved"))
    assert targets(datasets.load_from_disk(str(tmp_path / "saved"))) == {"ds"}
