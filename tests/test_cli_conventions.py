"""CI conventions of `guardrail check`: quiet, exit-zero, exclude, globs, baselines, colour,
one-line usage errors, and `guardrail rules` as JSON or for one rule."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from guardrail.cli import main, use_color

CARDS = Path(__file__).parent / "fixtures" / "cards"
X_LINE = '{"text": "look https://twitter.com/someone/status/1790000000000000001"}\n'
CLEAN_LINE = '{"text": "an ordinary sentence about tomatoes"}\n'


@pytest.fixture
def cards(tmp_path: Path) -> Path:
    for name in ("x_tweets.md", "clean.md"):
        shutil.copy(CARDS / name, tmp_path / name)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_quiet_prints_nothing_when_everything_passes(cards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "-q", str(cards / "clean.md"))
    assert (code, out) == (0, "")
    code, out, _ = run(capsys, "check", "--quiet", str(cards / "clean.md"), str(cards / "x_tweets.md"))
    assert code == 1
    assert "x_tweets.md" in out and "clean.md" not in out


def test_exit_zero_reports_but_does_not_fail(cards: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "check", "--exit-zero", str(cards / "x_tweets.md"))
    assert code == 0 and "BLOCK" in out


def test_glob_targets_are_expanded_by_guardrail(
    cards: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(cards)
    code, out, _ = run(capsys, "check", "--format", "json", "*.md")
    assert code == 1
    assert sorted(t["target"] for t in json.loads(out)["targets"]) == ["clean.md", "x_tweets.md"]
    code, _, err = run(capsys, "check", "nothing/*.jsonl")
    assert code == 2 and "nothing/*.jsonl" in err and err.count("\n") == 1


def test_exclude_skips_targets_and_folder_files(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "data"
    (data / "raw").mkdir(parents=True)
    (data / "clean.jsonl").write_text(CLEAN_LINE * 3)
    (data / "raw" / "tweets.jsonl").write_text(X_LINE * 3)
    monkeypatch.chdir(tmp_path)
    assert run(capsys, "check", "data")[0] == 1
    assert run(capsys, "check", "--exclude", "raw", "data")[0] == 0
    assert run(capsys, "check", "--exclude", "*/raw/*", "data/*/*.jsonl", "data/*.jsonl")[0] == 0
    (tmp_path / "guardrail.toml").write_text('exclude = ["data/raw/**"]\n')
    assert run(capsys, "check", "data")[0] == 0
    code, _, err = run(capsys, "check", "--exclude", "*.jsonl", "data/clean.jsonl")
    assert code == 2 and "excluded" in err


def test_baseline_accepts_known_findings_and_fails_on_new_ones(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    data = Path("data.jsonl")
    data.write_text(CLEAN_LINE + X_LINE)
    code, _, _ = run(capsys, "check", "--write-baseline", "baseline.json", str(data))
    baseline = json.loads(Path("baseline.json").read_text())
    assert baseline["format"] == "guardrail-baseline/v1"
    assert {e["rule_id"] for e in baseline["results"]} == {"GR401"}

    code, out, _ = run(capsys, "check", "--baseline", "baseline.json", "--format", "json", str(data))
    doc = json.loads(out)
    assert code == 0
    assert doc["targets"][0]["findings"] == []
    assert [s["by"] for s in doc["targets"][0]["suppressed"]] == ["baseline"]

    data.write_text(CLEAN_LINE + X_LINE + '{"text": "new https://t.co/AbCdEf1234"}\n')
    code, out, _ = run(capsys, "check", "--baseline", "baseline.json", "--format", "json", str(data))
    assert code == 1
    assert [f["rule_id"] for f in json.loads(out)["targets"][0]["findings"]] == ["GR402"]

    data.write_text(CLEAN_LINE)
    code, out, _ = run(capsys, "check", "--baseline", "baseline.json", str(data))
    assert code == 0 and "baseline entry no longer found: GR401" in out
    code, out, _ = run(capsys, "check", "--baseline", "baseline.json", "--format", "json", str(data))
    assert [e["rule_id"] for e in json.loads(out)["stale_baseline"]] == ["GR401"]


def test_a_baseline_never_hides_what_could_not_be_checked(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("broken.parquet").write_bytes(b"PAR1 this is not parquet")
    run(capsys, "check", "--write-baseline", "baseline.json", "broken.parquet")
    assert json.loads(Path("baseline.json").read_text())["results"] == []
    assert run(capsys, "check", "--baseline", "baseline.json", "broken.parquet")[0] == 1


def test_a_bad_baseline_file_is_one_usage_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("b.json").write_text('{"results": []}')
    code, _, err = run(capsys, "check", "--baseline", "b.json", str(CARDS / "clean.md"))
    assert code == 2 and "b.json" in err and "not a guardrail baseline" in err and err.count("\n") == 1


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["check", "--format", "yaml", "x.md"], "invalid choice: 'yaml'"),
        (["check", "--bogus", "x.md"], "unrecognized arguments: --bogus"),
        (["rules", "--bogus"], "unrecognized arguments: --bogus"),
    ],
)
def test_usage_errors_are_one_line_naming_the_subcommand(
    args: list[str], needle: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert err.count("\n") == 1
    assert err.startswith(f"guardrail {args[0]}: error: ") and needle in err
    assert f"usage: guardrail {args[0]} " in err


@pytest.mark.parametrize(
    ("choice", "tty", "env", "expected"),
    [
        ("auto", True, {}, True),
        ("auto", False, {}, False),
        ("auto", True, {"NO_COLOR": "1"}, False),
        ("auto", False, {"FORCE_COLOR": "1"}, True),
        ("auto", True, {"FORCE_COLOR": "0"}, True),
        ("auto", True, {"TERM": "dumb"}, False),
        ("auto", True, {"NO_COLOR": "1", "FORCE_COLOR": "1"}, False),
        ("always", False, {"NO_COLOR": "1"}, True),
        ("never", True, {"FORCE_COLOR": "1"}, False),
    ],
)
def test_colour_follows_flag_then_environment(
    choice: str, tty: bool, env: dict[str, str], expected: bool
) -> None:
    assert use_color(choice, tty, env) is expected


def test_force_color_colours_a_pipe(
    cards: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")
    monkeypatch.delenv("NO_COLOR", raising=False)
    _, out, _ = run(capsys, "check", str(cards / "x_tweets.md"))
    assert "\033[1;31mBLOCK" in out


def test_rules_as_json_and_one_rule_explained(capsys: pytest.CaptureFixture[str]) -> None:
    from guardrail.detectors import RULES

    code, out, _ = run(capsys, "rules", "--format", "json")
    listed = json.loads(out)
    assert code == 0 and [r["rule_id"] for r in listed] == sorted(RULES)
    assert all(r["example"] and r["suppress"] for r in listed)
    code, out, _ = run(capsys, "rules", "gr201")
    assert code == 0
    assert out.startswith("GR201 prose-x-provenance")
    assert "Example that triggers it" in out and "To suppress it" in out and 'rules = ["GR201"]' in out
    code, _, err = run(capsys, "rules", "GR999")
    assert code == 2 and "GR999" in err
