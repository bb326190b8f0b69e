"""Check every batch an iterable dataloader yields, before the training loop receives it.

An iterable dataset cannot be read whole before training, so its batches are checked as
they are drawn. The check sits at the outermost iterator, the one `Trainer` iterates after
`on_train_begin`: whatever accelerate prefetches underneath, a batch reaches the model only
after it passed. A blocked batch raises out of `trainer.train()` before its forward pass, so
no optimizer step ever includes it (steps on earlier, clean batches stand).

The hook is installed by swapping the dataloader instance's class for a subclass whose
`__iter__` checks; `uninstall` restores it. `__iter__` is looked up on the type, so an
instance attribute would not do, and the Trainer keeps using the same object. (Resuming from
a checkpoint mid-epoch makes the Trainer rebuild the dataloader with `skip_first_batches`;
that epoch's batches are then covered only by the up-front check.)
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from guardrail.config import GuardrailConfig
from guardrail.findings import Report
from guardrail.integrations.library_internals import set_class
from guardrail.integrations.shared import BatchScanner, judge, texts_batch
from guardrail.integrations.transformers.training_data import TOKEN_COLUMN, decode

_SUBCLASSES: dict[type, type] = {}


class BatchGuard:
    """Decode and scan one collated batch at a time and hand the verdict so far to `decide`.

    Args:
        config: The policy.
        target: Name of the data in reports.
        processing_class: Tokenizer (or processor) to decode `input_ids` with.
        decide: Called with the report after every batch; raises if the run must stop. It is
            called on every batch, blocked or not, because that is where processes agree.
    """

    def __init__(
        self,
        config: GuardrailConfig,
        target: str,
        processing_class: Any,
        decide: Callable[[Report], None],
    ) -> None:
        self.config = config
        self.scanner = BatchScanner(config, target, split="train")
        self.processing_class = processing_class
        self.decide = decide
        self.batches = 0

    def check(self, batch: Any) -> None:
        texts = batch_texts(batch, self.processing_class)
        evidence = self.scanner.scan(texts_batch(texts)) if texts else self.scanner.evidence()
        self.batches += 1
        self.decide(judge([evidence], self.config))


def batch_texts(batch: Any, processing_class: Any) -> list[str]:
    """The text in a collated batch: string fields, and `input_ids` decoded (padding dropped)."""
    if not isinstance(batch, Mapping):
        return []
    texts: list[str] = []
    for value in batch.values():
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, list | tuple):
            texts.extend(v for v in value if isinstance(v, str))
    ids = batch.get(TOKEN_COLUMN)
    if ids is not None and processing_class is not None:
        rows = ids.tolist() if hasattr(ids, "tolist") else list(ids)
        mask = batch.get("attention_mask")
        if mask is not None:
            flags = mask.tolist() if hasattr(mask, "tolist") else list(mask)
            rows = [[t for t, m in zip(r, f, strict=False) if m] for r, f in zip(rows, flags, strict=False)]
        texts.extend(decode(processing_class, rows))
    return texts


def install(dataloader: Any, guard: BatchGuard) -> None:
    """Make `dataloader` run `guard.check` on each batch before yielding it."""
    base = getattr(type(dataloader), "_guardrail_base", type(dataloader))
    sub = _SUBCLASSES.get(base)
    if sub is None:

        def __iter__(self: Any) -> Iterator[Any]:
            check = self._guardrail_guard.check
            for batch in base.__iter__(self):
                check(batch)
                yield batch

        sub = type(f"Guarded{base.__name__}", (base,), {"__iter__": __iter__, "_guardrail_base": base})
        _SUBCLASSES[base] = sub
    dataloader._guardrail_guard = guard
    set_class(dataloader, sub)


def uninstall(dataloader: Any) -> None:
    """Undo `install` (a no-op on a dataloader that was never guarded)."""
    base = getattr(type(dataloader), "_guardrail_base", None)
    if base is not None:
        set_class(dataloader, base)
