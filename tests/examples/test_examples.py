"""Every example script runs, offline, and shows what it promises."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.slow


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
    # The CLI the shell example calls is the one installed next to this interpreter.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        list(args), capture_output=True, text=True, timeout=300, cwd=cwd, env=env, check=False
    )


def test_demo_blocks_x_data_and_trains_clean_data() -> None:
    done = run(sys.executable, str(EXAMPLES / "demo.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAILED" not in done.stdout
    for line in (
        "stopped at global step 0",
        "model weights unchanged",
        "load_dataset refuses x_posts",
        "trained 5 steps",
    ):
        assert line in done.stdout


def test_trainer_callback_example(tmp_path: Path) -> None:
    blocked = run(
        sys.executable,
        str(EXAMPLES / "trainer_callback.py"),
        str(EXAMPLES / "data" / "x_posts"),
        str(tmp_path / "a"),
    )
    assert blocked.returncode == 1, blocked.stderr
    assert "training stopped at global step 0; weights unchanged: True" in blocked.stdout
    clean = run(
        sys.executable,
        str(EXAMPLES / "trainer_callback.py"),
        str(EXAMPLES / "data" / "garden_notes"),
        str(tmp_path / "b"),
    )
    assert clean.returncode == 0, clean.stderr
    assert (
        json.loads((tmp_path / "b" / "guardrail-audit.json").read_text(encoding="utf-8"))["verdict"] == "pass"
    )


def test_load_dataset_hook_example() -> None:
    done = run(sys.executable, str(EXAMPLES / "load_dataset_hook.py"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "x_posts refused" in done.stdout and "streamed 96 rows" in done.stdout


@pytest.mark.skipif(shutil.which("sh") is None, reason="needs a POSIX shell")
def test_ci_check_example(tmp_path: Path) -> None:
    clean = run("sh", str(EXAMPLES / "ci_check.sh"), cwd=tmp_path)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    report = json.loads((tmp_path / "guardrail-report.json").read_text(encoding="utf-8"))
    assert report["targets"][0]["verdict"] == "pass"
    blocked = run("sh", str(EXAMPLES / "ci_check.sh"), str(EXAMPLES / "data" / "x_posts"), cwd=tmp_path)
    assert blocked.returncode == 1
    assert "GR401" in blocked.stdout
