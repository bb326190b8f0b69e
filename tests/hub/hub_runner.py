"""Helpers shared by the Hub tests (a module of its own: every test folder has a `conftest`)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from hubserver import HubServer


@dataclass
class Run:
    code: int
    report: dict[str, Any]
    stderr: str

    def target(self, name: str) -> dict[str, Any]:
        return next(t for t in self.report["targets"] if t["target"] == name)


def hub_env(hub: HubServer, hf_home: Path, *, offline: bool = False, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGING"))}
    env.update(
        HF_ENDPOINT=hub.endpoint,
        HF_HOME=str(hf_home),
        HF_HUB_DISABLE_TELEMETRY="1",
        HF_DATASETS_DISABLE_PROGRESS_BARS="1",
        NO_COLOR="1",
    )
    if offline:
        env["HF_HUB_OFFLINE"] = "1"
    env.update(extra)
    return env
