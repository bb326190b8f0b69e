"""guardrail passes its own pre-commit hooks: each hook of .pre-commit-config.yaml runs, as
pre-commit would run it, on the repository's tracked files that the hook selects."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).parent.parent
HOOKS = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text())["repos"][0]["hooks"]


def _tracked() -> list[str]:
    out = subprocess.run(["git", "ls-files"], cwd=ROOT, capture_output=True, text=True)
    if out.returncode != 0:
        pytest.skip("not a git checkout")
    return out.stdout.splitlines()


@pytest.mark.parametrize("hook", HOOKS, ids=[h["id"] for h in HOOKS])
def test_the_repository_passes_its_own_hook(hook: dict[str, str]) -> None:
    files = [
        f
        for f in _tracked()
        if re.search(hook["files"], f) and not (hook.get("exclude") and re.search(hook["exclude"], f))
    ]
    assert "README.md" in files or hook["id"] != "guardrail"
    entry = hook["entry"].split()
    exe = str(Path(sys.executable).parent / entry[0])
    result = subprocess.run([exe, *entry[1:], *files], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
