"""Issue 10, part A: tokens never reach a report, exception or audit record; an unreadable
config is one line naming it (exit 2), and a `ConfigError` from the loader hook."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from guardrail.config import GuardrailConfig, load_config
from guardrail.errors import ConfigError, HubAccessError
from guardrail.findings import Evidence, Problem, Report
from guardrail.integrations.transformers import audit
from guardrail.policy import decide
from guardrail.reporters import FORMATS, PLAIN

TOKEN_CHARS = st.text(
    alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", min_size=10, max_size=40
)
HOW = [
    "Authorization: Bearer {t}",
    '{{"authorization": "Bearer {t}"}}',
    "headers={{'Authorization': 'Bearer {t}'}}",
    "{t}",
]


def report_with(message: str) -> Report:
    evidence = Evidence(target="org/echo", problems=(Problem("hub-bad-response", message, "retry"),))
    return Report(targets=(decide(evidence, GuardrailConfig()),))


@settings(max_examples=40, deadline=None)
@given(secret=TOKEN_CHARS, how=st.sampled_from(HOW), before=st.text(max_size=30), after=st.text(max_size=30))
def test_no_hf_token_survives_into_any_format(secret: str, how: str, before: str, after: str) -> None:
    token = "hf_" + secret
    report = report_with(before + " " + how.format(t=token) + " " + after)
    for fmt in FORMATS.values():
        assert token not in fmt(report, PLAIN)
    assert token not in json.dumps(audit.build(report, [], GuardrailConfig()))


def test_the_token_in_use_is_masked_whatever_its_shape(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HF_TOKEN", "plain-secret-value-77")
    report = report_with("server said: you sent plain-secret-value-77")
    assert all("plain-secret-value-77" not in fmt(report, PLAIN) for fmt in FORMATS.values())
    error = HubAccessError("echo plain-secret-value-77", code="hub-bad-response")
    assert "plain-secret-value-77" not in str(error)


def test_the_audit_record_on_disk_is_masked(tmp_path: Path) -> None:
    token = "hf_AuditRecordSecret123456"
    record = audit.build(report_with(f"Authorization: Bearer {token}"), [], GuardrailConfig())
    record["note"] = f"extra {token}"  # even text added after construction
    path = audit.write(record, tmp_path)
    assert token not in path.read_text()


UNREADABLE = {
    "latin-1": "fail-open = false\n# caf\xe9 cr\xe8me\n".encode("latin-1"),
    "binary": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\xff\xfe",
    "utf-16": "fail-open = false\n".encode("utf-16"),
}


@pytest.mark.parametrize("raw", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_config_is_one_line_and_exit_2(tmp_path: Path, raw: bytes) -> None:
    cfg = tmp_path / "guardrail.toml"
    cfg.write_bytes(raw)
    card = tmp_path / "README.md"
    card.write_text("---\nlicense: mit\n---\n# Reviews\n")
    proc = subprocess.run(
        [sys.executable, "-m", "guardrail", "check", str(card)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert str(cfg) in lines[0]
    assert "Traceback" not in proc.stderr


@pytest.mark.parametrize("raw", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_an_unreadable_config_is_a_config_error_for_the_loader(tmp_path: Path, raw: bytes) -> None:
    (tmp_path / "guardrail.toml").write_bytes(raw)
    with pytest.raises(ConfigError, match=r"guardrail\.toml: not a UTF-8"):
        load_config(start=tmp_path)


def test_the_loader_hook_raises_config_error_not_unicode_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import guardrail

    (tmp_path / "guardrail.toml").write_bytes(UNREADABLE["latin-1"])
    data = tmp_path / "rows.jsonl"
    data.write_text('{"text": "a review of a kettle"}\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ConfigError, match=r"guardrail\.toml: not a UTF-8"):
        guardrail.load_dataset("json", data_files=str(data))
