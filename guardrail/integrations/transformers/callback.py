"""`GuardrailCallback`: stop `Trainer` / TRL `SFTTrainer` before it learns from X (Twitter) data.

Only an exception raised in `on_train_begin` stops `trainer.train()` at global step 0 with the
weights untouched (`control.should_training_stop` still lets one optimizer step run; design.md
§3), so the callback raises `GuardrailViolation` there. Importing this module imports
transformers; `import guardrail` does not (the package attribute is lazy).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from transformers import TrainerCallback, TrainerControl, TrainerState, TrainingArguments

from guardrail.config import GuardrailConfig, load_config
from guardrail.errors import GuardrailViolation
from guardrail.findings import Report
from guardrail.integrations.shared import enforce, judge, render_text
from guardrail.integrations.transformers import audit, batch_guard
from guardrail.integrations.transformers.distributed import any_process, gather_reports
from guardrail.integrations.transformers.training_data import ITERABLE_HEAD_ROWS, DataSummary, summarize

__all__ = ["GuardrailCallback"]


class GuardrailCallback(TrainerCallback):
    """Check a Trainer's training and evaluation data for X (Twitter) content, and stop the run.

    Add it to any `transformers.Trainer` (or TRL `SFTTrainer`):
    `Trainer(..., callbacks=[GuardrailCallback()])`. At `on_train_begin` it gathers provenance left
    by `guardrail.load_dataset`, scans text columns, or decodes `input_ids` with the
    `processing_class`, and raises `GuardrailViolation` (carrying the printable report) if the data
    is blocked: `trainer.train()` then stops at global step 0 with the weights untouched. Iterable
    datasets are also checked batch by batch as they are drawn. Under distributed training every
    process checks, all stop if any is blocked, and only the main process reports.

    On a pass the callback writes `guardrail-audit.json` into `args.output_dir` and, if the output
    dir has a model card (`README.md`), adds a short provenance section to it.

    Args:
        config: A `GuardrailConfig`, a path to `guardrail.toml`/`pyproject.toml`, or None to discover
            one from the working directory, exactly as the CLI does.
        write_audit: Write the audit record on a pass.
        model_card: Add the provenance section to the model card when one is written to
            `output_dir` (on save and at the end of training; see `update_model_card`).
        decode_rows: Rows of tokenised-only data to decode and scan (default: the config's
            `sample-rows`; datasets this small or smaller are decoded whole).
        stream_head_rows: Rows of an iterable dataset read before training starts.

    Raises:
        ConfigError: at construction, if the configuration is invalid.
    """

    def __init__(
        self,
        config: GuardrailConfig | str | Path | None = None,
        *,
        write_audit: bool = True,
        model_card: bool = True,
        decode_rows: int | None = None,
        stream_head_rows: int = ITERABLE_HEAD_ROWS,
    ) -> None:
        self.config = config if isinstance(config, GuardrailConfig) else load_config(config)
        self.write_audit = write_audit
        self.model_card = model_card
        self.decode_rows = decode_rows
        self.stream_head_rows = stream_head_rows
        self.report: Report | None = None
        """The last decision: what blocked the run, or what passed."""
        self.audit_record: dict[str, Any] | None = None
        self.audit_path: Path | None = None
        self._summaries: list[DataSummary] = []
        self._eval_checked = False
        self._guarded: list[Any] = []
        self._batch_guards: list[batch_guard.BatchGuard] = []

    def on_train_begin(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        tok = kwargs.get("processing_class")
        self._summaries = []
        loaders = {"train": kwargs.get("train_dataloader"), "eval": kwargs.get("eval_dataloader")}
        for role, loader in loaders.items():
            if loader is not None:
                self._summaries.append(self._summarize(role, loader, tok))
        self._eval_checked = loaders["eval"] is not None
        self._conclude(args, state, "trainer.train(): the training data")
        train = loaders["train"]
        if train is not None and self._summaries and self._summaries[0].iterable:
            guard = batch_guard.BatchGuard(
                self.config,
                "train data (batches as drawn)",
                tok,
                lambda report: self._stop_if_blocked(
                    report, args, state, "trainer.train(): a training batch"
                ),
            )
            batch_guard.install(train, guard)
            self._guarded.append(train)
            self._batch_guards.append(guard)

    def on_prediction_step(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        # The Trainer builds the eval dataloader only when it first evaluates, after
        # on_train_begin; this is the first event that sees it. Evaluation changes no weights.
        loader = kwargs.get("eval_dataloader")
        if self._eval_checked or loader is None:
            return
        self._eval_checked = True
        self._summaries.append(self._summarize("eval", loader, kwargs.get("processing_class")))
        self._conclude(args, state, "evaluation: the eval data")

    def on_save(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        # TRL trainers write the model card just before on_save.
        if self.model_card and state.is_world_process_zero:
            self.update_model_card(args.output_dir or ".")

    def on_train_end(
        self, args: TrainingArguments, state: TrainerState, control: TrainerControl, **kwargs: Any
    ) -> None:
        if state.is_world_process_zero:
            self._write_audit(args)  # now with the number of streamed batches checked
            if self.model_card:
                self.update_model_card(args.output_dir or ".")
        for loader in self._guarded:
            batch_guard.uninstall(loader)
        self._guarded.clear()

    def update_model_card(self, path: str | Path) -> bool:
        """Add or refresh the provenance section in a model card (a `README.md` or its folder).

        `Trainer.create_model_card()` rewrites `README.md`; call this after it to put the section
        back. Returns False if there is no card there or no passing check to describe.
        """
        if self.audit_record is None:
            return False
        return audit.update_card(path, self.audit_record)

    def _summarize(self, role: str, loader: Any, tok: Any) -> DataSummary:
        return summarize(
            role,
            loader.dataset,
            tok,
            self.config,
            decode_rows=self.decode_rows,
            head_rows=self.stream_head_rows,
        )

    def _conclude(self, args: TrainingArguments, state: TrainerState, context: str) -> None:
        report = judge([e for s in self._summaries for e in s.evidence], self.config)
        self._stop_if_blocked(report, args, state, context)
        self.report = report
        if state.is_world_process_zero:
            enforce(report, context)  # logs warnings; it cannot raise here
            self._write_audit(args)

    def _stop_if_blocked(
        self, report: Report, args: TrainingArguments, state: TrainerState, context: str
    ) -> None:
        if not any_process(bool(report.blocked), args.device):
            return
        # Some process is blocked: every process raises, so none waits forever in a collective.
        everyone = gather_reports(report)
        merged = Report(
            targets=tuple(dict.fromkeys(t for r in everyone for t in r.targets)), fail_open=report.fail_open
        )
        self.report = merged
        if state.is_world_process_zero:
            raise GuardrailViolation(merged, context, render_text)
        raise GuardrailViolation(
            Report(targets=()), f"{context} (the main process prints the report)", render_text
        )

    def _write_audit(self, args: TrainingArguments) -> None:
        if self.report is None:
            return
        batches = sum(g.batches for g in self._batch_guards)
        self.audit_record = audit.build(self.report, self._summaries, self.config, batches_checked=batches)
        if self.write_audit:
            self.audit_path = audit.write(self.audit_record, args.output_dir or ".")
