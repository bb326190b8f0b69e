"""The fake Hub and a runner that checks targets against it in a fresh interpreter.

`huggingface_hub` and `datasets` read HF_ENDPOINT and HF_HUB_OFFLINE once, at import; the
test process has already imported them offline (tests/conftest.py). So every check that
talks to the fake Hub runs `python -m guardrail` in a subprocess whose environment is set
before anything is imported. Nothing here can reach huggingface.co: HF_ENDPOINT always
points at 127.0.0.1, and HF_HOME is a fresh temp dir unless a test shares one on purpose.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from hub_repos import fake_repos
from hub_runner import Run, hub_env
from hubserver import HubServer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session")
def hub() -> Iterator[HubServer]:
    with HubServer(fake_repos()) as server:
        yield server


@pytest.fixture
def check_hub(hub: HubServer, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Run `guardrail check --format json` against the fake Hub; returns a `Run`."""

    def _run(
        *targets: str,
        config: str = "",
        args: tuple[str, ...] = (),
        hf_home: Path | None = None,
        offline: bool = False,
        hub_timeout: float = 1,
        **env: str,
    ) -> Run:
        cfg = tmp_path / "guardrail.toml"
        cfg.write_text(f"hub-timeout = {hub_timeout}\n" + config)
        proc = subprocess.run(
            [sys.executable, "-m", "guardrail", "check", "--format", "json", "-c", str(cfg), *args, *targets],
            env=hub_env(hub, hf_home or tmp_path / "hf", offline=offline, **env),
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=120,
        )
        report = json.loads(proc.stdout) if proc.stdout.strip() else {}
        return Run(proc.returncode, report, proc.stderr)

    return _run
