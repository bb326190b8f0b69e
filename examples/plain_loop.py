"""Any loop: `guardrail.guard` checks a plain PyTorch training loop that no callback sees.

    python examples/plain_loop.py

Trains a tiny GPT-2 on `garden_notes` through `guardrail.guard(loader, tokenizer)`: every
batch is decoded and checked before the loop gets it. Then a stream that turns to X posts
half-way: the loop stops with `GuardrailViolation` before the first blocked batch reaches the
model, so no optimizer step ever includes it. Exit status 0 when both behave.
"""

from __future__ import annotations

import os
import sys

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the example needs no network
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import json
from collections.abc import Iterator
from typing import Any

import _tiny
import torch
from torch.utils.data import DataLoader, IterableDataset

import guardrail

BATCH = 8


class Rows(IterableDataset):  # type: ignore[type-arg]
    """Token IDs streamed from JSON Lines files, one file after another (no text kept)."""

    def __init__(self, tok: Any, *names: str) -> None:
        self.tok, self.names = tok, names

    def __iter__(self) -> Iterator[dict[str, Any]]:
        for name in self.names:
            for line in (_tiny.DATA / name / "train.jsonl").read_text(encoding="utf-8").splitlines():
                yield dict(self.tok(json.loads(line)["text"], truncation=True, max_length=64))


def train(model: Any, loader: Any) -> int:
    optimizer = torch.optim.AdamW(model.parameters(), lr=1e-3)
    steps = 0
    try:
        for batch in loader:
            loss = model(**batch, labels=batch["input_ids"]).loss
            loss.backward()
            optimizer.step()
            optimizer.zero_grad()
            steps += 1
    finally:
        print(f"  optimizer steps taken: {steps}")
    return steps


def main() -> int:
    tok = _tiny.tokenizer()
    collate = lambda rows: dict(tok.pad(rows, return_tensors="pt"))  # noqa: E731

    print("garden_notes through guardrail.guard:")
    model = _tiny.model(tok)
    clean = guardrail.guard(DataLoader(Rows(tok, "garden_notes"), batch_size=BATCH, collate_fn=collate), tok)
    steps = train(model, clean)

    print("garden_notes, then x_posts, through guardrail.guard:")
    model = _tiny.model(tok)
    mixed = guardrail.guard(
        DataLoader(Rows(tok, "garden_notes", "x_posts"), batch_size=BATCH, collate_fn=collate), tok
    )
    try:
        train(model, mixed)
    except guardrail.GuardrailViolation as stop:
        print(str(stop).splitlines()[0])
        checked = mixed.batches_checked
        print(
            f"  stopped at batch {checked}: the {checked - 1} clean batches trained, the blocked one never did"
        )
        return 0 if steps == 96 // BATCH and checked == 96 // BATCH + 1 else 1
    print("the X posts reached the model: the guard did not work")
    return 1


if __name__ == "__main__":
    sys.exit(main())
