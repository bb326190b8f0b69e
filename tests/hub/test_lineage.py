"""Lineage: Hub parents through the fake Hub, local cards through the knowledge base only."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig
from guardrail.detectors.lineage import source_name
from guardrail.engine import check


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("tweet_eval", "tweet_eval"),
        ("cardiffnlp/tweet_eval", "cardiffnlp/tweet_eval"),
        ("extended|squad", "squad"),
        ("extended|wikipedia|google", "wikipedia"),
        ("original", None),
        ("extended", None),
        ("extended|other-tweet-datasets", None),
        ("other", None),
    ],
)
def test_source_name(value: str, expected: str | None) -> None:
    assert source_name(value) == expected


@pytest.fixture(scope="module")
def lineage_run(hub, tmp_path_factory):  # type: ignore[no-untyped-def]
    import json
    import subprocess
    import sys

    from hub_runner import Run, hub_env

    tmp = tmp_path_factory.mktemp("lineage")
    cfg = tmp / "guardrail.toml"
    cfg.write_text("hub-timeout = 1\n")
    targets = ["org/child", "org/parent", "org/cycle-a", "org/orphan", "org/clean-parent", "org/named-source"]
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "guardrail",
            "check",
            "--format",
            "json",
            "-c",
            str(cfg),
            "--no-records",
            *targets,
        ],
        env=hub_env(hub, tmp / "hf"),
        capture_output=True,
        text=True,
        timeout=120,
    )
    return Run(proc.returncode, json.loads(proc.stdout), proc.stderr)


@pytest.mark.slow
def test_grandparent_evidence_blocks_the_child_with_the_chain(lineage_run) -> None:  # type: ignore[no-untyped-def]
    t = lineage_run.target("org/child")
    assert t["verdict"] == "block"
    (f,) = [f for f in t["findings"] if f["rule_id"] == "GR301"]
    assert f["chain"] == ["org/child", "org/parent", "org/grandparent", "tweet_eval"]
    assert f["evidence"].startswith("tweet_eval: GR302")
    assert f["location"]["key"] == "source_datasets[0]"


@pytest.mark.slow
def test_cycle_is_detected_and_not_a_finding(lineage_run) -> None:  # type: ignore[no-untyped-def]
    t = lineage_run.target("org/cycle-a")
    assert t["verdict"] == "pass"
    assert any("lineage cycle org/cycle-a → org/cycle-b → org/cycle-a" in n for n in t["notes"])


@pytest.mark.slow
def test_missing_parent_is_reported(lineage_run) -> None:  # type: ignore[no-untyped-def]
    t = lineage_run.target("org/orphan")
    assert t["verdict"] == "warn"
    (f,) = t["findings"]
    assert f["rule_id"] == "GR303" and "hub-not-found" in f["message"]


@pytest.mark.slow
def test_clean_parent_passes_and_says_so(lineage_run) -> None:  # type: ignore[no-untyped-def]
    t = lineage_run.target("org/clean-parent")
    assert t["verdict"] == "pass"
    assert any("`org/clean` resolved" in n for n in t["notes"])


@pytest.mark.slow
def test_allowlisted_parent_does_not_taint_the_child(check_hub) -> None:  # type: ignore[no-untyped-def]
    config = '[[allow]]\ndataset = "tweet_eval"\nreason = "licence obtained for research use"\n'
    t = check_hub("org/parent", config=config, args=("--no-records",)).target("org/parent")
    assert t["verdict"] == "pass"
    assert any("suppressed by the allowlist" in n for n in t["notes"])


@pytest.mark.slow
def test_a_hub_card_naming_a_known_source_in_prose_blocks(lineage_run) -> None:  # type: ignore[no-untyped-def]
    t = lineage_run.target("org/named-source")
    assert t["verdict"] == "block"
    (f,) = [f for f in t["findings"] if f["rule_id"] == "GR304"]
    assert f["location"]["path"] == "hf://datasets/org/named-source/README.md"
    assert f["location"]["section"] == "Source Data" and "sentiment140" in f["evidence"]


def _card(tmp_path: Path, sources: str) -> str:
    path = tmp_path / "README.md"
    path.write_text(
        f"---\nlicense: mit\nsource_datasets:\n{sources}---\n# A derived dataset\n", encoding="utf-8"
    )
    return str(path)


# Local cards never touch the network (HF_HUB_OFFLINE is set for the whole test run anyway).
LOCAL = [
    ("- original\n", "pass", []),
    ("- tweet_eval\n", "block", ["GR301"]),
    ("- extended|sentiment140\n", "block", ["GR301"]),
    ("- extended|squad\n", "pass", []),  # not cached, and local checks never ask the Hub: a note
    ("- universal_dependencies\n", "warn", ["GR301"]),  # only two configs hold tweets: medium
]


@pytest.mark.parametrize(("sources", "verdict", "rules"), LOCAL)
def test_local_card_lineage(tmp_path: Path, sources: str, verdict: str, rules: list[str]) -> None:
    target = _card(tmp_path, sources)
    t = check([target], GuardrailConfig()).targets[0]
    assert t.verdict.value == verdict
    assert [f.rule_id for f in t.findings if f.rule_id.startswith("GR3")] == rules


def test_local_lineage_names_the_chain_and_the_knowledge_base(tmp_path: Path) -> None:
    target = _card(tmp_path, "- tweet_eval\n")
    (f,) = check([target], GuardrailConfig()).targets[0].findings
    assert f.chain == (target, "tweet_eval")
    assert "knowledge base" in f.message


def test_lineage_depth_limits_how_far_parents_are_followed(tmp_path: Path) -> None:
    target = _card(tmp_path, "- tweet_eval\n")
    config = GuardrailConfig(lineage_depth=1)
    assert check([target], config).targets[0].verdict.value == "block"


def test_per_run_cache_resolves_each_parent_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from guardrail.sources import lineage_resolver as lineage

    calls: list[str] = []
    original = lineage.Lineage._from_card

    def counting(self, name, stack):  # type: ignore[no-untyped-def]
        calls.append(name)
        return original(self, name, stack)

    monkeypatch.setattr(lineage.Lineage, "_from_card", counting)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    targets = [_card(a, "- extended|squad\n"), _card(b, "- squad\n")]
    check(targets, GuardrailConfig())
    assert calls == ["squad"]


def test_parent_cut_short_by_depth_is_followed_again_from_higher_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from guardrail.detectors import card_evidence
    from guardrail.readers.card_parser import parse_card
    from guardrail.sources import lineage_resolver as lineage

    # deep → mid → sentiment140 (known X; its name says nothing, so no GR106 guess). From a
    # target three levels up it is past the depth limit; from one naming `mid`, within it.
    cards = {"deep": "- mid\n", "mid": "- sentiment140\n"}

    def from_card(self, name, stack):  # type: ignore[no-untyped-def]
        card = parse_card(f"---\nsource_datasets:\n{cards[name]}---\n# {name}\n", name)
        return self.evidence(card, name, stack, card_evidence(card, name).findings)

    monkeypatch.setattr(lineage.Lineage, "_from_card", from_card)
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    far, near = _card(a, "- deep\n"), _card(b, "- mid\n")
    report = check([far, near], GuardrailConfig(lineage_depth=2))
    assert [t.verdict.value for t in report.targets][1] == "block"
    assert "GR301" in [f.rule_id for f in report.targets[1].findings]


def test_an_uncached_parent_of_a_local_card_is_a_note_not_a_warning(tmp_path: Path) -> None:
    target = _card(tmp_path, "- extended|squad\n- acme/private_corpus\n")
    t = check([target], GuardrailConfig()).targets[0]
    assert (t.verdict.value, t.findings) == ("pass", ())
    notes = [n for n in t.notes if "not checked" in n]
    assert len(notes) == 2 and "`squad`" in notes[0] and "guardrail check squad" in notes[0]


def test_setting_a_severity_for_gr303_brings_the_finding_back(tmp_path: Path) -> None:
    target = _card(tmp_path, "- extended|squad\n")
    t = check([target], GuardrailConfig(severity={"GR303": "high"})).targets[0]
    assert t.verdict.value == "block"
    assert [f.rule_id for f in t.findings] == ["GR303"]


def test_an_uncached_parent_named_for_tweets_still_blocks_by_its_name(tmp_path: Path) -> None:
    target = _card(tmp_path, "- acme/election_tweets_2020\n")
    t = check([target], GuardrailConfig()).targets[0]
    assert t.verdict.value == "block"
    assert [f.rule_id for f in t.findings] == ["GR106"]


@pytest.mark.parametrize(
    ("folder", "card", "stated"),
    [
        ("copy", "---\npretty_name: cardiffnlp/tweet_eval\n---\n# Copy\n", "pretty_name"),
        (
            "tweet_eval",
            "---\nlicense: mit\n---\n# Copy\n\nSee huggingface.co/datasets/cardiffnlp/tweet_eval\n",
            "link",
        ),
        (
            "local",
            "---\nlicense: mit\n---\n# Dataset Card for sentiment140\n\n"
            "[card](https://huggingface.co/datasets/stanfordnlp/sentiment140)\n",
            "link",
        ),
    ],
)
def test_a_local_folder_whose_card_states_a_known_hub_id_is_looked_up(
    tmp_path: Path, folder: str, card: str, stated: str
) -> None:
    root = tmp_path / folder
    root.mkdir()
    (root / "README.md").write_text(card, encoding="utf-8")
    t = check([str(root)], GuardrailConfig(scan_records=False)).targets[0]
    known = [f for f in t.findings if f.rule_id == "GR302"]
    assert t.verdict.value == "block" and len(known) == 1
    assert "The card states it is" in known[0].message and stated in known[0].message


def test_a_link_to_another_dataset_is_not_the_cards_identity(tmp_path: Path) -> None:
    root = tmp_path / "reviews"
    root.mkdir()
    text = (
        "---\nlicense: mit\n---\n# Reviews\n\nCompare https://huggingface.co/datasets/cardiffnlp/tweet_eval\n"
    )
    (root / "README.md").write_text(text, encoding="utf-8")
    t = check([str(root)], GuardrailConfig(scan_records=False)).targets[0]
    assert not [f for f in t.findings if f.rule_id == "GR302"]


def test_the_configurations_own_known_datasets_are_found_in_card_text(tmp_path: Path) -> None:
    from guardrail.config import KnownDataset

    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# Copy\n\n## Source Data\n\nDerived from acme/chirps.\n")
    config = GuardrailConfig(
        known_x_datasets=(KnownDataset("acme/chirps", "Our scrape of X posts.", "audit"),)
    )
    t = check([str(card)], config).targets[0]
    assert t.verdict.value == "block"
    (f,) = [f for f in t.findings if f.rule_id == "GR304"]
    assert "acme/chirps" in f.message and "audit" in f.message
    assert check([str(card)], GuardrailConfig()).targets[0].verdict.value == "pass"
