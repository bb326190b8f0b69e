"""File names and record values are untrusted: no report may act on them or fail to write them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from guardrail.cli import main
from guardrail.reporters.printable import json_safe, printable

# A name that is not UTF-8 (byte 0xFF), retitles the terminal (OSC 0) and clears it (CSI 2J).
HOSTILE_CARD = os.fsdecode(b"bad\xffname\x1b]0;pwned\x07\x1b[2J.md")
HOSTILE_DATA = os.fsdecode(b"d\xfe\x1b[31m\ninjected line") + "\u202e.jsonl"
CARD = "---\nlicense: mit\ntags: [twitter]\n---\n# Tweets\n"
ROW = '{"text": "see https://x.com/a/status/1234567890123456789 \\u001b[2J\\u001b]8;;http://evil\\u0007"}\n'


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    (tmp_path / HOSTILE_CARD).write_text(CARD)
    (tmp_path / HOSTILE_DATA).write_text(ROW * 3)
    return tmp_path


@pytest.mark.parametrize("fmt", ["text", "markdown"])
def test_human_reports_escape_controls_and_bytes_that_are_not_utf8(
    hostile: Path, fmt: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = main(
        ["check", str(hostile / HOSTILE_CARD), str(hostile / HOSTILE_DATA), "--format", fmt, "--no-cache"]
    )
    out = capsysbinary.readouterr().out.decode("utf-8")  # strict: no lone surrogate was written
    assert code == 1
    assert "\x1b" not in out and "\x07" not in out and "\u202e" not in out
    assert "bad\\xffname\\x1b]0;pwned\\x07\\x1b[2J.md" in out
    newline = "\\n" if fmt == "text" else " "  # a table cell is one line
    assert f"\\x1b[31m{newline}injected line\\u202e.jsonl" in out
    # A newline in a name never starts a report line of its own.
    assert not any(line.startswith("injected line") for line in out.splitlines())


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_machine_reports_keep_the_exact_name_as_valid_json(
    hostile: Path, fmt: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = main(["check", str(hostile / HOSTILE_CARD), "--format", fmt, "--no-cache"])
    raw = capsysbinary.readouterr().out
    doc = json.loads(raw.decode("utf-8"))
    assert code == 1
    if fmt == "json":
        assert doc["targets"][0]["target"] == str(hostile / HOSTILE_CARD)  # round-trips exactly
    else:
        assert doc["runs"][0]["results"]


def test_printable_names_each_kind_of_unsafe_character() -> None:
    assert printable("a\x1b[2Jb\x00\x9b\u2066c\n\t") == "a\\x1b[2Jb\\x00\\x9b\\u2066c\\n\\t"
    assert printable("line one\nline\x07 two", keep_newlines=True) == "line one\nline\\x07 two"
    assert printable(os.fsdecode(b"\xff\xfe")) == "\\xff\\xfe"
    assert printable("plain café 🐦 text") == "plain café 🐦 text"
    assert json.loads(json_safe(json.dumps({"k": "\udcff"}, ensure_ascii=False))) == {"k": "\udcff"}
