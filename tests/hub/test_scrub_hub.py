"""`guardrail scrub` on a Hub dataset ID, against the fake Hub (a fresh interpreter per run)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hub_runner import hub_env
from hubserver import HubServer

pytestmark = pytest.mark.slow


def scrub(hub: HubServer, tmp_path: Path, *args: str) -> subprocess.CompletedProcess[str]:
    cfg = tmp_path / "guardrail.toml"
    cfg.write_text("hub-timeout = 5\n")
    return subprocess.run(
        [sys.executable, "-m", "guardrail", "scrub", "-c", str(cfg), "--format", "json", *args],
        env=hub_env(hub, tmp_path / "hf"),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )


def test_scrub_a_hub_dataset_then_check_passes(hub: HubServer, tmp_path: Path) -> None:
    out = tmp_path / "out"
    done = scrub(hub, tmp_path, "org/clean-rows-x", str(out))
    assert done.returncode == 0, done.stderr
    summary = json.loads(done.stdout)
    assert summary["rows_scanned"] == 40 and summary["rows_dropped"] == 40  # every row links a post
    assert len((out / ".guardrail-exclusions.jsonl").read_text(encoding="utf-8").splitlines()) == 40
    check = subprocess.run(
        [sys.executable, "-m", "guardrail", "check", "--format", "json", str(out)],
        env=hub_env(hub, tmp_path / "hf", offline=True),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_a_hub_card_that_says_x_is_refused(hub: HubServer, tmp_path: Path) -> None:
    done = scrub(hub, tmp_path, "org/x-holding", str(tmp_path / "out"))
    assert done.returncode == 1
    assert "GR201" in done.stderr and "where the data came from" in done.stderr
    assert not (tmp_path / "out").exists()
