"""`guardrail.guard`: the callback's checks for training loops that are not `Trainer`.

Plain PyTorch and accelerate loops iterate a `DataLoader` directly, so no callback ever runs.
`guard(loader)` does what `GuardrailCallback` does at `on_train_begin`, at once: it checks the
data it can see behind the loader (`loader.dataset`, looked through accelerate and torch
wrappers; provenance, text columns, or `input_ids` decoded with the tokenizer). Then every batch
is checked before it is handed to the loop, so `GuardrailViolation` is raised before the first
blocked batch reaches the model and no optimizer step ever includes it.

Nothing here imports torch or transformers: any iterable of batches or rows can be guarded.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from guardrail.config import GuardrailConfig, load_config
from guardrail.errors import GuardrailViolation
from guardrail.findings import Report, Verdict
from guardrail.integrations.shared import enforce, judge, render_text
from guardrail.integrations.transformers.batch_guard import BatchGuard
from guardrail.integrations.transformers.training_data import ITERABLE_HEAD_ROWS, DataSummary, summarize


class GuardedLoader:
    """An iterable that checks each batch of `loader` before yielding it.

    Everything else (`len`, `dataset`, `batch_size`, `sampler.set_epoch`...) is the wrapped
    loader's, so it drops into a loop in its place. Re-iterable as the loader is (one pass per
    epoch); the verdict accumulates over every batch it has checked.

    Args:
        loader: What the loop iterates.
        batch_guard: The per-batch check.
        summary: What the up-front check found (`None` when nothing could be seen up front).
        report: The up-front decision.
    """

    def __init__(
        self, loader: Any, batch_guard: BatchGuard, summary: DataSummary | None, report: Report
    ) -> None:
        self.loader = loader
        self.batch_guard = batch_guard
        self.summary = summary
        self.report = report

    def __iter__(self) -> Iterator[Any]:
        check = self.batch_guard.check
        for batch in self.loader:
            check(batch)  # raises before the batch leaves this generator
            yield batch

    def __len__(self) -> int:
        return len(self.loader)

    def __getattr__(self, name: str) -> Any:
        # Only called for names this object lacks: the loader's own attributes.
        loader = self.__dict__.get("loader")
        if loader is None:  # mid-unpickling, before __dict__ is filled
            raise AttributeError(name)
        return getattr(loader, name)

    @property
    def batches_checked(self) -> int:
        return self.batch_guard.batches


def guard(
    loader: Any,
    tokenizer: Any = None,
    *,
    config: GuardrailConfig | str | Path | None = None,
    target: str = "training data",
    head_rows: int = ITERABLE_HEAD_ROWS,
) -> GuardedLoader:
    """Wrap a `DataLoader` (or any iterable of batches or rows) so X (Twitter) data never reaches the loop.

    Example:
        >>> loader = guardrail.guard(DataLoader(dataset, batch_size=8), tokenizer)
        >>> for batch in loader:  # raises GuardrailViolation before a blocked batch
        ...     loss = model(**batch).loss

    Args:
        loader: A PyTorch `DataLoader`, an accelerate-prepared loader, a `datasets` dataset, or
            any iterable of batches (dicts of columns) or rows (dicts or strings).
        tokenizer: Decodes `input_ids` back to text. Without one, a batch of token IDs alone
            cannot be checked, and (failing closed) stops the loop; so does a batch with no
            text and no `input_ids` at all (a tuple of tensors, say).
        config: A `GuardrailConfig`, a path to `guardrail.toml`/`pyproject.toml`, or None to
            discover one from the working directory, as the CLI does.
        target: Name of the data in reports.
        head_rows: Rows of an iterable `datasets` dataset read up front.

    Returns:
        A `GuardedLoader` to iterate in place of `loader`.

    Raises:
        GuardrailViolation: now, if the data behind the loader is blocked; later, from the
            iteration, before the first blocked batch is yielded.
        ConfigError: if the configuration is invalid.
    """
    policy = config if isinstance(config, GuardrailConfig) else load_config(config)
    summary = _upfront(loader, tokenizer, policy, head_rows)
    evidence = summary.evidence if summary is not None else []
    report = judge(evidence, policy) if evidence else Report(targets=(), fail_open=policy.fail_open)
    enforce(report, f"guardrail.guard: the {target} behind the loader")

    state = {"warned": report.targets and any(t.verdict is Verdict.WARN for t in report.targets)}

    def decide(batch_report: Report) -> None:
        if batch_report.blocked:
            raise GuardrailViolation(
                batch_report, f"guardrail.guard: a batch of the {target}; it was not yielded", render_text
            )
        if not state["warned"] and batch_report.targets[0].verdict is Verdict.WARN:
            state["warned"] = True  # once: a warning per batch would drown the log
            enforce(batch_report, f"guardrail.guard: the {target} (batches so far)")

    return GuardedLoader(
        loader,
        BatchGuard(policy, f"{target} (batches as drawn)", tokenizer, decide, strict=True),
        summary,
        report,
    )


def _upfront(loader: Any, tokenizer: Any, config: GuardrailConfig, head_rows: int) -> DataSummary | None:
    """What can be checked before the first batch: the dataset behind the loader, if any."""
    data = getattr(loader, "dataset", None)
    if data is None and type(loader).__module__.startswith("datasets."):
        data = loader  # a `datasets` object iterated directly
    if data is None:
        return None  # a generator or a list of batches: checked batch by batch only
    return summarize("train", data, tokenizer, config, head_rows=head_rows)
