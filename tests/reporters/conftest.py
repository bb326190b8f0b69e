from __future__ import annotations

from pathlib import Path

import pytest

from guardrail.config import GuardrailConfig
from guardrail.engine import check
from guardrail.findings import Report

CARDS = Path(__file__).parent.parent / "fixtures" / "cards"


@pytest.fixture
def report() -> Report:
    targets = [str(CARDS / n) for n in ("x_tweets.md", "clean.md", "mention.md")]
    return check(targets, GuardrailConfig())
