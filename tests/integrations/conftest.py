"""Fixtures for the integration tests: a tiny model and tokenizer (see tinylm.py), dataset folders."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from tinylm import build_model, build_tokenizer


@pytest.fixture(scope="session")
def tokenizer() -> Any:
    return build_tokenizer()


@pytest.fixture
def model(tokenizer: Any) -> Any:
    return build_model(tokenizer)


@pytest.fixture
def snapshot() -> Callable[[Any], dict[str, Any]]:
    """Copy a model's parameters, to prove a blocked run left them untouched."""

    def _take(model: Any) -> dict[str, Any]:
        return {k: v.detach().clone() for k, v in model.state_dict().items()}

    return _take


@pytest.fixture
def write_folder(tmp_path: Path) -> Callable[..., Path]:
    """A local dataset folder: optional README.md card and a train.jsonl of `texts`."""

    def _write(texts: list[str], card: str | None = None, name: str = "ds") -> Path:
        folder = tmp_path / name
        folder.mkdir()
        if card is not None:
            (folder / "README.md").write_text(card, encoding="utf-8")
        with (folder / "train.jsonl").open("w", encoding="utf-8") as f:
            for text in texts:
                f.write(json.dumps({"text": text}) + "\n")
        return folder

    return _write
