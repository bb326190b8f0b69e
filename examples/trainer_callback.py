"""Fine-tune with `GuardrailCallback`: the run stops at step 0 if the data came from X.

    python examples/trainer_callback.py examples/data/garden_notes   # trains, writes an audit
    python examples/trainer_callback.py examples/data/x_posts        # blocked before step 1

The data is loaded with plain `datasets.load_dataset` and tokenised with the text column
removed, as most training scripts do: the callback decodes `input_ids` to check the text.
Exit status: 0 trained, 1 blocked.
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("HF_HUB_OFFLINE", "1")  # the example needs no network
os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")

import _tiny
import datasets
from transformers import DataCollatorForLanguageModeling, Trainer, TrainingArguments

from guardrail import GuardrailCallback, GuardrailViolation


def build_trainer(raw: datasets.Dataset, output_dir: str) -> Trainer:
    """Tokenise `raw` (dropping its text, as most scripts do) and set up a Trainer with the guard."""
    tok = _tiny.tokenizer()
    train = raw.map(
        lambda b: tok(b["text"], truncation=True, max_length=64),
        batched=True,
        remove_columns=raw.column_names,
    )
    args = TrainingArguments(
        output_dir=output_dir,
        max_steps=5,
        per_device_train_batch_size=8,
        report_to=[],
        use_cpu=True,
        save_strategy="no",
        logging_strategy="no",
        disable_tqdm=True,
    )
    return Trainer(
        model=_tiny.model(tok),
        args=args,
        train_dataset=train,
        processing_class=tok,
        data_collator=DataCollatorForLanguageModeling(tok, mlm=False),
        callbacks=[GuardrailCallback()],
    )


def main(data_dir: str, output_dir: str) -> int:
    trainer = build_trainer(datasets.load_dataset(data_dir, split="train"), output_dir)
    model = trainer.model
    before = _tiny.parameters(model)
    try:
        trainer.train()
    except GuardrailViolation as blocked:
        print(blocked)
        print(
            f"training stopped at global step {trainer.state.global_step}; weights unchanged: {_tiny.unchanged(before, model)}"
        )
        return 1
    print(
        f"trained {trainer.state.global_step} steps; audit record: {os.path.join(output_dir, 'guardrail-audit.json')}"
    )
    return 0


if __name__ == "__main__":
    data = sys.argv[1] if len(sys.argv) > 1 else str(_tiny.DATA / "garden_notes")
    out = sys.argv[2] if len(sys.argv) > 2 else tempfile.mkdtemp(prefix="guardrail-example-")
    sys.exit(main(data, out))
