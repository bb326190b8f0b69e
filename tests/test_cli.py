"""The CLI contract (design.md §5): formats, output files, exit codes, hooks and action."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
CARDS = Path(__file__).parent / "fixtures" / "cards"
X_CARD, CLEAN_CARD = str(CARDS / "x_tweets.md"), str(CARDS / "clean.md")
GUARDRAIL = str(Path(sys.executable).parent / "guardrail")


def run(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "guardrail", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
    )


def test_exit_codes_follow_the_contract(tmp_path: Path) -> None:
    assert run("check", CLEAN_CARD, cwd=tmp_path).returncode == 0
    assert run("check", X_CARD, CLEAN_CARD, cwd=tmp_path).returncode == 1
    missing = run("check", "no/such/card.md", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip().count("\n") == 0
    assert "no/such/card.md" in missing.stderr
    assert "Traceback" not in missing.stderr


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("check", cwd=tmp_path).returncode == 2
    assert run("check", "--format", "xml", CLEAN_CARD, cwd=tmp_path).returncode == 2
    assert run("check", "--report", "sarif", CLEAN_CARD, cwd=tmp_path).returncode == 2
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    bad = run("check", str(tmp_path / "image.png"), cwd=tmp_path)
    assert bad.returncode == 2 and "unsupported file type" in bad.stderr


def test_bad_config_exits_2_naming_the_key(tmp_path: Path) -> None:
    (tmp_path / "guardrail.toml").write_text("fail_open = true\n")
    result = run("check", CLEAN_CARD, cwd=tmp_path)
    assert result.returncode == 2
    assert "'fail_open'" in result.stderr and "guardrail.toml" in result.stderr


def test_json_echoes_targets_as_given(tmp_path: Path) -> None:
    result = run("check", "--format", "json", X_CARD, CLEAN_CARD, cwd=tmp_path)
    doc = json.loads(result.stdout)
    assert [t["target"] for t in doc["targets"]] == [X_CARD, CLEAN_CARD]
    assert [t["verdict"] for t in doc["targets"]] == ["block", "pass"]


def test_console_script_matches_python_m(tmp_path: Path) -> None:
    via_module = run("check", "--format", "json", X_CARD, cwd=tmp_path)
    via_script = subprocess.run(
        [GUARDRAIL, "check", "--format", "json", X_CARD], capture_output=True, text=True, cwd=tmp_path
    )
    assert via_script.returncode == via_module.returncode == 1
    assert json.loads(via_script.stdout) == json.loads(via_module.stdout)


def test_output_and_extra_reports(tmp_path: Path) -> None:
    result = run(
        "check",
        "--format",
        "markdown",
        "--output",
        str(tmp_path / "summary.md"),
        "--report",
        f"sarif={tmp_path / 'out.sarif'}",
        X_CARD,
        cwd=tmp_path,
    )
    assert result.returncode == 1
    assert result.stdout == ""
    assert "| Target | Verdict |" in (tmp_path / "summary.md").read_text()
    assert json.loads((tmp_path / "out.sarif").read_text())["version"] == "2.1.0"


def test_allowlist_in_pyproject_passes_and_counts_suppressed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        f'[tool.guardrail]\n[[tool.guardrail.allow]]\npath = "{X_CARD}"\nreason = "licensed from X for research"\n'
    )
    result = run("check", X_CARD, cwd=tmp_path)
    assert result.returncode == 0, result.stdout
    assert "suppressed" in result.stdout and "licensed from X for research" in result.stdout


def test_unreadable_card_fails_closed_unless_fail_open(tmp_path: Path) -> None:
    card = tmp_path / "README.md"
    card.write_bytes(b"\x00\x01binary")
    closed = run("check", "--format", "json", str(card), cwd=tmp_path)
    assert closed.returncode == 1
    assert json.loads(closed.stdout)["targets"][0]["verdict"] == "error"
    assert run("check", "--fail-open", str(card), cwd=tmp_path).returncode == 0


def test_folder_with_card(tmp_path: Path) -> None:
    folder = tmp_path / "ds"
    folder.mkdir()
    (folder / "README.md").write_text((CARDS / "x_tweets.md").read_text())
    result = run("check", "--format", "json", str(folder), cwd=tmp_path)
    assert result.returncode == 1
    finding = json.loads(result.stdout)["targets"][0]["findings"][0]
    assert finding["location"]["path"].endswith("README.md")


def test_rules_lists_every_rule() -> None:
    from guardrail.detectors import RULES

    result = run("rules")
    assert result.returncode == 0
    assert [line.split()[0] for line in result.stdout.splitlines()] == sorted(RULES)


@pytest.mark.parametrize(("card", "expected"), [(CLEAN_CARD, 0), (X_CARD, 1)])
def test_pre_commit_hook_entry(tmp_path: Path, card: str, expected: int) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text())
    hook = next(h for h in hooks if h["id"] == "guardrail")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text(Path(card).read_text())
    import re

    assert re.search(hook["files"], "README.md") and re.search(hook["files"], "sub/README.md")
    entry = hook["entry"].split()
    exe = str(Path(sys.executable).parent / entry[0])
    result = subprocess.run([exe, *entry[1:], "README.md"], capture_output=True, text=True, cwd=repo)
    assert result.returncode == expected, result.stdout + result.stderr


@pytest.mark.parametrize(
    ("card", "expected", "targets"),
    [(CLEAN_CARD, 0, "README.md"), (X_CARD, 1, "README.md"), (X_CARD, 1, "*.md")],
)
def test_action_check_step(tmp_path: Path, card: str, expected: int, targets: str) -> None:
    action = yaml.safe_load((ROOT / "action.yml").read_text())
    step = next(s for s in action["runs"]["steps"] if s.get("id") == "check")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "README.md").write_text(Path(card).read_text())
    summary, output = tmp_path / "summary.md", tmp_path / "output.txt"
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "GUARDRAIL_TARGETS": targets,  # the action passes patterns through unexpanded
        "GUARDRAIL_CONFIG": "",
        "GUARDRAIL_SARIF": "guardrail.sarif",
        "GUARDRAIL_FAIL_OPEN": "false",
        "RUNNER_TEMP": str(tmp_path),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_OUTPUT": str(output),
    }
    result = subprocess.run(["bash", "-c", step["run"]], capture_output=True, text=True, cwd=repo, env=env)
    assert result.returncode == expected, result.stdout + result.stderr
    assert "| `README.md` |" in summary.read_text()
    sarif = json.loads((repo / "guardrail.sarif").read_text())
    assert len(sarif["runs"][0]["results"]) >= expected
    assert f"exit-code={expected}" in output.read_text()


def test_kb_lists_and_searches_the_knowledge_base_with_sources(tmp_path: Path) -> None:
    everything = run("kb", cwd=tmp_path)
    assert everything.returncode == 0
    assert everything.stdout.startswith("guardrail knowledge base v")
    assert everything.stdout.count("    source:   ") >= 17
    one = run("kb", "tweet_eval", cwd=tmp_path)
    assert "cardiffnlp/tweet_eval" in one.stdout and "arXiv:2010.12421" in one.stdout
    assert "x_datasets.toml:" in one.stdout
    none = run("kb", "no-such-dataset-zzz", cwd=tmp_path)
    assert none.returncode == 0 and "No entry matches" in none.stdout


def test_kb_json_includes_the_configurations_own_entries(tmp_path: Path) -> None:
    (tmp_path / "guardrail.toml").write_text(
        '[[known-x-datasets]]\ndataset = "acme/chirps"\nevidence = "Our scrape of X posts."\n'
        'source = "internal audit 2025"\n',
        encoding="utf-8",
    )
    doc = json.loads(run("kb", "--format", "json", "chirps", cwd=tmp_path).stdout)
    assert doc["matched"] == 1 and doc["total"] > doc["matched"]
    (entry,) = doc["entries"]
    assert (entry["name"], entry["kind"], entry["source"]) == ("acme/chirps", "user", "internal audit 2025")
    assert entry["file"].endswith("guardrail.toml")


def test_help_lists_the_kb_command() -> None:
    assert "kb" in run("--help").stdout


_SETTINGS = "import gc, os; import guardrail.cli as c; c.main = lambda: 0; c.console(); "


@pytest.mark.parametrize("given", [None, "4"])
def test_the_command_quiets_openblas_threads_unless_the_user_set_them(given: str | None) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("OPENBLAS_NUM_THREADS", "MIMALLOC_PURGE_DELAY")}
    if given is not None:
        env["OPENBLAS_NUM_THREADS"] = given
    code = (
        _SETTINGS
        + "print(os.environ['OPENBLAS_NUM_THREADS'], os.environ['MIMALLOC_PURGE_DELAY'], gc.get_threshold()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
    assert out.stdout.split() == [given or "1", "10", "200000"]


def test_the_installed_command_and_python_m_run_the_same_entry() -> None:
    from importlib.metadata import entry_points

    (script,) = entry_points(group="console_scripts", name="guardrail")
    assert script.load() is __import__("guardrail.cli").cli.console
    assert "console()" in (ROOT / "guardrail" / "__main__.py").read_text()


def test_arrow_allocator_takes_the_purge_delay_the_command_sets() -> None:
    pa = pytest.importorskip("pyarrow")
    if pa.default_memory_pool().backend_name != "mimalloc":
        pytest.skip("pyarrow's default pool here is not mimalloc")
    env = {k: v for k, v in os.environ.items() if k != "MIMALLOC_PURGE_DELAY"}
    code = _SETTINGS + "import pyarrow; pyarrow.allocate_buffer(1)"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**env, "MIMALLOC_VERBOSE": "1"}
    )
    assert "option 'purge_delay': 10 " in out.stderr


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_a_report_that_cannot_be_written_to_stdout_is_named_not_a_traceback() -> None:
    with open("/dev/full", "w") as full:
        result = subprocess.run(
            [sys.executable, "-m", "guardrail", "check", str(CARDS / "x_tweets.md"), "--no-cache"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
        )
    assert result.returncode == 2
    assert (
        result.stderr
        == "guardrail: error: cannot write the report to standard output: No space left on device\n"
    )


def test_a_closed_pipe_keeps_the_verdict_as_exit_code() -> None:
    cmd = [sys.executable, "-m", "guardrail", "check", str(CARDS / "x_tweets.md"), "--no-cache"]
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "HF_HUB_OFFLINE": "1"}
    )
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the report is written
    err = proc.stderr.read().decode()
    assert proc.wait() == 1
    assert "Traceback" not in err and "Exception ignored" not in err
