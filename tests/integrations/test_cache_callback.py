"""A second `trainer.train()` on the same data reuses the first one's scan."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import datasets
import pytest
from test_callback import tokenize, trainer
from tinylm import CLEAN, build_tokenizer

from guardrail.config import GuardrailConfig
from guardrail.integrations.transformers import GuardrailCallback

pytestmark = pytest.mark.slow


def test_second_train_skips_the_decode_and_scan(
    scans: list[int], tokenizer: Any, model: Any, tmp_path: Path
) -> None:
    ds = tokenize(datasets.Dataset.from_dict({"text": CLEAN * 2}), tokenizer)
    callback = GuardrailCallback(GuardrailConfig())
    t = trainer(model, tokenizer, ds, tmp_path / "a", callback)
    t.train()
    assert scans
    scans.clear()
    t.train()
    assert scans == [] and t.state.global_step == 2
    assert any("reused the scan cached" in n for tr in callback.report.targets for n in tr.notes)

    # Another tokenizer decodes the same IDs differently: its result is its own.
    other = build_tokenizer()
    other.add_tokens(["<extra>"])
    t2 = trainer(model, other, ds, tmp_path / "b", GuardrailCallback(GuardrailConfig()))
    t2.train()
    assert scans

    scans.clear()
    t3 = trainer(model, tokenizer, ds, tmp_path / "c", GuardrailCallback(GuardrailConfig(cache=False)))
    t3.train()
    assert scans
