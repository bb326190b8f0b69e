"""Shared fixtures. Every test runs with HF caches inside a temp dir and the Hub offline,
so nothing is read from or written to the user's cache and nothing reaches the network."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

# Set before any HF library is imported (they read these at import time).
_HF_HOME = tempfile.mkdtemp(prefix="guardrail-tests-hf-")
atexit.register(shutil.rmtree, _HF_HOME, ignore_errors=True)  # leave no cache behind
os.environ["HF_HOME"] = _HF_HOME
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ["HF_HUB_DISABLE_TELEMETRY"] = "1"
os.environ["HF_DATASETS_DISABLE_PROGRESS_BARS"] = "1"
os.environ["TOKENIZERS_PARALLELISM"] = "false"

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixtures() -> Path:
    return FIXTURES


@pytest.fixture
def write_card(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Write card text to a README.md in a fresh folder and return its path."""

    def _write(text: str | bytes, name: str = "README.md") -> Path:
        path = tmp_path / name
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        return path

    return _write


@pytest.fixture
def scans(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):  # type: ignore[no-untyped-def]
    """Counts record batches actually scanned (or counted unparsed by the prefilter), with a fresh HF_HOME (so a fresh check cache)."""
    from guardrail.scan.scanner import RecordScanner

    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    calls: list[int] = []
    original = RecordScanner.scan_batch

    def counting(self: RecordScanner, batch: object, **kw: object) -> None:
        calls.append(1)
        original(self, batch, **kw)  # type: ignore[arg-type]

    # A prefiltered line file counts the rows it need not parse: that is scanning too.
    original_count = RecordScanner.count_rows

    def counting_rows(self: RecordScanner, n: int, nbytes: int, **kw: object) -> None:
        calls.append(1)
        original_count(self, n, nbytes, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(RecordScanner, "scan_batch", counting)
    monkeypatch.setattr(RecordScanner, "count_rows", counting_rows)
    return calls
