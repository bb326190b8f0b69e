"""Reporters are pure functions of a report; their output is parsed back."""

from __future__ import annotations

import json

from guardrail.detectors import RULES
from guardrail.findings import Report
from guardrail.reporters import (
    FORMATS,
    ReportOptions,
    format_json,
    format_markdown,
    format_sarif,
    format_text,
)


def test_registry_lists_every_format() -> None:
    assert set(FORMATS) == {"text", "json", "sarif", "markdown"}


def test_json_contract(report: Report) -> None:
    doc = json.loads(format_json(report))
    assert doc["guardrail_version"] == report.guardrail_version
    verdicts = [t["verdict"] for t in doc["targets"]]
    assert verdicts == ["block", "pass", "warn"]
    assert doc["targets"][0]["target"] == report.targets[0].target
    for target in doc["targets"]:
        for f in target["findings"]:
            assert {"rule_id", "severity", "message", "location", "evidence"} <= set(f)
            assert f["rule_id"] in RULES
    first = doc["targets"][0]["findings"][0]
    assert first["location"]["line"] >= 1
    assert doc["summary"]["block"] == 1


def test_sarif_parses_back_with_rules_and_lines(report: Report) -> None:
    doc = json.loads(format_sarif(report))
    assert doc["version"] == "2.1.0"
    run = doc["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == [*sorted(RULES), "could-not-check"]
    blocked = report.targets[0]
    assert len(run["results"]) == sum(len(t.findings) for t in report.targets)
    result = run["results"][0]
    assert rules[result["ruleIndex"]]["id"] == result["ruleId"] == blocked.findings[0].rule_id
    assert result["level"] == "error"
    region = result["locations"][0]["physicalLocation"]["region"]
    assert region["startLine"] == blocked.findings[0].location.line
    uri = result["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
    assert uri.endswith("x_tweets.md")


def test_markdown_table_has_a_row_per_target(report: Report) -> None:
    text = format_markdown(report)
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    assert len(rows) == len(report.targets)
    assert "⛔ block" in rows[0] and "✅ pass" in rows[1] and "⚠️ warn" in rows[2]
    assert "1 of 3 target(s) blocked" in text


def test_text_shows_evidence_and_colour_only_when_asked(report: Report) -> None:
    plain = format_text(report)
    assert "\033[" not in plain
    assert "x_tweets.md, line 3" in plain  # the licence_name line
    assert "evidence:" in plain and "Blocked:" in plain
    assert "\033[1;31mBLOCK" in format_text(report, ReportOptions(color=True))


def test_text_footer_separates_blocked_from_unchecked() -> None:
    from guardrail.findings import Problem, TargetReport, Verdict

    unchecked = TargetReport("org/gated", Verdict.ERROR, problems=(Problem("hub-gated", "gated", "log in"),))
    closed = format_text(Report(targets=(unchecked,)))
    assert "Blocked: X" not in closed
    assert "1 target(s) could not be checked and are treated as blocked" in closed
    assert "reported only (failing open)" in format_text(Report(targets=(unchecked,), fail_open=True))
