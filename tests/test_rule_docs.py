"""Every rule has an example, and every example really triggers its rule."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from guardrail.config import GuardrailConfig
from guardrail.detectors import RULES
from guardrail.engine import check
from guardrail.reporters.rule_docs import _BUILT, _FILE, EXAMPLES, example_text


def test_every_rule_is_documented_with_an_example() -> None:
    assert set(EXAMPLES) == set(RULES)
    assert all(example_text(rid) not in ("", "(no example)") for rid in RULES)


def _fired(path: Path) -> set[str]:
    # GR303 is a note for local cards unless a severity is set for it (no network by design).
    report = check([str(path)], GuardrailConfig(severity={"GR303": "low"}))
    return {f.rule_id for t in report.targets for f in t.findings}


@pytest.mark.parametrize("rule_id", sorted(set(EXAMPLES) - set(_BUILT)))
def test_the_example_triggers_its_rule(rule_id: str, tmp_path: Path) -> None:
    example = EXAMPLES[rule_id]
    path = tmp_path / _FILE[example.kind]
    path.write_bytes(example.text.encode(example.encoding))
    assert rule_id in _fired(path)


def test_the_described_examples_trigger_their_rules(tmp_path: Path) -> None:
    binary = tmp_path / "images.parquet"
    pq.write_table(pa.table({"image": pa.array([b"\x89PNG\r\n", b"\xff\xd8\xff"], pa.binary())}), binary)
    assert "GR423" in _fired(binary)
    huge = tmp_path / "huge.parquet"
    pq.write_table(pa.table({"text": ["a" * (40 << 20)]}), huge)
    assert "GR425" in _fired(huge)


def test_the_retired_rule_says_what_replaced_it(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: [mit\n---\n\n# A dataset\n\nSentences.\n")
    report = check([str(card)], GuardrailConfig())
    assert "card-metadata-unreadable" in [p.code for t in report.targets for p in t.problems]
    assert "card-metadata-unreadable" in example_text("GR002")
