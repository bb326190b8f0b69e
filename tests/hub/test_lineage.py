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
    targets = ["org/child", "org/parent", "org/cycle-a", "org/orphan", "org/clean-parent"]
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
    ("- extended|squad\n", "warn", ["GR303"]),
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
