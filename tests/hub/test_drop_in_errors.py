"""`guardrail.load_dataset` raises what `datasets.load_dataset` raises when the Hub cannot be
read, so `except ConnectionError` / `except DatasetNotFoundError` code keeps working."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = """
import sys
import datasets
import guardrail
from datasets.exceptions import DatasetNotFoundError
from guardrail.config import GuardrailConfig
from guardrail.errors import GuardrailViolation

config = GuardrailConfig(hub_timeout=1)
for repo in sys.argv[1:]:
    try:
        datasets.load_dataset(repo, split="train")
        theirs = None
    except Exception as exc:
        theirs = exc
    try:
        guardrail.load_dataset(repo, split="train", guardrail_config=config)
        ours = None
    except Exception as exc:
        ours = exc
    kinds = [k.__name__ for k in (ConnectionError, DatasetNotFoundError) if isinstance(theirs, k)]
    print(
        repo,
        type(theirs).__name__,
        ",".join(kinds) or "-",
        isinstance(ours, GuardrailViolation),
        all(isinstance(ours, k) for k in (ConnectionError, DatasetNotFoundError) if isinstance(theirs, k)),
        isinstance(ours, OSError),
        str(ours).startswith("guardrail blocked"),
    )
"""


def _run(hub, tmp_path: Path, *repos: str, offline: bool = False) -> list[list[str]]:  # type: ignore[no-untyped-def]
    from hub_runner import hub_env

    proc = subprocess.run(
        [sys.executable, "-c", SCRIPT, *repos],
        env=hub_env(hub, tmp_path / "hf", offline=offline),
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [line.split() for line in proc.stdout.splitlines()]


@pytest.mark.slow
def test_unreadable_hub_repos_raise_the_datasets_error_too(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = _run(hub, tmp_path, "org/gated", "org/no-such-repo")
    assert [r[2] for r in rows] == ["DatasetNotFoundError", "DatasetNotFoundError"]
    assert all(r[3:] == ["True", "True", "True", "True"] for r in rows), rows


@pytest.mark.slow
def test_offline_without_a_cache_raises_connection_error_too(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = _run(hub, tmp_path, "org/clean", offline=True)
    assert rows[0][2] == "ConnectionError"
    assert rows[0][3:] == ["True", "True", "True", "True"], rows


@pytest.mark.slow
def test_blocked_content_stays_a_plain_violation(hub, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    rows = _run(hub, tmp_path, "org/x-holding")
    assert rows[0][1] == "NoneType"  # datasets loads it; guardrail blocks it
    assert rows[0][3] == "True" and rows[0][5] == "False"
