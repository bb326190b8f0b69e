"""The engine never passes a target silently when something inside it fails."""

from __future__ import annotations

from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig
from guardrail.engine import check
from guardrail.findings import Verdict


def test_internal_failure_is_an_error_verdict(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# Clean card\n")

    class Broken:
        rules = ()

        def detect(self, card: object) -> list[object]:
            raise RuntimeError("detector bug")

    import guardrail.detectors as detectors

    monkeypatch.setattr(detectors, "CARD_DETECTORS", (Broken(),))
    report = check([str(card)], GuardrailConfig())
    target = report.targets[0]
    assert target.verdict is Verdict.ERROR
    assert target.problems[0].code == "internal-error"
    assert "detector bug" in target.problems[0].message
    assert report.exit_code == 1
    # A bug in guardrail blocks even when failing open (issue 10).
    assert check([str(card)], GuardrailConfig(fail_open=True)).exit_code == 1


def test_report_keeps_target_order(tmp_path: Path) -> None:
    paths = []
    for name, text in [("a", "tweets collected from Twitter"), ("b", "soil samples")]:
        folder = tmp_path / name
        folder.mkdir()
        (folder / "README.md").write_text(f"---\nlicense: mit\n---\n## Dataset Summary\n\n{text}.\n")
        paths.append(str(folder / "README.md"))
    report = check(paths, GuardrailConfig())
    assert [t.target for t in report.targets] == paths
    assert [t.verdict for t in report.targets] == [Verdict.BLOCK, Verdict.PASS]
