"""Every example script runs, offline, and shows what it promises.

The Python examples run in this process, as `python examples/NAME.py` would run them
(`__main__`, their own argv, stdout captured, exit status from `sys.exit`): the test process
has torch, transformers and datasets imported already, and a fresh interpreter per example
spent most of its time importing them again. The shell example runs as a real subprocess.
"""

from __future__ import annotations

import json
import os
import runpy
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
pytestmark = pytest.mark.slow


@dataclass(frozen=True)
class Done:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def example(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):  # type: ignore[no-untyped-def]
    """Run `examples/NAME.py ARGS...` as its `__main__`, in this process."""

    def _run(name: str, *args: str) -> Done:
        monkeypatch.setenv("HF_HUB_OFFLINE", "1")
        monkeypatch.setenv("HF_HUB_DISABLE_TELEMETRY", "1")
        monkeypatch.setattr(sys, "argv", [str(EXAMPLES / name), *args])
        monkeypatch.syspath_prepend(str(EXAMPLES))  # `import _tiny`, as when run from examples/
        capsys.readouterr()
        try:
            runpy.run_path(str(EXAMPLES / name), run_name="__main__")
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        out = capsys.readouterr()
        return Done(code, out.out, out.err)

    return _run


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "HF_HUB_DISABLE_TELEMETRY": "1"}
    # The CLI the shell example calls is the one installed next to this interpreter.
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env.get('PATH', '')}"
    return subprocess.run(
        list(args), capture_output=True, text=True, timeout=300, cwd=cwd, env=env, check=False
    )


def test_demo_blocks_x_data_and_trains_clean_data(example) -> None:  # type: ignore[no-untyped-def]
    done = example("demo.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "FAILED" not in done.stdout
    for line in (
        "stopped at global step 0",
        "model weights unchanged",
        "load_dataset refuses x_posts",
        "trained 5 steps",
    ):
        assert line in done.stdout


def test_trainer_callback_example(example, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    blocked = example("trainer_callback.py", str(EXAMPLES / "data" / "x_posts"), str(tmp_path / "a"))
    assert blocked.returncode == 1, blocked.stderr
    assert "training stopped at global step 0; weights unchanged: True" in blocked.stdout
    clean = example("trainer_callback.py", str(EXAMPLES / "data" / "garden_notes"), str(tmp_path / "b"))
    assert clean.returncode == 0, clean.stderr
    assert (
        json.loads((tmp_path / "b" / "guardrail-audit.json").read_text(encoding="utf-8"))["verdict"] == "pass"
    )


def test_load_dataset_hook_example(example) -> None:  # type: ignore[no-untyped-def]
    done = example("load_dataset_hook.py")
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
