"""The policy is a pure function of evidence and config."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from guardrail.config import AllowEntry, GuardrailConfig
from guardrail.findings import Evidence, Family, Finding, Location, Problem, Severity, Verdict
from guardrail.policy import decide

TODAY = dt.date(2026, 11, 25)


def finding(
    rule: str = "GR201", severity: Severity = Severity.HIGH, family: Family = Family.CARD_PROSE
) -> Finding:
    return Finding(rule, severity, "msg", Location(path="README.md", line=3), "evidence", family)


def verdict(*findings: Finding, config: GuardrailConfig | None = None, **kw: object) -> Verdict:
    ev = Evidence(target="org/data", findings=findings, **kw)  # type: ignore[arg-type]
    return decide(ev, config or GuardrailConfig(), TODAY).verdict


@pytest.mark.parametrize(
    ("findings", "expected"),
    [
        ((), Verdict.PASS),
        ((finding(severity=Severity.LOW),), Verdict.WARN),
        ((finding(severity=Severity.MEDIUM),), Verdict.WARN),
        ((finding(severity=Severity.HIGH),), Verdict.BLOCK),
        (
            (finding(severity=Severity.MEDIUM), finding("GR402", Severity.MEDIUM, Family.CARD_PROSE)),
            Verdict.WARN,
        ),
        (
            (finding(severity=Severity.MEDIUM), finding("GR405", Severity.MEDIUM, Family.RECORDS)),
            Verdict.BLOCK,
        ),
        ((finding(severity=Severity.MEDIUM), finding("GR002", Severity.MEDIUM, Family.INPUT)), Verdict.WARN),
    ],
)
def test_verdict_from_severities(findings: tuple[Finding, ...], expected: Verdict) -> None:
    assert verdict(*findings) is expected


def test_problem_is_error_and_block_wins_over_problem() -> None:
    problem = Problem("hub-gated", "gated", "log in")
    assert verdict(problems=(problem,)) is Verdict.ERROR
    assert verdict(finding(), problems=(problem,)) is Verdict.BLOCK


def test_allowlist_suppresses_with_reason_and_counts() -> None:
    config = GuardrailConfig(allow=(AllowEntry(reason="licensed from X", dataset="org/data"),))
    report = decide(Evidence(target="org/data", findings=(finding(),)), config, TODAY)
    assert report.verdict is Verdict.PASS
    assert report.suppressed[0].reason == "licensed from X"
    assert report.suppressed[0].by == "allowlist"


def test_allowlist_matches_revision_prefix() -> None:
    entry = AllowEntry(reason="r", dataset="org/data", revision="abc1234")
    ev = Evidence(target="org/data", findings=(finding(),), resolved={"commit": "abc1234deadbeef"})
    assert decide(ev, GuardrailConfig(allow=(entry,)), TODAY).verdict is Verdict.PASS
    other = Evidence(target="org/data", findings=(finding(),), resolved={"commit": "fff0000"})
    assert decide(other, GuardrailConfig(allow=(entry,)), TODAY).verdict is Verdict.BLOCK


def test_expired_entry_stops_suppressing_and_is_reported() -> None:
    entry = AllowEntry(reason="trial", dataset="org/data", expires=dt.date(2026, 1, 1))
    report = decide(
        Evidence(target="org/data", findings=(finding(),)), GuardrailConfig(allow=(entry,)), TODAY
    )
    assert report.verdict is Verdict.BLOCK
    assert any("expired on 2026-01-01" in n for n in report.notes)


def test_allowlist_limited_to_rules() -> None:
    entry = AllowEntry(reason="mention is about the company", dataset="org/data", rules=("GR202",))
    config = GuardrailConfig(allow=(entry,))
    assert verdict(finding("GR202", Severity.LOW), config=config) is Verdict.PASS
    assert verdict(finding("GR201"), config=config) is Verdict.BLOCK


def test_allowlist_by_path(tmp_path: Path) -> None:
    data = tmp_path / "corpus"
    data.mkdir()
    entry = AllowEntry(reason="synthetic", path=str(data))
    ev = Evidence(target=str(data / "README.md"), findings=(finding(),))
    assert decide(ev, GuardrailConfig(allow=(entry,)), TODAY).verdict is Verdict.PASS


def test_severity_override_off_and_raise() -> None:
    off = GuardrailConfig(severity={"GR201": "off"})
    report = decide(Evidence(target="t", findings=(finding(),)), off, TODAY)
    assert report.verdict is Verdict.PASS
    assert report.suppressed[0].by == "severity"
    raised = GuardrailConfig(severity={"GR202": "high"})
    assert verdict(finding("GR202", Severity.LOW), config=raised) is Verdict.BLOCK


def test_warnings_as_errors_for_named_configs() -> None:
    social = Finding("GR202", Severity.LOW, "m", Location(), "e", Family.CARD_PROSE, configs=("social",))
    assert verdict(social, config=GuardrailConfig(warnings_as_errors=("social",))) is Verdict.BLOCK
    assert verdict(social, config=GuardrailConfig(warnings_as_errors=("news",))) is Verdict.WARN
    assert verdict(social, config=GuardrailConfig(warnings_as_errors=True)) is Verdict.BLOCK


def test_allowlisted_problem_passes() -> None:
    config = GuardrailConfig(allow=(AllowEntry(reason="vetted offline copy", dataset="org/data"),))
    report = decide(Evidence(target="org/data", problems=(Problem("hub-gated", "gated"),)), config, TODAY)
    assert report.verdict is Verdict.PASS
    assert len(report.suppressed) == 1
