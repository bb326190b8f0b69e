"""`guardrail.guard` in a plain PyTorch loop: blocked data never gets an optimizer step."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import datasets
import pytest
import torch
from tinylm import CLEAN, X_POSTS, build_model, same_weights
from torch.utils.data import DataLoader, IterableDataset

import guardrail
from guardrail.config import GuardrailConfig

pytestmark = pytest.mark.slow
BATCH = 4


class Rows(IterableDataset):  # type: ignore[misc, type-arg]
    """A plain torch stream of tokenised rows: nothing can be read up front."""

    def __init__(self, texts: list[str], tok: Any) -> None:
        self.texts, self.tok = texts, tok

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for text in self.texts:
            yield {"input_ids": self.tok(text, truncation=True, max_length=64)["input_ids"]}


def collate(tok: Any) -> Callable[[list[dict[str, Any]]], dict[str, torch.Tensor]]:
    def _collate(rows: list[dict[str, Any]]) -> dict[str, torch.Tensor]:
        return dict(tok.pad(rows, return_tensors="pt"))

    return _collate


def train(model: Any, loader: Any, seen: list[list[int]] | None = None) -> int:
    """A plain loop; returns the optimizer steps taken. `seen` gets each stepped row's input_ids."""
    opt = torch.optim.SGD(model.parameters(), lr=0.5)
    steps = 0
    for batch in loader:
        out = model(
            input_ids=batch["input_ids"], attention_mask=batch["attention_mask"], labels=batch["input_ids"]
        )
        out.loss.backward()
        opt.step()
        opt.zero_grad()
        steps += 1
        if seen is not None:
            seen.extend(batch["input_ids"].tolist())
    return steps


def test_a_blocked_batch_raises_before_any_step_on_it(tokenizer: Any) -> None:
    clean = CLEAN[: 2 * BATCH]  # two clean batches, then one holding X posts
    texts = clean + X_POSTS + CLEAN[:2]
    model = build_model(tokenizer)
    loader = guardrail.guard(
        DataLoader(Rows(texts, tokenizer), batch_size=BATCH, collate_fn=collate(tokenizer)),
        tokenizer,
        config=GuardrailConfig(),
    )
    seen: list[list[int]] = []
    with pytest.raises(guardrail.GuardrailViolation) as raised:
        train(model, loader, seen)
    assert "GR401" in str(raised.value) and "was not yielded" in str(raised.value)
    assert loader.batches_checked == 3
    # Two optimizer steps ran, both on clean rows; none on the batch holding the X posts.
    trained = tokenizer.batch_decode(seen, skip_special_tokens=True)
    assert trained == clean

    # The weights are exactly those of a run on the two clean batches alone.
    reference = build_model(tokenizer)
    steps = train(
        reference, DataLoader(Rows(clean, tokenizer), batch_size=BATCH, collate_fn=collate(tokenizer))
    )
    assert steps == 2
    assert same_weights(model.state_dict(), reference.state_dict())


def test_blocked_data_behind_the_loader_raises_before_iteration(tokenizer: Any) -> None:
    ds = datasets.Dataset.from_dict({"text": CLEAN + X_POSTS})
    tokenised = ds.map(lambda b: tokenizer(b["text"]), batched=True, remove_columns=["text"])
    loader = DataLoader(tokenised, batch_size=BATCH, collate_fn=collate(tokenizer))
    with pytest.raises(guardrail.GuardrailViolation) as raised:
        guardrail.guard(loader, tokenizer, config=GuardrailConfig())
    assert "behind the loader" in str(raised.value)


def test_token_ids_without_a_tokenizer_cannot_be_checked(tokenizer: Any) -> None:
    model = build_model(tokenizer)
    before = {k: v.clone() for k, v in model.state_dict().items()}
    loader = guardrail.guard(
        DataLoader(Rows(CLEAN, tokenizer), batch_size=BATCH, collate_fn=collate(tokenizer)),
        config=GuardrailConfig(),
    )
    with pytest.raises(guardrail.GuardrailViolation) as raised:
        train(model, loader)
    assert "cannot-decode" in str(raised.value) or "could not be checked" in str(raised.value)
    assert same_weights(before, model.state_dict())


def test_clean_data_trains_and_any_iterable_of_rows_is_guarded(tokenizer: Any) -> None:
    model = build_model(tokenizer)
    loader = guardrail.guard(
        DataLoader(Rows(CLEAN, tokenizer), batch_size=BATCH, collate_fn=collate(tokenizer)),
        tokenizer,
        config=GuardrailConfig(),
    )
    assert train(model, loader) == len(CLEAN) // BATCH
    assert loader.batches_checked == len(CLEAN) // BATCH
    # A map-style torch dataset is read up front; the wrapper keeps the loader's length.
    rows_ds = [dict(tokenizer(t)) for t in CLEAN]
    mapped = guardrail.guard(DataLoader(rows_ds, batch_size=BATCH, collate_fn=collate(tokenizer)), tokenizer)
    assert len(mapped) == len(CLEAN) // BATCH and mapped.summary is not None
    assert mapped.report.targets[0].verdict.value == "pass"

    rows = [{"text": t} for t in CLEAN] + [{"text": X_POSTS[0]}]
    yielded = []
    with pytest.raises(guardrail.GuardrailViolation):
        for row in guardrail.guard(iter(rows), config=GuardrailConfig()):
            yielded.append(row["text"])
    assert yielded == CLEAN


def test_the_new_names_and_the_cli_leave_torch_optional() -> None:
    import subprocess
    import sys

    code = (
        "import sys, guardrail; guardrail.guard; guardrail.scrub; guardrail.ScrubRefused; "
        "from guardrail.cli import main; import guardrail.cached_check, guardrail.integrations.datasets.scrub_source; "
        "heavy = [m for m in ('torch', 'transformers') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_an_accelerate_prepared_loader_is_guarded(tokenizer: Any) -> None:
    from accelerate import Accelerator

    accelerator = Accelerator(cpu=True)
    texts = CLEAN + X_POSTS
    ds = datasets.Dataset.from_dict({"text": texts}).map(
        lambda b: tokenizer(b["text"]), batched=True, remove_columns=["text"]
    )
    prepared = accelerator.prepare(DataLoader(ds, batch_size=BATCH, collate_fn=collate(tokenizer)))
    with pytest.raises(guardrail.GuardrailViolation):
        guardrail.guard(prepared, tokenizer, config=GuardrailConfig())

    clean = datasets.Dataset.from_dict({"text": CLEAN}).map(
        lambda b: tokenizer(b["text"]), batched=True, remove_columns=["text"]
    )
    model = build_model(tokenizer)
    loader = guardrail.guard(
        accelerator.prepare(DataLoader(clean, batch_size=BATCH, collate_fn=collate(tokenizer))), tokenizer
    )
    assert train(model, loader) == len(CLEAN) // BATCH == loader.batches_checked


def test_a_batch_it_cannot_read_is_not_a_pass() -> None:
    tensors = [(torch.zeros(2, 3), torch.ones(2))]  # a TensorDataset-style batch: no text, no input_ids
    with pytest.raises(guardrail.GuardrailViolation) as raised:
        list(guardrail.guard(tensors, config=GuardrailConfig()))
    assert "no-text-in-batch" in str(raised.value)
    # Failing open lets it through, as for every could-not-check result.
    assert len(list(guardrail.guard(tensors, config=GuardrailConfig(fail_open=True)))) == 1
