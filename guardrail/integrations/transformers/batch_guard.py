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
from guardrail.findings import Evidence, Problem, Report
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
        strict: A batch with neither text nor `input_ids` is could-not-check (for `guard`,
            which may be handed anything; a Trainer's batches are the model's inputs).
    """

    def __init__(
        self,
        config: GuardrailConfig,
        target: str,
        processing_class: Any,
        decide: Callable[[Report], None],
        *,
        strict: bool = False,
    ) -> None:
        self.config = config
        self.strict = strict
        self.scanner = BatchScanner(config, target, split="train")
        self.processing_class = processing_class
        self.decide = decide
        self.batches = 0

    def check(self, batch: Any) -> None:
        texts = batch_texts(batch, self.processing_class)
        evidence = self.scanner.scan(texts_batch(texts)) if texts else self.scanner.evidence()
        if not texts and self.processing_class is None and _has_tokens(batch):
            # Token IDs with nothing to decode them: could not check, which is never a pass.
            evidence = evidence.merge(Evidence(target=evidence.target, problems=(_cannot_decode(),)))
        elif not texts and self.strict and not _has_tokens(batch):
            evidence = evidence.merge(Evidence(target=evidence.target, problems=(_no_text(batch),)))
        self.batches += 1
        self.decide(judge([evidence], self.config))


def _has_tokens(batch: Any) -> bool:
    if isinstance(batch, list | tuple):
        return any(_has_tokens(r) for r in batch if isinstance(r, Mapping))
    return isinstance(batch, Mapping) and batch.get(TOKEN_COLUMN) is not None


def _no_text(batch: Any) -> Problem:
    return Problem(
        "no-text-in-batch",
        f"a batch ({type(batch).__name__}) holds no text and no {TOKEN_COLUMN}, so it could not be checked",
        f"yield dicts (or rows) with text columns or {TOKEN_COLUMN}, and pass the tokenizer",
    )


def _cannot_decode() -> Problem:
    return Problem(
        "cannot-decode",
        f"a batch holds only {TOKEN_COLUMN} and no tokenizer was given to decode them, "
        "so its text could not be checked",
        "pass the tokenizer (processing_class= to the Trainer, tokenizer= to guardrail.guard)",
    )


def batch_texts(batch: Any, processing_class: Any) -> list[str]:
    """The text in a collated batch: string fields, and `input_ids` decoded (padding dropped).

    A bare string, or a list of strings or of rows, is taken as rows of text (plain loops
    iterate such things; a `DataLoader` collates dicts).
    """
    if isinstance(batch, str):
        return [batch]
    if isinstance(batch, list | tuple) and batch and all(isinstance(r, str | Mapping) for r in batch):
        return [t for r in batch for t in batch_texts(r, processing_class)]
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
